//! Voluntary self-identification, stored apart from everything else: keyed to the candidate
//! and the organization, never to an interview or a score. Only bias audits read it; no
//! scoring code and no recruiter route does.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::DbResult;
use super::entities::demographic;

/// Stores (or replaces) what the candidate chose to say to `organization_id`.
pub async fn save(
    db: &impl ConnectionTrait,
    candidate_user_id: i64,
    organization_id: i64,
    sex: Option<&str>,
    race_ethnicity: Option<&str>,
) -> DbResult<()> {
    let existing = demographic::Entity::find()
        .filter(demographic::Column::CandidateUserId.eq(candidate_user_id))
        .filter(demographic::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?;
    let mut row: demographic::ActiveModel = match existing {
        Some(r) => r.into(),
        None => demographic::ActiveModel {
            candidate_user_id: Set(candidate_user_id),
            organization_id: Set(Some(organization_id)),
            ..Default::default()
        },
    };
    row.sex = Set(sex.map(str::to_string));
    row.race_ethnicity = Set(race_ethnicity.map(str::to_string));
    row.created_at = Set(super::now());
    row.save(db).await?;
    Ok(())
}

/// Everything an organization's candidates said, for its bias audit.
pub async fn for_organization(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> DbResult<Vec<demographic::Model>> {
    Ok(demographic::Entity::find()
        .filter(demographic::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?)
}
