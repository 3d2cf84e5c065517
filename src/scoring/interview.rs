//! Scores an interview and stores the results: the async driver around the pure scorers. It
//! reads the candidate's answer turns, their measured figures, the bank's questions (by the
//! id each answer is filed under), the code analyses and the role's criteria; of the
//! interviewer's turns it reads only what a follow-up was about (its topic), never its words.
//! Each scorer's rows are replaced on their own, so a person's override of one scorer's row
//! holds that scorer's rows without stopping the others; the profile is rebuilt last.

use std::collections::BTreeMap;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};

use super::affect::Policy;
use super::inputs::{self, Answer, Inputs, Question};
use super::profile::{self, Profile, ScoreInput};
use super::rows;
use super::rubric_grade::{GradeError, GradedAnswer, RubricGrader};
use crate::db::entities::score;
use crate::db::scores::NewScore;
use crate::db::{self, DbError};
use crate::embed::{EmbedError, Embedder};

/// The `scorer` of each kind of row: what made them, so a later version's rows are told apart.
pub const CONTENT_SCORER: &str = "content/all-MiniLM-L6-v2";
pub const FLUENCY_SCORER: &str = "fluency/bands";
pub const CODE_SCORER: &str = "code_understanding/analysis";
pub const AFFECT_SCORER: &str = "affect/prosody";
pub const RUBRIC_SCORER: &str = "rubric_grade/llm";

#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    #[error("interview {0} does not exist")]
    NoInterview(i64),
    #[error("interview {0} has no consent to scoring: nothing is scored without it")]
    NoConsent(i64),
    #[error(
        "interview {0} is in the alternative process: a person reviews it, nothing is scored automatically"
    )]
    HumanReview(i64),
    #[error("organization {0} has paused AI scoring (its stop switch is on)")]
    Paused(i64),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("question {question_id}'s rubric is not a list of key points")]
    Rubric { question_id: i64 },
    #[error("organization {organization_id}'s fluency reference is invalid: {reason}")]
    Reference {
        organization_id: i64,
        reason: String,
    },
    #[error("the scoring thread stopped: {0}")]
    Stopped(String),
}

/// What one run stored.
#[derive(Debug)]
pub struct Scored {
    pub scores: Vec<score::Model>,
    /// Scorers whose earlier rows stand because a person overrode one of them.
    pub kept: Vec<String>,
    /// Scorers that could not run this time (the language model unreachable), and why;
    /// their earlier rows stand.
    pub unavailable: Vec<String>,
    pub profile: Profile,
}

