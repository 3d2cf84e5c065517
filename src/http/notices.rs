//! An organization's notice to candidates, for admins: published as the next version (never
//! edited, so each consent names the exact words it answered) and read back with its history.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::db::entities::notice;
use crate::db::{self, notices, organizations};

/// Longest notice accepted: a page or two of plain text.
const MAX_CHARS: usize = 20_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNotice {
    text: String,
}

fn view(n: &notice::Model) -> Value {
    json!({ "organization_id": n.organization_id, "version": n.version, "text": n.text,
            "published_at": n.created_at })
}

pub async fn history(
    State(app): State<AppState>,
    Path(org): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    organizations::get(&app.db, org).await?;
    let list: Vec<Value> = notices::history(&app.db, org)
        .await?
        .iter()
        .map(view)
        .collect();
    Ok(axum::Json(json!({ "notices": list })))
}

/// Publishes the organization's next notice; interviews that start from now on show it.
pub async fn publish(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(org): Path<i64>,
    Json(body): Json<NewNotice>,
) -> Result<impl IntoResponse, ApiError> {
    let text = body.text.trim();
    if text.is_empty() {
        return Err(ApiError::BadRequest(
            "the notice is empty: say what is assessed, the data used, how long it is kept, and how to ask for an alternative process or an accommodation".into(),
        ));
    }
    if text.chars().count() > MAX_CHARS {
        return Err(ApiError::TooLarge(format!(
            "a notice is at most {MAX_CHARS} characters"
        )));
    }
    organizations::get(&app.db, org).await?;
    let n = notices::publish(&app.db, org, text, Some(viewer.user.id)).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "notice_published",
        "organization",
        Some(org),
        json!({ "version": n.version }),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(view(&n))))
}
