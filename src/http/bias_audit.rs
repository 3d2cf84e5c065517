//! The admin's bias audit of an organization's own interviews, with its candidates' voluntary
//! self-identification, in scoring mode (scored above the median of the full sample) or in
//! selection mode (advanced, by the decision a person recorded): as JSON with a chart of
//! impact ratios per dimension, as CSV, or as the HTML summary fit to publish. The same
//! computation as `interviewer audit --organization`.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::extract::Viewer;
use crate::app::AppState;
use crate::bias::{self, Mode};
use crate::charts::{Bar, BarChart, bar_chart};
use crate::db::{self, organizations};

#[derive(Deserialize)]
pub struct Format {
    format: Option<String>,
    mode: Option<String>,
}

pub async fn run(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(org): Path<i64>,
    Query(q): Query<Format>,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv", "html"].contains(&format) {
        return Err(ApiError::BadRequest(
            "format must be json, csv or html".into(),
        ));
    }
    let mode = match q.mode.as_deref().unwrap_or("scoring") {
        "scoring" => Mode::Scoring,
        "selection" => Mode::Selection,
        other => {
            return Err(ApiError::BadRequest(format!(
                "mode `{other}`: audit in scoring or selection mode"
            )));
        }
    };
    let organization = organizations::get(&app.db, org).await?;
    let records = bias::own::records(&app.db, org, mode)
        .await
        .map_err(|e| match e {
            bias::own::OwnAuditError::Db(e) => ApiError::from(e),
            nothing => ApiError::Unprocessable(nothing.to_string()),
        })?;
    // Too little data is said in words, never divided by.
    let report =
        bias::audit(&records, mode, &[]).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    db::audit::record(
        &app.db,
        &viewer.actor(),
        "bias_audit_run",
        "organization",
        Some(org),
        json!({ "records": report.records, "format": format, "mode": mode }),
    )
    .await?;
    let title = format!(
        "Bias audit of {}'s {}",
        organization.name,
        bias::own::counted(mode)
    );
    let file = |ext: &str| format!("attachment; filename=\"bias-audit-{org}.{ext}\"");
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, file("csv")),
            ],
            bias::report::csv(&report),
        )
            .into_response(),
        "html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, file("html")),
            ],
            bias::report::html(&report, &title),
        )
            .into_response(),
        _ => {
            let charts: Vec<_> = report
                .dimensions
                .iter()
                .filter(|d| d.note.is_none())
                .map(|d| json!({ "dimension": d.name, "svg": ratio_chart(d) }))
                .collect();
            axum::Json(json!({ "title": title, "report": report, "charts": charts }))
                .into_response()
        }
    })
}

/// One bar per category: its impact ratio against the highest rate, on a 0–1 scale.
fn ratio_chart(d: &bias::impact::Dimension) -> String {
    let bars = d
        .categories
        .iter()
        .map(|c| Bar {
            label: if c.below_four_fifths {
                format!("{} (below 4/5)", c.category)
            } else {
                c.category.clone()
            },
            value: c.impact_ratio,
            uncertainty: 0.0,
            note: format!(
                "{}: {} of {} scored above the median ({:.1}%), impact ratio {}{}",
                c.category,
                c.favourable,
                c.applicants,
                c.rate * 100.0,
                c.impact_ratio
                    .map_or_else(|| "not computed".to_string(), |r| format!("{r:.2}")),
                c.fisher_p
                    .map_or_else(String::new, |p| format!(", Fisher p = {p:.3}")),
            ),
        })
        .collect();
    bar_chart(&BarChart {
        title: format!(
            "Impact ratios by {} (the four-fifths rule flags under 0.8)",
            d.name.replace('_', "/")
        ),
        max: 1.0,
        bars,
        // No ratio: an excluded category, or the highest rate is 0 (the table says which).
        missing: Some("no ratio (see the table)".into()),
    })
}
