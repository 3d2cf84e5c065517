//! Profiles: one per interview, rebuilt from its scores whenever they change (a scoring run,
//! a person's override).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use super::entities::profile;
use super::{DbError, DbResult};

/// Stores `summary` as the profile of `interview_id`, replacing the one before.
pub async fn save(
    db: &impl ConnectionTrait,
    interview_id: i64,
    summary: Value,
) -> DbResult<profile::Model> {
    let now = super::now();
    // One statement, so two rebuilds at once (a scoring run, an override) cannot both insert.
    profile::Entity::insert(profile::ActiveModel {
        interview_id: Set(interview_id),
        summary: Set(summary),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(profile::Column::InterviewId)
            .update_columns([profile::Column::Summary, profile::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    get(db, interview_id).await?.ok_or(DbError::NotFound)
}

pub async fn get(db: &impl ConnectionTrait, interview_id: i64) -> DbResult<Option<profile::Model>> {
    Ok(profile::Entity::find()
        .filter(profile::Column::InterviewId.eq(interview_id))
        .one(db)
        .await?)
}
