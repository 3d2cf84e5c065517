//! A rubric grade from the configured language model, with its cited justification: the
//! model reads the bank's question, the rubric and the candidate's own answers (never the
//! interviewer's follow-ups) and answers in JSON, quoting the words that meet each point.
//! Every quote is checked against the turn it names; a grade whose citations do not match
//! the candidate's words is discarded, with the reason stored instead. The check (`parse`)
//! is pure; `RubricGrader` is the thin async driver.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::content::{Prompts, prompts};
use crate::pipeline::respond::llm::{ChatModel, LlmError};

/// Longest justification kept, in characters.
pub const MAX_JUSTIFICATION: usize = 1500;
/// Most characters the model may answer with.
const MAX_ANSWER_CHARS: usize = 6000;
/// One model's single reading: a grade level is worth about one step either way.
pub const UNCERTAINTY: f64 = 0.2;

/// One answer as the model sees it.
#[derive(Debug, Clone, Serialize)]
pub struct GradedAnswer {
    pub turn: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointGrade {
    pub point: String,
    pub met: bool,
    /// The candidate's words that meet it, as found in `turn_id`.
    pub quote: Option<String>,
    pub turn_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    /// 0 (no relevant answer) to 4 (excellent).
    pub level: u8,
    pub points: Vec<PointGrade>,
    pub justification: String,
    pub model: String,
}

impl Grade {
    pub fn value(&self) -> f64 {
        f64::from(self.level) / 4.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// The model could not be reached or did not answer in time: try again later.
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// The model answered, but not with a grade that can stand.
    #[error("the language model's grade was discarded: {0}")]
    Rejected(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    level: i64,
    points: Vec<RawPoint>,
    justification: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    point: i64,
    met: bool,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    turn: i64,
}

/// Checks a model's answer: one JSON object (a code fence around it is tolerated), a level
/// of 0–4, each rubric point at most once, every met point quoting words found in the answer
/// it names, a justification, and a level that the met points can carry.
pub fn parse(
    answer: &str,
    rubric: &[String],
    answers: &[GradedAnswer],
    model: &str,
) -> Result<Grade, GradeError> {
    let reject = |why: String| GradeError::Rejected(why);
    let json =
        extract_object(answer).ok_or_else(|| reject("no JSON object in the answer".into()))?;
    let raw: Raw =
        serde_json::from_str(json).map_err(|e| reject(format!("the JSON does not fit: {e}")))?;
    let level = u8::try_from(raw.level)
        .ok()
        .filter(|l| *l <= 4)
        .ok_or_else(|| reject(format!("level {} is not 0 to 4", raw.level)))?;
    let justification = raw.justification.trim().to_string();
    if justification.is_empty() {
        return Err(reject("there is no justification".into()));
    }
    if justification.chars().count() > MAX_JUSTIFICATION {
        return Err(reject(format!(
            "the justification is longer than {MAX_JUSTIFICATION} characters"
        )));
    }
    let mut points: Vec<PointGrade> = rubric
        .iter()
        .map(|p| PointGrade {
            point: p.clone(),
            met: false,
            quote: None,
            turn_id: None,
        })
        .collect();
    let mut seen = vec![false; rubric.len()];
    for p in raw.points {
        let index = usize::try_from(p.point)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|i| *i < rubric.len())
            .ok_or_else(|| reject(format!("rubric point {} does not exist", p.point)))?;
        if std::mem::replace(&mut seen[index], true) {
            return Err(reject(format!("rubric point {} is graded twice", p.point)));
        }
        if !p.met {
            continue;
        }
        let quote = p.quote.trim().trim_matches(['"', '“', '”', '…']).trim();
        let Some(said) = answers.iter().find(|a| a.turn == p.turn) else {
            return Err(reject(format!(
                "point {} cites turn {}, which is not one of the candidate's answers",
                p.point, p.turn
            )));
        };
        if quote.split_whitespace().count() < 2 || !contains_words(&said.text, quote) {
            return Err(reject(format!(
                "point {} quotes words that are not in turn {}: {quote:?}",
                p.point, p.turn
            )));
        }
        points[index] = PointGrade {
            point: rubric[index].clone(),
            met: true,
            quote: Some(quote.to_string()),
            turn_id: Some(p.turn),
        };
    }
    let met = points.iter().filter(|p| p.met).count();
    if met == 0 && level > 1 {
        return Err(reject(format!(
            "level {level} with no rubric point met and quoted"
        )));
    }
    Ok(Grade {
        level,
        points,
        justification,
        model: model.to_string(),
    })
}

/// The outermost `{…}` of `text`.
fn extract_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (end > start).then(|| &text[start..=end])
}

/// Whether `quote` occurs in `text`, ignoring case, punctuation and spacing: a quote must be
/// the candidate's words, not the model's paraphrase of them.
fn contains_words(text: &str, quote: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (hay, needle) = (words(text), words(quote));
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Asks the configured model for rubric grades.
#[derive(Clone)]
pub struct RubricGrader {
    chat: Arc<dyn ChatModel>,
    prompts: Arc<Prompts>,
    timeout: Duration,
}

impl RubricGrader {
    pub fn new(chat: Arc<dyn ChatModel>, prompts: Arc<Prompts>, timeout: Duration) -> Self {
        Self {
            chat,
            prompts,
            timeout,
        }
    }

    pub fn model(&self) -> &str {
        self.chat.name()
    }

    /// Grades the answers to one question.
    pub async fn grade(
        &self,
        question: &str,
        rubric: &[String],
        answers: &[GradedAnswer],
    ) -> Result<Grade, GradeError> {
        let prompt_error =
            |e: prompts::PromptError| GradeError::Llm(LlmError::Prompt(e.to_string()));
        let system = self
            .prompts
            .render(
                prompts::GRADE_SYSTEM,
                minijinja::context! { max_justification => MAX_JUSTIFICATION },
            )
            .map_err(prompt_error)?;
        // The candidate's words go in as data between tags they cannot close.
        let tagged: Vec<GradedAnswer> = answers
            .iter()
            .map(|a| GradedAnswer {
                turn: a.turn,
                text: prompts::as_data("answer", &a.text),
            })
            .collect();
        let user = self
            .prompts
            .render(
                prompts::GRADE,
                minijinja::context! { question => question, rubric => rubric, answers => tagged },
            )
            .map_err(prompt_error)?;
        let answer = tokio::time::timeout(
            self.timeout,
            self.chat.complete(&system, &user, MAX_ANSWER_CHARS),
        )
        .await
        .map_err(|_| LlmError::Timeout(self.timeout.as_millis() as u64))?
        .map_err(|e| match e {
            // It answered, at too great a length: a bad answer, not an unreachable model.
            LlmError::Unusable(why) => GradeError::Rejected(why),
            e => GradeError::Llm(e),
        })?;
        parse(&answer, rubric, answers, self.chat.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Vec<String> {
        vec![
            "Names the disagreement".into(),
            "Describes how it was resolved".into(),
        ]
    }

    fn answers() -> Vec<GradedAnswer> {
        vec![GradedAnswer {
            turn: 7,
            text: "We disagreed about the schema migration. In the end we wrote down both plans and measured the risk together.".into(),
        }]
    }

    fn grade(json: &str) -> Result<Grade, GradeError> {
        parse(json, &rubric(), &answers(), "test-model")
    }

    #[test]
    fn a_grade_with_matching_quotes_stands() {
        let g = grade(r#"```json
{"level": 3, "points": [{"point": 1, "met": true, "quote": "we disagreed about the schema migration", "turn": 7},
 {"point": 2, "met": true, "quote": "\u201cwrote down both plans, and measured the risk\u201d", "turn": 7}],
 "justification": "Names the disagreement and how it was settled."}
```"#)
        .unwrap();
        assert_eq!(g.level, 3);
        assert_eq!(g.value(), 0.75);
        assert!(g.points.iter().all(|p| p.met && p.turn_id == Some(7)));
    }

    #[test]
    fn words_the_candidate_did_not_say_discard_the_grade() {
        for (json, says) in [
            (
                r#"{"level": 4, "points": [{"point": 1, "met": true, "quote": "we fought about the database", "turn": 7}], "justification": "x"}"#,
                "not in turn 7",
            ),
            (
                r#"{"level": 4, "points": [{"point": 1, "met": true, "quote": "we disagreed about the schema migration", "turn": 3}], "justification": "x"}"#,
                "not one of the candidate's answers",
            ),
            (
                r#"{"level": 4, "points": [], "justification": "great"}"#,
                "no rubric point met",
            ),
            (
                r#"{"level": 9, "points": [], "justification": "x"}"#,
                "not 0 to 4",
            ),
            (
                r#"{"level": 1, "points": [{"point": 3, "met": false}], "justification": "x"}"#,
                "does not exist",
            ),
            ("I would rate this a 4.", "no JSON object"),
            (
                r#"{"level": 1, "points": [], "justification": "", "extra": 1}"#,
                "does not fit",
            ),
        ] {
            let e = grade(json).unwrap_err().to_string();
            assert!(e.contains(says), "{json}: {e}");
        }
    }

    #[test]
    fn an_unmet_point_needs_no_quote() {
        let g = grade(r#"{"level": 1, "points": [{"point": 1, "met": true, "quote": "the schema migration", "turn": 7}, {"point": 2, "met": false, "quote": "", "turn": 0}], "justification": "Only the topic."}"#)
            .unwrap();
        assert!(g.points[0].met && !g.points[1].met);
    }
}
