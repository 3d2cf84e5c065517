//! Everything a scoring run reads, gathered once: the candidate's answers (with their word
//! timings, measured figures and the topic of the follow-up each answers), the questions
//! they are filed under, the code analyses, the organization's reference and the affect
//! policy. The interviewer's words are not read.

use std::collections::BTreeMap;

use sea_orm::DatabaseConnection;

use super::affect::{self, Policy};
use super::fluency_bands::Reference;
use super::interview::ScoringError;
use crate::code::CodeAnalysis;
use crate::db::entities::interview;
use crate::db::interviews::MODE_PRACTICE;
use crate::db::{self, DbError};
use crate::pipeline::messages::Word;
use crate::pipeline::recording::Measures;

/// A question as the scorers need it.
#[derive(Debug, Clone)]
pub struct Question {
    pub kind: String,
    pub competency: String,
    pub prompt: String,
    pub rubric: Vec<String>,
}

/// One candidate answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub turn_id: i64,
    pub question_id: i64,
    pub text: String,
    /// Word timings of a spoken answer.
    pub words: Option<Vec<Word>>,
    /// The verbatim pass's figures; none for typed answers and fast live transcripts.
    pub measures: Option<Measures>,
    /// What the follow-up this answers was about; none for an answer to the question itself.
    pub topic: Option<String>,
}

/// A code submission's analysis, and where it stands in the interview.
#[derive(Debug, Clone)]
pub struct Code {
    pub question_id: Option<i64>,
    pub turn_id: Option<i64>,
    pub analysis: CodeAnalysis,
}

pub struct Inputs {
    pub interview: interview::Model,
    pub answers: Vec<Answer>,
    pub questions: BTreeMap<i64, Question>,
    pub code: Vec<Code>,
    pub reference: Reference,
    pub policy: Policy,
}

pub async fn read(db: &DatabaseConnection, interview_id: i64) -> Result<Inputs, ScoringError> {
    // An unknown interview is an error, not an interview with nothing to score.
    let interview = match db::interviews::get(db, interview_id).await {
        Err(DbError::NotFound) => return Err(ScoringError::NoInterview(interview_id)),
        other => other?,
    };
    // The candidate chose a person over the AI: nothing of theirs is scored, ever.
    if interview.alternative_at.is_some() {
        return Err(ScoringError::HumanReview(interview_id));
    }
    // The candidate agreed to the disclosure (AI interviewer, scoring) or nothing is scored.
    if interview.consent_given_at.is_none() {
        return Err(ScoringError::NoConsent(interview_id));
    }
    // A person has stopped the organization's AI: nothing is scored until they resume it.
    if let Some(org) = interview.organization_id
        && db::organizations::ai_paused(db, Some(org)).await?
    {
        return Err(ScoringError::Paused(org));
    }
    let measures: BTreeMap<i64, Measures> = db::interviews::measures(db, interview_id)
        .await?
        .into_iter()
        // Figures that do not parse (an older format) only cost the answer its fluency.
        .filter_map(|(turn, m)| Some((turn, serde_json::from_value(m?).ok()?)))
        .collect();
    let mut answers = Vec::new();
    let mut topic: Option<String> = None;
    for t in db::interviews::turns(db, interview_id).await? {
        if t.speaker == "interviewer" {
            // Only what a follow-up was about, never how it was put.
            topic = if t.kind == "follow_up" { t.topic } else { None };
            continue;
        }
        if t.kind != "answer" {
            continue;
        }
        let Some(question_id) = t.question_id else {
            continue;
        };
        // Timings that do not parse only cost the passages their times, not the score.
        let words = t
            .word_timings
            .and_then(|v| serde_json::from_value::<Vec<Word>>(v).ok());
        answers.push(Answer {
            turn_id: t.id,
            question_id,
            text: t.text,
            words,
            measures: measures.get(&t.id).cloned(),
            topic: topic.take(),
        });
    }
    let mut questions = BTreeMap::new();
    for a in &answers {
        if questions.contains_key(&a.question_id) {
            continue;
        }
        let q = db::banks::question(db, a.question_id).await?;
        let rubric = serde_json::from_value(q.rubric).map_err(|_| ScoringError::Rubric {
            question_id: a.question_id,
        })?;
        questions.insert(
            a.question_id,
            Question {
                kind: q.kind,
                competency: q.competency,
                prompt: q.prompt,
                rubric,
            },
        );
    }
    let code = db::interviews::code_submissions(db, interview_id)
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(Code {
                question_id: c.question_id,
                turn_id: c.turn_id,
                analysis: serde_json::from_value(c.analysis).ok()?,
            })
        })
        .collect();
    let reference = reference(db, &interview).await?;
    let policy = affect_policy(db, &interview).await?;
    Ok(Inputs {
        interview,
        answers,
        questions,
        code,
        reference,
        policy,
    })
}

/// The organization's fluency reference, or the built-in one (practice, or none set).
async fn reference(
    db: &DatabaseConnection,
    interview: &interview::Model,
) -> Result<Reference, ScoringError> {
    let Some(org) = interview.organization_id else {
        return Ok(Reference::default());
    };
    let Some(stored) = db::organizations::get(db, org).await?.fluency_reference else {
        return Ok(Reference::default());
    };
    let invalid = |reason: String| ScoringError::Reference {
        organization_id: org,
        reason,
    };
    let r: Reference = serde_json::from_value(stored).map_err(|e| invalid(e.to_string()))?;
    r.validate().map_err(invalid)?;
    Ok(r)
}

/// What affect may be in this interview (see `affect::policy`).
pub async fn affect_policy(
    db: &DatabaseConnection,
    interview: &interview::Model,
) -> Result<Policy, ScoringError> {
    let practice = interview.mode == MODE_PRACTICE;
    let (jurisdiction, opted_in) = match interview.organization_id {
        Some(org) => {
            let o = db::organizations::get(db, org).await?;
            (o.jurisdiction, o.affect_in_hiring)
        }
        None => ("other".to_string(), false),
    };
    let region = match interview.job_id {
        Some(job) => db::jobs::get(db, job, None).await?.region,
        None => "other".to_string(),
    };
    Ok(affect::policy(practice, &jurisdiction, &region, opted_in))
}
