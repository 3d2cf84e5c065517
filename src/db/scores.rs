//! Scores: one row per dimension and question (or per interview), with the evidence behind
//! it and, once a person has looked, their override. A scorer's rows are replaced when it
//! runs again, unless a person has overridden one of them: a human decision is never
//! silently thrown away.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;

use super::entities::{interview, score};
use super::{DbError, DbResult};

pub struct NewScore {
    pub turn_id: Option<i64>,
    pub dimension: &'static str,
    pub competency: String,
    pub value: Option<f64>,
    pub explanation: String,
    pub evidence: Value,
}

/// Replaces what `scorer` said of an interview with `rows`.
pub async fn replace(
    db: &sea_orm::DatabaseConnection,
    interview_id: i64,
    scorer: &str,
    rows: Vec<NewScore>,
) -> DbResult<Vec<score::Model>> {
    let txn = db.begin().await?;
    // Two runs for one interview take turns here (PostgreSQL; SQLite writes one at a time
    // anyway), so neither inserts beside the other's rows.
    interview::Entity::find_by_id(interview_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let mine = score::Entity::find()
        .filter(score::Column::InterviewId.eq(interview_id))
        .filter(score::Column::Scorer.eq(scorer));
    if mine
        .clone()
        .filter(score::Column::OverriddenBy.is_not_null())
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(DbError::Conflict(format!(
            "a person has overridden a {scorer} score of interview {interview_id}; it is not scored again"
        )));
    }
    score::Entity::delete_many()
        .filter(score::Column::InterviewId.eq(interview_id))
        .filter(score::Column::Scorer.eq(scorer))
        .exec(&txn)
        .await?;
    let now = super::now();
    let mut saved = Vec::with_capacity(rows.len());
    for r in rows {
        saved.push(
            score::ActiveModel {
                interview_id: Set(interview_id),
                turn_id: Set(r.turn_id),
                dimension: Set(r.dimension.to_string()),
                competency: Set(r.competency),
                value: Set(r.value),
                explanation: Set(r.explanation),
                evidence: Set(r.evidence),
                scorer: Set(scorer.to_string()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    txn.commit().await?;
    Ok(saved)
}

pub async fn for_interview(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> DbResult<Vec<score::Model>> {
    Ok(score::Entity::find()
        .filter(score::Column::InterviewId.eq(interview_id))
        .order_by_asc(score::Column::Id)
        .all(db)
        .await?)
}

/// A person's decision on a score: their value (0 to 1, or none to withdraw it) and why.
/// The scorer's own value stays beside it, so both can be read later. Returns the row as it
/// was and as it is now.
pub async fn set_override(
    db: &impl ConnectionTrait,
    interview_id: i64,
    score_id: i64,
    by: i64,
    value: Option<f64>,
    reason: &str,
) -> DbResult<(score::Model, score::Model)> {
    let before = score::Entity::find_by_id(score_id)
        .filter(score::Column::InterviewId.eq(interview_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut row: score::ActiveModel = before.clone().into();
    row.overridden_by = Set(Some(by));
    row.override_value = Set(value);
    row.override_reason = Set(Some(reason.to_string()));
    Ok((before, row.update(db).await?))
}
