//! Jobs (roles): their banks, interview plan and criteria weights.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use super::entities::{criterion, job, job_bank, job_question, question, question_bank};
use super::{DbError, DbResult};

pub struct NewJob<'a> {
    pub organization_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub region: &'a str,
    pub default_follow_ups: i32,
    pub created_by: Option<i64>,
}

pub async fn create(db: &impl ConnectionTrait, new: NewJob<'_>) -> DbResult<job::Model> {
    Ok(job::ActiveModel {
        organization_id: Set(new.organization_id),
        title: Set(new.title.trim().to_string()),
        description: Set(new.description.trim().to_string()),
        region: Set(new.region.to_string()),
        default_follow_ups: Set(new.default_follow_ups),
        created_by: Set(new.created_by),
        archived: Set(false),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Jobs of one organization, or of all when `org` is None (admins).
pub async fn list(db: &impl ConnectionTrait, org: Option<i64>) -> DbResult<Vec<job::Model>> {
    let mut q = job::Entity::find().order_by_desc(job::Column::Id);
    if let Some(org) = org {
        q = q.filter(job::Column::OrganizationId.eq(org));
    }
    Ok(q.all(db).await?)
}

/// A job visible to a caller scoped to `org` (None: any organization). A job of another
/// organization is reported as not found, so its existence does not leak.
pub async fn get(db: &impl ConnectionTrait, id: i64, org: Option<i64>) -> DbResult<job::Model> {
    let job = job::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    match org {
        Some(o) if o != job.organization_id => Err(DbError::NotFound),
        _ => Ok(job),
    }
}

pub async fn attach_bank(db: &impl ConnectionTrait, job_id: i64, bank_id: i64) -> DbResult<()> {
    let exists = job_bank::Entity::find()
        .filter(job_bank::Column::JobId.eq(job_id))
        .filter(job_bank::Column::BankId.eq(bank_id))
        .one(db)
        .await?;
    if exists.is_none() {
        job_bank::ActiveModel {
            job_id: Set(job_id),
            bank_id: Set(bank_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn banks(db: &impl ConnectionTrait, job_id: i64) -> DbResult<Vec<question_bank::Model>> {
    let ids: Vec<i64> = job_bank::Entity::find()
        .filter(job_bank::Column::JobId.eq(job_id))
        .all(db)
        .await?
        .into_iter()
        .map(|jb| jb.bank_id)
        .collect();
    Ok(question_bank::Entity::find()
        .filter(question_bank::Column::Id.is_in(ids))
        .order_by_asc(question_bank::Column::Slug)
        .all(db)
        .await?)
}

/// Replaces the plan: questions in order, each with its follow-up budget.
pub async fn set_plan(
    db: &sea_orm::DatabaseConnection,
    job_id: i64,
    items: &[(i64, i32)],
) -> DbResult<()> {
    let txn = db.begin().await?;
    job_question::Entity::delete_many()
        .filter(job_question::Column::JobId.eq(job_id))
        .exec(&txn)
        .await?;
    for (position, (question_id, max_follow_ups)) in items.iter().enumerate() {
        job_question::ActiveModel {
            job_id: Set(job_id),
            question_id: Set(*question_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            max_follow_ups: Set(*max_follow_ups),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The plan in order, with each question.
pub async fn plan(
    db: &impl ConnectionTrait,
    job_id: i64,
) -> DbResult<Vec<(job_question::Model, question::Model)>> {
    let items = job_question::Entity::find()
        .filter(job_question::Column::JobId.eq(job_id))
        .order_by_asc(job_question::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.question_id).collect();
    let questions = question::Entity::find()
        .filter(question::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(items
        .into_iter()
        .filter_map(|i| {
            questions
                .iter()
                .find(|q| q.id == i.question_id)
                .cloned()
                .map(|q| (i, q))
        })
        .collect())
}

pub async fn set_criteria(
    db: &sea_orm::DatabaseConnection,
    job_id: i64,
    items: &[(String, f64, Option<String>)],
) -> DbResult<()> {
    let txn = db.begin().await?;
    criterion::Entity::delete_many()
        .filter(criterion::Column::JobId.eq(job_id))
        .exec(&txn)
        .await?;
    for (competency, weight, description) in items {
        criterion::ActiveModel {
            job_id: Set(job_id),
            competency: Set(competency.clone()),
            weight: Set(*weight),
            description: Set(description.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn criteria(db: &impl ConnectionTrait, job_id: i64) -> DbResult<Vec<criterion::Model>> {
    Ok(criterion::Entity::find()
        .filter(criterion::Column::JobId.eq(job_id))
        .order_by_asc(criterion::Column::Competency)
        .all(db)
        .await?)
}
