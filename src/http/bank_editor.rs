//! The question-bank editor's API: a bank as its TOML text, a check of edited text that
//! reports each problem with its line and column (for the editor to show in place), and
//! saving it as the organization's own bank. The TOML is the same format as the files in
//! question-bank/, read and checked by the same parser.

use std::path::Path as FilePath;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::{Json, Viewer};
use super::recruiter::visible_bank;
use crate::app::AppState;
use crate::content::question_bank::{self, Bank, BankError, Problem};
use crate::db::{self, banks};

/// The largest bank text accepted: well above the shipped banks (about 15 KB).
const MAX_TOML_BYTES: usize = 256 * 1024;

pub async fn get_toml(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let b = visible_bank(&app, &viewer, id).await?;
    let bank = banks::export(&app.db, &b.slug).await?;
    let text = question_bank::to_toml(&bank).map_err(ApiError::internal)?;
    Ok(axum::Json(json!({
        "id": b.id,
        "slug": b.slug,
        "toml": text,
        "editable": b.organization_id.is_some() && b.organization_id == viewer.org(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edited {
    toml: String,
}

/// Why edited text is not a bank: an API error, or the located problems (422, each with its
/// line and column, for the editor to show in place).
pub enum Refused {
    Api(ApiError),
    Problems(Vec<Problem>),
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<crate::db::DbError> for Refused {
    fn from(e: crate::db::DbError) -> Self {
        Self::Api(e.into())
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Self::Api(e) => e.into_response(),
            Self::Problems(problems) => {
                let list: Vec<_> = problems
                    .iter()
                    .map(|p| json!({ "line": p.line, "column": p.column, "message": p.message }))
                    .collect();
                let first = problems
                    .first()
                    .map(|p| format!("line {}, column {}: {}", p.line, p.column, p.message))
                    .unwrap_or_default();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    axum::Json(json!({
                        "error": format!("{} problem(s); the first: {first}", problems.len()),
                        "status": 422,
                        "problems": list,
                    })),
                )
                    .into_response()
            }
        }
    }
}

fn parse(edited: &Edited) -> Result<Bank, Refused> {
    if edited.toml.len() > MAX_TOML_BYTES {
        return Err(ApiError::TooLarge(format!(
            "the bank is {} KB; the limit is {} KB",
            edited.toml.len() / 1024,
            MAX_TOML_BYTES / 1024
        ))
        .into());
    }
    question_bank::parse(FilePath::new("bank.toml"), &edited.toml).map_err(|e| match e {
        BankError::Invalid(problems) => Refused::Problems(problems),
        other => ApiError::internal(other).into(),
    })
}

pub async fn check(Json(edited): Json<Edited>) -> Result<impl IntoResponse, Refused> {
    let bank = parse(&edited)?;
    Ok(axum::Json(json!({
        "ok": true,
        "bank": bank.id,
        "title": bank.title,
        "questions": bank.questions.len(),
    })))
}

pub async fn save(
    State(app): State<AppState>,
    viewer: Viewer,
    Json(edited): Json<Edited>,
) -> Result<impl IntoResponse, Refused> {
    let bank = parse(&edited)?;
    let org = viewer.org().ok_or_else(|| {
        ApiError::Forbidden("only a recruiter of an organization saves banks".into())
    })?;
    let report = banks::import_owned(&app.db, &bank, org).await?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "bank_saved",
        "question_bank",
        None,
        json!({ "bank": bank.id, "version": bank.version, "created": report.created,
                "added": report.added, "updated": report.updated, "retired": report.retired }),
    )
    .await?;
    let saved = banks::visible(&app.db, Some(org))
        .await?
        .into_iter()
        .find(|b| b.slug == bank.id)
        .ok_or(ApiError::NotFound)?;
    Ok(axum::Json(json!({
        "id": saved.id,
        "bank": bank.id,
        "questions": bank.questions.len(),
        "created": report.created,
        "added": report.added,
        "updated": report.updated,
        "retired": report.retired,
    })))
}
