//! Where the service listens and what it stores to: the HTTP server and the database.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// Base of the links the server prints and hands out (invitations, first-admin set-up).
    /// Defaults to `http://HOST:PORT`.
    pub public_url: Option<String>,
    /// Mark cookies `Secure`; turn on behind HTTPS.
    pub secure_cookies: bool,
    pub session_ttl_hours: i64,
    /// Failed logins allowed per e-mail address and per client address in a 15-minute window.
    pub login_attempts_per_window: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            public_url: None,
            secure_cookies: false,
            session_ttl_hours: 12,
            login_attempts_per_window: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://PATH?mode=rwc` or `postgres://USER:PASS@HOST/DB`.
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/interviewer.db?mode=rwc".into(),
        }
    }
}

impl ServerConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.session_ttl_hours <= 0 {
            return Err("server.session_ttl_hours must be positive".into());
        }
        if self.login_attempts_per_window == 0 {
            return Err("server.login_attempts_per_window must be at least 1".into());
        }
        Ok(())
    }
}

impl DatabaseConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        let url = &self.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(format!(
                "database.url `{}` is neither sqlite: nor postgres://; set DATABASE_URL=sqlite://data/interviewer.db?mode=rwc or postgres://user:pass@host/db",
                redact_url(url)
            ));
        }
        Ok(())
    }
}

/// Hides the password of a database URL in messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}
