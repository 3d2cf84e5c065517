//! The scorers' results as score rows: a value (or none, with the reason), an explanation a
//! person can check, and evidence naming the turns, words and times behind it. Pure apart
//! from the embedding model that content scoring runs.

use std::collections::BTreeMap;

use serde_json::json;

use super::affect::{self, Policy};
use super::code_understanding;
use super::content::{self, AnswerTurn};
use super::fluency_bands::{self, Reference, SpokenAnswer};
use super::inputs::{Answer, Code, Question};
use super::interview::ScoringError;
use super::rubric_grade::{self, Grade, GradeError};
use crate::db::scores::NewScore;
use crate::embed::Embedder;

/// The competency fluency is filed under; a role weighs it by naming it in its criteria.
pub const COMMUNICATION: &str = "communication";
/// The dimension (and competency) of affect rows: kept apart from every competency, so it
/// counts only where the policy lets it and a role weighs it.
pub const AFFECT: &str = "affect";

/// Why behavioral answers get no similarity score. Their rubric points describe the shape of a
/// good story ("states the other person's position fairly"), and a sentence that does exactly
/// that ("I asked her to walk me through her reasoning") sits at a cosine of 0.2–0.3 with it,
/// where unrelated text also lands: a number from that would be noise presented as a
/// judgement.
const BEHAVIORAL: &str = "not scored by sentence similarity: behavioral rubric points describe the shape of an answer, which similarity cannot judge reliably; a reviewer (or the configured language model) grades it";

/// Content per answered question: all the candidate's answers filed under it.
pub fn content(
    model: &Embedder,
    questions: &BTreeMap<i64, Question>,
    answers: &[Answer],
) -> Result<Vec<NewScore>, ScoringError> {
    let mut by_question: BTreeMap<i64, Vec<&Answer>> = BTreeMap::new();
    for a in answers {
        by_question.entry(a.question_id).or_default().push(a);
    }
    let mut rows = Vec::with_capacity(by_question.len());
    for (question_id, given) in by_question {
        let Some(q) = questions.get(&question_id) else {
            continue;
        };
        let turn_ids: Vec<i64> = given.iter().map(|a| a.turn_id).collect();
        if q.kind == "behavioral" {
            rows.push(NewScore {
                turn_id: turn_ids.first().copied(),
                dimension: "content",
                competency: q.competency.clone(),
                value: None,
                explanation: BEHAVIORAL.into(),
                evidence: json!({ "question_id": question_id, "turn_ids": turn_ids }),
            });
            continue;
        }
        let turns: Vec<AnswerTurn> = given.iter().map(|a| answer_turn(a)).collect();
        let s = content::score(model, &q.rubric, &q.prompt, &turns)?;
        rows.push(NewScore {
            turn_id: turn_ids.first().copied(),
            dimension: "content",
            competency: q.competency.clone(),
            value: s.value,
            explanation: s.explanation,
            evidence: json!({
                "question_id": question_id,
                "turn_ids": turn_ids,
                "uncertainty": s.uncertainty,
                "words": s.words,
                "coverage": s.coverage,
                "relevance": s.relevance,
            }),
        });
    }
    Ok(rows)
}

fn answer_turn(a: &Answer) -> AnswerTurn<'_> {
    AnswerTurn {
        turn_id: a.turn_id,
        text: &a.text,
        words: a.words.as_deref(),
    }
}

/// One fluency row over the spoken answers whose transcript can be trusted.
pub fn fluency(reference: &Reference, answers: &[Answer]) -> Vec<NewScore> {
    let spoken: Vec<&Answer> = answers.iter().filter(|a| a.measures.is_some()).collect();
    let (trusted, doubtful): (Vec<&Answer>, Vec<&Answer>) = spoken.iter().partition(|a| {
        a.measures
            .as_ref()
            .is_some_and(|m| !m.quality.low_confidence)
    });
    let heard: Vec<SpokenAnswer> = trusted
        .iter()
        .filter_map(|a| {
            Some(SpokenAnswer {
                turn_id: a.turn_id,
                fluency: &a.measures.as_ref()?.fluency,
            })
        })
        .collect();
    let s = fluency_bands::score(reference, &heard);
    let mut explanation = if spoken.is_empty() {
        "not enough evidence: fluency is measured from spoken answers, and none has been transcribed verbatim (typed answers are never held against fluency)".to_string()
    } else {
        s.explanation.clone()
    };
    if !doubtful.is_empty() {
        explanation.push_str(&format!(
            "; {} answer(s) left out because the recognizer was unsure of the words",
            doubtful.len()
        ));
    }
    let quotes: Vec<serde_json::Value> = trusted
        .iter()
        .map(|a| {
            let secs = a.measures.as_ref().map(|m| m.fluency.speaking_secs);
            json!({ "turn_id": a.turn_id, "quote": opening(&a.text, 20), "start_secs": 0.0, "end_secs": secs })
        })
        .collect();
    vec![NewScore {
        turn_id: trusted.first().map(|a| a.turn_id),
        dimension: "fluency",
        competency: COMMUNICATION.into(),
        value: s.value,
        explanation,
        evidence: json!({
            "turn_ids": trusted.iter().map(|a| a.turn_id).collect::<Vec<_>>(),
            "left_out_turn_ids": doubtful.iter().map(|a| a.turn_id).collect::<Vec<_>>(),
            "uncertainty": s.uncertainty,
            "speech_secs": s.speech_secs,
            "words": s.words,
            // Figures of no speech at all would be zeros that look like measurements.
            "figures": if heard.is_empty() { Vec::new() } else { s.figures },
            "answers": s.answers,
            "quotes": quotes,
            "reference": reference,
        }),
    }]
}

