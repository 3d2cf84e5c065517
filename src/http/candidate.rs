//! The candidate's side: opening an invitation, practice interviews, and the text interview
//! over HTTP (messages, code submissions, the transcript). The WebSocket is in `interview_ws`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::access::start_session;
use super::error::ApiError;
use super::extract::{Json, Viewer};
use super::pages;
use crate::app::AppState;
use crate::auth::{Role, token};
use crate::code::Language;
use crate::db::entities::interview;
use crate::db::interviews::{self, MODE_HIRING, MODE_PRACTICE, NewInterview};
use crate::db::{self, banks, invitations, jobs, users};
use crate::pipeline::messages::CandidateInput;
use crate::pipeline::respond::engine::{EngineState, PlanItem};
use crate::session::{StateView, TurnView};

/// Opens (or resumes) the one interview an invitation grants, signs the candidate in for it,
/// and sends them to the interview room.
pub async fn open_invitation(
    State(app): State<AppState>,
    Path(tok): Path<String>,
) -> Result<Response, ApiError> {
    let invalid = || {
        pages::message(StatusCode::NOT_FOUND, "This interview link is not valid", "Check that you copied the whole link from your invitation, or ask the recruiter for a new one.").into_response()
    };
    if !token::looks_valid(&tok) {
        return Ok(invalid());
    }
    let Some(inv) = invitations::by_token_hash(&app.db, &token::hash(&tok)).await? else {
        return Ok(invalid());
    };
    let existing = match inv.interview_id {
        Some(id) => Some(interviews::get(&app.db, id).await?),
        None => None,
    };
    let gone =
        |title: &str, text: &str| Ok(pages::message(StatusCode::GONE, title, text).into_response());
    if inv.revoked_at.is_some() {
        return gone(
            "This invitation was withdrawn",
            "Please contact the recruiter if you think this is a mistake.",
        );
    }
    if inv.spent_at.is_some()
        || existing
            .as_ref()
            .is_some_and(|i| interviews::status::is_final(&i.status))
    {
        return gone(
            "This interview is complete",
            "This link has been used for a finished interview, so it cannot be opened again. The recruiting team will be in touch.",
        );
    }
    // An interview already under way may be resumed after expiry; a new one may not start.
    if existing.is_none() && inv.expires_at <= Utc::now() {
        return gone(
            "This invitation has expired",
            "Ask the recruiter to send you a new invitation.",
        );
    }
    // The organization's stop switch: no new AI interview starts while a person has it on.
    // A new interview's job, read once: for the stop switch here and for the plan below.
    let new_job = match existing {
        None => Some(jobs::get(&app.db, inv.job_id, None).await?),
        Some(_) => None,
    };
    if let Some(job) = &new_job
        && crate::db::organizations::ai_paused(&app.db, Some(job.organization_id)).await?
    {
        return Ok(pages::message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Interviews are paused",
            "The organization has paused its AI interviews for now. Your invitation still works: please try again later, or contact the recruiter.",
        )
        .into_response());
    }
    let candidate = match users::by_email(&app.db, &inv.candidate_email).await? {
        Some(u) if u.role == Role::Candidate.as_str() => u,
        Some(_) => {
            return Err(ApiError::Conflict(
                "this invitation's e-mail belongs to a staff account".into(),
            ));
        }
        None => {
            users::create(
                &app.db,
                users::NewUser {
                    organization_id: None,
                    email: &inv.candidate_email,
                    password_hash: None,
                    role: Role::Candidate,
                    display_name: &inv.candidate_name,
                },
            )
            .await?
        }
    };
    let interview = match existing {
        Some(i) => i,
        None => {
            let job =
                new_job.ok_or_else(|| ApiError::internal("a new interview without its job"))?;
            let plan = plan_of_job(&app, job.id).await?;
            // The organization's notice as it stands now is the one this candidate reads, and
            // the one their consent will name.
            let notice = crate::db::notices::current(&app.db, job.organization_id).await?;
            let notice_version = notice.as_ref().map(|n| n.version);
            let disclosure_version = match notice_version {
                Some(v) => format!("{}+notice-{v}", app.config.interview.disclosure_version),
                None => app.config.interview.disclosure_version.clone(),
            };
            let state = EngineState::new(&inv.candidate_name, &job.title, false, plan);
            let i = interviews::create(
                &app.db,
                NewInterview {
                    organization_id: Some(job.organization_id),
                    job_id: Some(job.id),
                    candidate_user_id: candidate.id,
                    invitation_id: Some(inv.id),
                    mode: MODE_HIRING,
                    engine_state: serde_json::to_value(&state).map_err(ApiError::internal)?,
                    disclosure_version,
                    notice_version,
                },
            )
            .await?;
            if invitations::claim(&app.db, inv.id, i.id).await? {
                i
            } else {
                interviews::delete_unstarted(&app.db, i.id).await?;
                let winner = invitations::get(&app.db, inv.id)
                    .await?
                    .interview_id
                    .ok_or(ApiError::internal(
                        "invitation claimed without an interview",
                    ))?;
                interviews::get(&app.db, winner).await?
            }
        }
    };
    // Loading the session writes the opening turn, or finishes a reply a restart interrupted.
    app.sessions.get(interview.id).await?;
    let actor = db::audit::Actor {
        user_id: Some(candidate.id),
        role: "candidate",
        organization_id: interview.organization_id,
    };
    db::audit::record(
        &app.db,
        &actor,
        "invitation_opened",
        "interview",
        Some(interview.id),
        json!({ "invitation": inv.id }),
    )
    .await?;
    let [a, b] = start_session(&app, candidate.id).await?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, a), (header::SET_COOKIE, b)]),
        Redirect::to(&format!("/interview/{}", interview.id)),
    )
        .into_response())
}

