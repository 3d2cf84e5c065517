//! A candidate's data rights, carried out by an admin (found by e-mail, exported, erased)
//! or asked for by the candidate themselves (their own export); each organization's
//! retention periods, and those of practice interviews. Every call is in the audit log; an erasure leaves only a tombstone
//! there, which counts what was removed and names no one.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::auth::Role;
use crate::db::retention::{Policy, Scope};
use crate::db::{self, candidate_data, erasure, organizations, retention, users};
use crate::privacy::export;

#[derive(Deserialize)]
pub struct ByEmail {
    email: Option<String>,
}

/// The candidate account behind an e-mail address, so a deletion or access request that
/// arrives by e-mail can be carried out.
pub async fn find_candidate(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ByEmail>,
) -> Result<impl IntoResponse, ApiError> {
    let email = q.email.as_deref().map(str::trim).unwrap_or_default();
    if email.is_empty() {
        return Err(ApiError::BadRequest(
            "give the candidate's e-mail address as ?email=".into(),
        ));
    }
    let user = users::by_email(&app.db, email)
        .await?
        .filter(|u| u.role == Role::Candidate.as_str())
        .ok_or(ApiError::NotFound)?;
    let interviews = db::interviews::list_for_candidate(&app.db, user.id).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "candidate_looked_up",
        "user",
        Some(user.id),
        json!({}),
    )
    .await?;
    Ok(axum::Json(json!({
        "id": user.id, "email": user.email, "name": user.display_name,
        "created_at": user.created_at,
        "interviews": interviews.iter().map(|i| json!({
            "id": i.id, "organization_id": i.organization_id, "mode": i.mode,
            "status": i.status, "started_at": i.started_at })).collect::<Vec<_>>(),
    })))
}

pub async fn export_candidate(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    export_of(&app, &viewer, id).await
}

/// The signed-in candidate's own data.
pub async fn export_mine(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    export_of(&app, &viewer, viewer.user.id).await
}

async fn export_of(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<impl IntoResponse + use<>, ApiError> {
    let data = candidate_data::gather(&app.db, id).await?;
    let bytes = export::archive(&data).map_err(ApiError::internal)?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "candidate_data_exported",
        "user",
        Some(id),
        json!({ "interviews": data.interviews.len(), "bytes": bytes.len() }),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"candidate-{id}-data.zip\""),
            ),
        ],
        bytes,
    ))
}

/// Erases a candidate and everything about them; 404 for an unknown id (or a staff
/// account), 409 while one of their interviews is under way in this server (the candidate
/// is still talking to it; erasing under them would lose their next answer mid-write).
pub async fn erase_candidate(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    for i in db::interviews::list_for_candidate(&app.db, id).await? {
        let under_way = !db::interviews::status::is_final(&i.status)
            && (app.sessions.is_running(i.id) || app.live.running(i.id).is_some());
        if under_way {
            return Err(ApiError::Conflict(format!(
                "interview {} is under way now; erase the candidate once it has ended",
                i.id
            )));
        }
    }
    let removed = erasure::erase_candidate(&app.db, id, &viewer.actor()).await?;
    tracing::info!(candidate = id, ?removed, "candidate erased");
    Ok(axum::Json(json!({ "erased": id, "removed": removed })))
}

pub async fn get_retention(
    State(app): State<AppState>,
    Path(org): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    organizations::get(&app.db, org).await?;
    let policy = retention::get(&app.db, Scope::Organization(org)).await?;
    Ok(axum::Json(
        json!({ "organization_id": org, "policy": policy }),
    ))
}

/// Sets an organization's retention periods; they apply from the next run of the retention
/// job (`retention.check_secs`).
pub async fn set_retention(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(org): Path<i64>,
    Json(policy): Json<Policy>,
) -> Result<impl IntoResponse, ApiError> {
    policy.validate().map_err(ApiError::BadRequest)?;
    organizations::get(&app.db, org).await?;
    store_policy(&app, &viewer, Scope::Organization(org), policy).await?;
    Ok(axum::Json(
        json!({ "organization_id": org, "policy": policy }),
    ))
}

/// How long practice interviews (every candidate's own, no organization's) are kept.
pub async fn get_practice_retention(
    State(app): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let policy = retention::get(&app.db, Scope::Practice).await?;
    Ok(axum::Json(json!({ "scope": "practice", "policy": policy })))
}

/// Sets how long practice interviews are kept (`demographics_days` has nothing to govern:
/// practice asks for no self-identification).
pub async fn set_practice_retention(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(policy): Json<Policy>,
) -> Result<impl IntoResponse, ApiError> {
    policy.validate().map_err(ApiError::BadRequest)?;
    store_policy(&app, &viewer, Scope::Practice, policy).await?;
    Ok(axum::Json(json!({ "scope": "practice", "policy": policy })))
}

async fn store_policy(
    app: &AppState,
    viewer: &Viewer,
    scope: Scope,
    policy: Policy,
) -> Result<(), ApiError> {
    retention::set(&app.db, scope, policy).await?;
    let (target, id) = match scope {
        Scope::Organization(org) => ("organization", Some(org)),
        Scope::Practice => ("practice", None),
    };
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "retention_set",
        target,
        id,
        json!(policy),
    )
    .await?;
    Ok(())
}
