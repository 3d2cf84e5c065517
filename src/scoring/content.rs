//! Content: how well the candidate's answers to one question cover its rubric's key points,
//! from sentence embeddings. The score's inputs are the candidate's own words and the
//! recruiter's rubric, nothing else: how the interviewer worded the question or its
//! follow-ups is not an argument here, so it cannot move the score. Relevance to the bank's
//! prompt is reported beside the score, to flag an answer that went elsewhere, and is never
//! counted in it.

use serde::Serialize;

use crate::embed::{EmbedError, Embedder, Embedding};
use crate::pipeline::messages::Word;

/// A stretch of one answer that can stand as evidence: the words, and where they are in the
/// turn's recording (seconds; none for a typed answer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    pub turn_id: i64,
    pub text: String,
    pub start_secs: Option<f64>,
    pub end_secs: Option<f64>,
}

/// One candidate turn: its id and words (timed when spoken).
pub struct AnswerTurn<'a> {
    pub turn_id: i64,
    pub text: &'a str,
    pub words: Option<&'a [Word]>,
}

impl<'a> AnswerTurn<'a> {
    /// A typed answer: words without times.
    pub fn typed(turn_id: i64, text: &'a str) -> Self {
        Self {
            turn_id,
            text,
            words: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyPoint {
    pub point: String,
    /// Cosine similarity of the point with the passage closest to it.
    pub similarity: f32,
    /// 0 (not addressed) to 1 (addressed): the similarity placed between `NOT_ADDRESSED`
    /// and `ADDRESSED`.
    pub credit: f64,
    pub evidence: Option<Passage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Relevance {
    pub similarity: f32,
    pub evidence: Passage,
    pub off_topic: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContentScore {
    /// Mean credit over the key points, 0 to 1; none when there is not enough to go on.
    pub value: Option<f64>,
    /// Standard error of that mean over the key points.
    pub uncertainty: Option<f64>,
    pub coverage: Vec<KeyPoint>,
    pub relevance: Option<Relevance>,
    /// The candidate's words the score rests on.
    pub words: usize,
    pub explanation: String,
}

/// Below this similarity a passage does not address a key point at all…
pub const NOT_ADDRESSED: f32 = 0.25;
/// …and from this one on it addresses it fully. MiniLM puts paraphrases of one idea around
/// 0.5–0.8 and unrelated sentences around 0–0.2 (see the embedding tests).
pub const ADDRESSED: f32 = 0.55;
/// An answer whose closest passage is this far from the prompt is flagged for a reviewer.
pub const OFF_TOPIC: f32 = 0.15;
/// Fewer words than this are not enough evidence for a content score.
pub const MIN_WORDS: usize = 12;
/// A passage runs to the end of a sentence, or this many words where Whisper put no stop.
const MAX_PASSAGE_WORDS: usize = 30;

/// Scores the answers to one question against its `rubric`, reporting relevance to `prompt`.
pub fn score(
    model: &Embedder,
    rubric: &[String],
    prompt: &str,
    answers: &[AnswerTurn],
) -> Result<ContentScore, EmbedError> {
    let words: usize = answers
        .iter()
        .map(|a| a.text.split_whitespace().count())
        .sum();
    if words < MIN_WORDS || rubric.is_empty() {
        let why = if rubric.is_empty() {
            "the question has no rubric key points to score against".to_string()
        } else {
            format!("not enough evidence: {words} words, at least {MIN_WORDS} are needed")
        };
        return Ok(ContentScore {
            value: None,
            uncertainty: None,
            coverage: Vec::new(),
            relevance: None,
            words,
            explanation: why,
        });
    }
    let passages: Vec<Passage> = answers.iter().flat_map(passages).collect();
    let embedded = passages
        .iter()
        .map(|p| model.embed(&p.text))
        .collect::<Result<Vec<_>, _>>()?;
    let closest = |target: &Embedding| {
        embedded
            .iter()
            .zip(&passages)
            .map(|(e, p)| (e.cosine(target), p))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    };
    let mut coverage = Vec::with_capacity(rubric.len());
    for point in rubric {
        let (similarity, evidence) = match closest(&model.embed(point)?) {
            Some((s, p)) => (s, Some(p.clone())),
            None => (0.0, None),
        };
        let credit = credit(similarity);
        coverage.push(KeyPoint {
            point: point.clone(),
            similarity,
            credit,
            evidence: evidence.filter(|_| credit > 0.0),
        });
    }
    let relevance = closest(&model.embed(prompt)?).map(|(similarity, p)| Relevance {
        similarity,
        evidence: p.clone(),
        off_topic: similarity < OFF_TOPIC,
    });
    let credits: Vec<f64> = coverage.iter().map(|k| k.credit).collect();
    let (value, uncertainty) = mean_and_error(&credits);
    let explanation = explain(&coverage, relevance.as_ref(), words);
    Ok(ContentScore {
        value: Some(value),
        uncertainty: Some(uncertainty),
        coverage,
        relevance,
        words,
        explanation,
    })
}

/// How far `similarity` goes from not addressing a point to addressing it.
pub fn credit(similarity: f32) -> f64 {
    f64::from((similarity - NOT_ADDRESSED) / (ADDRESSED - NOT_ADDRESSED)).clamp(0.0, 1.0)
}

fn mean_and_error(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        // One key point: the spread cannot be estimated; say the widest.
        return (mean, 0.5);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn explain(coverage: &[KeyPoint], relevance: Option<&Relevance>, words: usize) -> String {
    let addressed = coverage.iter().filter(|k| k.credit >= 0.5).count();
    let mut s = format!(
        "{addressed} of {} key points addressed, judged from {words} words of the candidate's answers",
        coverage.len()
    );
    if let Some(missing) = coverage
        .iter()
        .filter(|k| k.credit == 0.0)
        .map(|k| k.point.as_str())
        .reduce(|a, _| a)
    {
        s.push_str(&format!("; not addressed, for example: \"{missing}\""));
    }
    if relevance.is_some_and(|r| r.off_topic) {
        s.push_str("; the answer seems to be about something other than the question");
    }
    s
}

/// The passages of one answer: its sentences, and the whole answer when it has several (a
/// point can be made across sentences).
pub(crate) fn passages(answer: &AnswerTurn) -> Vec<Passage> {
    let timed: Vec<(String, Option<(f64, f64)>)> = match answer.words {
        Some(words) if !words.is_empty() => words
            .iter()
            .map(|w| (w.text.trim().to_string(), Some((w.start, w.end))))
            .collect(),
        _ => answer
            .text
            .split_whitespace()
            .map(|w| (w.to_string(), None))
            .collect(),
    };
    let mut out = Vec::new();
    let mut run: Vec<&(String, Option<(f64, f64)>)> = Vec::new();
    for w in timed.iter().filter(|(t, _)| !t.is_empty()) {
        run.push(w);
        if ends_sentence(&w.0) || run.len() >= MAX_PASSAGE_WORDS {
            out.push(passage(answer.turn_id, &run));
            run.clear();
        }
    }
    if !run.is_empty() {
        out.push(passage(answer.turn_id, &run));
    }
    if out.len() > 1 {
        let all: Vec<_> = timed.iter().filter(|(t, _)| !t.is_empty()).collect();
        out.push(passage(answer.turn_id, &all));
    }
    out
}

fn passage(turn_id: i64, words: &[&(String, Option<(f64, f64)>)]) -> Passage {
    let text = words
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Passage {
        turn_id,
        text,
        start_secs: words.first().and_then(|(_, t)| t.map(|t| t.0)),
        end_secs: words.last().and_then(|(_, t)| t.map(|t| t.1)),
    }
}

fn ends_sentence(word: &str) -> bool {
    word.ends_with(['.', '?', '!'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, start: f64) -> Word {
        Word {
            text: format!(" {text}"),
            start,
            end: start + 0.25,
            prob: 0.9,
        }
    }

    #[test]
    fn passages_are_sentences_with_their_times_and_the_whole_answer() {
        let words = vec![
            word("I", 0.0),
            word("used", 0.4),
            word("a", 0.8),
            word("map.", 1.2),
            word("It", 2.0),
            word("was", 2.4),
            word("fast", 2.8),
        ];
        let answer = AnswerTurn {
            turn_id: 7,
            text: "I used a map. It was fast",
            words: Some(&words),
        };
        let p = passages(&answer);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].text, "I used a map.");
        assert_eq!((p[0].start_secs, p[0].end_secs), (Some(0.0), Some(1.45)));
        assert_eq!(p[1].text, "It was fast");
        assert_eq!((p[1].start_secs, p[1].end_secs), (Some(2.0), Some(3.05)));
        assert_eq!(p[2].text, "I used a map. It was fast");
        assert!(p.iter().all(|p| p.turn_id == 7));
    }

    #[test]
    fn a_typed_answer_without_stops_is_cut_into_runs_without_times() {
        let text = "word ".repeat(MAX_PASSAGE_WORDS + 5);
        let p = passages(&AnswerTurn::typed(1, &text));
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].text.split_whitespace().count(), MAX_PASSAGE_WORDS);
        assert_eq!(p[1].text.split_whitespace().count(), 5);
        assert_eq!(p[0].start_secs, None);
    }

    #[test]
    fn credit_runs_from_not_addressed_to_addressed() {
        assert_eq!(credit(0.1), 0.0);
        assert_eq!(credit(NOT_ADDRESSED), 0.0);
        assert!((credit(0.4) - 0.5).abs() < 1e-6);
        assert_eq!(credit(ADDRESSED), 1.0);
        assert_eq!(credit(0.9), 1.0);
    }

    #[test]
    fn the_error_of_the_mean_says_how_much_the_points_disagree() {
        assert_eq!(mean_and_error(&[1.0, 1.0, 1.0]), (1.0, 0.0));
        let (m, e) = mean_and_error(&[0.0, 1.0]);
        assert_eq!(m, 0.5);
        assert!((e - 0.5).abs() < 1e-9);
        assert_eq!(mean_and_error(&[0.3]), (0.3, 0.5));
    }
}
