use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use serde_json::Value;

use super::entities::organization::{self, Entity as Organization};
use super::{DbError, DbResult};

pub async fn create(db: &impl ConnectionTrait, name: &str) -> DbResult<organization::Model> {
    Ok(organization::ActiveModel {
        name: Set(name.trim().to_string()),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<organization::Model> {
    Organization::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn list(db: &impl ConnectionTrait) -> DbResult<Vec<organization::Model>> {
    Ok(Organization::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?)
}

/// The organization's scoring rules (checked by the caller).
pub async fn set_scoring(
    db: &impl ConnectionTrait,
    id: i64,
    jurisdiction: &str,
    affect_in_hiring: bool,
    fluency_reference: Option<Value>,
) -> DbResult<organization::Model> {
    let mut row: organization::ActiveModel = get(db, id).await?.into();
    row.jurisdiction = Set(jurisdiction.to_string());
    row.affect_in_hiring = Set(affect_in_hiring);
    row.fluency_reference = Set(fluency_reference);
    Ok(row.update(db).await?)
}

/// Turns the organization's stop switch on (with the reason) or off.
pub async fn set_ai_pause(
    db: &impl ConnectionTrait,
    id: i64,
    reason: Option<String>,
) -> DbResult<organization::Model> {
    let mut row: organization::ActiveModel = get(db, id).await?.into();
    row.ai_paused_at = Set(reason.as_ref().map(|_| super::now()));
    row.ai_paused_reason = Set(reason);
    Ok(row.update(db).await?)
}

/// Whether organization `id`'s stop switch is on; no organization (practice) never is.
pub async fn ai_paused(db: &impl ConnectionTrait, id: Option<i64>) -> DbResult<bool> {
    match id {
        Some(id) => Ok(get(db, id).await?.ai_paused_at.is_some()),
        None => Ok(false),
    }
}
