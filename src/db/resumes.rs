//! Résumés, one per invitation (a new upload replaces the old), deleted with it.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use super::entities::resume;
use super::{DbError, DbResult};

pub struct NewResume<'a> {
    pub invitation_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub text: &'a str,
    pub facts: Value,
}

pub async fn save(db: &impl ConnectionTrait, new: NewResume<'_>) -> DbResult<resume::Model> {
    resume::Entity::insert(resume::ActiveModel {
        invitation_id: Set(new.invitation_id),
        filename: Set(new.filename.to_string()),
        content_type: Set(new.content_type.to_string()),
        text: Set(new.text.to_string()),
        facts: Set(new.facts),
        created_at: Set(super::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(resume::Column::InvitationId)
            .update_columns([
                resume::Column::Filename,
                resume::Column::ContentType,
                resume::Column::Text,
                resume::Column::Facts,
                resume::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    for_invitation(db, new.invitation_id)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn for_invitation(
    db: &impl ConnectionTrait,
    invitation_id: i64,
) -> DbResult<Option<resume::Model>> {
    Ok(resume::Entity::find()
        .filter(resume::Column::InvitationId.eq(invitation_id))
        .one(db)
        .await?)
}
