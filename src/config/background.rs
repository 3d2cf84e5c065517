//! The background jobs' settings: e-mail (invitations and reminders), retention and
//! webhooks.

use secrecy::SecretString;
use serde::Deserialize;

use super::within;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server for invitations and reminders, e.g. `smtp://localhost:25` or
    /// `smtp://user:pass@mail.example.com:587?tls=required`. Unset: invitation links are
    /// shown to the recruiter to share by hand.
    pub smtp_url: Option<SecretString>,
    /// The sender, e.g. `Interviews <interviews@example.com>`.
    pub from: String,
    /// Whether a candidate who has not opened an e-mailed invitation gets one reminder.
    pub send_reminders: bool,
    /// How long after the invitation e-mail the reminder is due.
    pub reminder_after_mins: u64,
    /// How often the server looks for due reminders.
    pub reminder_check_secs: u64,
    pub timeout_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Interviews <interviews@localhost>".into(),
            send_reminders: true,
            reminder_after_mins: 48 * 60,
            reminder_check_secs: 300,
            timeout_secs: 20,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// How often organizations' retention periods are applied (`db::retention`).
    pub check_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self { check_secs: 3600 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// How often due deliveries are looked for.
    pub poll_ms: u64,
    /// The wait after the first failed attempt; it doubles after each one (at most an hour).
    pub retry_base_ms: u64,
    /// Attempts before a delivery is marked failed.
    pub max_attempts: u32,
    /// How long one request may take.
    pub timeout_secs: u64,
    /// Whether endpoints may be on the loopback, private or link-local networks (a receiver
    /// beside the server); off, only public addresses are posted to (`webhooks::target`).
    pub allow_private_targets: bool,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            poll_ms: 1000,
            retry_base_ms: 10_000,
            max_attempts: 8,
            timeout_secs: 10,
            allow_private_targets: false,
        }
    }
}

impl MailConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within(
            "mail.reminder_check_secs",
            self.reminder_check_secs,
            1..=86_400,
            "default 300",
        )?;
        within(
            "mail.timeout_secs",
            self.timeout_secs,
            1..=300,
            "default 20",
        )?;
        Ok(())
    }
}

impl RetentionConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within(
            "retention.check_secs",
            self.check_secs,
            1..=86_400,
            "default 3600",
        )?;
        Ok(())
    }
}

impl WebhooksConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within(
            "webhooks.poll_ms",
            self.poll_ms,
            10..=60_000,
            "default 1000",
        )?;
        within(
            "webhooks.retry_base_ms",
            self.retry_base_ms,
            10..=3_600_000,
            "default 10000",
        )?;
        within(
            "webhooks.max_attempts",
            self.max_attempts,
            1..=20,
            "default 8",
        )?;
        within(
            "webhooks.timeout_secs",
            self.timeout_secs,
            1..=120,
            "default 10",
        )?;
        Ok(())
    }
}
