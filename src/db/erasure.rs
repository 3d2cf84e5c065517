//! A candidate's erasure: every row that holds their data, removed in one transaction, with
//! a tombstone in the audit log that counts what went and names no one. On SQLite the
//! freed pages are zeroed (`secure_delete`, set on every connection) and the write-ahead log
//! is truncated afterwards, so the words are gone from the files too, not only unreachable.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use super::audit::Actor;
use super::entities::{
    auth_session, code_submission, decision, demographic, integrity_event, interview, invitation,
    profile, resume, score, turn, turn_recording, user,
};
use super::{DbError, DbResult};
use crate::auth::Role;

/// How many rows of each kind an erasure removed: the tombstone's content.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Erased {
    pub interviews: u64,
    pub turns: u64,
    pub recordings: u64,
    pub code_submissions: u64,
    pub scores: u64,
    pub profiles: u64,
    pub decisions: u64,
    pub integrity_events: u64,
    pub invitations: u64,
    pub resumes: u64,
    pub demographics: u64,
    pub sign_in_sessions: u64,
    pub accounts: u64,
}

/// Erases candidate `user_id` and everything about them: their interviews (turns, recordings,
/// code, scores, profiles, decisions, integrity events), every invitation sent to their e-mail with its
/// résumé, their self-identification, their sign-in sessions and their account. `NotFound`
/// when no candidate has that id (a staff account is not a candidate).
pub async fn erase_candidate(
    db: &DatabaseConnection,
    user_id: i64,
    by: &Actor,
) -> DbResult<Erased> {
    let txn = db.begin().await?;
    let person = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .filter(|u| u.role == Role::Candidate.as_str())
        .ok_or(DbError::NotFound)?;

    let interviews: Vec<(i64, Option<i64>)> = interview::Entity::find()
        .select_only()
        .column(interview::Column::Id)
        .column(interview::Column::InvitationId)
        .filter(interview::Column::CandidateUserId.eq(user_id))
        .into_tuple()
        .all(&txn)
        .await?;
    let ids: Vec<i64> = interviews.iter().map(|(id, _)| *id).collect();
    let mut invitation_ids: Vec<i64> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .filter(invitation::Column::CandidateEmail.eq(&person.email))
        .into_tuple()
        .all(&txn)
        .await?;
    invitation_ids.extend(interviews.iter().filter_map(|(_, inv)| *inv));
    invitation_ids.sort_unstable();
    invitation_ids.dedup();

    let mut out = Erased::default();
    remove_interviews(&txn, ids, &mut out).await?;
    remove_invitations(&txn, invitation_ids, &mut out).await?;
    out.demographics = demographic::Entity::delete_many()
        .filter(demographic::Column::CandidateUserId.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    out.sign_in_sessions = auth_session::Entity::delete_many()
        .filter(auth_session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    out.accounts = user::Entity::delete_by_id(user_id)
        .exec(&txn)
        .await?
        .rows_affected;
    super::audit::record(
        &txn,
        by,
        "candidate_erased",
        "user",
        Some(user_id),
        json!(&out),
    )
    .await?;
    txn.commit().await?;
    flush_freed_pages(db).await;
    Ok(out)
}

/// Removes interviews `ids` with everything recorded in them, children before parents so no
/// foreign key is left pointing at a removed row whatever the backend does about cascades.
pub(super) async fn remove_interviews(
    txn: &impl ConnectionTrait,
    ids: Vec<i64>,
    out: &mut Erased,
) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    out.recordings +=
        rows_in::<turn_recording::Entity>(txn, turn_recording::Column::InterviewId, &ids).await?;
    out.integrity_events +=
        rows_in::<integrity_event::Entity>(txn, integrity_event::Column::InterviewId, &ids).await?;
    out.scores += rows_in::<score::Entity>(txn, score::Column::InterviewId, &ids).await?;
    out.profiles += rows_in::<profile::Entity>(txn, profile::Column::InterviewId, &ids).await?;
    out.decisions += rows_in::<decision::Entity>(txn, decision::Column::InterviewId, &ids).await?;
    out.code_submissions +=
        rows_in::<code_submission::Entity>(txn, code_submission::Column::InterviewId, &ids).await?;
    out.turns += rows_in::<turn::Entity>(txn, turn::Column::InterviewId, &ids).await?;
    out.interviews += rows_in::<interview::Entity>(txn, interview::Column::Id, &ids).await?;
    Ok(())
}

/// Removes invitations `ids` with their résumés (the candidate's name, e-mail and CV).
pub(super) async fn remove_invitations(
    txn: &impl ConnectionTrait,
    ids: Vec<i64>,
    out: &mut Erased,
) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    out.resumes += rows_in::<resume::Entity>(txn, resume::Column::InvitationId, &ids).await?;
    out.invitations += rows_in::<invitation::Entity>(txn, invitation::Column::Id, &ids).await?;
    Ok(())
}

/// Deletes the rows of `E` whose `column` is one of `ids`; returns how many.
async fn rows_in<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    column: E::Column,
    ids: &[i64],
) -> DbResult<u64> {
    Ok(E::delete_many()
        .filter(column.is_in(ids.iter().copied()))
        .exec(txn)
        .await?
        .rows_affected)
}

/// SQLite keeps the pages a transaction replaced in its write-ahead log until a checkpoint;
/// truncating the log leaves the erased words nowhere on disk. A checkpoint held back by a
/// concurrent reader is retried at the next erasure or by SQLite itself; it never fails the
/// erasure, which is already committed.
pub async fn flush_freed_pages(db: &DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    if let Err(e) = db
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
    {
        tracing::warn!(error = %e, "write-ahead log checkpoint after an erasure failed");
    }
}