/// Scores every answered question of `interview_id`, replaces the stored scores (unless a
/// person overrode them) and rebuilds the profile.
pub async fn score_interview(
    db: &DatabaseConnection,
    model: Arc<Embedder>,
    grader: Option<&RubricGrader>,
    interview_id: i64,
) -> Result<Scored, ScoringError> {
    let inputs = inputs::read(db, interview_id).await?;
    let Inputs {
        answers,
        questions,
        reference,
        policy,
        ..
    } = &inputs;
    let content = {
        let (answers, questions) = (answers.clone(), questions.clone());
        tokio::task::spawn_blocking(move || rows::content(&model, &questions, &answers))
            .await
            .map_err(|e| ScoringError::Stopped(e.to_string()))??
    };
    // Under EU hiring nothing is estimated: an empty batch also removes rows from before the
    // organization said so.
    let affect = match policy {
        Policy::NotComputed => Vec::new(),
        p => rows::affect(*p, answers),
    };
    let mut batches = vec![
        (CONTENT_SCORER, content),
        (FLUENCY_SCORER, rows::fluency(reference, answers)),
        (CODE_SCORER, rows::code(questions, answers, &inputs.code)),
        (AFFECT_SCORER, affect),
    ];
    let mut unavailable = Vec::new();
    if let Some(grader) = grader {
        match grade_all(grader, questions, answers).await {
            Ok(rows) => batches.push((RUBRIC_SCORER, rows)),
            Err(why) => unavailable.push(format!("{RUBRIC_SCORER}: {why}")),
        }
    }
    let mut kept = Vec::new();
    for (scorer, batch) in batches {
        match db::scores::replace(db, interview_id, scorer, batch).await {
            Ok(_) => {}
            Err(DbError::Conflict(why)) => {
                tracing::info!(interview_id, scorer, %why, "scores kept");
                kept.push(scorer.to_string());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let profile = rebuild_profile(db, interview_id).await?;
    Ok(Scored {
        scores: db::scores::for_interview(db, interview_id).await?,
        kept,
        unavailable,
        profile,
    })
}

/// A grade per answered question; a model that cannot be reached stops the batch (the last
/// grades stand), one that answers badly leaves that question's reason in its row.
async fn grade_all(
    grader: &RubricGrader,
    questions: &BTreeMap<i64, Question>,
    answers: &[Answer],
) -> Result<Vec<NewScore>, GradeError> {
    let mut by_question: BTreeMap<i64, Vec<&Answer>> = BTreeMap::new();
    for a in answers {
        by_question.entry(a.question_id).or_default().push(a);
    }
    let mut out = Vec::with_capacity(by_question.len());
    for (question_id, given) in by_question {
        let Some(q) = questions.get(&question_id) else {
            continue;
        };
        let graded: Vec<GradedAnswer> = given
            .iter()
            .map(|a| GradedAnswer {
                turn: a.turn_id,
                text: a.text.clone(),
            })
            .collect();
        let turn_ids: Vec<i64> = given.iter().map(|a| a.turn_id).collect();
        let result = grader.grade(&q.prompt, &q.rubric, &graded).await;
        if let Err(e @ GradeError::Llm(_)) = result {
            return Err(e);
        }
        out.push(rows::rubric(
            question_id,
            q,
            &turn_ids,
            result,
            grader.model(),
        ));
    }
    Ok(out)
}

/// Rebuilds the stored profile of `interview_id` from its scores as they stand (overrides in
/// place of the scorers' values): after a scoring run and after every override.
pub async fn rebuild_profile(
    db: &DatabaseConnection,
    interview_id: i64,
) -> Result<Profile, ScoringError> {
    let interview = match db::interviews::get(db, interview_id).await {
        Err(DbError::NotFound) => return Err(ScoringError::NoInterview(interview_id)),
        other => other?,
    };
    let policy = inputs::affect_policy(db, &interview).await?;
    let weights: BTreeMap<String, f64> = match interview.job_id {
        Some(job) => db::jobs::criteria(db, job)
            .await?
            .into_iter()
            .map(|c| (c.competency, c.weight))
            .collect(),
        None => BTreeMap::new(),
    };
    let scores: Vec<ScoreInput> = db::scores::for_interview(db, interview_id)
        .await?
        .into_iter()
        .map(score_input)
        .collect();
    let excluded: &[&str] = match policy {
        Policy::InScore => &[],
        _ => &[rows::AFFECT],
    };
    let stored = StoredProfile {
        profile: profile::build(&scores, &weights, excluded),
        affect_policy: policy,
    };
    let summary =
        serde_json::to_value(&stored).map_err(|e| ScoringError::Stopped(e.to_string()))?;
    db::profiles::save(db, interview_id, summary).await?;
    Ok(stored.profile)
}

/// A profile as stored: built from the scores, under the affect policy of its interview.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredProfile {
    pub profile: Profile,
    pub affect_policy: Policy,
}

/// The profile last built for `interview_id`; none until the interview has been scored (or
/// when the stored summary is of a shape this version does not read).
pub async fn stored_profile(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> Result<Option<StoredProfile>, DbError> {
    Ok(db::profiles::get(db, interview_id)
        .await?
        .and_then(|p| serde_json::from_value(p.summary).ok()))
}

/// A stored row as the profile reads it: a person's override stands in place of the
/// scorer's value (an override to none withdraws the score).
fn score_input(s: score::Model) -> ScoreInput {
    let overridden = s.overridden_by.is_some();
    ScoreInput {
        score_id: s.id,
        value: if overridden {
            s.override_value
        } else {
            s.value
        },
        uncertainty: s.evidence.get("uncertainty").and_then(|u| u.as_f64()),
        overridden,
        explanation: s.explanation,
        dimension: s.dimension,
        competency: s.competency,
    }
}
