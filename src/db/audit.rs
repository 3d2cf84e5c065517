//! The audit log: who read or changed what. Written by every handler that touches candidate
//! data or configuration; read by admins.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use super::DbResult;
use super::entities::audit_entry::{self, Entity as AuditEntry};

pub struct Actor {
    pub user_id: Option<i64>,
    pub role: &'static str,
    pub organization_id: Option<i64>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: Value,
) -> DbResult<()> {
    audit_entry::ActiveModel {
        actor_user_id: Set(actor.user_id),
        actor_role: Set(actor.role.to_string()),
        action: Set(action.to_string()),
        target_type: Set(target_type.to_string()),
        target_id: Set(target_id),
        organization_id: Set(actor.organization_id),
        detail: Set(detail),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn list(
    db: &impl ConnectionTrait,
    before_id: Option<i64>,
    limit: u64,
) -> DbResult<Vec<audit_entry::Model>> {
    let mut q = AuditEntry::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit);
    if let Some(b) = before_id {
        q = q.filter(audit_entry::Column::Id.lt(b));
    }
    Ok(q.all(db).await?)
}
