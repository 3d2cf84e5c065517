//! A real SMTP server on loopback (aiosmtpd from Debian's python3-aiosmtpd) that files each
//! message it accepts into a maildir, and a test that invitations and their reminders arrive
//! there with links that work.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use interviewer::auth::Role;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::*;

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        // Debian's interpreter carries the packaged aiosmtpd, whatever else is on PATH.
        let python = std::env::var("SMTP_PYTHON").unwrap_or_else(|_| {
            if std::path::Path::new("/usr/bin/python3").exists() {
                "/usr/bin/python3".into()
            } else {
                "python3".into()
            }
        });
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{python} -m aiosmtpd (apt install python3-aiosmtpd): {e}"));
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "aiosmtpd did not listen on {port} (apt install python3-aiosmtpd)"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, decoded from quoted-printable, oldest first.
    pub fn messages(&self) -> Vec<String> {
        let new: PathBuf = self.dir.path().join("maildir/new");
        let mut files: Vec<_> = std::fs::read_dir(&new)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| unquote(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} of {n} messages arrived",
                m.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Quoted-printable soft line breaks and `=XX` escapes undone.
fn unquote(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = String::with_capacity(joined.len());
    let mut bytes = Vec::new();
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            let hex: String = chars.clone().take(2).collect();
            if let Ok(b) = u8::from_str_radix(&hex, 16) {
                bytes.push(b);
                chars.next();
                chars.next();
                continue;
            }
        }
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(&bytes));
            bytes.clear();
        }
        out.push(c);
    }
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

fn link_in(message: &str) -> String {
    let at = message.find("/i/").expect("a link in the e-mail");
    let start = message[..at].rfind("http").unwrap();
    message[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn invitations_and_reminders_arrive_by_smtp_with_links_that_work() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_with(
        move |c| {
            c.mail.smtp_url = Some(SecretString::from(url));
            c.mail.from = "Acme Interviews <jobs@acme.example>".into();
            c.mail.reminder_after_mins = 0;
            c.mail.reminder_check_secs = 1;
        },
        None,
    )
    .await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (job, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let _ = job;

    // The invitation, then (due at once here) the reminder with a fresh link.
    let messages = smtp.wait_for(2).await;
    let (first, second) = (&messages[0], &messages[1]);
    assert!(
        first.contains("Subject: Your interview for Backend Engineer at Acme"),
        "{first}"
    );
    assert!(
        first.contains("To: \"Ada Lovelace\" <ada@example.com>")
            || first.contains("To: Ada Lovelace <ada@example.com>"),
        "{first}"
    );
    assert!(first.contains("AI interviewer"), "{first}");
    assert_eq!(link_in(first), link);
    assert!(
        second.contains("Subject: Reminder: your interview"),
        "{second}"
    );
    let fresh = link_in(second);
    assert_ne!(fresh, link);

    // Only one link is ever live: the reminder's.
    let old = Client::anonymous(&app)
        .get(link.strip_prefix(&app.url).unwrap())
        .await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    let (_, id) = open_invite(&app, &fresh).await;
    assert!(id > 0);
    // Reminded once, never again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(smtp.messages().len(), 2);

    // A server that cannot be reached: the invitation stands, the link comes back with why.
    let down = spawn_with(
        |c| {
            c.mail.smtp_url = Some(SecretString::from("smtp://127.0.0.1:9".to_string()));
            c.mail.timeout_secs = 2;
        },
        None,
    )
    .await;
    let org = create_org(&down, "Acme").await;
    create_user(&down, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let rec = Client::login(&down, "rec@acme.example").await;
    let (job, _) = role_with_invite(&rec, "first@example.com").await;
    let r = rec
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": "grace@example.com", "name": "Grace" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["emailed"], false);
    assert!(
        r.body["email_error"].as_str().unwrap().contains("SMTP"),
        "{:?}",
        r.body
    );
    assert!(r.body["link"].as_str().unwrap().contains("/i/"));
}
