//! Webhook endpoints and their deliveries. An event becomes one pending delivery per
//! endpoint of the organization that wants it (`enqueue`); the delivery worker takes due
//! ones (`due`) and records each attempt's outcome.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use super::entities::{webhook, webhook_delivery};
use super::{DbError, DbResult};

pub mod status {
    pub const PENDING: &str = "pending";
    pub const DELIVERED: &str = "delivered";
    pub const FAILED: &str = "failed";
}

pub struct NewWebhook<'a> {
    pub organization_id: i64,
    pub url: &'a str,
    pub events: Vec<String>,
    pub secret: &'a str,
    pub created_by: Option<i64>,
}

pub async fn create(db: &impl ConnectionTrait, new: NewWebhook<'_>) -> DbResult<webhook::Model> {
    Ok(webhook::ActiveModel {
        organization_id: Set(new.organization_id),
        url: Set(new.url.to_string()),
        events: Set(Value::from(new.events)),
        secret: Set(new.secret.to_string()),
        created_by: Set(new.created_by),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<webhook::Model> {
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn for_organization(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> DbResult<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::OrganizationId.eq(organization_id))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

/// Removes an endpoint and its deliveries.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> DbResult<()> {
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(db)
        .await?;
    let gone = webhook::Entity::delete_by_id(id).exec(db).await?;
    if gone.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// One pending delivery of `event` for each endpoint of the organization that wants it;
/// returns how many.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    organization_id: i64,
    event: &str,
    payload: Value,
) -> DbResult<usize> {
    let now = super::now();
    let mut n = 0;
    for hook in for_organization(db, organization_id).await? {
        let wants = hook
            .events
            .as_array()
            .is_some_and(|e| e.iter().any(|x| x == event));
        if !wants {
            continue;
        }
        webhook_delivery::ActiveModel {
            webhook_id: Set(hook.id),
            event: Set(event.to_string()),
            payload: Set(payload.clone()),
            status: Set(status::PENDING.to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_status: Set(None),
            last_error: Set(None),
            delivered_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        n += 1;
    }
    Ok(n)
}

/// Pending deliveries whose time has come, oldest first, with their endpoints.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> DbResult<Vec<(webhook_delivery::Model, webhook::Model)>> {
    let pending = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(status::PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(pending.len());
    for d in pending {
        // An endpoint removed since the delivery was queued takes its deliveries with it.
        if let Some(hook) = webhook::Entity::find_by_id(d.webhook_id).one(db).await? {
            out.push((d, hook));
        }
    }
    Ok(out)
}

/// What one attempt came to.
pub enum Attempt {
    Delivered {
        status: i32,
    },
    /// Another attempt at `at`.
    Retry {
        at: DateTime<Utc>,
        status: Option<i32>,
        error: String,
    },
    /// No attempts left.
    Failed {
        status: Option<i32>,
        error: String,
    },
}

pub async fn record_attempt(
    db: &impl ConnectionTrait,
    delivery: webhook_delivery::Model,
    attempt: Attempt,
) -> DbResult<webhook_delivery::Model> {
    let attempts = delivery.attempts + 1;
    let mut row: webhook_delivery::ActiveModel = delivery.into();
    row.attempts = Set(attempts);
    match attempt {
        Attempt::Delivered { status: code } => {
            row.status = Set(status::DELIVERED.to_string());
            row.last_status = Set(Some(code));
            row.last_error = Set(None);
            row.delivered_at = Set(Some(super::now()));
        }
        Attempt::Retry {
            at,
            status: code,
            error,
        } => {
            row.next_attempt_at = Set(at);
            row.last_status = Set(code);
            row.last_error = Set(Some(error));
        }
        Attempt::Failed {
            status: code,
            error,
        } => {
            row.status = Set(status::FAILED.to_string());
            row.last_status = Set(code);
            row.last_error = Set(Some(error));
        }
    }
    Ok(row.update(db).await?)
}

/// The newest deliveries of an endpoint.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    webhook_id: i64,
    limit: u64,
) -> DbResult<Vec<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn delivery(db: &impl ConnectionTrait, id: i64) -> DbResult<webhook_delivery::Model> {
    webhook_delivery::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// Queues a failed delivery again, from its first attempt.
pub async fn retry(db: &impl ConnectionTrait, id: i64) -> DbResult<webhook_delivery::Model> {
    let d = delivery(db, id).await?;
    if d.status != status::FAILED {
        return Err(DbError::Conflict(format!(
            "delivery {id} is {}; only a failed delivery is sent again",
            d.status
        )));
    }
    let mut row: webhook_delivery::ActiveModel = d.into();
    row.status = Set(status::PENDING.to_string());
    row.attempts = Set(0);
    row.next_attempt_at = Set(super::now());
    Ok(row.update(db).await?)
}