/// One row per answer to a follow-up about code the analysis looked at.
pub fn code(
    questions: &BTreeMap<i64, Question>,
    answers: &[Answer],
    code: &[Code],
) -> Vec<NewScore> {
    answers
        .iter()
        .filter_map(|a| {
            let topic = a.topic.as_deref()?;
            // The code as it stood when the answer was given.
            let analysis = code.iter().rfind(|c| {
                c.question_id == Some(a.question_id) && c.turn_id.is_none_or(|t| t < a.turn_id)
            })?;
            let u = code_understanding::score(&analysis.analysis, Some(topic), &[answer_turn(a)]);
            let competency = questions.get(&a.question_id)?.competency.clone();
            Some(NewScore {
                turn_id: Some(a.turn_id),
                dimension: "code_understanding",
                competency,
                value: u.value,
                explanation: u.explanation,
                evidence: json!({
                    "question_id": a.question_id,
                    "turn_ids": [a.turn_id],
                    "topic": topic,
                    "uncertainty": u.value.map(|_| code_understanding::UNCERTAINTY),
                    "target": u.target,
                    "checks": u.checks,
                    "stated": u.stated,
                    "contradicts": u.contradicts,
                    "words": u.words,
                }),
            })
        })
        .collect()
}

/// One affect row: descriptive (no value) unless the policy lets it count, then the
/// steadiness (1 − hesitancy) as its value.
pub fn affect(policy: Policy, answers: &[Answer]) -> Vec<NewScore> {
    let heard: Vec<affect::Heard> = answers
        .iter()
        .filter_map(|a| {
            let m = a.measures.as_ref()?;
            Some(affect::Heard {
                turn_id: a.turn_id,
                fluency: &m.fluency,
                prosody: &m.prosody,
                text: &a.text,
            })
        })
        .collect();
    let e = affect::estimate(&heard);
    let value = match policy {
        Policy::InScore => e.hesitancy.map(|h| 1.0 - h),
        _ => None,
    };
    vec![NewScore {
        turn_id: e.turn_ids.first().copied(),
        dimension: AFFECT,
        competency: AFFECT.into(),
        value,
        explanation: e.explanation.clone(),
        evidence: json!({
            "turn_ids": e.turn_ids,
            "policy": policy,
            "estimate": true,
            "manner": e.manner,
            "confidence": e.confidence,
            "uncertainty": value.and(e.confidence.map(|c| (1.0 - c) * 0.5)),
            "hesitancy": e.hesitancy,
            "animation": e.animation,
            "indicators": e.indicators,
            "speech_secs": e.speech_secs,
        }),
    }]
}

/// The first `n` words of `text`, with an ellipsis when there are more.
fn opening(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{}…", words[..n].join(" "))
    }
}

/// The language model's grade of one question's answers, or why it was discarded.
pub fn rubric(
    question_id: i64,
    q: &Question,
    turn_ids: &[i64],
    graded: Result<Grade, GradeError>,
    model: &str,
) -> NewScore {
    let (value, explanation, evidence) = match graded {
        Ok(g) => (
            Some(g.value()),
            format!(
                "graded {} of 4 by {}: {}",
                g.level, g.model, g.justification
            ),
            json!({
                "question_id": question_id,
                "turn_ids": turn_ids,
                "uncertainty": rubric_grade::UNCERTAINTY,
                "level": g.level,
                "points": g.points,
                "model": g.model,
            }),
        ),
        Err(e) => (
            None,
            e.to_string(),
            json!({ "question_id": question_id, "turn_ids": turn_ids, "model": model }),
        ),
    };
    NewScore {
        turn_id: turn_ids.first().copied(),
        dimension: "rubric_grade",
        competency: q.competency.clone(),
        value,
        explanation,
        evidence,
    }
}
