//! respond: the interview state machine (`engine`, sans I/O) and the writers of follow-up
//! questions: the LLM (`llm`, checked by `guard`) or the built-in code-aware interviewer
//! (`builtin`), which also answers whenever the LLM fails. Input: `CandidateInput`;
//! output: `Reply`.

pub mod builtin;
pub mod engine;
pub mod guard;
pub mod llm;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::code::{CodeAnalysis, Language};
use crate::content::{Prompts, prompts};
use crate::pipeline::messages::ReplySource;
use engine::{FollowUp, PlanItem};
use llm::{ChatModel, LlmError};

/// Most characters of submitted code passed to the LLM; the analysis covers the rest.
const MAX_CODE_CHARS_FOR_LLM: usize = 12_000;
/// Most characters of this question's conversation passed to the LLM.
const MAX_TRANSCRIPT_CHARS_FOR_LLM: usize = 6_000;

#[derive(Debug, Clone, Serialize)]
pub struct TranscriptLine {
    pub speaker: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct CodeContext {
    pub language: Language,
    pub code: String,
    pub analysis: CodeAnalysis,
}

/// Everything a follow-up writer may use: the current question, its conversation so far,
/// the latest code submitted for it, and the follow-ups already asked.
#[derive(Debug, Clone)]
pub struct FollowUpRequest {
    pub question: PlanItem,
    pub transcript: Vec<TranscriptLine>,
    pub code: Option<CodeContext>,
    pub asked: Vec<String>,
    /// What the candidate's résumé says, when the recruiter uploaded one.
    pub resume: Option<crate::resume::Facts>,
}

/// Writes follow-ups: the LLM when one is configured and answers well in time, otherwise
/// the built-in interviewer.
#[derive(Clone)]
pub struct Interviewer {
    prompts: Arc<Prompts>,
    chat: Option<Arc<dyn ChatModel>>,
    timeout: Duration,
    max_chars: usize,
}

impl Interviewer {
    pub fn new(
        prompts: Arc<Prompts>,
        chat: Option<Arc<dyn ChatModel>>,
        timeout: Duration,
        max_chars: usize,
    ) -> Self {
        Self {
            prompts,
            chat,
            timeout,
            max_chars,
        }
    }

    pub fn uses_llm(&self) -> bool {
        self.chat.is_some()
    }

    pub async fn follow_up(&self, req: &FollowUpRequest) -> FollowUp {
        if let Some(chat) = &self.chat {
            let started = Instant::now();
            match self.ask_llm(chat.as_ref(), req).await {
                Ok(text) => {
                    tracing::info!(
                        model = chat.name(),
                        ms = started.elapsed().as_millis() as u64,
                        "LLM follow-up"
                    );
                    return FollowUp {
                        key: format!("llm:{}", req.asked.len()),
                        text,
                        source: ReplySource::Llm,
                    };
                }
                Err(e) => {
                    tracing::warn!(error = %e, "LLM follow-up discarded; the built-in interviewer asks this turn")
                }
            }
        }
        builtin::follow_up(req)
    }

    async fn ask_llm(
        &self,
        chat: &dyn ChatModel,
        req: &FollowUpRequest,
    ) -> Result<String, LlmError> {
        let system = self
            .prompts
            .render(
                prompts::SYSTEM,
                minijinja::context! { max_chars => self.max_chars },
            )
            .map_err(|e| LlmError::Prompt(e.to_string()))?;
        let user = self.render_follow_up(req)?;
        let answer =
            tokio::time::timeout(self.timeout, chat.complete(&system, &user, self.max_chars))
                .await
                .map_err(|_| LlmError::Timeout(self.timeout.as_millis() as u64))??;
        guard::check(&answer, self.max_chars).map_err(|r| LlmError::Unusable(r.to_string()))
    }

    fn render_follow_up(&self, req: &FollowUpRequest) -> Result<String, LlmError> {
        let transcript: String = req
            .transcript
            .iter()
            .map(|l| format!("{}: {}\n", l.speaker, l.text))
            .collect();
        let transcript = tail_chars(&transcript, MAX_TRANSCRIPT_CHARS_FOR_LLM);
        let (analysis, code) = match &req.code {
            Some(c) => (
                summarize(&c.analysis),
                prompts::as_data(
                    "candidate_code",
                    &head_chars(&c.code, MAX_CODE_CHARS_FOR_LLM),
                ),
            ),
            None => (String::new(), String::new()),
        };
        self.prompts
            .render(
                prompts::FOLLOW_UP,
                minijinja::context! {
                    question => req.question.prompt,
                    rubric => req.question.rubric,
                    hints => req.question.hints,
                    analysis => analysis,
                    code => code,
                    transcript => prompts::as_data("transcript", &transcript),
                    resume => req.resume.as_ref().map(resume_lines).map(|r| prompts::as_data("resume", &r)).unwrap_or_default(),
                    max_chars => self.max_chars,
                },
            )
            .map_err(|e| LlmError::Prompt(e.to_string()))
    }
}

/// The résumé's facts as short lines: positions with their skills, then other skills.
fn resume_lines(f: &crate::resume::Facts) -> String {
    let mut out = String::new();
    for p in &f.positions {
        out.push_str(&format!("- {} at {}", p.role, p.organization));
        if let Some(y) = &p.years {
            out.push_str(&format!(" ({y})"));
        }
        if !p.skills.is_empty() {
            out.push_str(&format!(": {}", p.skills.join(", ")));
        }
        out.push('\n');
    }
    if !f.skills.is_empty() {
        out.push_str(&format!("- skills: {}\n", f.skills.join(", ")));
    }
    out
}

/// The analysis as short lines the model can cite (identifiers only, never free text).
fn summarize(a: &CodeAnalysis) -> String {
    let mut out = format!("language: {}, {} lines\n", a.language.as_str(), a.lines);
    for f in &a.functions {
        out.push_str(&format!("- function `{}` at line {}\n", f.name, f.line));
    }
    for f in &a.findings {
        out.push_str(&format!("- line {}: {:?}", f.line, f.kind));
        if let Some(func) = &f.function {
            out.push_str(&format!(" in `{func}`"));
        }
        if let Some(id) = &f.identifier {
            out.push_str(&format!(" on `{}`", head_chars(id, 60)));
        }
        out.push('\n');
    }
    out
}

fn head_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn tail_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}
