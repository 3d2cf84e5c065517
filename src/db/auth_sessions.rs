use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::DbResult;
use super::entities::auth_session::{self, Entity as AuthSession};
use super::entities::user;

pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i64,
    token_hash: &str,
    csrf: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    auth_session::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        user_id: Set(user_id),
        csrf_token: Set(csrf.to_string()),
        expires_at: Set(expires_at),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The live session for a token hash and its (enabled) user.
pub async fn find_valid(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<(auth_session::Model, user::Model)>> {
    let Some(session) = AuthSession::find()
        .filter(auth_session::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= Utc::now() {
        AuthSession::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    let user = user::Entity::find_by_id(session.user_id).one(db).await?;
    Ok(user.filter(|u| !u.disabled).map(|u| (session, u)))
}

pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> DbResult<()> {
    AuthSession::delete_many()
        .filter(auth_session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_expired(db: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(AuthSession::delete_many()
        .filter(auth_session::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?
        .rows_affected)
}
