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
