//! The interview itself: its limits and invitations, the question banks and prompts it is
//! built from, and how answers are scored.

use std::path::PathBuf;

use serde::Deserialize;

use super::within;

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

impl InterviewConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.invite_ttl_hours <= 0 {
            return Err("interview.invite_ttl_hours must be positive".into());
        }
        within(
            "interview.max_audio_secs",
            self.max_audio_secs,
            5..=1800,
            "default 600",
        )?;
        if self.max_code_bytes < 1024 || self.max_answer_bytes < 256 {
            return Err("interview.max_code_bytes must be at least 1024 and interview.max_answer_bytes at least 256".into());
        }
        Ok(())
    }
}

impl ContentConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        for (key, dir) in [
            ("content.question_bank_dir", &self.question_bank_dir),
            ("content.prompts_dir", &self.prompts_dir),
        ] {
            if !dir.is_dir() {
                return Err(format!(
                    "{key} `{}` is not a directory; run from the project root or set INTERVIEWER__{}",
                    dir.display(),
                    key.replace('.', "__").to_uppercase()
                ));
            }
        }
        Ok(())
    }
}

impl ScoringConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within(
            "scoring.min_pause_ms",
            self.min_pause_ms,
            50..=5000,
            "default 250",
        )?;
        Ok(())
    }
}
