//! The OpenAI-compatible endpoint that writes follow-ups and grades answers, when one is
//! set; without it the built-in interviewer runs.

use secrecy::SecretString;
use serde::Deserialize;

use super::within;

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

impl LlmConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if let Some(base) = &self.base_url {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(format!(
                    "llm.base_url `{base}` must start with http:// or https:// (for example http://localhost:11434/v1), or be unset to use the built-in interviewer"
                ));
            }
            if self.model.trim().is_empty() {
                return Err(
                    "llm.model is empty; set INTERVIEWER__LLM__MODEL or OPENAI_MODEL".into(),
                );
            }
        }
        within(
            "llm.timeout_ms",
            self.timeout_ms,
            1..=120_000,
            "default 8000",
        )?;
        within(
            "llm.grade_timeout_ms",
            self.grade_timeout_ms,
            1_000..=600_000,
            "default 60000",
        )?;
        within(
            "llm.max_question_chars",
            self.max_question_chars,
            40..=1000,
            "",
        )?;
        Ok(())
    }
}
