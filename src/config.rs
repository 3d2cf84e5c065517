//! The one `Config`: defaults that run offline, then an optional TOML file, then environment
//! overrides (`INTERVIEWER__SECTION__KEY`, plus the conventional `DATABASE_URL` and
//! `OPENAI_*`). `validate` runs at start-up and says how to fix what is wrong.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

const ENV_PREFIX: &str = "INTERVIEWER__";

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

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server). Unset: the
    /// built-in interviewer writes every follow-up.
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: String,
    /// A follow-up that takes longer is asked by the built-in interviewer instead.
    pub timeout_ms: u64,
    /// Longest follow-up question accepted from the model, in characters.
    pub max_question_chars: usize,
    /// A rubric grade (after the interview, in the background) may take this long.
    pub grade_timeout_ms: u64,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            model: "gpt-4o-mini".into(),
            timeout_ms: 8_000,
            max_question_chars: 300,
            grade_timeout_ms: 60_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InterviewConfig {
    pub invite_ttl_hours: i64,
    /// Largest code submission accepted, in bytes.
    pub max_code_bytes: usize,
    /// Longest typed answer accepted, in bytes.
    pub max_answer_bytes: usize,
    /// Longest spoken answer accepted as one upload.
    pub max_audio_secs: u32,
    /// Version tag of the AI disclosure and consent text shown to candidates; stored with
    /// each consent so a changed text is traceable.
    pub disclosure_version: String,
}

