//! A person's advance-or-not decisions on hiring interviews. Each change is a new row, so the
//! history shows who decided what and why; the latest row is the decision that stands.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::DbResult;
use super::entities::decision;

pub const ADVANCED: &str = "advanced";
pub const NOT_ADVANCED: &str = "not_advanced";

pub async fn record(
    db: &impl ConnectionTrait,
    interview_id: i64,
    advanced: bool,
    reason: &str,
    decided_by: i64,
) -> DbResult<decision::Model> {
    Ok(decision::ActiveModel {
        interview_id: Set(interview_id),
        outcome: Set(if advanced { ADVANCED } else { NOT_ADVANCED }.to_string()),
        reason: Set(reason.to_string()),
        decided_by: Set(Some(decided_by)),
        decided_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The interview's decisions, oldest first (the last one stands).
pub async fn history(
    db: &impl ConnectionTrait,
    interview_id: i64,
) -> DbResult<Vec<decision::Model>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::InterviewId.eq(interview_id))
        .order_by_asc(decision::Column::Id)
        .all(db)
        .await?)
}

/// The decision that stands on each of `interview_ids` that has one: advanced or not.
pub async fn standing(
    db: &impl ConnectionTrait,
    interview_ids: &[i64],
) -> DbResult<HashMap<i64, bool>> {
    let mut out = HashMap::new();
    // In slices, so that an organization's every interview stays under the databases'
    // limits on bound parameters.
    for ids in interview_ids.chunks(500) {
        let rows = decision::Entity::find()
            .filter(decision::Column::InterviewId.is_in(ids.iter().copied()))
            .order_by_asc(decision::Column::Id)
            .all(db)
            .await?;
        // Ascending ids: a later decision overwrites an earlier one.
        out.extend(
            rows.into_iter()
                .map(|d| (d.interview_id, d.outcome == ADVANCED)),
        );
    }
    Ok(out)
}