async fn plan_of_job(app: &AppState, job_id: i64) -> Result<Vec<PlanItem>, ApiError> {
    jobs::plan(&app.db, job_id)
        .await?
        .into_iter()
        .map(|(item, q)| plan_item(q, item.max_follow_ups))
        .collect()
}

fn plan_item(q: db::entities::question::Model, max_follow_ups: i32) -> Result<PlanItem, ApiError> {
    let id = q.id;
    let bq = banks::to_bank_question(q)?;
    Ok(PlanItem {
        question_id: id,
        kind: bq.kind,
        competency: bq.competency,
        prompt: bq.prompt,
        rubric: bq.rubric,
        hints: bq.follow_ups,
        max_follow_ups: u32::try_from(max_follow_ups).unwrap_or(0),
        language: bq.language,
        starter_code: bq.starter_code,
    })
}

/// The interview belongs to this candidate, or it does not exist for them.
pub(super) async fn own_interview(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<interview::Model, ApiError> {
    let i = interviews::get(&app.db, id).await?;
    if i.candidate_user_id != viewer.user.id {
        return Err(ApiError::NotFound);
    }
    Ok(i)
}

/// The live room: device check, disclosure, then the avatar over WebRTC.
pub async fn live_page(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    own_page(&app, &viewer, id, pages::LIVE).await
}

pub async fn room_page(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    own_page(&app, &viewer, id, pages::INTERVIEW).await
}

/// A page of the candidate's own interview; anyone else's is a not-found page.
async fn own_page(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
    page: &'static str,
) -> Result<Response, ApiError> {
    match own_interview(app, viewer, id).await {
        Ok(_) => Ok(Html(page).into_response()),
        Err(ApiError::NotFound) => Ok(pages::message(
            StatusCode::NOT_FOUND,
            "Interview not found",
            "This interview does not exist or is not yours.",
        )
        .into_response()),
        Err(e) => Err(e),
    }
}

pub async fn practice_banks(State(app): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let mut out = Vec::new();
    // Practice draws on the banks shipped with the server: an organization's own stay its own.
    for b in banks::list(&app.db)
        .await?
        .into_iter()
        .filter(|b| b.organization_id.is_none())
    {
        let n = banks::questions(&app.db, b.id).await?.len();
        out.push(
            json!({ "id": b.id, "title": b.title, "description": b.description, "questions": n }),
        );
    }
    Ok(axum::Json(json!({ "banks": out })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartPractice {
    bank_id: i64,
    #[serde(default = "default_practice_questions")]
    questions: usize,
}

fn default_practice_questions() -> usize {
    3
}

pub async fn start_practice(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(body): Json<StartPractice>,
) -> Result<impl IntoResponse, ApiError> {
    if !(1..=10).contains(&body.questions) {
        return Err(ApiError::Unprocessable(
            "a practice interview has 1 to 10 questions".into(),
        ));
    }
    let bank = banks::get(&app.db, body.bank_id)
        .await
        .ok()
        .filter(|b| b.organization_id.is_none())
        .ok_or_else(|| {
            ApiError::Unprocessable(format!("no question bank with id {}", body.bank_id))
        })?;
    let plan = banks::questions(&app.db, bank.id)
        .await?
        .into_iter()
        .take(body.questions)
        .map(|q| plan_item(q, 1))
        .collect::<Result<Vec<_>, _>>()?;
    let state = EngineState::new(
        &viewer.user.display_name,
        &format!("{} practice", bank.title),
        true,
        plan,
    );
    let i = interviews::create(
        &app.db,
        NewInterview {
            organization_id: None,
            job_id: None,
            candidate_user_id: viewer.user.id,
            invitation_id: None,
            mode: MODE_PRACTICE,
            engine_state: serde_json::to_value(&state).map_err(ApiError::internal)?,
            disclosure_version: app.config.interview.disclosure_version.clone(),
            notice_version: None,
        },
    )
    .await?;
    app.sessions.get(i.id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": i.id, "url": format!("/interview/{}", i.id) })),
    ))
}

pub async fn my_interviews(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    let list: Vec<Value> = interviews::list_for_candidate(&app.db, viewer.user.id)
        .await?
        .into_iter()
        .map(|i| json!({ "id": i.id, "mode": i.mode, "status": i.status, "started_at": i.started_at, "completed_at": i.completed_at }))
        .collect();
    Ok(axum::Json(json!({ "interviews": list })))
}

/// Rejects oversized input with 413 before it reaches the session.
pub(super) fn check_size(app: &AppState, input: &CandidateInput) -> Result<(), ApiError> {
    let limits = &app.config.interview;
    match input {
        CandidateInput::Code { code, .. } if code.len() > limits.max_code_bytes => {
            Err(ApiError::TooLarge(format!(
                "the code is {} KB; the limit is {} KB. Submit the relevant part only.",
                code.len().div_ceil(1024),
                limits.max_code_bytes / 1024
            )))
        }
        CandidateInput::Code { code, .. } if code.trim().is_empty() => {
            Err(ApiError::Unprocessable("the code is empty".into()))
        }
        CandidateInput::Answer { text } if text.len() > limits.max_answer_bytes => {
            Err(ApiError::TooLarge(format!(
                "the answer is longer than {} KB",
                limits.max_answer_bytes / 1024
            )))
        }
        CandidateInput::Answer { text } if text.trim().is_empty() => {
            Err(ApiError::Unprocessable("the answer is empty".into()))
        }
        _ => Ok(()),
    }
}

pub async fn message(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(input): Json<CandidateInput>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    check_size(&app, &input)?;
    let out = app.sessions.get(id).await?.input(input).await?;
    Ok(axum::Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSubmission {
    language: String,
    code: String,
}

pub async fn submit_code(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<CodeSubmission>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    let language: Language = body
        .language
        .parse()
        .map_err(|e: crate::code::CodeError| ApiError::Unprocessable(e.to_string()))?;
    let input = CandidateInput::Code {
        language,
        code: body.code,
    };
    check_size(&app, &input)?;
    let out = app.sessions.get(id).await?.input(input).await?;
    Ok(axum::Json(out))
}

/// An interview the viewer may read: its candidate's own, or a hiring interview of the
/// recruiter's organization (any, for an admin). Others do not exist for the viewer. Staff
/// reads are written to the audit log as `action`.
pub(super) async fn readable_interview(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
    action: &str,
    detail: Value,
) -> Result<interview::Model, ApiError> {
    let i = interviews::get(&app.db, id).await?;
    let allowed = match viewer.role {
        Role::Candidate => i.candidate_user_id == viewer.user.id,
        Role::Recruiter => {
            i.mode == MODE_HIRING
                && i.organization_id.is_some()
                && i.organization_id == viewer.org()
        }
        Role::Admin => i.mode == MODE_HIRING,
    };
    if !allowed {
        return Err(ApiError::NotFound);
    }
    if viewer.role != Role::Candidate {
        db::audit::record(
            &app.db,
            &viewer.actor(),
            action,
            "interview",
            Some(i.id),
            detail,
        )
        .await?;
    }
    Ok(i)
}

/// The transcript: for its candidate, or for staff of its organization (never a practice
/// interview: those are the candidate's alone). Staff reads are audited.
pub async fn transcript(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let i = readable_interview(&app, &viewer, id, "transcript_read", json!({})).await?;
    let state: EngineState =
        serde_json::from_value(i.engine_state.clone()).map_err(ApiError::internal)?;
    let turns: Vec<TurnView> = interviews::turns(&app.db, id)
        .await?
        .into_iter()
        .map(TurnView::from)
        .collect();
    let code: Vec<Value> = interviews::code_submissions(&app.db, id)
        .await?
        .into_iter()
        .map(|c| json!({ "id": c.id, "question_id": c.question_id, "turn_id": c.turn_id, "language": c.language, "analysis": c.analysis, "at": c.created_at }))
        .collect();
    let candidate = users::get(&app.db, i.candidate_user_id).await?;
    let integrity: Vec<Value> = db::integrity::for_interview(&app.db, id)
        .await?
        .into_iter()
        .map(|e| json!({ "kind": e.kind, "detail": e.detail, "at": e.at }))
        .collect();
    // The organization's notice this candidate was shown, word for word.
    let notice = match (i.organization_id, i.notice_version) {
        (Some(org), Some(v)) => {
            let n = db::notices::get(&app.db, org, v).await?;
            Some(json!({ "version": n.version, "text": n.text, "published_at": n.created_at }))
        }
        _ => None,
    };
    Ok(axum::Json(json!({
        "notice": notice,
        "interview": {
            "id": i.id, "mode": i.mode, "status": i.status, "job_id": i.job_id, "role_title": state.role_title,
            "candidate_name": candidate.display_name, "started_at": i.started_at, "completed_at": i.completed_at,
            "consent_given_at": i.consent_given_at, "consent_version": i.consent_version, "disclosure_version": i.disclosure_version,
            "alternative_at": i.alternative_at,
        },
        "state": StateView::of(&state, &i.status),
        "turns": turns,
        "code_submissions": code,
        // Observations for a reviewer, never scored.
        "integrity_events": integrity,
    })))
}
