//! Signaling for live interviews, over plain HTTP behind the candidate's session: the
//! offer in and the answer out, then candidates both ways (trickle ICE), and a hang-up.
//! Only the interview's own candidate may connect.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use webrtc::peer_connection::RTCIceCandidateInit;

use super::candidate::own_interview;
use super::error::ApiError;
use super::extract::{Json, Viewer};
use crate::app::AppState;
use crate::rtc::RtcError;
use crate::session::live::LiveError;

impl From<LiveError> for ApiError {
    fn from(e: LiveError) -> Self {
        match e {
            LiveError::Rtc(RtcError::Sdp(m)) => Self::BadRequest(m),
            LiveError::Rtc(RtcError::Candidate(m)) => {
                Self::BadRequest(format!("ICE candidate refused: {m}"))
            }
            LiveError::NotReady(m) => Self::Conflict(m),
            LiveError::StaleConnection => Self::Gone(e.to_string()),
            LiveError::Session(s) => s.into(),
            LiveError::Media(_) | LiveError::Stopped => Self::Unavailable(e.to_string()),
            LiveError::Rtc(_) => Self::internal(e),
        }
    }
}

/// What the page needs before it offers: the ICE servers to gather with.
pub async fn settings(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    Ok(axum::Json(
        serde_json::json!({ "ice_servers": ice_servers(&app) }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// `offer` (what browsers send as `type`); anything else is refused.
    #[serde(rename = "type")]
    kind: String,
    sdp: String,
}

/// The client's offer → the server's answer. A newer offer for the same interview (a second
/// tab, a reconnect) replaces the older connection.
pub async fn offer(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<OfferBody>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    if body.kind != "offer" {
        return Err(ApiError::BadRequest(format!(
            "expected an SDP offer, got `{}`",
            body.kind
        )));
    }
    crate::rtc::signal::check_offer(&body.sdp).map_err(LiveError::from)?;
    let live = app.live.get(id).await?;
    let connected = live.connect(body.sdp).await?;
    Ok(axum::Json(serde_json::json!({
        "connection": connected.connection,
        "type": "answer",
        "sdp": connected.sdp,
        "candidates_complete": connected.candidates_complete,
    })))
}

/// One of the client's ICE candidates.
pub async fn add_candidate(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, connection)): Path<(i64, u64)>,
    Json(candidate): Json<RTCIceCandidateInit>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    let live = app.live.running(id).ok_or(LiveError::StaleConnection)?;
    live.remote_candidate(connection, candidate).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: usize,
}

/// The server's candidates gathered after the answer, from index `after` on.
pub async fn local_candidates(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, connection)): Path<(i64, u64)>,
    Query(q): Query<After>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    let live = app.live.running(id).ok_or(LiveError::StaleConnection)?;
    let c = live.local_candidates(connection, q.after).await?;
    Ok(axum::Json(c))
}

/// The client leaves (the page closes or the candidate ends the call).
pub async fn hangup(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, connection)): Path<(i64, u64)>,
) -> Result<impl IntoResponse, ApiError> {
    own_interview(&app, &viewer, id).await?;
    if let Some(live) = app.live.running(id) {
        live.hangup(connection).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A recruiter's offer to watch a running interview: the interviewer's video and voice, the
/// candidate's voice, the transcript as it grows. Read-only; the view is audited.
pub async fn watch(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Json(body): Json<OfferBody>,
) -> Result<impl IntoResponse, ApiError> {
    super::candidate::readable_interview(&app, &viewer, id, "live_watched", serde_json::json!({}))
        .await?;
    if body.kind != "offer" {
        return Err(ApiError::BadRequest(format!(
            "expected an SDP offer, got `{}`",
            body.kind
        )));
    }
    crate::rtc::signal::check_watch_offer(&body.sdp).map_err(LiveError::from)?;
    let live = app.live.running(id).ok_or_else(|| {
        ApiError::Conflict(
            "the interview is not live right now; watch it while the candidate is connected".into(),
        )
    })?;
    let connected = live.watch(body.sdp).await?;
    Ok(axum::Json(serde_json::json!({
        "connection": connected.connection,
        "type": "answer",
        "sdp": connected.sdp,
        "candidates_complete": connected.candidates_complete,
    })))
}

/// The settings a watcher's page needs (ICE servers), for staff who may read the interview.
pub async fn watch_settings(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    super::candidate::readable_interview(
        &app,
        &viewer,
        id,
        "live_watch_opened",
        serde_json::json!({}),
    )
    .await?;
    Ok(axum::Json(serde_json::json!({
        "ice_servers": ice_servers(&app),
        "live": app.live.running(id).is_some(),
    })))
}

fn ice_servers(app: &AppState) -> Vec<serde_json::Value> {
    app.config
        .rtc
        .ice_servers
        .iter()
        .map(|s| {
            serde_json::json!({
                "urls": s.urls,
                "username": s.username,
                "credential": s.credential,
            })
        })
        .collect()
}
