//! A person's decision on a hiring interview: advance the candidate or not, with the reason.
//! It is the human output the alternative process ends in, and what the selection-mode bias
//! audit counts. Staff of the interview's organization decide; a change is a new decision
//! (the history stays), and every one is in the audit log.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::candidate::readable_interview;
use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::db::entities::decision;
use crate::db::interviews::status;
use crate::db::{self, decisions};

/// The longest reason kept with a decision.
const MAX_REASON: usize = 2000;

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Advanced,
    NotAdvanced,
}

#[derive(Deserialize)]
pub struct NewDecision {
    outcome: Outcome,
    reason: String,
}

fn view(d: decision::Model) -> Value {
    json!({
        "id": d.id,
        "interview_id": d.interview_id,
        "outcome": d.outcome,
        "reason": d.reason,
        "decided_by": d.decided_by,
        "decided_at": d.decided_at,
    })
}

pub async fn record(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<NewDecision>,
) -> Result<impl IntoResponse, ApiError> {
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(ApiError::BadRequest(format!(
            "a decision needs a reason of 1 to {MAX_REASON} characters"
        )));
    }
    let interview = readable_interview(&app, &viewer, id, "decisions_read", json!({})).await?;
    if !status::is_final(&interview.status) {
        return Err(ApiError::Conflict(
            "the interview is still under way: decide once it has ended".into(),
        ));
    }
    let advanced = matches!(body.outcome, Outcome::Advanced);
    let saved = decisions::record(&app.db, id, advanced, reason, viewer.user.id).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "decision_recorded",
        "interview",
        Some(id),
        json!({ "decision_id": saved.id, "outcome": saved.outcome }),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(view(saved))))
}

/// Every decision on the interview, oldest first, and the one that stands.
pub async fn history(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    readable_interview(&app, &viewer, id, "decisions_read", json!({})).await?;
    let all = decisions::history(&app.db, id).await?;
    let standing = all.last().map(|d| d.outcome.clone());
    Ok(axum::Json(json!({
        "decisions": all.into_iter().map(view).collect::<Vec<_>>(),
        "standing": standing,
    })))
}
