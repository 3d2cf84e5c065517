//! Integrity events: neutral observations for reviewers (a large paste into the code editor,
//! the tab losing focus, a long silence). Nothing scores them and nothing rejects on them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::Value;

use super::DbResult;
use super::entities::integrity_event;

pub async fn record(
    db: &impl ConnectionTrait,
    interview_id: i64,
    kind: &str,
    detail: Value,
) -> DbResult<integrity_event::Model> {
    Ok(integrity_event::ActiveModel {
        interview_id: Set(interview_id),
        kind: Set(kind.to_string()),
        detail: Set(detail),
        at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn for_interview(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> DbResult<Vec<integrity_event::Model>> {
    Ok(integrity_event::Entity::find()
        .filter(integrity_event::Column::InterviewId.eq(interview_id))
        .order_by_asc(integrity_event::Column::Id)
        .all(db)
        .await?)
}

pub async fn count(db: &impl ConnectionTrait, interview_id: i64) -> DbResult<u64> {
    Ok(integrity_event::Entity::find()
        .filter(integrity_event::Column::InterviewId.eq(interview_id))
        .count(db)
        .await?)
}
