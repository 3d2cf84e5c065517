//! Audit records from an organization's own hiring interviews, with the candidate's voluntary
//! self-identification where they gave one (unknown otherwise): in scoring mode each scored
//! interview's overall profile figure (a person's overrides included); in selection mode the
//! decision that stands on each decided interview (advanced or not). Candidates are named by
//! number only.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::Mode;
use super::impact::{Outcome, Record};
use crate::db::{self, DbError, DbResult};
use crate::scoring::interview::stored_profile;

type SelfIdentification = HashMap<i64, (Option<String>, Option<String>)>;

async fn self_identification(
    db: &DatabaseConnection,
    organization_id: i64,
) -> DbResult<SelfIdentification> {
    Ok(db::demographics::for_organization(db, organization_id)
        .await?
        .into_iter()
        .map(|d| (d.candidate_user_id, (d.sex, d.race_ethnicity)))
        .collect())
}

fn record(said: &SelfIdentification, candidate_user_id: i64, outcome: Outcome) -> Record {
    let (sex, race_ethnicity) = said.get(&candidate_user_id).cloned().unwrap_or_default();
    Record {
        candidate: format!("candidate-{candidate_user_id}"),
        sex,
        race_ethnicity,
        outcome,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OwnAuditError {
    #[error("nothing to audit: {}", none_yet(*.0))]
    NothingYet(Mode),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Records for `mode`; none is an error that says why, for whoever asked.
pub async fn records(
    db: &DatabaseConnection,
    organization_id: i64,
    mode: Mode,
) -> Result<Vec<Record>, OwnAuditError> {
    let records = match mode {
        Mode::Scoring => scoring_records(db, organization_id).await?,
        Mode::Selection => selection_records(db, organization_id).await?,
    };
    if records.is_empty() {
        return Err(OwnAuditError::NothingYet(mode));
    }
    Ok(records)
}

/// What an organization's audit in `mode` counts, for its title.
pub fn counted(mode: Mode) -> &'static str {
    match mode {
        Mode::Scoring => "scored interviews",
        Mode::Selection => "hiring decisions",
    }
}

/// Why an organization's audit in `mode` has no records.
fn none_yet(mode: Mode) -> &'static str {
    match mode {
        Mode::Scoring => "none of the organization's interviews has been scored yet",
        Mode::Selection => {
            "none of the organization's interviews has a recorded decision yet (advanced or not, recorded on the profile page)"
        }
    }
}

/// One record per interview a person has decided on; undecided interviews are not counted.
pub async fn selection_records(
    db: &DatabaseConnection,
    organization_id: i64,
) -> DbResult<Vec<Record>> {
    let said = self_identification(db, organization_id).await?;
    let interviews = db::interviews::list(db, Some(organization_id), None).await?;
    let ids: Vec<i64> = interviews.iter().map(|i| i.id).collect();
    let standing = db::decisions::standing(db, &ids).await?;
    Ok(interviews
        .iter()
        .filter_map(|i| {
            let advanced = *standing.get(&i.id)?;
            Some(record(
                &said,
                i.candidate_user_id,
                Outcome::Selected(advanced),
            ))
        })
        .collect())
}

pub async fn scoring_records(
    db: &DatabaseConnection,
    organization_id: i64,
) -> DbResult<Vec<Record>> {
    let said = self_identification(db, organization_id).await?;
    let mut out = Vec::new();
    for i in db::interviews::list(db, Some(organization_id), None).await? {
        let Some(overall) = stored_profile(db, i.id)
            .await?
            .and_then(|s| s.profile.overall)
        else {
            continue;
        };
        out.push(record(
            &said,
            i.candidate_user_id,
            Outcome::Score(overall.value),
        ));
    }
    Ok(out)
}
