//! Scores an interview's answers for content and stores the result: the async driver around
//! `content`. It reads only the candidate's answer turns and the bank's questions (by the id
//! each answer is filed under), never the interviewer's turns.

use std::collections::BTreeMap;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::content::{self, AnswerTurn};
use crate::db::entities::score;
use crate::db::scores::NewScore;
use crate::db::{self, DbError};
use crate::embed::{EmbedError, Embedder};
use crate::pipeline::messages::Word;

/// The `scorer` of content rows: what made them, so a later model's rows are told apart.
pub const CONTENT_SCORER: &str = "content/all-MiniLM-L6-v2";

#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    #[error("interview {0} does not exist")]
    NoInterview(i64),
    #[error("interview {0} has no consent to scoring: nothing is scored without it")]
    NoConsent(i64),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("question {question_id}'s rubric is not a list of key points")]
    Rubric { question_id: i64 },
    #[error("the scoring thread stopped: {0}")]
    Stopped(String),
}

/// Why behavioral answers get no similarity score. Their rubric points describe the shape of a
/// good story ("states the other person's position fairly"), and a sentence that does exactly
/// that ("I asked her to walk me through her reasoning") sits at a cosine of 0.2–0.3 with it,
/// where unrelated text also lands: a number from that would be noise presented as a
/// judgement.
const BEHAVIORAL: &str = "not scored by sentence similarity: behavioral rubric points describe the shape of an answer, which similarity cannot judge reliably; a reviewer (or the configured language model) grades it";

/// A candidate turn as scored: its id, text and word timings (spoken answers).
type Said = (i64, String, Option<Vec<Word>>);

/// One question's answers, as read from the database.
struct Answered {
    question_id: i64,
    kind: String,
    competency: String,
    prompt: String,
    rubric: Vec<String>,
    turns: Vec<Said>,
}

/// Scores every answered question of `interview_id` and replaces its content scores.
pub async fn score_content(
    db: &DatabaseConnection,
    model: Arc<Embedder>,
    interview_id: i64,
) -> Result<Vec<score::Model>, ScoringError> {
    // An unknown interview is an error, not an interview with nothing to score.
    let interview = match db::interviews::get(db, interview_id).await {
        Err(DbError::NotFound) => return Err(ScoringError::NoInterview(interview_id)),
        other => other?,
    };
    // The candidate agreed to the disclosure (AI interviewer, scoring) or nothing is scored.
    if interview.consent_given_at.is_none() {
        return Err(ScoringError::NoConsent(interview_id));
    }
    let mut by_question: BTreeMap<i64, Vec<Said>> = BTreeMap::new();
    for t in db::interviews::turns(db, interview_id).await? {
        if t.speaker != "candidate" || t.kind != "answer" {
            continue;
        }
        let Some(question_id) = t.question_id else {
            continue;
        };
        // Timings that do not parse only cost the passages their times, not the score.
        let words = t
            .word_timings
            .and_then(|v| serde_json::from_value::<Vec<Word>>(v).ok());
        by_question
            .entry(question_id)
            .or_default()
            .push((t.id, t.text, words));
    }
    let mut answered = Vec::with_capacity(by_question.len());
    for (question_id, turns) in by_question {
        let q = db::banks::question(db, question_id).await?;
        let rubric =
            serde_json::from_value(q.rubric).map_err(|_| ScoringError::Rubric { question_id })?;
        answered.push(Answered {
            question_id,
            kind: q.kind,
            competency: q.competency,
            prompt: q.prompt,
            rubric,
            turns,
        });
    }
    let rows = tokio::task::spawn_blocking(move || score_all(&model, answered))
        .await
        .map_err(|e| ScoringError::Stopped(e.to_string()))??;
    Ok(db::scores::replace(db, interview_id, CONTENT_SCORER, rows).await?)
}

fn score_all(model: &Embedder, answered: Vec<Answered>) -> Result<Vec<NewScore>, ScoringError> {
    let mut rows = Vec::with_capacity(answered.len());
    for a in answered {
        let turns: Vec<AnswerTurn> = a
            .turns
            .iter()
            .map(|(id, text, words)| AnswerTurn {
                turn_id: *id,
                text,
                words: words.as_deref(),
            })
            .collect();
        let turn_ids: Vec<i64> = a.turns.iter().map(|t| t.0).collect();
        if a.kind == "behavioral" {
            rows.push(NewScore {
                turn_id: turn_ids.first().copied(),
                dimension: "content",
                competency: a.competency,
                value: None,
                explanation: BEHAVIORAL.into(),
                evidence: serde_json::json!({ "question_id": a.question_id, "turn_ids": turn_ids }),
            });
            continue;
        }
        let s = content::score(model, &a.rubric, &a.prompt, &turns)?;
        let evidence = serde_json::json!({
            "question_id": a.question_id,
            "turn_ids": turn_ids,
            "uncertainty": s.uncertainty,
            "words": s.words,
            "coverage": s.coverage,
            "relevance": s.relevance,
        });
        rows.push(NewScore {
            turn_id: a.turns.first().map(|t| t.0),
            dimension: "content",
            competency: a.competency,
            value: s.value,
            explanation: s.explanation,
            evidence,
        });
    }
    Ok(rows)
}
