//! Fluency measured from word timings: speech and articulation rate, phonation-time ratio,
//! mean length of run, silent pauses (within vs. between clauses), filled pauses, repetitions
//! and self-corrections. Pure: a `Transcript` in, `Fluency` out. Every figure says how much
//! speech it rests on, so a reader can tell a measurement from a guess.

use serde::{Deserialize, Serialize};

use crate::pipeline::messages::{Transcript, Word};

/// Filled-pause tokens as Whisper writes them (lowercase, punctuation stripped).
const FILLERS: [&str; 9] = ["uh", "um", "umm", "uhm", "er", "erm", "ah", "hmm", "mm"];
/// Phrases with which speakers correct themselves.
const CORRECTION_CUES: [&[&str]; 4] = [
    &["i", "mean"],
    &["sorry"],
    &["or", "rather"],
    &["no", "wait"],
];

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Settings {
    /// A silence between words at least this long counts as a pause (seconds).
    pub min_pause_secs: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            min_pause_secs: 0.25,
        }
    }
}

/// A figure with the amount of speech behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    /// How many items (words, syllables, pauses) the value is computed from.
    pub count: usize,
    /// Seconds of audio the value is computed over.
    pub secs: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pauses {
    pub count: usize,
    pub per_minute: Figure,
    pub mean_secs: Option<f64>,
    pub longest_secs: Option<f64>,
    /// Pauses after a word that ends a clause (`.`, `,`, `?`, `!`, `;`, `:`).
    pub between_clauses: usize,
    pub within_clauses: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fluency {
    /// From the first word's start to the last word's end.
    pub speaking_secs: f64,
    pub words: usize,
    pub syllables: usize,
    pub words_per_minute: Figure,
    pub syllables_per_minute: Figure,
    /// Syllables per minute of phonation (pauses excluded).
    pub articulation_rate: Figure,
    /// Phonation time over speaking time, 0 to 1.
    pub phonation_time_ratio: Figure,
    /// Mean syllables between pauses.
    pub mean_length_of_run: Figure,
    pub silent_pauses: Pauses,
    pub filled_pauses: Figure,
    pub repetitions: usize,
    pub self_corrections: usize,
}

/// Fluency with pauses read from the gaps between word timings.
pub fn measure(t: &Transcript, s: Settings) -> Fluency {
    let pauses: Vec<(f64, &Word)> = t
        .words
        .windows(2)
        .map(|p| ((p[1].start - p[0].end).max(0.0), &p[0]))
        .filter(|(g, _)| *g >= s.min_pause_secs)
        .collect();
    summarize(t, pauses)
}

/// Fluency with pauses taken from the audio: `silences` (seconds, from the VAD) inside the
/// speaking span and at least `min_pause_secs` long. Word timings alone miss pauses, because
/// the recognizer stretches words over the silence around them; the words still say where
/// each pause falls (after which word: within or between clauses).
pub fn measure_with_silences(t: &Transcript, s: Settings, silences: &[(f64, f64)]) -> Fluency {
    let words = &t.words;
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return summarize(t, Vec::new());
    };
    let pauses = silences
        .iter()
        .map(|&(a, b)| (a.max(first.start), b.min(last.end)))
        .filter(|(a, b)| b - a >= s.min_pause_secs)
        .filter_map(|(a, b)| {
            let before = words.iter().rev().find(|w| w.start < a)?;
            Some((b - a, before))
        })
        .collect();
    summarize(t, pauses)
}

/// The figures from the words and the pauses (each with the word before it).
fn summarize(t: &Transcript, pauses: Vec<(f64, &Word)>) -> Fluency {
    let words = &t.words;
    let norm: Vec<String> = words.iter().map(|w| normalize(&w.text)).collect();
    let syllables: usize = words.iter().map(|w| syllables(&w.text)).sum();
    let span = match (words.first(), words.last()) {
        (Some(a), Some(b)) => (b.end - a.start).max(0.0),
        _ => 0.0,
    };
    let paused: f64 = pauses.iter().map(|(g, _)| g).sum();
    let phonation = (span - paused).max(0.0);
    let minutes = span / 60.0;
    let per_min = |n: usize| Figure {
        value: if minutes > 0.0 {
            n as f64 / minutes
        } else {
            0.0
        },
        count: n,
        secs: span,
    };
    let between = pauses.iter().filter(|(_, w)| ends_clause(&w.text)).count();
    let runs = pauses.len() + usize::from(!words.is_empty());
    Fluency {
        speaking_secs: span,
        words: words.len(),
        syllables,
        words_per_minute: per_min(words.len()),
        syllables_per_minute: per_min(syllables),
        articulation_rate: Figure {
            value: if phonation > 0.0 {
                syllables as f64 / (phonation / 60.0)
            } else {
                0.0
            },
            count: syllables,
            secs: phonation,
        },
        phonation_time_ratio: Figure {
            value: if span > 0.0 { phonation / span } else { 0.0 },
            count: words.len(),
            secs: span,
        },
        mean_length_of_run: Figure {
            value: if runs > 0 {
                syllables as f64 / runs as f64
            } else {
                0.0
            },
            count: runs,
            secs: phonation,
        },
        silent_pauses: Pauses {
            count: pauses.len(),
            per_minute: per_min(pauses.len()),
            mean_secs: (!pauses.is_empty()).then(|| paused / pauses.len() as f64),
            longest_secs: pauses.iter().map(|(g, _)| *g).reduce(f64::max),
            between_clauses: between,
            within_clauses: pauses.len() - between,
        },
        filled_pauses: per_min(
            norm.iter()
                .filter(|w| FILLERS.contains(&w.as_str()))
                .count(),
        ),
        repetitions: repetitions(&norm),
        self_corrections: self_corrections(&norm, words),
    }
}

