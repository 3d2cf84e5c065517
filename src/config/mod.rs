//! The one `Config`: defaults that run offline, then an optional TOML file, then environment
//! overrides (`INTERVIEWER__SECTION__KEY`, plus the conventional `DATABASE_URL` and
//! `OPENAI_*`). `validate` runs at start-up and says how to fix what is wrong; each section
//! checks its own values beside its definition.

mod background;
mod env;
mod interview;
mod llm;
mod media;
mod server;
mod speech;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use env::apply_env;

pub use background::{MailConfig, RetentionConfig, WebhooksConfig};
pub use interview::{ContentConfig, InterviewConfig, ScoringConfig};
pub use llm::LlmConfig;
pub use media::{AvatarConfig, IceServerConfig, LiveConfig, RtcConfig};
pub use server::{DatabaseConfig, ServerConfig, redact_url};
pub use speech::{SttConfig, TtsConfig, TtsEngine};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub llm: LlmConfig,
    pub interview: InterviewConfig,
    pub content: ContentConfig,
    pub stt: SttConfig,
    pub tts: TtsConfig,
    pub scoring: ScoringConfig,
    pub avatar: AvatarConfig,
    pub rtc: RtcConfig,
    pub live: LiveConfig,
    pub mail: MailConfig,
    pub retention: RetentionConfig,
    pub webhooks: WebhooksConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then `file`, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// As `load`, with the environment given explicitly (tests never read the real one).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table = toml::Table::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.into(),
                source,
            })?;
            table = text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Parse {
                    path: path.into(),
                    message: e.to_string(),
                })?;
        }
        for (var, value) in env {
            apply_env(&mut table, &var, &value)?;
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot, with a fix in every message.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let checks = [
            self.server.check(),
            self.database.check(),
            self.llm.check(),
            self.interview.check(),
            self.content.check(),
            self.stt.check(),
            self.tts.check(),
            self.scoring.check(),
            self.avatar.check(),
            self.rtc.check(),
            self.live.check(),
            self.mail.check(),
            self.retention.check(),
            self.webhooks.check(),
        ];
        checks
            .into_iter()
            .collect::<Result<(), String>>()
            .map_err(ConfigError::Invalid)
    }

    /// The base URL used in links handed to people.
    pub fn public_url(&self, bound_port: u16) -> String {
        match &self.server.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}:{}", self.server.host, bound_port),
        }
    }

    pub fn llm_enabled(&self) -> bool {
        self.llm.base_url.is_some()
    }
}

/// Setting `key`'s `value` within `range`, or a message saying what is allowed (and `note`:
/// the default, what the value means).
fn within<T: PartialOrd + std::fmt::Display>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    note: &str,
) -> Result<(), String> {
    if range.contains(&value) {
        return Ok(());
    }
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" ({note})")
    };
    Err(format!(
        "{key} {value} is out of range; use {}..={}{note}",
        range.start(),
        range.end()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_validate_and_run_offline() {
        let c = Config::load_from(None, env(&[])).expect("defaults are valid");
        assert!(c.database.url.starts_with("sqlite:"));
        assert!(!c.llm_enabled());
        assert_eq!(c.public_url(8080), "http://127.0.0.1:8080");
    }

    #[test]
    fn env_overrides_file_which_overrides_defaults() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "[server]\nport = 9000\nhost = \"0.0.0.0\"").unwrap();
        let c = Config::load_from(
            Some(f.path()),
            env(&[("INTERVIEWER__SERVER__PORT", "9100"), ("HOME", "/x")]),
        )
        .unwrap();
        assert_eq!(c.server.port, 9100);
        assert_eq!(c.server.host, "0.0.0.0");
    }

    #[test]
    fn conventional_variables_switch_database_and_llm() {
        let c = Config::load_from(
            None,
            env(&[
                ("DATABASE_URL", "postgres://u:p@localhost/db"),
                ("OPENAI_BASE_URL", "http://127.0.0.1:1/v1"),
            ]),
        )
        .unwrap();
        assert!(c.database.url.starts_with("postgres://"));
        assert!(c.llm_enabled());
    }

    #[test]
    fn bad_values_say_how_to_fix() {
        let e = Config::load_from(None, env(&[("DATABASE_URL", "mysql://x")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("DATABASE_URL="), "{e}");
        let e = Config::load_from(None, env(&[("INTERVIEWER__SERVER__PORT", "99999")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("port") || e.contains("invalid"), "{e}");
        let e = Config::load_from(None, env(&[("INTERVIEWER__SERVER", "1")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("INTERVIEWER__SECTION__KEY"), "{e}");
        let e = Config::load_from(None, env(&[("INTERVIEWER__SERVER__NOPE", "1")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope"), "{e}");
        let e = Config::load_from(None, env(&[("INTERVIEWER__WEBHOOKS__MAX_ATTEMPTS", "0")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("webhooks.max_attempts 0 is out of range; use 1..=20 (default 8)"),
            "{e}"
        );
        let e = Config::load_from(None, env(&[("INTERVIEWER__TTS__LENGTH_SCALE", "3.5")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("tts.length_scale 3.5 is out of range"), "{e}");
    }

    #[test]
    fn database_password_is_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://***@h/db"
        );
    }
}
