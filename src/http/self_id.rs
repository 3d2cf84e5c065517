//! Voluntary self-identification after a hiring interview, for bias audits only: the EEO-1
//! categories NYC Local Law 144's audits use, or "decline". Stored apart from the interview
//! (`db::demographics`); nothing the candidate says here reaches a score or a recruiter.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::db;
use crate::db::interviews::{self, MODE_HIRING};

pub const SEXES: [&str; 2] = ["Male", "Female"];
pub const RACES: [&str; 7] = [
    "Hispanic or Latino",
    "White",
    "Black or African American",
    "Native Hawaiian or Pacific Islander",
    "Asian",
    "Native American or Alaska Native",
    "Two or More Races",
];
const DECLINE: &str = "decline";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfId {
    sex: String,
    race_ethnicity: String,
}

fn choice<'a>(value: &'a str, allowed: &[&str], what: &str) -> Result<Option<&'a str>, ApiError> {
    if value == DECLINE {
        return Ok(None);
    }
    if allowed.contains(&value) {
        Ok(Some(value))
    } else {
        Err(ApiError::Unprocessable(format!(
            "{what} must be one of {} or \"{DECLINE}\"",
            allowed.join(", ")
        )))
    }
}

pub async fn record(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<SelfId>,
) -> Result<impl IntoResponse, ApiError> {
    let i = interviews::get(&app.db, id).await?;
    if i.candidate_user_id != viewer.user.id {
        return Err(ApiError::NotFound);
    }
    let Some(org) = i.organization_id.filter(|_| i.mode == MODE_HIRING) else {
        return Err(ApiError::Conflict(
            "self-identification is asked only after a hiring interview".into(),
        ));
    };
    // After the interview, so answering (or not) cannot touch it.
    if i.completed_at.is_none() {
        return Err(ApiError::Conflict(
            "self-identification opens when the interview is over".into(),
        ));
    }
    let sex = choice(&body.sex, &SEXES, "sex")?;
    let race = choice(&body.race_ethnicity, &RACES, "race_ethnicity")?;
    db::demographics::save(&app.db, viewer.user.id, org, sex, race).await?;
    Ok(StatusCode::NO_CONTENT)
}
