//! Fluency figures turned into bands against a reference the organization configures: for
//! each figure, where the candidate's pooled value falls (below, within, above the typical
//! range), how much speech it rests on, and one fluency score with an uncertainty. Pure: the
//! per-answer `Fluency` figures in, `FluencyScore` out; below the evidence floor there is no
//! score, only the reason.

use serde::{Deserialize, Serialize};

use super::fluency::Fluency;

/// A typical range of a figure, and which side of it is no concern.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub low: f64,
    pub high: f64,
    pub better: Better,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Outside the range either way is a deviation (speaking rate).
    Within,
    /// Above the range is no concern (phonation-time ratio, length of run).
    Higher,
    /// Below the range is no concern (pauses, filled pauses).
    Lower,
}

/// What the figures are held against. The built-in ranges are typical of fluent
/// conversational English; an organization should set its own, for its roles and languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub words_per_minute: Band,
    /// Syllables per minute of phonation (pauses excluded).
    pub articulation_rate: Band,
    pub phonation_time_ratio: Band,
    /// Syllables between pauses.
    pub mean_length_of_run: Band,
    pub silent_pauses_per_minute: Band,
    pub filled_pauses_per_minute: Band,
    /// Less speech than this (seconds, over all answers) is not enough evidence.
    pub min_speech_secs: f64,
    /// Fewer words than this is not enough evidence.
    pub min_words: usize,
}

impl Default for Reference {
    fn default() -> Self {
        let band = |low, high, better| Band { low, high, better };
        Self {
            words_per_minute: band(110.0, 180.0, Better::Within),
            articulation_rate: band(230.0, 360.0, Better::Within),
            phonation_time_ratio: band(0.6, 0.9, Better::Higher),
            mean_length_of_run: band(6.0, 16.0, Better::Higher),
            silent_pauses_per_minute: band(4.0, 20.0, Better::Lower),
            filled_pauses_per_minute: band(0.0, 5.0, Better::Lower),
            min_speech_secs: 30.0,
            min_words: 60,
        }
    }
}

impl Reference {
    /// Checks an organization's reference before it is stored or used.
    pub fn validate(&self) -> Result<(), String> {
        for (name, b) in self.bands() {
            if !(b.low.is_finite() && b.high.is_finite() && b.low >= 0.0 && b.low < b.high) {
                return Err(format!(
                    "{name}: the range must be finite, non-negative and low < high (got {}..{})",
                    b.low, b.high
                ));
            }
        }
        if !(self.min_speech_secs.is_finite() && self.min_speech_secs >= 10.0) {
            return Err("min_speech_secs must be at least 10 seconds".into());
        }
        if self.min_words < 20 {
            return Err("min_words must be at least 20".into());
        }
        Ok(())
    }

    fn bands(&self) -> [(&'static str, Band); 6] {
        [
            ("words_per_minute", self.words_per_minute),
            ("articulation_rate", self.articulation_rate),
            ("phonation_time_ratio", self.phonation_time_ratio),
            ("mean_length_of_run", self.mean_length_of_run),
            ("silent_pauses_per_minute", self.silent_pauses_per_minute),
            ("filled_pauses_per_minute", self.filled_pauses_per_minute),
        ]
    }
}

/// One spoken answer's figures, from the verbatim pass.
#[derive(Debug, Clone, Copy)]
pub struct SpokenAnswer<'a> {
    pub turn_id: i64,
    pub fluency: &'a Fluency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Below,
    Within,
    Above,
}

/// One figure, pooled over the answers, placed against its band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placed {
    pub figure: &'static str,
    pub value: f64,
    pub band: Band,
    pub position: Position,
    /// 1 within the band or on its `better` side, falling to 0 one band-width beyond it.
    pub credit: f64,
    /// Seconds of speech behind the value.
    pub secs: f64,
}

/// One answer's share of the evidence: its figures, for the chart over the interview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerAnswer {
    pub turn_id: i64,
    pub speaking_secs: f64,
    pub words_per_minute: f64,
    pub silent_pauses_per_minute: f64,
    pub filled_pauses_per_minute: f64,
    pub phonation_time_ratio: f64,
    pub credit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FluencyScore {
    /// 0 to 1; none when the speech is not enough evidence.
    pub value: Option<f64>,
    pub uncertainty: Option<f64>,
    pub speech_secs: f64,
    pub words: usize,
    pub figures: Vec<Placed>,
    pub answers: Vec<PerAnswer>,
    pub explanation: String,
}

