//! E-mail over SMTP: `message` writes the invitations and reminders (pure), `Mailer` sends
//! them (lettre, STARTTLS or TLS as the URL says), `reminders` is the background task that
//! reminds candidates who have not started.

pub mod message;
pub mod reminders;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::MailConfig;
use message::Letter;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "mail.smtp_url is not a usable SMTP URL ({0}); for example smtp://localhost:25 or smtp://user:pass@mail.example.com:587?tls=required"
    )]
    Url(String),
    #[error("mail.from `{0}` is not an address; for example `Interviews <interviews@example.com>`")]
    From(String),
    #[error("`{0}` is not an e-mail address")]
    To(String),
    #[error("the e-mail could not be built: {0}")]
    Build(String),
    #[error("the SMTP server did not take the e-mail: {0}")]
    Send(String),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The configured mailer; none when no SMTP server is configured (links are then shared
    /// by hand).
    pub fn from_config(c: &MailConfig) -> Result<Option<Self>, MailError> {
        let Some(url) = &c.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(c.timeout_secs)))
            .build();
        let from = c
            .from
            .parse()
            .map_err(|_| MailError::From(c.from.clone()))?;
        Ok(Some(Self { transport, from }))
    }

    pub async fn send(&self, letter: &Letter) -> Result<(), MailError> {
        let to = Mailbox::new(
            Some(letter.to_name.clone()),
            letter
                .to_email
                .parse()
                .map_err(|_| MailError::To(letter.to_email.clone()))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&letter.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}
