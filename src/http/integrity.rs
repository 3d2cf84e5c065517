//! Integrity signals from the candidate's page: a large paste into the code editor, the tab
//! hidden and shown again. Recorded as neutral events for reviewers, shown with the
//! transcript (to the candidate too), never scored and never a reason to reject on its own.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::db::{self, interviews};

/// Events kept per interview; a page that sends more is misbehaving.
const MAX_EVENTS: u64 = 500;
/// A paste shorter than this is ordinary editing.
pub const MIN_PASTE_CHARS: u32 = 200;

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Signal {
    Paste { chars: u32 },
    FocusLost,
    FocusReturned { away_secs: f64 },
}

pub async fn record(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(signal): Json<Signal>,
) -> Result<impl IntoResponse, ApiError> {
    let i = interviews::get(&app.db, id).await?;
    if i.candidate_user_id != viewer.user.id {
        return Err(ApiError::NotFound);
    }
    if i.completed_at.is_some() {
        return Err(ApiError::Conflict("the interview is over".into()));
    }
    let (kind, detail) = match signal {
        Signal::Paste { chars } if chars < MIN_PASTE_CHARS => {
            return Err(ApiError::Unprocessable(format!(
                "pastes under {MIN_PASTE_CHARS} characters are not recorded"
            )));
        }
        Signal::Paste { chars } => ("paste", json!({ "chars": chars })),
        Signal::FocusLost => ("focus_lost", json!({})),
        Signal::FocusReturned { away_secs } if !(0.0..=86_400.0).contains(&away_secs) => {
            return Err(ApiError::Unprocessable(
                "away_secs must be 0 to 86400".into(),
            ));
        }
        Signal::FocusReturned { away_secs } => {
            ("focus_returned", json!({ "away_secs": away_secs }))
        }
    };
    if db::integrity::count(&app.db, id).await? >= MAX_EVENTS {
        return Err(ApiError::Conflict(format!(
            "{MAX_EVENTS} events are already recorded for this interview"
        )));
    }
    let e = db::integrity::record(&app.db, id, kind, detail).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": e.id, "kind": e.kind })),
    ))
}