/// Places the pooled figures of `answers` against `reference`.
pub fn score(reference: &Reference, answers: &[SpokenAnswer]) -> FluencyScore {
    let pooled = Pooled::of(answers.iter().map(|a| a.fluency));
    let per_answer: Vec<PerAnswer> = answers
        .iter()
        .map(|a| {
            let p = Pooled::of(std::iter::once(a.fluency));
            PerAnswer {
                turn_id: a.turn_id,
                speaking_secs: p.speaking_secs,
                words_per_minute: p.words_per_minute(),
                silent_pauses_per_minute: p.per_minute(p.pauses),
                filled_pauses_per_minute: p.per_minute(p.filled),
                phonation_time_ratio: p.phonation_time_ratio(),
                credit: mean_credit(&p.place(reference)),
            }
        })
        .collect();
    let figures = pooled.place(reference);
    let (secs, words) = (pooled.speaking_secs, pooled.words);
    if secs < reference.min_speech_secs || words < reference.min_words {
        return FluencyScore {
            value: None,
            uncertainty: None,
            speech_secs: secs,
            words,
            figures,
            answers: per_answer,
            explanation: format!(
                "not enough evidence: {secs:.0} s and {words} words of speech; fluency needs at least {:.0} s and {} words",
                reference.min_speech_secs, reference.min_words
            ),
        };
    }
    let value = mean_credit(&figures);
    let uncertainty = uncertainty(&per_answer, secs);
    let outside: Vec<String> = figures
        .iter()
        .filter(|f| f.credit < 1.0)
        .map(describe)
        .collect();
    let explanation = if outside.is_empty() {
        format!(
            "every figure is within or on the good side of its reference range, over {secs:.0} s of speech in {} answers",
            answers.len()
        )
    } else {
        format!(
            "{} over {secs:.0} s of speech in {} answers",
            outside.join("; "),
            answers.len()
        )
    };
    FluencyScore {
        value: Some(value),
        uncertainty: Some(uncertainty),
        speech_secs: secs,
        words,
        figures,
        answers: per_answer,
        explanation,
    }
}

fn describe(f: &Placed) -> String {
    let side = match f.position {
        Position::Below => "below",
        Position::Within => "within",
        Position::Above => "above",
    };
    format!(
        "{} {:.2} is {side} the reference {}–{}",
        f.figure.replace('_', " "),
        f.value,
        f.band.low,
        f.band.high
    )
}

fn mean_credit(figures: &[Placed]) -> f64 {
    if figures.is_empty() {
        return 0.0;
    }
    figures.iter().map(|f| f.credit).sum::<f64>() / figures.len() as f64
}

/// The spread of the answers' credits (weighted by their speech) over the square root of
/// their number, combined with a floor that shrinks with the amount of speech: one minute
/// leaves ±0.15, four minutes ±0.075. A single long answer is still one sample of a person.
fn uncertainty(answers: &[PerAnswer], secs: f64) -> f64 {
    let floor = 0.15 * (60.0 / secs.max(1.0)).sqrt();
    let total: f64 = answers.iter().map(|a| a.speaking_secs).sum();
    let spread = if answers.len() >= 2 && total > 0.0 {
        let mean = answers
            .iter()
            .map(|a| a.credit * a.speaking_secs)
            .sum::<f64>()
            / total;
        let var = answers
            .iter()
            .map(|a| a.speaking_secs * (a.credit - mean).powi(2))
            .sum::<f64>()
            / total;
        var.sqrt() / (answers.len() as f64).sqrt()
    } else {
        0.0
    };
    (spread.powi(2) + floor.powi(2)).sqrt().min(0.5)
}

/// Sums over answers, so pooled rates weigh each second of speech equally.
#[derive(Debug, Default)]
struct Pooled {
    speaking_secs: f64,
    phonation_secs: f64,
    words: usize,
    syllables: usize,
    runs: usize,
    pauses: usize,
    filled: usize,
}

