//! Affect, descriptive only: how the candidate sounded (steady, hesitant or animated), from
//! prosody (pitch and loudness variability), the pauses and the words (hedges, repairs), with
//! a confidence. It is an estimate of manner, not of emotion or ability, and is labelled so.
//! Whether it is computed at all, and whether it may count, is `policy`'s decision: never for
//! hiring in the EU; in a hiring score only where an organization outside the EU opted in.

use serde::{Deserialize, Serialize};

use super::fluency::Fluency;
use super::prosody::Prosody;

/// Where an interview stands on affect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Not computed at all (EU hiring).
    NotComputed,
    /// Computed and shown (to the candidate in practice, to reviewers in hiring); never counted.
    Descriptive,
    /// Counted in the hiring score: an organization outside the EU opted in, and the bias
    /// audit covers it.
    InScore,
}

/// The interview's mode and jurisdiction → what affect may be. The EU rule wins over any
/// opt-in: the organization's jurisdiction or the role's region being `eu` is enough.
pub fn policy(practice: bool, org_jurisdiction: &str, job_region: &str, opted_in: bool) -> Policy {
    if practice {
        Policy::Descriptive
    } else if org_jurisdiction == "eu" || job_region == "eu" {
        Policy::NotComputed
    } else if opted_in {
        Policy::InScore
    } else {
        Policy::Descriptive
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Manner {
    Steady,
    Hesitant,
    Animated,
}

impl Manner {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Steady => "steady",
            Self::Hesitant => "hesitant",
            Self::Animated => "animated",
        }
    }
}

/// One spoken answer's figures and words.
#[derive(Debug, Clone, Copy)]
pub struct Heard<'a> {
    pub turn_id: i64,
    pub fluency: &'a Fluency,
    pub prosody: &'a Prosody,
    pub text: &'a str,
}

/// One indicator and the share of its scale it reached (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub name: &'static str,
    pub value: f64,
    pub scale: f64,
    pub level: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Affect {
    pub manner: Option<Manner>,
    /// 0 to 1: how far the indicators are from the boundary between labels, and how much
    /// speech they rest on.
    pub confidence: Option<f64>,
    /// 0 (steady) to 1 (hesitant).
    pub hesitancy: Option<f64>,
    /// 0 (flat) to 1 (lively).
    pub animation: Option<f64>,
    pub indicators: Vec<Indicator>,
    pub speech_secs: f64,
    pub turn_ids: Vec<i64>,
    pub explanation: String,
}

/// Less speech than this says nothing of manner.
pub const MIN_SPEECH_SECS: f64 = 20.0;
const HESITANT_FROM: f64 = 0.45;
const ANIMATED_FROM: f64 = 0.6;
/// Words that soften a claim.
const HEDGES: [&str; 10] = [
    "i think",
    "maybe",
    "i guess",
    "not sure",
    "probably",
    "kind of",
    "sort of",
    "i don't know",
    "perhaps",
    "i suppose",
];

/// A label for how the answers sounded, with the indicators behind it.
pub fn estimate(answers: &[Heard]) -> Affect {
    let secs = answers.iter().fold(0.0, |s, a| s + a.fluency.speaking_secs);
    let turn_ids: Vec<i64> = answers.iter().map(|a| a.turn_id).collect();
    if answers.is_empty() {
        return Affect {
            manner: None,
            confidence: None,
            hesitancy: None,
            animation: None,
            indicators: Vec::new(),
            speech_secs: 0.0,
            turn_ids,
            explanation: "not enough evidence: manner is estimated from speech, and no answer has been transcribed verbatim".into(),
        };
    }
    if secs < MIN_SPEECH_SECS {
        return Affect {
            manner: None,
            confidence: None,
            hesitancy: None,
            animation: None,
            indicators: Vec::new(),
            speech_secs: secs,
            turn_ids,
            explanation: format!(
                "not enough evidence: {secs:.0} s of speech; an estimate of manner needs at least {MIN_SPEECH_SECS:.0} s"
            ),
        };
    }
    let minutes = secs / 60.0;
    let words: usize = answers.iter().map(|a| a.fluency.words).sum();
    let per_100_words = |n: usize| 100.0 * n as f64 / words.max(1) as f64;
    let sum = |f: &dyn Fn(&Heard) -> usize| answers.iter().map(f).sum::<usize>();
    let filled = sum(&|a| a.fluency.filled_pauses.count) as f64 / minutes;
    let pauses = sum(&|a| a.fluency.silent_pauses.count) as f64 / minutes;
    let hedges = per_100_words(sum(&|a| hedge_count(a.text)));
    let repairs = per_100_words(sum(&|a| a.fluency.repetitions + a.fluency.self_corrections));
    // Pitch and loudness spread, weighted by speech: a long answer says more than a short one.
    let weighted = |f: &dyn Fn(&Prosody) -> Option<f64>| {
        let (num, den) = answers
            .iter()
            .fold((0.0, 0.0), |(n, d), a| match f(a.prosody) {
                Some(v) => (n + v * a.fluency.speaking_secs, d + a.fluency.speaking_secs),
                None => (n, d),
            });
        (den > 0.0).then(|| num / den)
    };
    let pitch = weighted(&|p| p.f0_sd_semitones);
    let loudness = weighted(&|p| p.intensity_sd_db);
    let rate = words as f64 / minutes;
    let indicator = |name, value: f64, scale: f64| Indicator {
        name,
        value,
        scale,
        level: (value / scale).clamp(0.0, 1.0),
    };
    let hesitant = [
        indicator("filled_pauses_per_minute", filled, 8.0),
        indicator("silent_pauses_per_minute", pauses, 30.0),
        indicator("hedges_per_100_words", hedges, 4.0),
        indicator("repairs_per_100_words", repairs, 5.0),
    ];
    let mut lively = vec![indicator("words_per_minute", rate, 200.0)];
    lively.extend(pitch.map(|v| indicator("pitch_sd_semitones", v, 5.0)));
    lively.extend(loudness.map(|v| indicator("loudness_sd_db", v, 12.0)));
    let mean = |xs: &[Indicator]| xs.iter().map(|i| i.level).sum::<f64>() / xs.len() as f64;
    let hesitancy = mean(&hesitant);
    let animation = mean(&lively);
    let (manner, margin) = if hesitancy >= HESITANT_FROM {
        (Manner::Hesitant, hesitancy - HESITANT_FROM)
    } else if animation >= ANIMATED_FROM {
        (
            Manner::Animated,
            (animation - ANIMATED_FROM).min(HESITANT_FROM - hesitancy),
        )
    } else {
        (
            Manner::Steady,
            (HESITANT_FROM - hesitancy).min(ANIMATED_FROM - animation),
        )
    };
    // Two minutes of speech and a clear margin give full confidence.
    let confidence = ((secs / 120.0).min(1.0) * (0.5 + (margin * 2.5).min(0.5))).clamp(0.0, 1.0);
    let mut indicators = hesitant.to_vec();
    indicators.extend(lively);
    let strongest = indicators
        .iter()
        .max_by(|a, b| a.level.total_cmp(&b.level))
        .map(|i| format!("{} {:.1}", i.name.replace('_', " "), i.value))
        .unwrap_or_default();
    Affect {
        manner: Some(manner),
        confidence: Some(confidence),
        hesitancy: Some(hesitancy),
        animation: Some(animation),
        explanation: format!(
            "an estimate, not a judgement: sounded {} over {secs:.0} s of speech (confidence {confidence:.2}); strongest indicator: {strongest}",
            manner.as_str()
        ),
        indicators,
        speech_secs: secs,
        turn_ids,
    }
}

