//! Audit records from an organization's own hiring interviews, in scoring mode: each scored
//! interview's overall profile figure (a person's overrides included), with the candidate's
//! voluntary self-identification where they gave one (unknown otherwise). Candidates are
//! named by number only.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::impact::{Outcome, Record};
use crate::db::{self, DbResult};
use crate::scoring::interview::stored_profile;

pub async fn scoring_records(
    db: &DatabaseConnection,
    organization_id: i64,
) -> DbResult<Vec<Record>> {
    let said: HashMap<i64, (Option<String>, Option<String>)> =
        db::demographics::for_organization(db, organization_id)
            .await?
            .into_iter()
            .map(|d| (d.candidate_user_id, (d.sex, d.race_ethnicity)))
            .collect();
    let mut out = Vec::new();
    for i in db::interviews::list(db, Some(organization_id), None).await? {
        let Some(overall) = stored_profile(db, i.id)
            .await?
            .and_then(|s| s.profile.overall)
        else {
            continue;
        };
        let (sex, race_ethnicity) = said.get(&i.candidate_user_id).cloned().unwrap_or_default();
        out.push(Record {
            candidate: format!("candidate-{}", i.candidate_user_id),
            sex,
            race_ethnicity,
            outcome: Outcome::Score(overall.value),
        });
    }
    Ok(out)
}