fn normalize(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

fn ends_clause(w: &str) -> bool {
    w.trim_end().ends_with(['.', ',', '?', '!', ';', ':'])
}

/// Immediate repeats of a word or a two-word phrase ("the the", "I think I think"); fillers
/// in between do not hide a repeat.
fn repetitions(norm: &[String]) -> usize {
    let content: Vec<&str> = norm
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty() && !FILLERS.contains(w))
        .collect();
    let mut n = 0;
    let mut i = 1;
    while i < content.len() {
        if content[i] == content[i - 1] {
            n += 1;
            i += 1;
        } else if i >= 3 && content[i - 1] == content[i - 3] && content[i] == content[i - 2] {
            n += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    n
}

/// Cut-off words ("algo-") and explicit repair cues ("I mean", "sorry").
fn self_corrections(norm: &[String], words: &[Word]) -> usize {
    let cut_off = words
        .iter()
        .filter(|w| w.text.trim_end().ends_with('-'))
        .count();
    let mut cues = 0;
    for i in 0..norm.len() {
        if CORRECTION_CUES.iter().any(|cue| {
            norm[i..]
                .iter()
                .take(cue.len())
                .map(String::as_str)
                .eq(cue.iter().copied())
        }) {
            cues += 1;
        }
    }
    cut_off + cues
}

/// Vowel groups of an English word, with the silent final `e` and a one-syllable floor.
pub fn syllables(word: &str) -> usize {
    let w = normalize(word);
    if w.is_empty() || w.chars().all(|c| c.is_ascii_digit()) {
        return usize::from(!w.is_empty());
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let chars: Vec<char> = w.chars().collect();
    let mut groups = 0;
    let mut prev = false;
    for &c in &chars {
        let v = is_vowel(c);
        if v && !prev {
            groups += 1;
        }
        prev = v;
    }
    let n = chars.len();
    if n > 2
        && chars[n - 1] == 'e'
        && !is_vowel(chars[n - 2])
        // "-ble", "-tle": the final e is sounded.
        && (chars[n - 2] != 'l' || is_vowel(chars[n - 3]))
    {
        groups -= 1;
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[(&str, f64, f64)]) -> Transcript {
        Transcript {
            words: words
                .iter()
                .map(|(w, s, e)| Word {
                    text: (*w).into(),
                    start: *s,
                    end: *e,
                    prob: 0.9,
                })
                .collect(),
        }
    }

    #[test]
    fn syllable_counts() {
        for (w, n) in [
            ("cat", 1),
            ("table", 2),
            ("make", 1),
            ("interview", 3),
            ("the", 1),
            ("Americans,", 4),
            ("fire", 1),
            ("42", 1),
        ] {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    #[test]
    fn rates_and_pauses_from_known_timing() {
        // Six one-syllable words over 6 s, one 2 s pause after a comma and one 0.5 s pause
        // inside a clause; all other gaps are 0.1 s (below the pause threshold).
        let tr = t(&[
            ("one", 0.0, 0.5),
            ("two,", 0.6, 1.0),
            ("three", 3.0, 3.4),
            ("four", 3.5, 3.9),
            ("five", 4.4, 5.0),
            ("six", 5.1, 6.0),
        ]);
        let f = measure(&tr, Settings::default());
        assert_eq!((f.words, f.syllables), (6, 6));
        assert!((f.speaking_secs - 6.0).abs() < 1e-9);
        assert!((f.words_per_minute.value - 60.0).abs() < 1e-9);
        assert_eq!(f.silent_pauses.count, 2);
        assert_eq!(
            (
                f.silent_pauses.between_clauses,
                f.silent_pauses.within_clauses
            ),
            (1, 1)
        );
        assert!((f.silent_pauses.longest_secs.unwrap() - 2.0).abs() < 1e-9);
        assert!((f.silent_pauses.mean_secs.unwrap() - 1.25).abs() < 1e-9);
        assert!((f.phonation_time_ratio.value - 3.5 / 6.0).abs() < 1e-9);
        assert!((f.articulation_rate.value - 6.0 / (3.5 / 60.0)).abs() < 1e-6);
        assert!((f.mean_length_of_run.value - 2.0).abs() < 1e-9);
        assert!((f.articulation_rate.secs - 3.5).abs() < 1e-9);
    }

    #[test]
    fn disfluencies() {
        let tr = t(&[
            ("I", 0.0, 0.1),
            ("think", 0.1, 0.3),
            ("um", 0.3, 0.5),
            ("I", 0.5, 0.6),
            ("think", 0.6, 0.8),
            ("the", 0.8, 0.9),
            ("the", 0.9, 1.0),
            ("algo-", 1.0, 1.2),
            ("uh,", 1.2, 1.4),
            ("sorry,", 1.4, 1.6),
            ("the", 1.6, 1.7),
            ("method", 1.7, 2.0),
            ("I", 2.0, 2.1),
            ("mean", 2.1, 2.3),
            ("works.", 2.3, 2.6),
        ]);
        let f = measure(&tr, Settings::default());
        assert_eq!(f.filled_pauses.count, 2);
        assert_eq!(f.repetitions, 2);
        assert_eq!(f.self_corrections, 3);
    }

    #[test]
    fn no_speech_is_zero_not_a_crash() {
        let f = measure(&Transcript::default(), Settings::default());
        assert_eq!(f.words, 0);
        assert_eq!(f.words_per_minute.value, 0.0);
        assert_eq!(f.silent_pauses.mean_secs, None);
    }
}
