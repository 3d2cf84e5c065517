//! The e-mails the service sends, as plain text: what the candidate is invited to, that an
//! AI interviewer conducts it and asks for consent first, the link, and when it expires.
//! Pure: names, link and dates in, `Letter` out.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

/// What every invitation tells the candidate before they click: who interviews them, that
/// consent comes first, and that typing is always possible.
const ABOUT: &str = "The interview is conducted by an AI interviewer: an animated avatar with a \
synthetic voice asks the questions, and a person at the organization reviews the results. \
Before anything starts you will see how your answers are used and be asked for your \
consent. You can answer by voice or by typing.";

pub fn invitation(
    organization: &str,
    role: &str,
    name: &str,
    email: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> Letter {
    Letter {
        to_name: name.to_string(),
        to_email: email.to_string(),
        subject: format!("Your interview for {role} at {organization}"),
        body: format!(
            "Hello {name},\n\n{organization} invites you to an interview for the role of {role}.\n\n\
             {ABOUT}\n\nStart when it suits you, in one sitting of about 30 minutes:\n{link}\n\n\
             The link is yours alone and works until {}.\n\nIf you did not expect this e-mail, \
             you can ignore it.\n",
            until(expires_at)
        ),
    }
}

/// The reminder: the same facts, and a link that replaces the first one.
pub fn reminder(
    organization: &str,
    role: &str,
    name: &str,
    email: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> Letter {
    let first = invitation(organization, role, name, email, link, expires_at);
    Letter {
        subject: format!("Reminder: {}", first.subject.replacen("Your", "your", 1)),
        body: format!(
            "Hello {name},\n\nA reminder that {organization} invited you to an interview for \
             the role of {role}, and it has not been started yet.\n\n{ABOUT}\n\nThis link \
             replaces the one in our first e-mail:\n{link}\n\nIt works until {}.\n",
            until(expires_at)
        ),
        ..first
    }
}

fn until(at: DateTime<Utc>) -> String {
    at.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_discloses_the_ai_and_says_when_it_expires() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let l = invitation(
            "Acme",
            "Backend Engineer",
            "Ada",
            "ada@example.com",
            "http://x/i/abc",
            at,
        );
        assert_eq!(l.subject, "Your interview for Backend Engineer at Acme");
        assert!(l.body.contains("AI interviewer"));
        assert!(l.body.contains("consent"));
        assert!(l.body.contains("http://x/i/abc"));
        assert!(l.body.contains("Tuesday 1 December 2026, 17:00 UTC"));
        let r = reminder(
            "Acme",
            "Backend Engineer",
            "Ada",
            "ada@example.com",
            "http://x/i/new",
            at,
        );
        assert!(r.subject.starts_with("Reminder"));
        assert!(r.body.contains("replaces the one in our first e-mail"));
    }
}