fn hedge_count(text: &str) -> usize {
    let lower = text.to_lowercase().replace('’', "'");
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let joined = format!(" {} ", words.join(" "));
    HEDGES
        .iter()
        .map(|h| joined.matches(&format!(" {h} ")).count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::messages::{Transcript, Word};
    use crate::scoring::fluency::{Settings, measure};

    fn fluency(n: usize, gap: f64, filler_every: usize) -> Fluency {
        let mut t = 0.0;
        let words = (0..n)
            .map(|i| {
                let text = if filler_every > 0 && i % filler_every == 0 {
                    "um"
                } else {
                    "word"
                };
                let w = Word {
                    text: text.into(),
                    start: t,
                    end: t + 0.3,
                    prob: 0.9,
                };
                t += 0.3 + gap;
                w
            })
            .collect();
        measure(&Transcript { words }, Settings::default())
    }

    fn prosody(f0_sd: f64, loud_sd: f64) -> Prosody {
        Prosody {
            frames: 1000,
            voiced_frames: 600,
            f0_mean_hz: Some(150.0),
            f0_sd_semitones: Some(f0_sd),
            intensity_sd_db: Some(loud_sd),
        }
    }

    #[test]
    fn policy_follows_jurisdiction_and_opt_in() {
        assert_eq!(policy(false, "eu", "us", true), Policy::NotComputed);
        assert_eq!(policy(false, "us", "eu", true), Policy::NotComputed);
        assert_eq!(policy(false, "us", "us", false), Policy::Descriptive);
        assert_eq!(policy(false, "other", "us", true), Policy::InScore);
        // Practice is feedback to the candidate, wherever they are.
        assert_eq!(policy(true, "eu", "eu", false), Policy::Descriptive);
    }

    #[test]
    fn fillers_pauses_and_hedges_sound_hesitant() {
        let f = fluency(150, 0.5, 4);
        let p = prosody(1.5, 4.0);
        let a = estimate(&[Heard {
            turn_id: 3,
            fluency: &f,
            prosody: &p,
            text: "um I think maybe it was um I guess not sure",
        }]);
        assert_eq!(a.manner, Some(Manner::Hesitant), "{a:?}");
        assert!(a.explanation.starts_with("an estimate"));
        assert_eq!(a.turn_ids, vec![3]);
    }

    #[test]
    fn fluent_varied_speech_sounds_animated_and_even_speech_steady() {
        let f = fluency(200, 0.02, 0);
        let lively = prosody(6.0, 12.0);
        let flat = prosody(1.0, 3.0);
        let text = "We shipped it on time and the team was proud of it.";
        let a = estimate(&[Heard {
            turn_id: 1,
            fluency: &f,
            prosody: &lively,
            text,
        }]);
        assert_eq!(a.manner, Some(Manner::Animated), "{a:?}");
        let s = estimate(&[Heard {
            turn_id: 1,
            fluency: &f,
            prosody: &flat,
            text,
        }]);
        assert_eq!(s.manner, Some(Manner::Steady), "{s:?}");
        assert!(s.confidence.unwrap() > 0.4);
    }

    #[test]
    fn short_speech_is_not_enough_evidence() {
        let f = fluency(20, 0.1, 0);
        let p = prosody(2.0, 5.0);
        let a = estimate(&[Heard {
            turn_id: 1,
            fluency: &f,
            prosody: &p,
            text: "Yes.",
        }]);
        assert_eq!(a.manner, None);
        assert!(a.explanation.starts_with("not enough evidence"));
    }

    #[test]
    fn hedges_are_counted_as_phrases() {
        assert_eq!(hedge_count("I think, maybe. I don’t know!"), 3);
        assert_eq!(hedge_count("I thinking maybes"), 0);
    }
}
