use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};

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
