//! The audit log: who read or changed what. Written by every handler that touches candidate
//! data or configuration; read by admins. Append-only and tamper-evident: each entry carries
//! the hash of the one before it and its own hash over its fields, so `verify` finds an
//! entry edited or removed (other than the newest). Writes take a process-wide lock so the
//! chain never forks; one server process writes a database's log.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::DbResult;
use super::entities::audit_entry::{self, Entity as AuditEntry};

pub struct Actor {
    pub user_id: Option<i64>,
    pub role: &'static str,
    pub organization_id: Option<i64>,
}

/// Serializes appends, so each entry links to the one truly before it.
static CHAIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: Value,
) -> DbResult<()> {
    let _turn = CHAIN.lock().await;
    let prev = AuditEntry::find()
        .filter(audit_entry::Column::Hash.is_not_null())
        .order_by_desc(audit_entry::Column::Id)
        .one(db)
        .await?
        .and_then(|e| e.hash)
        .unwrap_or_default();
    // Microseconds: what every backend stores, so the hash reads back the same.
    let now = super::now();
    let created_at =
        now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000));
    let mut entry = audit_entry::Model {
        id: 0,
        actor_user_id: actor.user_id,
        actor_role: actor.role.to_string(),
        action: action.to_string(),
        target_type: target_type.to_string(),
        target_id,
        organization_id: actor.organization_id,
        detail,
        prev_hash: Some(prev),
        hash: None,
        created_at,
    };
    entry.hash = Some(entry_hash(&entry));
    audit_entry::ActiveModel {
        actor_user_id: Set(entry.actor_user_id),
        actor_role: Set(entry.actor_role),
        action: Set(entry.action),
        target_type: Set(entry.target_type),
        target_id: Set(entry.target_id),
        organization_id: Set(entry.organization_id),
        detail: Set(entry.detail),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash),
        created_at: Set(entry.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// SHA-256 (hex) over the previous hash and the entry's fields, its detail in canonical JSON
/// (keys sorted), so a database that reorders JSON keys reads back the same hash.
pub fn entry_hash(e: &audit_entry::Model) -> String {
    let mut h = Sha256::new();
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        e.prev_hash.as_deref().unwrap_or(""),
        e.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor_user_id.map(|v| v.to_string()).unwrap_or_default(),
        e.actor_role,
        e.action,
        e.target_type,
        e.target_id.map(|v| v.to_string()).unwrap_or_default(),
        e.organization_id.map(|v| v.to_string()).unwrap_or_default(),
        canonical(&e.detail),
    );
    h.update(text.as_bytes());
    crate::content::question_bank::hex(&h.finalize())
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// What `verify` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every chained entry links to the one before and matches its hash.
    Intact { entries: usize, chained: usize },
    /// The first entry that does not.
    Broken { id: i64, reason: String },
}

/// Walks the whole log in order. Entries written before the chain began may only stand
/// before it.
pub async fn verify(db: &impl ConnectionTrait) -> DbResult<Verdict> {
    let all = AuditEntry::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?;
    let mut prev: Option<String> = None;
    let mut chained = 0;
    for e in &all {
        let Some(hash) = &e.hash else {
            if prev.is_some() {
                return Ok(Verdict::Broken {
                    id: e.id,
                    reason: "an entry without a hash inside the chain".into(),
                });
            }
            continue;
        };
        let expected_prev = prev.clone().unwrap_or_default();
        if e.prev_hash.as_deref() != Some(expected_prev.as_str()) {
            return Ok(Verdict::Broken {
                id: e.id,
                reason: "it does not follow the entry before it: an entry was removed or changed"
                    .into(),
            });
        }
        if &entry_hash(e) != hash {
            return Ok(Verdict::Broken {
                id: e.id,
                reason: "its content does not match its hash: the entry was changed".into(),
            });
        }
        prev = Some(hash.clone());
        chained += 1;
    }
    Ok(Verdict::Intact {
        entries: all.len(),
        chained,
    })
}

/// The newest chained entry: its hash, kept outside the database, lets `holds` show later
/// that nothing was cut from the end of the log (which the chain alone cannot).
pub async fn head(db: &impl ConnectionTrait) -> DbResult<Option<audit_entry::Model>> {
    Ok(AuditEntry::find()
        .filter(audit_entry::Column::Hash.is_not_null())
        .order_by_desc(audit_entry::Column::Id)
        .one(db)
        .await?)
}

/// Whether a chained entry has `hash` (an anchor taken earlier from `head`).
pub async fn holds(db: &impl ConnectionTrait, hash: &str) -> DbResult<bool> {
    Ok(AuditEntry::find()
        .filter(audit_entry::Column::Hash.eq(hash))
        .one(db)
        .await?
        .is_some())
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
