//! A role's candidates for its recruiters: every invitation with where it stands (invited,
//! expired, in progress, completed…) and the profile's figures once scored; and several
//! candidates' profiles side by side. Both reads are audited, as reads of scores are.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::Viewer;
use super::profile::competency_chart;
use crate::app::AppState;
use crate::db::entities::invitation;
use crate::db::{self, interviews, invitations, jobs};
use crate::scoring::interview::stored_profile;
use crate::scoring::profile::Profile;

/// Where an invitation stands, in words a recruiter uses.
fn standing(i: &invitation::Model, interview_status: Option<&str>) -> String {
    if let Some(s) = interview_status {
        return s.to_string();
    }
    if i.revoked_at.is_some() {
        "revoked".into()
    } else if i.expires_at < db::now() {
        "expired".into()
    } else {
        "invited".into()
    }
}

async fn profile_of(app: &AppState, interview_id: i64) -> Result<Option<Profile>, ApiError> {
    Ok(stored_profile(&app.db, interview_id)
        .await?
        .map(|s| s.profile))
}

pub async fn list(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let invited = invitations::list_for_job(&app.db, job.id).await?;
    let ids: Vec<i64> = invited.iter().filter_map(|i| i.interview_id).collect();
    let decided = db::decisions::standing(&app.db, &ids).await?;
    let mut out = Vec::new();
    for inv in invited {
        let interview = match inv.interview_id {
            Some(i) => Some(interviews::get(&app.db, i).await?),
            None => None,
        };
        let profile = match &interview {
            Some(i) => profile_of(&app, i.id).await?,
            None => None,
        };
        let resume = db::resumes::for_invitation(&app.db, inv.id).await?;
        out.push(json!({
            "invitation_id": inv.id,
            "name": inv.candidate_name,
            "email": inv.candidate_email,
            "status": standing(&inv, interview.as_ref().map(|i| i.status.as_str())),
            "expires_at": inv.expires_at,
            "interview_id": inv.interview_id,
            "started_at": interview.as_ref().map(|i| i.started_at),
            "completed_at": interview.as_ref().and_then(|i| i.completed_at),
            "overall": profile.as_ref().and_then(|p| p.overall.clone()),
            // The candidate chose a person over the AI: no figures will come.
            "alternative": interview.as_ref().is_some_and(|i| i.alternative_at.is_some()),
            // The decision that stands, if a person has made one.
            "decision": inv.interview_id.and_then(|i| decided.get(&i)).map(|&advanced| {
                if advanced { db::decisions::ADVANCED } else { db::decisions::NOT_ADVANCED }
            }),
            "resume": resume.map(|r| json!({ "filename": r.filename, "facts": r.facts })),
        }));
    }
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "candidates_listed",
        "job",
        Some(job.id),
        json!({ "candidates": out.len() }),
    )
    .await?;
    Ok(axum::Json(
        json!({ "job_id": job.id, "title": job.title, "candidates": out }),
    ))
}

#[derive(Deserialize)]
pub struct Selection {
    /// Interview ids, comma-separated. Missing reads as none, so a foreign role answers 404
    /// before the selection is judged.
    #[serde(default)]
    interviews: String,
}

/// The most candidates compared at once: more columns than this stop being readable.
const MAX_COMPARED: usize = 6;

pub async fn compare(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(sel): Query<Selection>,
) -> Result<impl IntoResponse, ApiError> {
    let job = jobs::get(&app.db, id, viewer.org_scope()).await?;
    let ids: Vec<i64> = sel
        .interviews
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("{s:?} is not an interview id")))
        })
        .collect::<Result<_, _>>()?;
    if !(2..=MAX_COMPARED).contains(&ids.len()) {
        return Err(ApiError::BadRequest(format!(
            "compare 2 to {MAX_COMPARED} candidates (got {})",
            ids.len()
        )));
    }
    let mut columns = Vec::with_capacity(ids.len());
    let mut competencies = BTreeSet::new();
    for iid in &ids {
        let i = interviews::get(&app.db, *iid).await?;
        // Only this role's interviews: anything else does not exist for this comparison.
        if i.job_id != Some(job.id) {
            return Err(ApiError::NotFound);
        }
        let name = db::users::get(&app.db, i.candidate_user_id)
            .await?
            .display_name;
        let profile = profile_of(&app, i.id).await?;
        if let Some(p) = &profile {
            competencies.extend(p.competencies.iter().map(|c| c.competency.clone()));
        }
        columns.push((i, name, profile));
    }
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "profiles_compared",
        "job",
        Some(job.id),
        json!({ "interviews": ids }),
    )
    .await?;
    let rows: Vec<Value> = competencies
        .iter()
        .map(|c| {
            let cells: Vec<Value> = columns
                .iter()
                .map(|(_, _, p)| {
                    let found = p
                        .as_ref()
                        .and_then(|p| p.competencies.iter().find(|x| &x.competency == c));
                    json!({
                        "weight": found.and_then(|x| x.weight),
                        "estimate": found.and_then(|x| x.estimate.clone()),
                    })
                })
                .collect();
            json!({ "competency": c, "cells": cells })
        })
        .collect();
    let candidates: Vec<Value> = columns
        .iter()
        .map(|(i, name, p)| {
            json!({
                "interview_id": i.id,
                "name": name,
                "status": i.status,
                "overall": p.as_ref().and_then(|p| p.overall.clone()),
                "chart": p.as_ref().map(competency_chart),
            })
        })
        .collect();
    Ok(axum::Json(json!({
        "job_id": job.id,
        "title": job.title,
        "candidates": candidates,
        "competencies": rows,
    })))
}