impl Default for InterviewConfig {
    fn default() -> Self {
        Self {
            invite_ttl_hours: 7 * 24,
            max_code_bytes: 200 * 1024,
            max_answer_bytes: 20 * 1024,
            max_audio_secs: 600,
            disclosure_version: "2026-11".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentConfig {
    pub question_bank_dir: PathBuf,
    pub prompts_dir: PathBuf,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            question_bank_dir: "question-bank".into(),
            prompts_dir: "prompts".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SttConfig {
    /// whisper.cpp model in ggml format (`scripts/fetch-models` places it).
    pub model: PathBuf,
    /// Silero VAD model and the ONNX Runtime library that runs it.
    pub vad_model: PathBuf,
    /// Smart Turn: whether a pause in live speech ends the candidate's turn.
    pub turn_model: PathBuf,
    pub onnxruntime: PathBuf,
    /// Speech probability at which a VAD segment starts (it ends 0.15 below).
    pub vad_threshold: f32,
    /// Silence that ends a speech segment.
    pub vad_min_silence_ms: u32,
    /// `auto`: an encoder window sized to the utterance, retried at full size if the decoder
    /// loops (fast); `full`: always the 30 s window (slow on short answers).
    pub audio_context: crate::pipeline::transcribe::AudioContext,
    /// CPU threads per transcription.
    pub threads: usize,
    pub language: String,
    /// Prompt Whisper to keep filled pauses ("um", "uh"), which it otherwise drops. Recorded
    /// answers are then transcribed with the full window (the prompt needs it).
    pub filler_prompt: bool,
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            model: "models/ggml-tiny.en.bin".into(),
            vad_model: "models/silero_vad.onnx".into(),
            turn_model: "models/smart-turn-v3.2-cpu.onnx".into(),
            onnxruntime: "models/libonnxruntime.so.1.31.1".into(),
            vad_threshold: 0.5,
            vad_min_silence_ms: 300,
            audio_context: crate::pipeline::transcribe::AudioContext::Auto,
            threads: 2,
            language: "en".into(),
            filler_prompt: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TtsEngine {
    /// The Piper voice, with espeak-ng standing in for any sentence Piper fails on.
    Piper,
    /// espeak-ng alone: robotic but small, and needs no model file.
    Espeak,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TtsConfig {
    pub engine: TtsEngine,
    /// Piper voice model; its configuration is the same path plus `.json`.
    pub voice: PathBuf,
    /// espeak-ng voice for the fallback (and for Piper's phonemes, which the Piper voice names).
    pub espeak_voice: String,
    /// Folder holding `espeak-ng-data`; unset uses the data built with the binary.
    pub espeak_data: Option<PathBuf>,
    /// Silence inserted between sentences, which are synthesized one at a time.
    pub sentence_pause_ms: u32,
    /// Speaking speed: above 1 is slower (Piper's `length_scale`).
    pub length_scale: f32,
}

impl Default for TtsConfig {
    fn default() -> Self {
        Self {
            engine: TtsEngine::Piper,
            voice: "models/en_US-joe-medium.onnx".into(),
            espeak_voice: "en-us".into(),
            espeak_data: None,
            sentence_pause_ms: 200,
            length_scale: 1.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AvatarConfig {
    /// The avatar's binary glTF (see avatar/README.md for what it must hold).
    pub model: PathBuf,
    /// Size of the rendered video, in pixels (even numbers).
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Samples per pixel: 4 (smooth edges) or 1 (about half the render cost on lavapipe).
    pub msaa: u32,
}

impl Default for AvatarConfig {
    fn default() -> Self {
        Self {
            model: "avatar/interviewer.glb".into(),
            width: 640,
            height: 480,
            fps: 30,
            msaa: 4,
        }
    }
}

/// WebRTC transport and media encoding for live interviews.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RtcConfig {
    /// STUN and TURN servers handed to both ends; none on a LAN or loopback.
    pub ice_servers: Vec<IceServerConfig>,
    /// Local UDP addresses to gather host candidates on; `0.0.0.0:0` means every
    /// non-loopback interface, each on an ephemeral port.
    pub udp_addrs: Vec<String>,
    /// Networks (CIDR) that a client's ICE candidates may name; empty accepts any. Keeps
    /// a client from making the server probe addresses it should not reach.
    pub remote_networks: Vec<String>,
    pub audio_bitrate: u32,
    /// Video bitrate ceiling; under load the frame rate and then the size drop first.
    pub video_bitrate: u32,
    /// Video frame rate while the avatar speaks or listens.
    pub video_fps: u32,
    /// Frame rate while nothing moves but breathing and blinks.
    pub idle_fps: u32,
    /// Seconds between unrequested key frames.
    pub keyframe_secs: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServerConfig {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

impl Default for RtcConfig {
    fn default() -> Self {
        Self {
            ice_servers: Vec::new(),
            udp_addrs: vec!["0.0.0.0:0".into()],
            remote_networks: Vec::new(),
            audio_bitrate: 32_000,
            video_bitrate: 800_000,
            video_fps: 25,
            idle_fps: 10,
            keyframe_secs: 4.0,
        }
    }
}

/// How a live interview behaves around silence and lost connections.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    /// Silence from the candidate, after a question, before a gentle prompt.
    pub prompt_after_secs: u64,
    /// Further silence after the prompt before the interview ends politely.
    pub end_after_secs: u64,
    /// How long a session waits for a lost connection to come back.
    pub reconnect_secs: u64,
    /// Candidate speech that interrupts the avatar must last this long.
    pub barge_in_ms: u32,
    /// Silence that ends a spoken answer whatever the end-of-turn model says: the longest
    /// thinking pause a candidate is given. Shorter answers faster and cuts more pauses.
    pub max_pause_ms: u32,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            prompt_after_secs: 20,
            end_after_secs: 40,
            reconnect_secs: 300,
            barge_in_ms: 250,
            max_pause_ms: 3000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// A silence between words at least this long is a pause in the fluency figures.
    pub min_pause_ms: u64,
    /// Sentence-embedding weights (safetensors) for content scores, with
    /// `<stem>.tokenizer.json` and `<stem>.config.json` beside them.
    pub embedding_model: PathBuf,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            min_pause_ms: 250,
            embedding_model: "models/all-MiniLM-L6-v2.safetensors".into(),
        }
    }
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
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if !(1..=86_400).contains(&self.mail.reminder_check_secs) {
            return bad(format!(
                "mail.reminder_check_secs {} is out of range; use 1..=86400 (default 300)",
                self.mail.reminder_check_secs
            ));
        }
        if !(1..=86_400).contains(&self.retention.check_secs) {
            return bad(format!(
                "retention.check_secs {} is out of range; use 1..=86400 (default 3600)",
                self.retention.check_secs
            ));
        }
        let w = &self.webhooks;
        if !(10..=60_000).contains(&w.poll_ms)
            || !(10..=3_600_000).contains(&w.retry_base_ms)
            || !(1..=20).contains(&w.max_attempts)
            || !(1..=120).contains(&w.timeout_secs)
        {
            return bad(format!(
                "webhooks: poll_ms {} (10..=60000), retry_base_ms {} (10..=3600000), max_attempts {} (1..=20) or timeout_secs {} (1..=120) is out of range",
                w.poll_ms, w.retry_base_ms, w.max_attempts, w.timeout_secs
            ));
        }
        if !(1..=300).contains(&self.mail.timeout_secs) {
            return bad(format!(
                "mail.timeout_secs {} is out of range; use 1..=300 (default 20)",
                self.mail.timeout_secs
            ));
        }
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return bad(format!(
                "database.url `{}` is neither sqlite: nor postgres://; set DATABASE_URL=sqlite://data/interviewer.db?mode=rwc or postgres://user:pass@host/db",
                redact_url(url)
            ));
        }
        if let Some(base) = &self.llm.base_url {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return bad(format!(
                    "llm.base_url `{base}` must start with http:// or https:// (for example http://localhost:11434/v1), or be unset to use the built-in interviewer"
                ));
            }
            if self.llm.model.trim().is_empty() {
                return bad(
                    "llm.model is empty; set INTERVIEWER__LLM__MODEL or OPENAI_MODEL".into(),
                );
            }
        }
        if self.llm.timeout_ms == 0 || self.llm.timeout_ms > 120_000 {
            return bad(format!(
                "llm.timeout_ms {} is out of range; use 1..=120000 (default 8000)",
                self.llm.timeout_ms
            ));
        }
        if self.llm.grade_timeout_ms < 1_000 || self.llm.grade_timeout_ms > 600_000 {
            return bad(format!(
                "llm.grade_timeout_ms {} is out of range; use 1000..=600000 (default 60000)",
                self.llm.grade_timeout_ms
            ));
        }
        if !(40..=1000).contains(&self.llm.max_question_chars) {
            return bad(format!(
                "llm.max_question_chars {} is out of range; use 40..=1000",
                self.llm.max_question_chars
            ));
        }
        let a = &self.avatar;
        if !crate::render::valid_frame_size(a.width, a.height) {
            return bad(format!(
                "avatar.width and avatar.height ({}×{}) must be even and at most 4096",
                a.width, a.height
            ));
        }
        if !matches!(a.msaa, 1 | 4) {
            return bad(format!("avatar.msaa {} must be 1 or 4", a.msaa));
        }
        if !(1..=60).contains(&a.fps) {
            return bad(format!("avatar.fps {} is out of range; use 1..=60", a.fps));
        }
        let r = &self.rtc;
        if r.udp_addrs.is_empty() {
            return bad("rtc.udp_addrs is empty; use [\"0.0.0.0:0\"] for every interface".into());
        }
        for net in &r.remote_networks {
            if let Err(e) = crate::rtc::signal::Network::parse(net) {
                return bad(format!("rtc.remote_networks: {e}"));
            }
        }
        for server in &r.ice_servers {
            if let Some(url) = server.urls.iter().find(|u| {
                !["stun:", "stuns:", "turn:", "turns:"]
                    .iter()
                    .any(|p| u.starts_with(p))
            }) {
                return bad(format!(
                    "rtc.ice_servers: `{url}` is not a stun:, stuns:, turn: or turns: URL"
                ));
            }
        }
        if !(6_000..=510_000).contains(&r.audio_bitrate) {
            return bad(format!(
                "rtc.audio_bitrate {} is out of range; use 6000..=510000 (default 32000)",
                r.audio_bitrate
            ));
        }
        if !(50_000..=8_000_000).contains(&r.video_bitrate) {
            return bad(format!(
                "rtc.video_bitrate {} is out of range; use 50000..=8000000 (default 800000)",
                r.video_bitrate
            ));
        }
        if !(1..=60).contains(&r.video_fps) || r.idle_fps == 0 || r.idle_fps > r.video_fps {
            return bad(format!(
                "rtc.video_fps {} and rtc.idle_fps {} must satisfy 1 <= idle_fps <= video_fps <= 60",
                r.video_fps, r.idle_fps
            ));
        }
        if !(0.5..=60.0).contains(&r.keyframe_secs) {
            return bad(format!(
                "rtc.keyframe_secs {} is out of range; use 0.5..=60",
                r.keyframe_secs
            ));
        }
        let l = &self.live;
        if l.prompt_after_secs == 0 || l.end_after_secs == 0 || l.reconnect_secs == 0 {
            return bad("live.prompt_after_secs, live.end_after_secs and live.reconnect_secs must be positive".into());
        }
        if !(500..=10_000).contains(&l.max_pause_ms) {
            return bad(format!(
                "live.max_pause_ms {} is out of range; use 500..=10000 (default 3000)",
                l.max_pause_ms
            ));
        }
        if !(100..=2000).contains(&l.barge_in_ms) {
            return bad(format!(
                "live.barge_in_ms {} is out of range; use 100..=2000 (default 250)",
                l.barge_in_ms
            ));
        }
        if self.server.session_ttl_hours <= 0 || self.interview.invite_ttl_hours <= 0 {
            return bad(
                "server.session_ttl_hours and interview.invite_ttl_hours must be positive".into(),
            );
        }
        if self.stt.threads == 0 || self.stt.threads > 64 {
            return bad(format!(
                "stt.threads {} is out of range; use 1..=64",
                self.stt.threads
            ));
        }
        if !(0.2..=0.95).contains(&self.stt.vad_threshold) {
            return bad(format!(
                "stt.vad_threshold {} is out of range; use 0.2..=0.95 (default 0.5)",
                self.stt.vad_threshold
            ));
        }
        if !(5..=1800).contains(&self.interview.max_audio_secs) {
            return bad(format!(
                "interview.max_audio_secs {} is out of range; use 5..=1800 (default 600)",
                self.interview.max_audio_secs
            ));
        }
        if !(0.5..=2.0).contains(&self.tts.length_scale) {
            return bad(format!(
                "tts.length_scale {} is out of range; use 0.5..=2.0 (default 1.0; above 1 is slower)",
                self.tts.length_scale
            ));
        }
        if self.tts.sentence_pause_ms > 2000 {
            return bad(format!(
                "tts.sentence_pause_ms {} is out of range; use 0..=2000 (default 200)",
                self.tts.sentence_pause_ms
            ));
        }
        if !(50..=5000).contains(&self.scoring.min_pause_ms) {
            return bad(format!(
                "scoring.min_pause_ms {} is out of range; use 50..=5000 (default 250)",
                self.scoring.min_pause_ms
            ));
        }
        if self.server.login_attempts_per_window == 0 {
            return bad("server.login_attempts_per_window must be at least 1".into());
        }
        if self.interview.max_code_bytes < 1024 || self.interview.max_answer_bytes < 256 {
            return bad("interview.max_code_bytes must be at least 1024 and interview.max_answer_bytes at least 256".into());
        }
        for (key, dir) in [
            ("content.question_bank_dir", &self.content.question_bank_dir),
            ("content.prompts_dir", &self.content.prompts_dir),
        ] {
            if !dir.is_dir() {
                return bad(format!(
                    "{key} `{}` is not a directory; run from the project root or set INTERVIEWER__{}",
                    dir.display(),
                    key.replace('.', "__").to_uppercase()
                ));
            }
        }
        Ok(())
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

/// Hides the password of a database URL in messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

fn apply_env(table: &mut toml::Table, var: &str, value: &str) -> Result<(), ConfigError> {
    let path: Vec<String> = match var {
        "DATABASE_URL" => vec!["database".into(), "url".into()],
        "OPENAI_BASE_URL" => vec!["llm".into(), "base_url".into()],
        "OPENAI_API_KEY" => vec!["llm".into(), "api_key".into()],
        "OPENAI_MODEL" => vec!["llm".into(), "model".into()],
        _ => match var.strip_prefix(ENV_PREFIX) {
            Some(rest) => rest.split("__").map(|s| s.to_lowercase()).collect(),
            None => return Ok(()),
        },
    };
    if path.len() != 2 || path.iter().any(|p| p.is_empty()) {
        return Err(ConfigError::Env {
            var: var.into(),
            message: "expected INTERVIEWER__SECTION__KEY, for example INTERVIEWER__SERVER__PORT"
                .into(),
        });
    }
    let section = table
        .entry(path[0].clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let toml::Value::Table(section) = section else {
        return Err(ConfigError::Env {
            var: var.into(),
            message: format!("`{}` is not a section", path[0]),
        });
    };
    section.insert(path[1].clone(), env_value(value));
    Ok(())
}

/// Numbers and booleans keep their type; everything else is a string.
fn env_value(value: &str) -> toml::Value {
    if let Ok(i) = value.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = value.parse::<bool>() {
        toml::Value::Boolean(b)
    } else if let Ok(f) = value.parse::<f64>() {
        toml::Value::Float(f)
    } else {
        toml::Value::String(value.to_string())
    }
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
    }

    #[test]
    fn database_password_is_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://***@h/db"
        );
    }
}
