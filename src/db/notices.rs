//! An organization's notices to candidates, versioned: published, never edited.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::entities::notice;
use super::{DbError, DbResult};

/// Publishes `text` as the organization's next version.
pub async fn publish(
    db: &impl ConnectionTrait,
    organization_id: i64,
    text: &str,
    created_by: Option<i64>,
) -> DbResult<notice::Model> {
    let version = current(db, organization_id)
        .await?
        .map_or(1, |n| n.version + 1);
    Ok(notice::ActiveModel {
        organization_id: Set(organization_id),
        version: Set(version),
        text: Set(text.to_string()),
        created_by: Set(created_by),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The version candidates see now, if the organization has written one.
pub async fn current(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> DbResult<Option<notice::Model>> {
    Ok(notice::Entity::find()
        .filter(notice::Column::OrganizationId.eq(organization_id))
        .order_by_desc(notice::Column::Version)
        .one(db)
        .await?)
}

pub async fn get(
    db: &impl ConnectionTrait,
    organization_id: i64,
    version: i32,
) -> DbResult<notice::Model> {
    notice::Entity::find()
        .filter(notice::Column::OrganizationId.eq(organization_id))
        .filter(notice::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// Every version, newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> DbResult<Vec<notice::Model>> {
    Ok(notice::Entity::find()
        .filter(notice::Column::OrganizationId.eq(organization_id))
        .order_by_desc(notice::Column::Version)
        .all(db)
        .await?)
}
