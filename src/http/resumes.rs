//! A candidate's résumé, uploaded by the recruiter for one invitation (PDF, DOCX or plain
//! text): its text is extracted, its skills and positions found, and the questions it can
//! ground are shown back. The interviewer uses the facts; no score does.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::Viewer;
use crate::app::AppState;
use crate::db::{self, invitations, jobs};
use crate::resume::{self, FileKind};

/// Largest résumé accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most characters of extracted text kept.
const MAX_TEXT_CHARS: usize = 100_000;

#[derive(Deserialize)]
pub struct Upload {
    #[serde(default)]
    filename: String,
}

pub async fn upload(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Upload>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let inv = invitations::get(&app.db, id).await?;
    // The role decides who may: another organization's invitation does not exist for them.
    let job = jobs::get(&app.db, inv.job_id, viewer.org_scope()).await?;
    if body.is_empty() {
        return Err(ApiError::BadRequest("the file is empty".into()));
    }
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let kind = FileKind::detect(&content_type, &body).ok_or_else(|| {
        ApiError::Unsupported(format!(
            "a résumé is a PDF, a DOCX or a plain-text file, not `{content_type}`"
        ))
    })?;
    let bytes = body.to_vec();
    let text = tokio::task::spawn_blocking(move || resume::text_of(kind, &bytes))
        .await
        .map_err(|_| ApiError::Unprocessable("the file could not be read".into()))?
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    let facts = resume::facts(&text);
    let filename = if q.filename.trim().is_empty() {
        "resume".to_string()
    } else {
        q.filename.trim().chars().take(200).collect()
    };
    db::resumes::save(
        &app.db,
        db::resumes::NewResume {
            invitation_id: inv.id,
            filename: &filename,
            content_type: &content_type,
            text: &text,
            facts: serde_json::to_value(&facts).map_err(ApiError::internal)?,
        },
    )
    .await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "resume_uploaded",
        "invitation",
        Some(inv.id),
        // A file name often is the candidate's name: it stays in the résumé row, erasable.
        json!({ "job": job.id, "skills": facts.skills.len(), "positions": facts.positions.len() }),
    )
    .await?;
    let questions: Vec<String> = resume::grounded(&facts, "")
        .into_iter()
        .take(5)
        .map(|g| g.text)
        .collect();
    Ok(axum::Json(json!({
        "invitation_id": inv.id,
        "filename": filename,
        "characters": text.chars().count(),
        "facts": facts,
        "questions": questions,
    })))
}
