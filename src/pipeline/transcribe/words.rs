//! Turning whisper tokens into words: a token that starts with a space starts a word;
//! punctuation and word pieces join the word before them.

use crate::pipeline::messages::Word;

/// One decoded token with its times in centiseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub start_cs: i64,
    pub end_cs: i64,
    pub prob: f32,
}

const END_MARGIN_SECS: f64 = 0.02;
/// A word at the clip's very end is kept only when Whisper is this sure of it.
const END_MIN_PROB: f32 = 0.2;

/// Words with times in seconds, clamped to the utterance; a word's probability is the lowest
/// of its tokens, so one doubtful piece marks the whole word as doubtful.
pub fn words_from_tokens(tokens: &[Token], duration_secs: f64) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    for t in tokens {
        let text = t.text.as_str();
        let bare = text.trim();
        // Empty pieces and bracketed annotations ("[BLANK_AUDIO]") are not words.
        if bare.is_empty() || (bare.starts_with('[') && bare.ends_with(']')) {
            continue;
        }
        let start = (t.start_cs as f64 / 100.0).clamp(0.0, duration_secs);
        let end = (t.end_cs as f64 / 100.0).clamp(start, duration_secs);
        let joins = !text.starts_with(' ') || text.trim().chars().all(|c| c.is_ascii_punctuation());
        match words.last_mut() {
            Some(w) if joins => {
                w.text.push_str(text.trim_end());
                w.end = w.end.max(end);
                w.prob = w.prob.min(t.prob);
            }
            _ => words.push(Word {
                text: text.trim().to_string(),
                start,
                end,
                prob: t.prob,
            }),
        }
    }
    // Symbols Whisper writes for sounds that are not speech ("♪") are not words, and neither
    // is a doubtful word placed at the very end of the clip, with no audio under it (what
    // Whisper appends when a recording stops mid-noise).
    words.retain(|w| {
        w.text.chars().any(char::is_alphanumeric)
            && (w.start < duration_secs - END_MARGIN_SECS || w.prob >= END_MIN_PROB)
    });
    words
}

/// Longest time one token may plausibly take (a drawn-out syllable).
const MAX_TOKEN_SECS: f64 = 1.5;

/// How token times look. A decoder given a shortened audio window sometimes emits an early
/// timestamp, stretching one word over seconds; and it often bunches the last words onto the
/// clip's end with no time of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimesCheck {
    /// No token runs for longer than a drawn-out syllable.
    pub no_word_stretched: bool,
    /// No token starts at the very end of the clip.
    pub none_bunched_at_end: bool,
}

impl TimesCheck {
    pub fn of(tokens: &[Token], duration_secs: f64) -> Self {
        let spans = || {
            tokens
                .iter()
                .filter(|t| t.text.chars().any(char::is_alphanumeric))
                .map(|t| (t.start_cs as f64 / 100.0, t.end_cs as f64 / 100.0))
        };
        Self {
            no_word_stretched: spans().all(|(start, end)| end - start <= MAX_TOKEN_SECS),
            none_bunched_at_end: spans().all(|(start, _)| start < duration_secs - END_MARGIN_SECS),
        }
    }
}

/// Whether a phrase of three or more words comes twice in a row ("ask not what your country
/// ask not what your country"), or one of four or more comes again after a word or two
/// ("in his power to do for them and his power to do for them"): the marks of a decoder
/// stuck in a loop. People do repeat single words and short pairs, so those do not count.
pub fn repeats_itself(words: &[Word]) -> bool {
    first_repeat(words).is_some()
}

/// The words with each loop's repeats (and the word or two between) taken out, leaving the
/// phrase once: "in his power to do for them and his power to do for them" reads "in his
/// power to do for them".
pub fn without_repeats(mut words: Vec<Word>) -> Vec<Word> {
    while let Some(r) = first_repeat(&words) {
        words.drain(r.at + r.len..r.at + 2 * r.len + r.gap);
    }
    words
}

/// A phrase of `len` words at `at`, said again `gap` words after it ends.
struct Repeat {
    at: usize,
    len: usize,
    gap: usize,
}

