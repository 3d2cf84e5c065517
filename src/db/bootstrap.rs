//! One-time set-up links (the first admin on an empty database).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::DbResult;
use super::entities::bootstrap_token::{self, Entity as BootstrapToken};

pub const FIRST_ADMIN: &str = "first_admin";

pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    bootstrap_token::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        purpose: Set(purpose.to_string()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether an unused, unexpired token with this hash exists.
pub async fn is_valid(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: &str,
) -> DbResult<bool> {
    Ok(BootstrapToken::find()
        .filter(bootstrap_token::Column::TokenHash.eq(token_hash))
        .filter(bootstrap_token::Column::Purpose.eq(purpose))
        .filter(bootstrap_token::Column::UsedAt.is_null())
        .filter(bootstrap_token::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .is_some())
}

/// Marks the token used; true only for the one caller that wins the race.
pub async fn consume(db: &impl ConnectionTrait, token_hash: &str, purpose: &str) -> DbResult<bool> {
    let res = BootstrapToken::update_many()
        .col_expr(bootstrap_token::Column::UsedAt, Expr::value(super::now()))
        .filter(bootstrap_token::Column::TokenHash.eq(token_hash))
        .filter(bootstrap_token::Column::Purpose.eq(purpose))
        .filter(bootstrap_token::Column::UsedAt.is_null())
        .filter(bootstrap_token::Column::ExpiresAt.gt(Utc::now()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