impl Pooled {
    fn of<'a>(answers: impl Iterator<Item = &'a Fluency>) -> Self {
        answers.fold(Self::default(), |mut p, f| {
            p.speaking_secs += f.speaking_secs;
            p.phonation_secs += f.articulation_rate.secs;
            p.words += f.words;
            p.syllables += f.syllables;
            p.runs += f.mean_length_of_run.count;
            p.pauses += f.silent_pauses.count;
            p.filled += f.filled_pauses.count;
            p
        })
    }

    fn per_minute(&self, n: usize) -> f64 {
        ratio(n as f64, self.speaking_secs / 60.0)
    }

    fn words_per_minute(&self) -> f64 {
        self.per_minute(self.words)
    }

    fn phonation_time_ratio(&self) -> f64 {
        ratio(self.phonation_secs, self.speaking_secs)
    }

    fn place(&self, r: &Reference) -> Vec<Placed> {
        let secs = self.speaking_secs;
        [
            (
                "words_per_minute",
                self.words_per_minute(),
                r.words_per_minute,
            ),
            (
                "articulation_rate",
                ratio(self.syllables as f64, self.phonation_secs / 60.0),
                r.articulation_rate,
            ),
            (
                "phonation_time_ratio",
                self.phonation_time_ratio(),
                r.phonation_time_ratio,
            ),
            (
                "mean_length_of_run",
                ratio(self.syllables as f64, self.runs as f64),
                r.mean_length_of_run,
            ),
            (
                "silent_pauses_per_minute",
                self.per_minute(self.pauses),
                r.silent_pauses_per_minute,
            ),
            (
                "filled_pauses_per_minute",
                self.per_minute(self.filled),
                r.filled_pauses_per_minute,
            ),
        ]
        .into_iter()
        .map(|(figure, value, band)| place(figure, value, band, secs))
        .collect()
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn place(figure: &'static str, value: f64, band: Band, secs: f64) -> Placed {
    let width = band.high - band.low;
    let (position, beyond) = if value < band.low {
        (Position::Below, band.low - value)
    } else if value > band.high {
        (Position::Above, value - band.high)
    } else {
        (Position::Within, 0.0)
    };
    let harmless = matches!(
        (position, band.better),
        (Position::Within, _)
            | (Position::Above, Better::Higher)
            | (Position::Below, Better::Lower)
    );
    let credit = if harmless {
        1.0
    } else {
        (1.0 - beyond / width).clamp(0.0, 1.0)
    };
    Placed {
        figure,
        value,
        band,
        position,
        credit,
        secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::messages::{Transcript, Word};
    use crate::scoring::fluency::{Settings, measure};

    /// `n` words of two syllables each ("table"), `gap` seconds apart, a filler every
    /// `filler_every` words.
    fn speech(n: usize, word_secs: f64, gap: f64, filler_every: usize) -> Fluency {
        let mut t = 0.0;
        let words = (0..n)
            .map(|i| {
                let text = if filler_every > 0 && i % filler_every == filler_every - 1 {
                    "um"
                } else {
                    "table"
                };
                let w = Word {
                    text: text.into(),
                    start: t,
                    end: t + word_secs,
                    prob: 0.9,
                };
                t += word_secs + gap;
                w
            })
            .collect();
        measure(&Transcript { words }, Settings::default())
    }

    #[test]
    fn too_little_speech_is_not_enough_evidence() {
        let f = speech(20, 0.3, 0.05, 0);
        let s = score(
            &Reference::default(),
            &[SpokenAnswer {
                turn_id: 1,
                fluency: &f,
            }],
        );
        assert_eq!(s.value, None);
        assert_eq!(s.uncertainty, None);
        assert!(
            s.explanation.starts_with("not enough evidence"),
            "{}",
            s.explanation
        );
        // The figures are still reported, for the reviewer.
        assert_eq!(s.figures.len(), 6);
    }

    #[test]
    fn steady_speech_is_within_every_band() {
        // 0.35 s per two-syllable word + 0.05 s gaps: 150 words/min, no pauses, no fillers.
        let a = speech(120, 0.35, 0.05, 0);
        let b = speech(120, 0.35, 0.05, 0);
        let s = score(
            &Reference::default(),
            &[
                SpokenAnswer {
                    turn_id: 1,
                    fluency: &a,
                },
                SpokenAnswer {
                    turn_id: 2,
                    fluency: &b,
                },
            ],
        );
        let wpm = &s.figures[0];
        assert!((wpm.value - 150.0).abs() < 1.0, "{}", wpm.value);
        assert_eq!(wpm.position, Position::Within);
        // No pauses at all is below the pause band, and that is no concern.
        assert_eq!(s.figures[4].position, Position::Below);
        assert_eq!(s.value, Some(1.0));
        // Two identical answers of 48 s: only the floor is left.
        let u = s.uncertainty.unwrap();
        assert!((u - 0.15 * (60.0f64 / 95.95).sqrt()).abs() < 0.01, "{u}");
    }

    #[test]
    fn hesitant_speech_loses_credit_with_its_reason() {
        // Long gaps (0.6 s pauses) and a filler every 5th word.
        let a = speech(100, 0.35, 0.6, 5);
        let s = score(
            &Reference::default(),
            &[SpokenAnswer {
                turn_id: 7,
                fluency: &a,
            }],
        );
        let v = s.value.unwrap();
        assert!(v < 0.7, "{v}");
        let filled = s
            .figures
            .iter()
            .find(|f| f.figure == "filled_pauses_per_minute")
            .unwrap();
        assert_eq!(filled.position, Position::Above);
        assert!(
            s.explanation.contains("filled pauses per minute"),
            "{}",
            s.explanation
        );
        assert_eq!(s.answers[0].turn_id, 7);
    }

    #[test]
    fn an_organization_reference_moves_the_band() {
        let a = speech(120, 0.35, 0.05, 0);
        let answers = [SpokenAnswer {
            turn_id: 1,
            fluency: &a,
        }];
        let slow = Reference {
            words_per_minute: Band {
                low: 60.0,
                high: 100.0,
                better: Better::Within,
            },
            ..Reference::default()
        };
        let s = score(&slow, &answers);
        assert_eq!(s.figures[0].position, Position::Above);
        assert!(s.figures[0].credit < 1.0);
        assert!(s.value.unwrap() < score(&Reference::default(), &answers).value.unwrap());
    }

    #[test]
    fn a_reference_is_validated() {
        assert!(Reference::default().validate().is_ok());
        let mut r = Reference::default();
        r.phonation_time_ratio.low = 0.95;
        assert!(r.validate().unwrap_err().contains("phonation_time_ratio"));
        let r = Reference {
            min_speech_secs: 1.0,
            ..Reference::default()
        };
        assert!(r.validate().is_err());
    }
}
