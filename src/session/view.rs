//! What clients see of turns and of the interview state.

use serde::Serialize;

use crate::db::entities::turn;
use crate::pipeline::messages::Word;
use crate::pipeline::respond::engine::{EngineState, Phase};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TurnView {
    pub id: i64,
    pub seq: i32,
    pub speaker: String,
    pub kind: String,
    pub text: String,
    pub question_id: Option<i64>,
    pub source: String,
    /// A spoken answer: its recording can be played back.
    pub spoken: bool,
    /// An interviewer turn the candidate cut short: the words never said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsaid: Option<String>,
    /// A spoken answer's words with their times in its recording (seconds), for playback
    /// that follows the words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<TimedWord>>,
    pub at: String,
}

/// One word of a spoken answer and where it is in the recording.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimedWord {
    pub text: String,
    pub start: f64,
    pub end: f64,
}

impl From<turn::Model> for TurnView {
    fn from(t: turn::Model) -> Self {
        Self {
            id: t.id,
            seq: t.seq,
            speaker: t.speaker,
            kind: t.kind,
            text: t.text,
            question_id: t.question_id,
            source: t.source,
            spoken: t.audio_end_ms.is_some(),
            unsaid: t.unsaid,
            // Timings that do not parse cost only the following along, not the turn.
            words: t
                .word_timings
                .and_then(|v| serde_json::from_value::<Vec<Word>>(v).ok())
                .map(|ws| {
                    ws.into_iter()
                        .map(|w| TimedWord {
                            text: w.text,
                            start: w.start,
                            end: w.end,
                        })
                        .collect()
                }),
            at: t.created_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuestionView {
    pub id: i64,
    pub number: usize,
    pub total: usize,
    pub kind: &'static str,
    pub language: Option<String>,
    pub starter_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StateView {
    pub status: String,
    /// What the interview waits for: consent | answer | candidate_question | nothing.
    pub awaiting: &'static str,
    pub question: Option<QuestionView>,
    /// A practice interview (no self-identification is asked after it).
    pub practice: bool,
    /// What the interviewer will likely say next (`EngineState::upcoming`), for a live call
    /// to prepare its speech. Never sent: it would tell the candidate the next question.
    #[serde(skip)]
    pub upcoming: Vec<String>,
}

impl StateView {
    pub fn of(state: &EngineState, status: &str) -> Self {
        let awaiting = match state.phase {
            Phase::Disclosure => "consent",
            Phase::Questions => "answer",
            Phase::CandidateQuestions => "candidate_question",
            Phase::Closed => "nothing",
        };
        let question = state.current().map(|q| QuestionView {
            id: q.question_id,
            number: state.index + 1,
            total: state.plan.len(),
            kind: q.kind.as_str(),
            language: q.language.clone(),
            starter_code: q.starter_code.clone(),
        });
        Self {
            status: status.to_string(),
            awaiting,
            question,
            practice: state.practice,
            upcoming: state.upcoming(),
        }
    }
}
