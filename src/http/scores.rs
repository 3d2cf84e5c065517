//! An interview's scores, each with its evidence, and a person's override of any of them.
//! Staff of the interview's organization read and override; a candidate reads the scores of
//! their own practice interviews only (hiring scores are for the people deciding). Every
//! staff read and every override is in the audit log.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::candidate::readable_interview;
use super::error::ApiError;
use super::extract::{Json, Viewer};
use super::profile;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::entities::{interview, score};
use crate::db::interviews::MODE_PRACTICE;
use crate::db::{self, scores};
use crate::scoring::interview::{rebuild_profile, stored_profile};

/// The longest reason kept with an override.
const MAX_REASON: usize = 2000;

fn view(s: score::Model) -> Value {
    json!({
        "id": s.id,
        "turn_id": s.turn_id,
        "dimension": s.dimension,
        "competency": s.competency,
        "value": s.value,
        "explanation": s.explanation,
        "evidence": s.evidence,
        "scorer": s.scorer,
        "override": s.overridden_by.map(|by| json!({
            "by": by,
            "value": s.override_value,
            "reason": s.override_reason,
        })),
        // What counts: a person's value where they gave one.
        "final_value": if s.overridden_by.is_some() { s.override_value } else { s.value },
        "created_at": s.created_at,
    })
}

/// An interview whose scores the viewer may read: staff of its organization (audited as
/// `action`), or its candidate for a practice interview only (hiring scores are for the
/// people who decide).
pub(super) async fn scored_interview(
    app: &AppState,
    viewer: &Viewer,
    id: i64,
    action: &str,
) -> Result<interview::Model, ApiError> {
    let i = readable_interview(app, viewer, id, action, json!({})).await?;
    if viewer.role == Role::Candidate && i.mode != MODE_PRACTICE {
        return Err(ApiError::Forbidden(
            "the scores of a hiring interview are for the people who decide; your practice interviews show you yours".into(),
        ));
    }
    Ok(i)
}

pub async fn list(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let interview = scored_interview(&app, &viewer, id, "scores_read").await?;
    let stored = scores::for_interview(&app.db, id).await?;
    // The profile as last built from these rows; none until the interview has been scored.
    let summary = stored_profile(&app.db, id).await?;
    let profile = summary.as_ref().map(|s| &s.profile);
    let fluency = profile::fluency_charts(&stored);
    let charts = json!({
        "competencies": profile.map(profile::competency_chart),
        "speaking_rate": fluency.as_ref().map(|f| &f.0),
        "pauses": fluency.as_ref().map(|f| &f.1),
    });
    Ok(axum::Json(json!({
        "interview_id": id,
        "scores": stored.into_iter().map(view).collect::<Vec<_>>(),
        "profile": profile,
        "affect_policy": summary.as_ref().map(|s| s.affect_policy),
        "charts": charts,
        // The candidate chose a person over the AI: no scores will come, by design.
        "alternative_process": interview.alternative_at.is_some(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// 0 to 1; null withdraws the score (for example, the evidence is not the candidate's).
    value: Option<f64>,
    reason: String,
}

pub async fn set_override(
    State(app): State<AppState>,
    viewer: Viewer,
    Path((id, score_id)): Path<(i64, i64)>,
    Json(body): Json<Override>,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(v) = body.value
        && !(0.0..=1.0).contains(&v)
    {
        return Err(ApiError::BadRequest(format!(
            "value {v} is out of range; a score is from 0 to 1, or null to withdraw it"
        )));
    }
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(ApiError::BadRequest(format!(
            "an override needs a reason of 1 to {MAX_REASON} characters"
        )));
    }
    readable_interview(&app, &viewer, id, "scores_read", json!({})).await?;
    let (before, after) =
        scores::set_override(&app.db, id, score_id, viewer.user.id, body.value, reason).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "score_overridden",
        "interview",
        Some(id),
        json!({
            "score_id": score_id,
            "dimension": before.dimension,
            "scorer_value": before.value,
            "previous_override": before.override_value,
            "value": body.value,
            "reason": reason,
        }),
    )
    .await?;
    // The profile follows the decision at once.
    rebuild_profile(&app.db, id)
        .await
        .map_err(ApiError::internal)?;
    Ok(axum::Json(view(after)))
}
