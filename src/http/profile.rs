//! Pictures of a profile: the competencies of one interview and its fluency answer by answer
//! (beside its scores), and a candidate's growth across practice attempts. Charts are drawn
//! on the server as SVG (`charts`), from the stored profile and score rows only.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::Viewer;
use super::scores::scored_interview;
use crate::app::AppState;
use crate::charts::{Bar, BarChart, LineChart, Point, Series, bar_chart, line_chart};
use crate::db::entities::score;
use crate::db::interviews::MODE_PRACTICE;
use crate::db::{self, interviews};
use crate::pdf::{self, Block};
use crate::pipeline::respond::engine::EngineState;
use crate::scoring::interview::{StoredProfile, stored_profile};
use crate::scoring::profile::{Estimate, Profile};

/// The competency chart of a stored profile: the overall figure first, then each
/// competency with its weight, or "not counted" where the role does not weigh it.
pub(super) fn competency_chart(profile: &Profile) -> String {
    let bar = |label: String, e: Option<&Estimate>| Bar {
        note: match e {
            Some(e) => format!("{label}: {:.2} ± {:.2}", e.value, e.uncertainty),
            None => format!("{label}: not enough evidence"),
        },
        value: e.map(|e| e.value),
        uncertainty: e.map_or(0.0, |e| e.uncertainty),
        label,
    };
    let mut bars = vec![bar("Overall".into(), profile.overall.as_ref())];
    bars.extend(profile.competencies.iter().map(|c| {
        let label = match c.weight {
            Some(w) if (w - 1.0).abs() > f64::EPSILON => format!("{} (×{w})", c.competency),
            Some(_) => c.competency.clone(),
            None => format!("{} (not counted)", c.competency),
        };
        bar(label, c.estimate.as_ref())
    }));
    bar_chart(&BarChart {
        title: "Competencies (0 to 1, ± uncertainty)".into(),
        max: 1.0,
        bars,
        missing: None,
    })
}

/// Fluency answer by answer, from the fluency row's evidence: the speaking rate, and the
/// pauses. None without spoken answers.
pub(super) fn fluency_charts(scores: &[score::Model]) -> Option<(String, String)> {
    let row = scores.iter().find(|s| s.dimension == "fluency")?;
    let answers = row.evidence["answers"].as_array()?;
    if answers.is_empty() {
        return None;
    }
    let labels: Vec<String> = (1..=answers.len()).map(|i| format!("Answer {i}")).collect();
    let series = |name: &str, key: &str| Series {
        name: name.into(),
        points: answers
            .iter()
            .map(|a| {
                a[key].as_f64().map(|v| Point {
                    value: v,
                    uncertainty: 0.0,
                    note: format!(
                        "{name}: {v:.1} over {:.0} s",
                        a["speaking_secs"].as_f64().unwrap_or(0.0)
                    ),
                })
            })
            .collect(),
    };
    let rate = line_chart(&LineChart {
        title: "Speaking rate over the interview".into(),
        x_labels: labels.clone(),
        y_label: "words per minute".into(),
        y_range: None,
        series: vec![series("Words per minute", "words_per_minute")],
    });
    let pauses = line_chart(&LineChart {
        title: "Pauses over the interview".into(),
        x_labels: labels,
        y_label: "per minute".into(),
        y_range: None,
        series: vec![
            series("Silent pauses", "silent_pauses_per_minute"),
            series("Filled pauses (um, uh)", "filled_pauses_per_minute"),
        ],
    });
    Some((rate, pauses))
}

/// One practice attempt as the growth curve reads it.
struct Attempt {
    id: i64,
    label: String,
    title: String,
    profile: Profile,
    /// Pooled figures, only where the fluency row had enough speech to stand.
    words_per_minute: Option<f64>,
    filled_pauses_per_minute: Option<f64>,
}

