//! The recruiter's API: roles (jobs) with their banks, interview plan and criteria weights,
//! invitations, and the list of interviews. Recruiters see only their organization.

use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::auth::{normalize_email, token};
use crate::db::{self, banks, interviews, invitations, jobs, users};

const MAX_FOLLOW_UPS: i32 = 5;
const MAX_PLAN_QUESTIONS: usize = 30;

pub async fn list_banks(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    let mut out = Vec::new();
    for b in banks::visible(&app.db, viewer.org_scope()).await? {
        let n = banks::questions(&app.db, b.id).await?.len();
        out.push(json!({
            "id": b.id, "slug": b.slug, "title": b.title, "version": b.version, "description": b.description,
            "questions": n,
            // Shipped banks are edited in question-bank/; an organization edits its own here.
            "editable": b.organization_id.is_some() && b.organization_id == viewer.org(),
        }));
    }
    Ok(axum::Json(json!({ "banks": out })))
}

/// A bank the viewer may use: shipped with the server, or their organization's own.
pub(super) async fn visible_bank(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<db::entities::question_bank::Model, ApiError> {
    let b = banks::get(&app.db, id).await?;
    match (b.organization_id, viewer.org_scope()) {
        (Some(owner), Some(scope)) if owner != scope => Err(ApiError::NotFound),
        _ => Ok(b),
    }
}

pub async fn get_bank(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let b = visible_bank(&app, &viewer, id).await?;
    let questions: Vec<Value> = banks::questions(&app.db, id)
        .await?
        .into_iter()
        .map(question_json)
        .collect();
    Ok(axum::Json(
        json!({ "id": b.id, "slug": b.slug, "title": b.title, "version": b.version, "questions": questions }),
    ))
}

fn question_json(q: db::entities::question::Model) -> Value {
    json!({
        "id": q.id, "slug": q.slug, "kind": q.kind, "competency": q.competency, "prompt": q.prompt,
        "rubric": q.rubric, "follow_ups": q.follow_ups, "time_limit_secs": q.time_limit_secs,
        "difficulty": q.difficulty, "tags": q.tags, "language": q.language,
    })
}

pub async fn list_jobs(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    let jobs: Vec<Value> = jobs::list(&app.db, viewer.org_scope())
        .await?
        .into_iter()
        .map(|j| json!({ "id": j.id, "title": j.title, "region": j.region, "organization_id": j.organization_id, "created_at": j.created_at }))
        .collect();
    Ok(axum::Json(json!({ "jobs": jobs })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_region")]
    region: String,
    #[serde(default = "default_follow_ups")]
    default_follow_ups: i32,
    #[serde(default)]
    bank_ids: Vec<i64>,
}

fn default_region() -> String {
    "us".into()
}

fn default_follow_ups() -> i32 {
    1
}

pub async fn create_job(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(body): Json<NewJob>,
) -> Result<impl IntoResponse, ApiError> {
    let org = viewer
        .org()
        .ok_or_else(|| ApiError::Forbidden("your account belongs to no organization".into()))?;
    let title = body.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ApiError::Unprocessable(
            "title must have 1 to 200 characters".into(),
        ));
    }
    if body.description.chars().count() > 10_000 {
        return Err(ApiError::Unprocessable(
            "description must have at most 10000 characters".into(),
        ));
    }
    // The region decides which rules apply later (in the EU, affect never enters a hiring score).
    if !["us", "eu", "other"].contains(&body.region.as_str()) {
        return Err(ApiError::Unprocessable(
            "region must be one of us, eu, other".into(),
        ));
    }
    check_follow_ups(body.default_follow_ups)?;
    for id in &body.bank_ids {
        visible_bank(&app, &viewer, *id)
            .await
            .map_err(|_| ApiError::Unprocessable(format!("no question bank with id {id}")))?;
    }
    let job = jobs::create(
        &app.db,
        jobs::NewJob {
            organization_id: org,
            title,
            description: &body.description,
            region: &body.region,
            default_follow_ups: body.default_follow_ups,
            created_by: Some(viewer.user.id),
        },
    )
    .await?;
    for id in &body.bank_ids {
        jobs::attach_bank(&app.db, job.id, *id).await?;
    }
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "job_created",
        "job",
        Some(job.id),
        json!({ "title": job.title }),
    )
    .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(json!({ "id": job.id, "title": job.title })),
    ))
}

