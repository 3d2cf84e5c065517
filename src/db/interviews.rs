//! Interviews, their turns and code submissions. A turn and the engine state that follows it
//! are written in one transaction, so a crash never leaves a turn without its state.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;

use super::entities::{code_submission, interview, turn, turn_recording};
use super::{DbError, DbResult};

pub mod status {
    pub const AWAITING_CONSENT: &str = "awaiting_consent";
    pub const IN_PROGRESS: &str = "in_progress";
    pub const COMPLETED: &str = "completed";
    pub const DECLINED: &str = "declined";
    pub const ENDED_EARLY: &str = "ended_early";

    pub fn is_final(s: &str) -> bool {
        matches!(s, COMPLETED | DECLINED | ENDED_EARLY)
    }
}

pub const MODE_HIRING: &str = "hiring";
pub const MODE_PRACTICE: &str = "practice";

pub struct NewInterview {
    pub organization_id: Option<i64>,
    pub job_id: Option<i64>,
    pub candidate_user_id: i64,
    pub invitation_id: Option<i64>,
    pub mode: &'static str,
    pub engine_state: Value,
    pub disclosure_version: String,
    /// The organization's notice shown with the disclosure, if it has one.
    pub notice_version: Option<i32>,
}

pub async fn create(db: &impl ConnectionTrait, new: NewInterview) -> DbResult<interview::Model> {
    let now = super::now();
    Ok(interview::ActiveModel {
        organization_id: Set(new.organization_id),
        job_id: Set(new.job_id),
        candidate_user_id: Set(new.candidate_user_id),
        invitation_id: Set(new.invitation_id),
        mode: Set(new.mode.to_string()),
        status: Set(status::AWAITING_CONSENT.to_string()),
        engine_state: Set(new.engine_state),
        disclosure_version: Set(Some(new.disclosure_version)),
        consent_given_at: Set(None),
        consent_version: Set(None),
        started_at: Set(now),
        updated_at: Set(now),
        completed_at: Set(None),
        notice_version: Set(new.notice_version),
        alternative_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Removes an interview that never started (a lost race to claim an invitation).
pub async fn delete_unstarted(db: &impl ConnectionTrait, id: i64) -> DbResult<()> {
    turn::Entity::delete_many()
        .filter(turn::Column::InterviewId.eq(id))
        .exec(db)
        .await?;
    interview::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<interview::Model> {
    interview::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// Interviews of one organization (None: all), newest first, optionally for one job.
pub async fn list(
    db: &impl ConnectionTrait,
    org: Option<i64>,
    job: Option<i64>,
) -> DbResult<Vec<interview::Model>> {
    let mut q = interview::Entity::find()
        .filter(interview::Column::Mode.eq(MODE_HIRING))
        .order_by_desc(interview::Column::Id);
    if let Some(org) = org {
        q = q.filter(interview::Column::OrganizationId.eq(org));
    }
    if let Some(job) = job {
        q = q.filter(interview::Column::JobId.eq(job));
    }
    Ok(q.all(db).await?)
}

pub async fn list_for_candidate(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DbResult<Vec<interview::Model>> {
    Ok(interview::Entity::find()
        .filter(interview::Column::CandidateUserId.eq(user_id))
        .order_by_desc(interview::Column::Id)
        .all(db)
        .await?)
}

pub async fn turns(db: &impl ConnectionTrait, interview_id: i64) -> DbResult<Vec<turn::Model>> {
    Ok(turn::Entity::find()
        .filter(turn::Column::InterviewId.eq(interview_id))
        .order_by_asc(turn::Column::Seq)
        .all(db)
        .await?)
}

/// A turn to append.
pub struct NewTurn {
    pub speaker: &'static str,
    pub kind: String,
    pub text: String,
    pub question_id: Option<i64>,
    pub source: &'static str,
    /// What a follow-up is about (see `Reply::topic`).
    pub topic: Option<String>,
    /// For a spoken answer: the words with their times, and the recording.
    pub speech: Option<SpokenTurn>,
}

/// The evidence behind a spoken turn.
pub struct SpokenTurn {
    pub word_timings: Value,
    pub duration_ms: i64,
    pub recording: NewRecording,
    /// The verbatim pass's figures (`Measures`); none for a fast live transcript.
    pub measures: Option<Value>,
}

pub struct NewRecording {
    pub content_type: &'static str,
    pub sample_rate: i32,
    pub data: Vec<u8>,
}

/// What changes on the interview row with the turns.
pub struct StateUpdate {
    pub engine_state: Value,
    pub status: &'static str,
    /// The candidate's answer to the disclosure, when these turns carry it.
    pub choice: Option<Choice>,
}

/// How a candidate answered the disclosure, stored with the time it was given.
pub enum Choice {
    /// Consent to the AI interview and its scoring, naming what was shown (disclosure and
    /// notice versions).
    Consent(String),
    /// The alternative process: a person reviews, nothing is scored automatically.
    Alternative,
}

/// Appends turns and stores the state that follows them, atomically.
pub async fn record(
    db: &sea_orm::DatabaseConnection,
    interview_id: i64,
    new_turns: Vec<NewTurn>,
    update: StateUpdate,
) -> DbResult<Vec<turn::Model>> {
    let txn = db.begin().await?;
    let last: Option<i32> = turn::Entity::find()
        .select_only()
        .column_as(turn::Column::Seq.max(), "max_seq")
        .filter(turn::Column::InterviewId.eq(interview_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let mut seq = last.unwrap_or(0);
    let now = super::now();
    let mut saved = Vec::with_capacity(new_turns.len());
    for t in new_turns {
        seq += 1;
        let (word_timings, duration_ms, recording, measures) = match t.speech {
            Some(s) => (
                Some(s.word_timings),
                Some(s.duration_ms),
                Some(s.recording),
                s.measures,
            ),
            None => (None, None, None, None),
        };
        let row = turn::ActiveModel {
            interview_id: Set(interview_id),
            seq: Set(seq),
            speaker: Set(t.speaker.to_string()),
            kind: Set(t.kind),
            text: Set(t.text),
            question_id: Set(t.question_id),
            source: Set(t.source.to_string()),
            topic: Set(t.topic),
            word_timings: Set(word_timings),
            audio_start_ms: Set(duration_ms.map(|_| 0)),
            audio_end_ms: Set(duration_ms),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        if let (Some(rec), Some(duration_ms)) = (recording, duration_ms) {
            turn_recording::ActiveModel {
                turn_id: Set(row.id),
                interview_id: Set(interview_id),
                content_type: Set(rec.content_type.to_string()),
                sample_rate: Set(rec.sample_rate),
                duration_ms: Set(duration_ms),
                data: Set(rec.data),
                measures: Set(measures),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        saved.push(row);
    }
    let mut q = interview::Entity::update_many()
        .col_expr(
            interview::Column::EngineState,
            Expr::value(update.engine_state),
        )
        .col_expr(interview::Column::Status, Expr::value(update.status))
        .col_expr(interview::Column::UpdatedAt, Expr::value(now))
        .filter(interview::Column::Id.eq(interview_id));
    match update.choice {
        Some(Choice::Consent(v)) => {
            q = q
                .col_expr(interview::Column::ConsentGivenAt, Expr::value(now))
                .col_expr(interview::Column::ConsentVersion, Expr::value(v));
        }
        Some(Choice::Alternative) => {
            q = q.col_expr(interview::Column::AlternativeAt, Expr::value(now));
        }
        None => {}
    }
    if status::is_final(update.status) {
        q = q.col_expr(interview::Column::CompletedAt, Expr::value(now));
    }
    q.exec(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Turn `turn_id`, if it belongs to the interview.
async fn turn_by_id(
    db: &impl ConnectionTrait,
    interview_id: i64,
    turn_id: i64,
) -> DbResult<turn::Model> {
    turn::Entity::find_by_id(turn_id)
        .filter(turn::Column::InterviewId.eq(interview_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// An interviewer turn cut off by the candidate: `text` becomes the words that were heard,
/// the rest moves to `unsaid`. Only ever shortens a turn, and only once.
pub async fn cut_short(
    db: &impl ConnectionTrait,
    interview_id: i64,
    turn_id: i64,
    said: &str,
) -> DbResult<turn::Model> {
    let t = turn_by_id(db, interview_id, turn_id).await?;
    if t.speaker != "interviewer" || t.unsaid.is_some() {
        return Err(DbError::Conflict(format!(
            "turn {turn_id} is not an interviewer turn that can be cut short"
        )));
    }
    let said = said.trim();
    // `said` is a prefix of the words of `text`, made of its own words.
    let words_said = said.split_whitespace().count();
    let words: Vec<&str> = t.text.split_whitespace().collect();
    let kept = words[..words_said.min(words.len())].join(" ");
    let unsaid = words[words_said.min(words.len())..].join(" ");
    let mut row: turn::ActiveModel = t.into();
    row.text = Set(kept);
    row.unsaid = Set(Some(unsaid));
    Ok(row.update(db).await?)
}

/// A spoken answer's verbatim transcript, replacing the fast one it was answered from.
pub async fn revise_spoken(
    db: &sea_orm::DatabaseConnection,
    interview_id: i64,
    turn_id: i64,
    revision: Revision,
) -> DbResult<turn::Model> {
    let txn = db.begin().await?;
    let t = turn_by_id(&txn, interview_id, turn_id).await?;
    if t.speaker != "candidate" || t.audio_end_ms.is_none() {
        return Err(DbError::Conflict(format!(
            "turn {turn_id} is not a spoken answer"
        )));
    }
    turn_recording::Entity::update_many()
        .col_expr(
            turn_recording::Column::Measures,
            Expr::value(revision.measures),
        )
        .filter(turn_recording::Column::TurnId.eq(turn_id))
        .exec(&txn)
        .await?;
    let mut row: turn::ActiveModel = t.into();
    row.text = Set(revision.text);
    row.word_timings = Set(Some(revision.word_timings));
    let row = row.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// The verbatim pass over a spoken answer: its words and the figures measured from it.
#[derive(Debug)]
pub struct Revision {
    pub text: String,
    pub word_timings: Value,
    pub measures: Value,
}

/// The recording of turn `seq` of an interview, if it was spoken.
pub async fn recording(
    db: &impl ConnectionTrait,
    interview_id: i64,
    seq: i32,
) -> DbResult<Option<turn_recording::Model>> {
    let Some(t) = turn(db, interview_id, seq).await? else {
        return Ok(None);
    };
    Ok(turn_recording::Entity::find()
        .filter(turn_recording::Column::TurnId.eq(t.id))
        .one(db)
        .await?)
}

/// The measured figures of an interview's spoken answers, by turn id (the audio itself is
/// not read).
pub async fn measures(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> DbResult<Vec<(i64, Option<Value>)>> {
    Ok(turn_recording::Entity::find()
        .select_only()
        .column(turn_recording::Column::TurnId)
        .column(turn_recording::Column::Measures)
        .filter(turn_recording::Column::InterviewId.eq(interview_id))
        .into_tuple::<(i64, Option<Value>)>()
        .all(db)
        .await?)
}

/// Turn `seq` of an interview.
pub async fn turn(
    db: &impl ConnectionTrait,
    interview_id: i64,
    seq: i32,
) -> DbResult<Option<turn::Model>> {
    Ok(turn::Entity::find()
        .filter(turn::Column::InterviewId.eq(interview_id))
        .filter(turn::Column::Seq.eq(seq))
        .one(db)
        .await?)
}

pub struct NewCode<'a> {
    pub interview_id: i64,
    pub question_id: Option<i64>,
    pub turn_id: Option<i64>,
    pub language: &'a str,
    pub code: &'a str,
    pub analysis: Value,
}

pub async fn add_code(
    db: &impl ConnectionTrait,
    new: NewCode<'_>,
) -> DbResult<code_submission::Model> {
    Ok(code_submission::ActiveModel {
        interview_id: Set(new.interview_id),
        question_id: Set(new.question_id),
        turn_id: Set(new.turn_id),
        language: Set(new.language.to_string()),
        code: Set(new.code.to_string()),
        analysis: Set(new.analysis),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The latest code submitted on a question of an interview.
pub async fn latest_code(
    db: &impl ConnectionTrait,
    interview_id: i64,
    question_id: Option<i64>,
) -> DbResult<Option<code_submission::Model>> {
    let mut q = code_submission::Entity::find()
        .filter(code_submission::Column::InterviewId.eq(interview_id))
        .order_by_desc(code_submission::Column::Id);
    q = match question_id {
        Some(id) => q.filter(code_submission::Column::QuestionId.eq(id)),
        None => q.filter(code_submission::Column::QuestionId.is_null()),
    };
    Ok(q.one(db).await?)
}

pub async fn code_submissions(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> DbResult<Vec<code_submission::Model>> {
    Ok(code_submission::Entity::find()
        .filter(code_submission::Column::InterviewId.eq(interview_id))
        .order_by_asc(code_submission::Column::Id)
        .all(db)
        .await?)
}

/// Ended, consented interviews that have no profile yet, of one organization or (`None`)
/// of all, practice included: what the stop switch held back, scored when it is turned off,
/// and what a server stopped between an interview's end and its scoring left, scored at
/// start-up.
pub async fn unscored(
    db: &impl ConnectionTrait,
    organization_id: Option<i64>,
) -> DbResult<Vec<i64>> {
    use super::entities::profile;
    let mut query = interview::Entity::find()
        .select_only()
        .column(interview::Column::Id);
    if let Some(org) = organization_id {
        query = query.filter(interview::Column::OrganizationId.eq(org));
    }
    Ok(query
        .filter(interview::Column::Status.is_in([status::COMPLETED, status::ENDED_EARLY]))
        .filter(interview::Column::ConsentGivenAt.is_not_null())
        .filter(
            interview::Column::Id.not_in_subquery(sea_orm::QueryTrait::into_query(
                profile::Entity::find()
                    .select_only()
                    .column(profile::Column::InterviewId),
            )),
        )
        .into_tuple()
        .all(db)
        .await?)
}
