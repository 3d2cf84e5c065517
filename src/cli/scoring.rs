//! `score`: an interview scored from the command line, as the server does when it ends.

use crate::config::Config;
use crate::db;

pub(super) async fn score(config: &Config, interview_id: i64) -> anyhow::Result<()> {
    let db = db::connect(&config.database.url).await?;
    db::migrate(&db).await?;
    let model = std::sync::Arc::new(crate::embed::Embedder::load(
        &config.scoring.embedding_model,
    )?);
    // With a language model configured, the rubric grade runs too.
    let grader = match crate::pipeline::respond::llm::OpenAiChat::new(&config.llm) {
        Some(chat) => Some(crate::scoring::rubric_grade::RubricGrader::new(
            std::sync::Arc::new(chat),
            std::sync::Arc::new(crate::content::Prompts::load(&config.content.prompts_dir)?),
            std::time::Duration::from_millis(config.llm.grade_timeout_ms),
        )),
        None => None,
    };
    let scored =
        crate::scoring::interview::score_interview(&db, model, grader.as_ref(), interview_id)
            .await?;
    if scored.scores.is_empty() {
        out!("interview {interview_id} has no answers to score");
    }
    let percent =
        |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{:.0}%", v * 100.0));
    for r in &scored.scores {
        let value = if r.overridden_by.is_some() {
            format!("{}*", percent(r.override_value))
        } else {
            percent(r.value)
        };
        out!(
            "{:<18} {:<20} {:>5}  {}",
            r.dimension,
            r.competency,
            value,
            r.explanation
        );
    }
    for why in &scored.unavailable {
        out!("{why} (its last scores stand)");
    }
    for scorer in &scored.kept {
        out!("{scorer}: kept as a person overrode one of its scores (* = overridden)");
    }
    let p = &scored.profile;
    match &p.overall {
        Some(o) => out!(
            "overall {:.0}% ± {:.0}  ({})",
            o.value * 100.0,
            o.uncertainty * 100.0,
            p.explanation
        ),
        None => out!("overall: - ({})", p.explanation),
    }
    Ok(())
}