fn first_repeat(words: &[Word]) -> Option<Repeat> {
    let w: Vec<String> = words
        .iter()
        .map(|w| {
            w.text
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect()
        })
        .collect();
    let again = |len: usize, gap: usize| {
        (0..(w.len() + 1).saturating_sub(2 * len + gap))
            .find(|&i| w[i..i + len] == w[i + len + gap..i + 2 * len + gap])
            .map(|at| Repeat { at, len, gap })
    };
    (3..=w.len() / 2)
        .find_map(|n| again(n, 0))
        .or_else(|| (4..=w.len() / 2).find_map(|n| again(n, 1).or_else(|| again(n, 2))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, s: i64, e: i64, p: f32) -> Token {
        Token {
            text: text.into(),
            start_cs: s,
            end_cs: e,
            prob: p,
        }
    }

    #[test]
    fn pieces_and_punctuation_join_their_word() {
        let words = words_from_tokens(
            &[
                tok(" And", 0, 30, 0.9),
                tok(" so", 30, 60, 0.8),
                tok(" fell", 60, 80, 0.7),
                tok("ow", 80, 100, 0.95),
                tok(",", 100, 100, 0.99),
                tok(" Americans", 110, 200, 0.6),
            ],
            11.0,
        );
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["And", "so", "fellow,", "Americans"]);
        assert_eq!((words[2].start, words[2].end), (0.6, 1.0));
        assert_eq!(words[2].prob, 0.7);
    }

    #[test]
    fn sound_symbols_and_words_past_the_end_are_dropped() {
        let words = words_from_tokens(
            &[
                tok(" country", 0, 50, 0.9),
                tok(" ♪", 60, 80, 0.2),
                tok(" Aoooo", 200, 200, 0.0),
            ],
            2.0,
        );
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["country"]);
    }

    #[test]
    fn stretched_and_bunched_times_are_told_apart() {
        let check = |tokens: &[Token]| {
            let c = TimesCheck::of(tokens, 2.9);
            (c.no_word_stretched, c.none_bunched_at_end)
        };
        let good = [tok(" He", 24, 33, 0.8), tok(" might", 33, 68, 0.9)];
        assert_eq!(check(&good), (true, true));
        let stretched = [tok(" He", 29, 247, 0.8), tok(" might", 247, 286, 0.9)];
        assert_eq!(check(&stretched), (false, true));
        let bunched = [tok(" He", 24, 33, 0.8), tok(" even", 290, 290, 0.9)];
        assert_eq!(check(&bunched), (true, false));
        // Punctuation placed at the end is no word's time.
        assert_eq!(
            check(&[tok(" He", 24, 33, 0.8), tok(".", 290, 290, 0.9)]),
            (true, true)
        );
    }

    fn words(text: &str) -> Vec<Word> {
        text.split(' ')
            .map(|t| Word {
                text: t.into(),
                start: 0.0,
                end: 0.0,
                prob: 1.0,
            })
            .collect()
    }

    #[test]
    fn loops_are_recognized_but_ordinary_repeats_are_not() {
        assert!(repeats_itself(&words(
            "and so my fellow Americans, And so, my fellow Americans"
        )));
        assert!(!repeats_itself(&words(
            "I I think the the answer is is fine"
        )));
        assert!(repeats_itself(&words(
            "there might be prudently in his power to do for them. and his power to do for them."
        )));
        assert!(!repeats_itself(&words(
            "ask not what your country can do for you ask what you can do"
        )));
        assert!(!repeats_itself(&words(
            "we tried it and then we tried it again"
        )));
        assert!(!repeats_itself(&[]));
    }

    #[test]
    fn a_loop_is_taken_out_leaving_the_phrase_once() {
        let text = |w: Vec<Word>| {
            w.iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            text(without_repeats(words(
                "in his power to do for them. and his power to do for them."
            ))),
            "in his power to do for them."
        );
        assert_eq!(
            text(without_repeats(words(
                "ask not what your country ask not what your country ask not what your country can do"
            ))),
            "ask not what your country can do"
        );
        let ordinary = "I I think the the answer is is fine";
        assert_eq!(text(without_repeats(words(ordinary))), ordinary);
    }

    #[test]
    fn times_stay_inside_the_utterance() {
        let words = words_from_tokens(
            &[
                tok(" late", 900, 1200, 0.5),
                tok(" [BLANK_AUDIO]", 0, 10, 0.1),
            ],
            10.0,
        );
        assert_eq!(words.len(), 1);
        assert_eq!((words[0].start, words[0].end), (9.0, 10.0));
    }
}
