//! Invitations: single-use, expiring links that open exactly one hiring interview.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::entities::invitation::{self, Entity as Invitation};
use super::{DbError, DbResult};

pub struct NewInvitation<'a> {
    pub job_id: i64,
    pub token_hash: &'a str,
    pub candidate_email: &'a str,
    pub candidate_name: &'a str,
    pub created_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewInvitation<'_>,
) -> DbResult<invitation::Model> {
    Ok(invitation::ActiveModel {
        job_id: Set(new.job_id),
        token_hash: Set(new.token_hash.to_string()),
        candidate_email: Set(new.candidate_email.to_string()),
        candidate_name: Set(new.candidate_name.trim().to_string()),
        created_by: Set(new.created_by),
        expires_at: Set(new.expires_at),
        interview_id: Set(None),
        spent_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn by_token_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> DbResult<Option<invitation::Model>> {
    Ok(Invitation::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<invitation::Model> {
    Invitation::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn list_for_job(
    db: &impl ConnectionTrait,
    job_id: i64,
) -> DbResult<Vec<invitation::Model>> {
    Ok(Invitation::find()
        .filter(invitation::Column::JobId.eq(job_id))
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Binds the invitation to its interview; false when another request bound it first (two
/// tabs opening the link at once), in which case that interview is the one.
pub async fn claim(
    db: &impl ConnectionTrait,
    invitation_id: i64,
    interview_id: i64,
) -> DbResult<bool> {
    let res = Invitation::update_many()
        .col_expr(invitation::Column::InterviewId, Expr::value(interview_id))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::InterviewId.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn spend(db: &impl ConnectionTrait, id: i64) -> DbResult<()> {
    let inv = get(db, id).await?;
    if inv.spent_at.is_none() {
        let mut am: invitation::ActiveModel = inv.into();
        am.spent_at = Set(Some(super::now()));
        am.update(db).await?;
    }
    Ok(())
}

/// Notes that the invitation went out by e-mail.
pub async fn mark_emailed(db: &impl ConnectionTrait, id: i64) -> DbResult<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::EmailedAt, Expr::value(super::now()))
        .filter(invitation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Invitations e-mailed before `emailed_before` and not yet opened, reminded, revoked or
/// expired.
pub async fn due_reminders(
    db: &impl ConnectionTrait,
    emailed_before: DateTime<Utc>,
) -> DbResult<Vec<invitation::Model>> {
    Ok(Invitation::find()
        .filter(invitation::Column::EmailedAt.lt(emailed_before))
        .filter(invitation::Column::RemindedAt.is_null())
        .filter(invitation::Column::InterviewId.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(super::now()))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// After a reminder went out with a new link: that link's hash replaces the old one (the
/// old link stops working), and the invitation is not reminded again. Only while nobody has
/// opened it meanwhile.
pub async fn reminded(db: &impl ConnectionTrait, id: i64, token_hash: &str) -> DbResult<bool> {
    let res = invitation::Entity::update_many()
        .col_expr(invitation::Column::TokenHash, Expr::value(token_hash))
        .col_expr(invitation::Column::RemindedAt, Expr::value(super::now()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::InterviewId.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
