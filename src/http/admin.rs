//! The admin's API: staff accounts, organizations, and the audit log.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{checked_account, checked_name};
use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::auth::Role;
use crate::db::entities::organization;
use crate::db::{self, organizations, users};
use crate::scoring::fluency_bands::Reference;

pub async fn list_users(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "users_listed",
        "user",
        None,
        json!({}),
    )
    .await?;
    let list: Vec<Value> = users::list_staff(&app.db)
        .await?
        .into_iter()
        .map(|u| json!({ "id": u.id, "email": u.email, "name": u.display_name, "role": u.role, "organization_id": u.organization_id, "disabled": u.disabled, "last_login_at": u.last_login_at }))
        .collect();
    Ok(axum::Json(json!({ "users": list })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    email: String,
    password: String,
    name: String,
    role: Role,
    organization_id: Option<i64>,
}

pub async fn create_user(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(body): Json<NewStaff>,
) -> Result<impl IntoResponse, ApiError> {
    let org =
        match (body.role, body.organization_id) {
            (Role::Candidate, _) => return Err(ApiError::Unprocessable(
                "candidates sign up for practice or are invited; create admins and recruiters here"
                    .into(),
            )),
            (Role::Recruiter, None) => {
                return Err(ApiError::Unprocessable(
                    "a recruiter needs an organization_id".into(),
                ));
            }
            (_, Some(id)) => Some(
                organizations::get(&app.db, id)
                    .await
                    .map_err(|_| ApiError::Unprocessable(format!("no organization with id {id}")))?
                    .id,
            ),
            (Role::Admin, None) => None,
        };
    let account = checked_account(&body.email, &body.name, body.password).await?;
    let user = users::create(&app.db, account.user(org, body.role)).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "user_created",
        "user",
        Some(user.id),
        json!({ "role": user.role, "email": user.email }),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": user.id, "email": user.email, "role": user.role })),
    ))
}

pub async fn list_organizations(
    State(app): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let list: Vec<Value> = organizations::list(&app.db)
        .await?
        .into_iter()
        .map(|o| organization_view(&o))
        .collect();
    Ok(axum::Json(json!({ "organizations": list })))
}

fn organization_view(o: &organization::Model) -> Value {
    json!({
        "id": o.id,
        "name": o.name,
        "jurisdiction": o.jurisdiction,
        "affect_in_hiring": o.affect_in_hiring,
        // What fluency is held against: the organization's own ranges, or the built-in ones.
        "fluency_reference": o.fluency_reference.clone().unwrap_or_else(|| json!(Reference::default())),
        "fluency_reference_is_default": o.fluency_reference.is_none(),
        "ai_paused_at": o.ai_paused_at,
        "ai_paused_reason": o.ai_paused_reason,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringSettings {
    jurisdiction: String,
    affect_in_hiring: bool,
    /// None returns to the built-in ranges.
    fluency_reference: Option<Reference>,
}

/// An organization's scoring rules: its jurisdiction, whether affect may count in its hiring
/// score (refused in the EU) and its fluency reference. Applies from the next scoring run.
pub async fn set_scoring(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<ScoringSettings>,
) -> Result<impl IntoResponse, ApiError> {
    if !["eu", "us", "other"].contains(&body.jurisdiction.as_str()) {
        return Err(ApiError::BadRequest(
            "jurisdiction must be one of eu, us, other".into(),
        ));
    }
    if body.jurisdiction == "eu" && body.affect_in_hiring {
        return Err(ApiError::Unprocessable(
            "in the EU affect is not computed for hiring at all, so it cannot enter the hiring score".into(),
        ));
    }
    if let Some(r) = &body.fluency_reference {
        r.validate()
            .map_err(|e| ApiError::BadRequest(format!("fluency_reference: {e}")))?;
    }
    organizations::get(&app.db, id).await?;
    let reference = body
        .fluency_reference
        .map(|r| serde_json::to_value(r).map_err(ApiError::internal))
        .transpose()?;
    let org = organizations::set_scoring(
        &app.db,
        id,
        &body.jurisdiction,
        body.affect_in_hiring,
        reference,
    )
    .await?;
    let view = organization_view(&org);
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "organization_scoring_set",
        "organization",
        Some(id),
        view.clone(),
    )
    .await?;
    Ok(axum::Json(view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiPause {
    paused: bool,
    /// Why: required to pause, kept in the audit log either way.
    #[serde(default)]
    reason: String,
}

/// The organization's stop switch. On: no new hiring interview starts and nothing of the
/// organization is scored, at once. Off: interviews held back are scored.
pub async fn set_ai_pause(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<AiPause>,
) -> Result<impl IntoResponse, ApiError> {
    let reason = body.reason.trim().to_string();
    if body.paused && reason.is_empty() {
        return Err(ApiError::BadRequest(
            "say why the organization's AI is being stopped (reason)".into(),
        ));
    }
    organizations::get(&app.db, id).await?;
    let org = organizations::set_ai_pause(&app.db, id, body.paused.then(|| reason.clone())).await?;
    let resumed = if body.paused {
        Vec::new()
    } else {
        db::interviews::unscored(&app.db, Some(id)).await?
    };
    db::audit::record(
        &app.db,
        &viewer.actor(),
        if body.paused {
            "ai_paused"
        } else {
            "ai_resumed"
        },
        "organization",
        Some(id),
        json!({ "reason": reason, "interviews_to_score": resumed.len() }),
    )
    .await?;
    for interview in &resumed {
        app.sessions.scoring().request(*interview);
    }
    Ok(axum::Json(organization_view(&org)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    name: String,
}

pub async fn create_organization(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(body): Json<NewOrganization>,
) -> Result<impl IntoResponse, ApiError> {
    let name = checked_name(&body.name)?;
    let org = organizations::create(&app.db, &name).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "organization_created",
        "organization",
        Some(org.id),
        json!({ "name": org.name }),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(organization_view(&org))))
}

#[derive(Deserialize)]
pub struct Page {
    before: Option<i64>,
    limit: Option<u64>,
}

pub async fn audit_log(
    State(app): State<AppState>,
    Query(page): Query<Page>,
) -> Result<impl IntoResponse, ApiError> {
    let limit = page.limit.unwrap_or(100).clamp(1, 500);
    let entries: Vec<Value> = db::audit::list(&app.db, page.before, limit)
        .await?
        .into_iter()
        .map(|e| json!({ "id": e.id, "at": e.created_at, "actor_user_id": e.actor_user_id, "actor_role": e.actor_role, "action": e.action, "target_type": e.target_type, "target_id": e.target_id, "detail": e.detail }))
        .collect();
    Ok(axum::Json(json!({ "entries": entries })))
}

/// Removes expired sign-in sessions now (they are also ignored when presented).
pub async fn purge_sessions(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    let n = db::auth_sessions::delete_expired(&app.db).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "sessions_purged",
        "auth_session",
        None,
        json!({ "removed": n }),
    )
    .await?;
    Ok(axum::Json(json!({ "removed": n })))
}
