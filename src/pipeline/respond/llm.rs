//! `OpenAiChat`: any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
//! llama.cpp server) through async-openai, streamed so an over-long answer is cut off early.

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestSystemMessageArgs, ChatCompletionRequestUserMessageArgs,
    CreateChatCompletionRequestArgs,
};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use secrecy::ExposeSecret;

use crate::config::LlmConfig;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM request failed: {0}")]
    Request(String),
    #[error("LLM did not answer within {0} ms")]
    Timeout(u64),
    #[error("LLM answer unusable: {0}")]
    Unusable(String),
    #[error("prompt rendering failed: {0}")]
    Prompt(String),
}

/// A chat model behind a trait object so the session never depends on one vendor.
pub trait ChatModel: Send + Sync {
    /// One completion for a system and a user message; `max_chars` bounds how much of the
    /// stream is read.
    fn complete<'a>(
        &'a self,
        system: &'a str,
        user: &'a str,
        max_chars: usize,
    ) -> BoxFuture<'a, Result<String, LlmError>>;
    fn name(&self) -> &str;
}

pub struct OpenAiChat {
    client: Client<OpenAIConfig>,
    model: String,
}

impl OpenAiChat {
    pub fn new(config: &LlmConfig) -> Option<Self> {
        let base = config.base_url.as_ref()?;
        let key = config
            .api_key
            .as_ref()
            .map(|k| k.expose_secret().to_string())
            .unwrap_or_else(|| "none".into());
        let cfg = OpenAIConfig::new()
            .with_api_base(base.trim_end_matches('/'))
            .with_api_key(key);
        Some(Self {
            client: Client::with_config(cfg),
            model: config.model.clone(),
        })
    }
}

impl ChatModel for OpenAiChat {
    fn complete<'a>(
        &'a self,
        system: &'a str,
        user: &'a str,
        max_chars: usize,
    ) -> BoxFuture<'a, Result<String, LlmError>> {
        Box::pin(async move {
            let req = |e: async_openai::error::OpenAIError| LlmError::Request(e.to_string());
            let request = CreateChatCompletionRequestArgs::default()
                .model(&self.model)
                .messages([
                    ChatCompletionRequestSystemMessageArgs::default()
                        .content(system)
                        .build()
                        .map_err(req)?
                        .into(),
                    ChatCompletionRequestUserMessageArgs::default()
                        .content(user)
                        .build()
                        .map_err(req)?
                        .into(),
                ])
                // A question of `max_chars` needs far fewer tokens than characters.
                .max_completion_tokens(u32::try_from(max_chars / 2).unwrap_or(256))
                .temperature(0.4)
                .build()
                .map_err(req)?;
            let mut stream = self
                .client
                .chat()
                .create_stream(request)
                .await
                .map_err(req)?;
            let mut text = String::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(req)?;
                if let Some(delta) = chunk
                    .choices
                    .first()
                    .and_then(|c| c.delta.content.as_deref())
                {
                    text.push_str(delta);
                }
                // Stop reading once the answer cannot pass the length check anyway.
                if text.chars().count() > max_chars * 2 {
                    return Err(LlmError::Unusable(format!(
                        "answer exceeded {} characters",
                        max_chars * 2
                    )));
                }
            }
            Ok(text)
        })
    }

    fn name(&self) -> &str {
        &self.model
    }
}