/// The candidate's practice attempts that have a profile, oldest first, with the growth
/// charts: scores per competency and overall, and the key fluency figures.
pub async fn progress(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<impl IntoResponse, ApiError> {
    let mut list = interviews::list_for_candidate(&app.db, viewer.user.id).await?;
    list.retain(|i| i.mode == MODE_PRACTICE);
    list.reverse();
    let mut attempts = Vec::new();
    for i in list {
        let Some(StoredProfile { profile, .. }) = stored_profile(&app.db, i.id).await? else {
            continue;
        };
        let scores = db::scores::for_interview(&app.db, i.id).await?;
        let figure = |name: &str| {
            let row = scores
                .iter()
                .find(|s| s.dimension == "fluency" && s.value.is_some())?;
            row.evidence["figures"]
                .as_array()?
                .iter()
                .find(|f| f["figure"] == name)?["value"]
                .as_f64()
        };
        let title = serde_json::from_value::<EngineState>(i.engine_state.clone())
            .map(|s| s.role_title)
            .unwrap_or_default();
        attempts.push(Attempt {
            id: i.id,
            label: format!("#{} {}", attempts.len() + 1, i.started_at.format("%-d %b")),
            title,
            words_per_minute: figure("words_per_minute"),
            filled_pauses_per_minute: figure("filled_pauses_per_minute"),
            profile,
        });
    }
    let charts = growth_charts(&attempts);
    let listed: Vec<Value> = attempts
        .iter()
        .map(|a| {
            json!({
                "interview_id": a.id,
                "label": a.label,
                "title": a.title,
                "overall": a.profile.overall,
                "competencies": a.profile.competencies,
                "words_per_minute": a.words_per_minute,
                "filled_pauses_per_minute": a.filled_pauses_per_minute,
            })
        })
        .collect();
    Ok(axum::Json(json!({ "attempts": listed, "charts": charts })))
}

fn growth_charts(attempts: &[Attempt]) -> Value {
    let labels: Vec<String> = attempts.iter().map(|a| a.label.clone()).collect();
    let point = |e: Option<&Estimate>, a: &Attempt, name: &str| {
        e.map(|e| Point {
            value: e.value,
            uncertainty: e.uncertainty,
            note: format!(
                "{name}, {} ({}): {:.2} ± {:.2}",
                a.label, a.title, e.value, e.uncertainty
            ),
        })
    };
    let mut series = vec![Series {
        name: "Overall".into(),
        points: attempts
            .iter()
            .map(|a| point(a.profile.overall.as_ref(), a, "Overall"))
            .collect(),
    }];
    let names: BTreeSet<&str> = attempts
        .iter()
        .flat_map(|a| a.profile.competencies.iter().map(|c| c.competency.as_str()))
        .collect();
    for name in names {
        let points: Vec<Option<Point>> = attempts
            .iter()
            .map(|a| {
                let c = a.profile.competencies.iter().find(|c| c.competency == name);
                point(c.and_then(|c| c.estimate.as_ref()), a, name)
            })
            .collect();
        // A competency never scored (fluency of typed answers) would be a legend entry
        // with nothing to point at.
        if points.iter().any(Option::is_some) {
            series.push(Series {
                name: name.to_string(),
                points,
            });
        }
    }
    let scores = line_chart(&LineChart {
        title: "Your scores across practice attempts".into(),
        x_labels: labels.clone(),
        y_label: "score (0 to 1)".into(),
        y_range: Some((0.0, 1.0)),
        series,
    });
    let figure = |name: &str, f: &dyn Fn(&Attempt) -> Option<f64>| Series {
        name: name.into(),
        points: attempts
            .iter()
            .map(|a| {
                f(a).map(|v| Point {
                    value: v,
                    uncertainty: 0.0,
                    note: format!("{name}, {}: {v:.1}", a.label),
                })
            })
            .collect(),
    };
    // Typed attempts have no speech to chart.
    if attempts.iter().all(|a| a.words_per_minute.is_none()) {
        return json!({ "scores": scores, "speaking_rate": null, "filled_pauses": null });
    }
    let rate = line_chart(&LineChart {
        title: "Speaking rate across attempts".into(),
        x_labels: labels.clone(),
        y_label: "words per minute".into(),
        y_range: None,
        series: vec![figure("Words per minute", &|a| a.words_per_minute)],
    });
    let fillers = line_chart(&LineChart {
        title: "Filled pauses across attempts".into(),
        x_labels: labels,
        y_label: "per minute".into(),
        y_range: None,
        series: vec![figure("Filled pauses per minute", &|a| {
            a.filled_pauses_per_minute
        })],
    });
    json!({ "scores": scores, "speaking_rate": rate, "filled_pauses": fillers })
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{:.0}", v * 100.0))
}

fn estimate(e: Option<&Estimate>) -> String {
    e.map_or_else(
        || "not enough evidence".to_string(),
        |e| format!("{:.0} ± {:.0}", e.value * 100.0, e.uncertainty * 100.0),
    )
}

/// The profile as a PDF: what the page shows, in print (the charts stay on the page).
pub async fn export_pdf(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let i = scored_interview(&app, &viewer, id, "profile_exported").await?;
    let state: EngineState =
        serde_json::from_value(i.engine_state.clone()).map_err(ApiError::internal)?;
    let candidate = db::users::get(&app.db, i.candidate_user_id).await?;
    let scores = db::scores::for_interview(&app.db, id).await?;
    let profile = stored_profile(&app.db, id).await?.map(|s| s.profile);
    let mut b = vec![
        Block::Title(format!("Interview profile: {}", candidate.display_name)),
        Block::Text(format!(
            "{} · {} interview · {} · started {}",
            state.role_title,
            i.mode,
            i.status.replace('_', " "),
            i.started_at.format("%-d %B %Y %H:%M UTC")
        )),
    ];
    b.push(Block::Note(if i.alternative_at.is_some() {
        "The candidate chose the alternative process: a person reviews this interview, and nothing in it is scored automatically.".into()
    } else {
        "These figures are estimates made by software from the candidate's own words and voice. Every score names the words behind it, and a person can override any of them.".into()
    }));
    match &profile {
        None if i.alternative_at.is_some() => {}
        None => b.push(Block::Text("Not scored yet.".into())),
        Some(p) => {
            b.push(Block::Heading(format!(
                "Overall: {}",
                estimate(p.overall.as_ref())
            )));
            b.push(Block::Note(p.explanation.clone()));
            b.push(Block::Heading("Competencies".into()));
            for c in &p.competencies {
                let weight = c
                    .weight
                    .map_or_else(|| "not counted".to_string(), |w| format!("weight {w}"));
                b.push(Block::Text(format!(
                    "{} ({weight}): {}, from {} score(s)",
                    c.competency,
                    estimate(c.estimate.as_ref()),
                    c.score_ids.len()
                )));
            }
            for (title, list) in [("Strengths", &p.strengths), ("To work on", &p.to_work_on)] {
                b.push(Block::Heading(title.into()));
                if list.is_empty() {
                    b.push(Block::Note("none yet".into()));
                }
                for x in list.iter() {
                    b.push(Block::Text(format!(
                        "{} ({}): {:.0} - {}",
                        x.competency,
                        x.dimension.replace('_', " "),
                        x.value * 100.0,
                        x.explanation
                    )));
                }
            }
        }
    }
    b.push(Block::Heading("Scores and their evidence".into()));
    for s in &scores {
        let value = if s.overridden_by.is_some() {
            s.override_value
        } else {
            s.value
        };
        b.push(Block::Text(format!(
            "{} · {}: {}",
            s.dimension.replace('_', " "),
            s.competency,
            percent(value)
        )));
        b.push(Block::Note(s.explanation.clone()));
        for quote in quotes(&s.evidence) {
            b.push(Block::Note(format!("“{quote}”")));
        }
        if let Some(reason) = &s.override_reason {
            b.push(Block::Note(format!(
                "Overridden by a person ({}; the scorer said {}): {reason}",
                percent(s.override_value),
                percent(s.value)
            )));
        }
    }
    let events = db::integrity::for_interview(&app.db, id).await?;
    if !events.is_empty() {
        b.push(Block::Heading(
            "Observations for the reviewer (not scored)".into(),
        ));
        for e in events {
            b.push(Block::Note(format!(
                "{}: {} {}",
                e.at.format("%H:%M:%S"),
                e.kind.replace('_', " "),
                e.detail
            )));
        }
    }
    b.push(Block::Gap);
    b.push(Block::Note(format!(
        "Exported {}. The charts are in the web profile.",
        db::now().format("%-d %B %Y %H:%M UTC")
    )));
    let bytes = pdf::render(&b).map_err(ApiError::internal)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"interview-{id}-profile.pdf\""),
            ),
        ],
        bytes,
    ))
}

/// The candidate's words quoted in a score's evidence, in the order they appear.
fn quotes(evidence: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for k in evidence["coverage"].as_array().into_iter().flatten() {
        if let Some(t) = k["evidence"]["text"].as_str() {
            out.push(t.to_string());
        }
    }
    for c in evidence["checks"].as_array().into_iter().flatten() {
        if let Some(t) = c["evidence"]["text"].as_str() {
            out.push(t.to_string());
        }
    }
    for p in evidence["points"].as_array().into_iter().flatten() {
        if let Some(t) = p["quote"].as_str() {
            out.push(t.to_string());
        }
    }
    for q in evidence["quotes"].as_array().into_iter().flatten() {
        if let Some(t) = q["quote"].as_str() {
            out.push(t.to_string());
        }
    }
    out.dedup();
    out
}