fn check_follow_ups(n: i32) -> Result<(), ApiError> {
    if (0..=MAX_FOLLOW_UPS).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::Unprocessable(format!(
            "follow-ups per question must be 0 to {MAX_FOLLOW_UPS}"
        )))
    }
}

pub async fn get_job(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let banks: Vec<Value> = jobs::banks(&app.db, id)
        .await?
        .into_iter()
        .map(|b| json!({ "id": b.id, "slug": b.slug, "title": b.title }))
        .collect();
    let plan: Vec<Value> = jobs::plan(&app.db, id)
        .await?
        .into_iter()
        .map(|(item, q)| json!({ "question_id": q.id, "position": item.position, "max_follow_ups": item.max_follow_ups, "kind": q.kind, "competency": q.competency, "prompt": q.prompt }))
        .collect();
    let criteria: Vec<Value> = jobs::criteria(&app.db, id).await?.into_iter().map(|c| json!({ "competency": c.competency, "weight": c.weight, "description": c.description })).collect();
    let invites: Vec<Value> = invitations::list_for_job(&app.db, id)
        .await?
        .into_iter()
        .map(|i| json!({ "id": i.id, "candidate_email": i.candidate_email, "candidate_name": i.candidate_name, "expires_at": i.expires_at, "interview_id": i.interview_id, "spent_at": i.spent_at }))
        .collect();
    Ok(axum::Json(json!({
        "id": job.id, "title": job.title, "description": job.description, "region": job.region,
        "default_follow_ups": job.default_follow_ups, "banks": banks, "plan": plan, "criteria": criteria, "invitations": invites,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachBank {
    bank_id: i64,
}

pub async fn attach_bank(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<AttachBank>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let bank = visible_bank(&app, &viewer, body.bank_id)
        .await
        .map_err(|_| {
            ApiError::Unprocessable(format!("no question bank with id {}", body.bank_id))
        })?;
    jobs::attach_bank(&app.db, job.id, bank.id).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "bank_attached",
        "job",
        Some(job.id),
        json!({ "bank": bank.slug }),
    )
    .await?;
    Ok(axum::Json(json!({ "ok": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    items: Vec<PlanItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItem {
    question_id: i64,
    max_follow_ups: Option<i32>,
}

pub async fn set_plan(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<Plan>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    if body.items.is_empty() || body.items.len() > MAX_PLAN_QUESTIONS {
        return Err(ApiError::Unprocessable(format!(
            "a plan needs 1 to {MAX_PLAN_QUESTIONS} questions"
        )));
    }
    let attached: HashSet<i64> = jobs::banks(&app.db, job.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(body.items.len());
    for item in &body.items {
        let q = banks::question(&app.db, item.question_id)
            .await
            .map_err(|_| {
                ApiError::Unprocessable(format!("no question with id {}", item.question_id))
            })?;
        if !attached.contains(&q.bank_id) || q.retired {
            return Err(ApiError::Unprocessable(format!(
                "question {} is not in a bank attached to this role",
                q.id
            )));
        }
        if !seen.insert(q.id) {
            return Err(ApiError::Unprocessable(format!(
                "question {} appears twice in the plan",
                q.id
            )));
        }
        let n = item.max_follow_ups.unwrap_or(job.default_follow_ups);
        check_follow_ups(n)?;
        items.push((q.id, n));
    }
    jobs::set_plan(&app.db, job.id, &items).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "plan_set",
        "job",
        Some(job.id),
        json!({ "questions": items.len() }),
    )
    .await?;
    Ok(axum::Json(json!({ "ok": true, "questions": items.len() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    criteria: Vec<Criterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    competency: String,
    weight: f64,
    description: Option<String>,
}

pub async fn set_criteria(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<Criteria>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for c in body.criteria {
        let comp = c.competency.trim().to_string();
        let slug_ok = (2..=64).contains(&comp.len())
            && comp
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(ApiError::Unprocessable(format!(
                "competency `{comp}` must be 2 to 64 characters of a-z, 0-9 and -"
            )));
        }
        if !(c.weight.is_finite() && c.weight > 0.0 && c.weight <= 100.0) {
            return Err(ApiError::Unprocessable(format!(
                "weight of `{comp}` must be above 0 and at most 100"
            )));
        }
        if !seen.insert(comp.clone()) {
            return Err(ApiError::Unprocessable(format!(
                "competency `{comp}` appears twice"
            )));
        }
        items.push((comp, c.weight, c.description));
    }
    jobs::set_criteria(&app.db, job.id, &items).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "criteria_set",
        "job",
        Some(job.id),
        json!({ "criteria": items.len() }),
    )
    .await?;
    Ok(axum::Json(json!({ "ok": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    email: String,
    name: String,
    /// Send the invitation by e-mail (when an SMTP server is configured).
    #[serde(default = "yes")]
    send_email: bool,
}

fn yes() -> bool {
    true
}

pub async fn invite(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<Invite>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let email = normalize_email(&body.email)
        .ok_or_else(|| ApiError::Unprocessable("enter the candidate's e-mail address".into()))?;
    let name = super::auth::checked_name(&body.name)?;
    if jobs::plan(&app.db, job.id).await?.is_empty() {
        return Err(ApiError::Unprocessable(
            "set an interview plan for this role before inviting".into(),
        ));
    }
    if let Some(u) = users::by_email(&app.db, &email).await?
        && u.role != "candidate"
    {
        return Err(ApiError::Conflict(
            "that e-mail belongs to a staff account".into(),
        ));
    }
    let tok = token::generate();
    let expires_at = Utc::now() + chrono::Duration::hours(app.config.interview.invite_ttl_hours);
    let inv = invitations::create(
        &app.db,
        invitations::NewInvitation {
            job_id: job.id,
            token_hash: &token::hash(&tok),
            candidate_email: &email,
            candidate_name: &name,
            created_by: Some(viewer.user.id),
            expires_at,
        },
    )
    .await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "candidate_invited",
        "invitation",
        Some(inv.id),
        // The invitation's id, never the candidate's address: the audit log outlives an
        // erasure, and must not name the person erased.
        json!({ "job": job.id }),
    )
    .await?;
    let link = format!("{}/i/{tok}", app.public_url);
    // By e-mail where a server is configured; the link is returned either way, so a failed
    // send costs the recruiter a copy and paste, not the invitation.
    let (emailed, email_error) = match (&app.mailer, body.send_email) {
        (Some(mailer), true) => {
            let org = db::organizations::get(&app.db, job.organization_id).await?;
            let letter = crate::mail::message::invitation(
                &org.name, &job.title, &name, &email, &link, expires_at,
            );
            match mailer.send(&letter).await {
                Ok(()) => {
                    invitations::mark_emailed(&app.db, inv.id).await?;
                    (true, None)
                }
                Err(e) => {
                    tracing::warn!(invitation = inv.id, error = %e, "invitation e-mail not sent");
                    (false, Some(e.to_string()))
                }
            }
        }
        _ => (false, None),
    };
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(json!({
            "id": inv.id, "link": link, "expires_at": expires_at,
            "emailed": emailed, "email_error": email_error,
            "mail_configured": app.mailer.is_some(),
        })),
    ))
}

#[derive(Deserialize)]
pub struct InterviewFilter {
    job_id: Option<i64>,
}

pub async fn list_interviews(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(f): Query<InterviewFilter>,
) -> Result<impl IntoResponse, ApiError> {
    let rows = interviews::list(&app.db, viewer.org_scope(), f.job_id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for i in rows {
        let candidate = users::get(&app.db, i.candidate_user_id).await?;
        let job_title = match i.job_id {
            Some(j) => jobs::get(&app.db, j, None)
                .await
                .map(|j| j.title)
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(json!({
            "id": i.id, "status": i.status, "mode": i.mode, "job_id": i.job_id, "job_title": job_title,
            "candidate_name": candidate.display_name, "candidate_email": candidate.email,
            "started_at": i.started_at, "completed_at": i.completed_at, "consent_given_at": i.consent_given_at,
            "alternative_at": i.alternative_at,
        }));
    }
    Ok(axum::Json(json!({ "interviews": out })))
}
