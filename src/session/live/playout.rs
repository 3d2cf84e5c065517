//! The interviewer's voice as it leaves, sans I/O: sentences queued on the media clock at
//! 48 kHz, handed out one 20 ms packet at a time, and cut off at once on a barge-in with an
//! exact account of how much of the sentence was heard.

use std::collections::VecDeque;

use crate::pipeline::messages::Phoneme;
use crate::rtc::audio_codec::{FRAME, RATE_HZ};

/// One sentence of a reply, resampled to the call's 48 kHz.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The reply turn it belongs to.
    pub turn: i64,
    pub text: String,
    pub pcm: Vec<f32>,
    pub phonemes: Vec<Phoneme>,
}

#[derive(Debug, Clone)]
struct Queued {
    sentence: Sentence,
    /// First sample on the media clock (48 kHz).
    start: u64,
}

/// What happened in one packet's span.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrameReport {
    /// Sentences whose first sample went out in this packet: (turn, text).
    pub started: Vec<(i64, String)>,
    /// Sentences whose last sample went out in this packet.
    pub finished: Vec<(i64, String)>,
}

/// A sentence cut off mid-way.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    pub turn: i64,
    /// The words of the sentence that were heard.
    pub said: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Playout {
    queue: VecDeque<Queued>,
    /// The next packet's first sample on the media clock.
    next: u64,
}

pub fn samples_at(t: f64) -> u64 {
    (t.max(0.0) * f64::from(RATE_HZ)).round() as u64
}

pub fn secs_of(samples: u64) -> f64 {
    samples as f64 / f64::from(RATE_HZ)
}

impl Playout {
    /// Starts handing out packets at media time `t`.
    pub fn starting_at(t: f64) -> Self {
        Self {
            queue: VecDeque::new(),
            next: samples_at(t),
        }
    }

    /// Media time of the next packet.
    pub fn now(&self) -> f64 {
        secs_of(self.next)
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Queues a sentence after whatever is queued, not before media time `earliest`, and
    /// returns its start time (seconds), packet-aligned.
    pub fn schedule(&mut self, sentence: Sentence, earliest: f64) -> f64 {
        let after_queue = self
            .queue
            .back()
            .map_or(0, |q| q.start + q.sentence.pcm.len() as u64);
        let mut start = samples_at(earliest).max(after_queue).max(self.next);
        // Align to a packet boundary, so the sentence starts exactly where a packet does.
        let offset = (start - self.next) % FRAME as u64;
        if offset != 0 {
            start += FRAME as u64 - offset;
        }
        self.queue.push_back(Queued { sentence, start });
        secs_of(start)
    }

    /// Fills `out` (one packet, silence where nothing plays) and advances the clock.
    pub fn next_frame(&mut self, out: &mut [f32; FRAME]) -> FrameReport {
        out.fill(0.0);
        let mut report = FrameReport::default();
        let (from, to) = (self.next, self.next + FRAME as u64);
        for q in &self.queue {
            let end = q.start + q.sentence.pcm.len() as u64;
            if q.start >= to {
                break;
            }
            if end <= from {
                continue;
            }
            let a = q.start.max(from);
            let b = end.min(to);
            let src = &q.sentence.pcm[(a - q.start) as usize..(b - q.start) as usize];
            out[(a - from) as usize..(b - from) as usize].copy_from_slice(src);
            if q.start >= from {
                report
                    .started
                    .push((q.sentence.turn, q.sentence.text.clone()));
            }
            if end <= to {
                report
                    .finished
                    .push((q.sentence.turn, q.sentence.text.clone()));
            }
        }
        self.next = to;
        while self
            .queue
            .front()
            .is_some_and(|q| q.start + q.sentence.pcm.len() as u64 <= self.next)
        {
            self.queue.pop_front();
        }
        report
    }

    /// Stops at once: drops everything queued and says how much of the sentence playing
    /// now was heard (none when nothing had started).
    pub fn cut(&mut self) -> Option<Cut> {
        let heard = self.queue.iter().find(|q| q.start < self.next).map(|q| {
            let played = secs_of(self.next - q.start);
            Cut {
                turn: q.sentence.turn,
                said: words_said(&q.sentence, played),
                text: q.sentence.text.clone(),
            }
        });
        self.queue.clear();
        heard
    }
}

/// The words of `s` finished within `played` seconds. The phonemes mark word boundaries;
/// the share of phoneme words finished picks that many words of the text (the two
/// counts differ only where a number or symbol is spoken as several words).
pub fn words_said(s: &Sentence, played: f64) -> String {
    let words: Vec<&str> = s.text.split_whitespace().collect();
    let mut spoken_words = 0usize;
    let mut finished_words = 0usize;
    let mut in_word = false;
    for p in &s.phonemes {
        let boundary = p.symbol == " " || p.symbol == "_" || is_punctuation(&p.symbol);
        if boundary {
            if in_word {
                spoken_words += 1;
                if p.start <= played {
                    finished_words += 1;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    if in_word {
        spoken_words += 1;
        if s.phonemes.last().is_some_and(|p| p.end <= played) {
            finished_words += 1;
        }
    }
    if spoken_words == 0 {
        return String::new();
    }
    let n = ((finished_words as f64 / spoken_words as f64) * words.len() as f64).round() as usize;
    words[..n.min(words.len())].join(" ")
}

fn is_punctuation(symbol: &str) -> bool {
    symbol
        .chars()
        .all(|c| matches!(c, '.' | ',' | '?' | '!' | ';' | ':'))
        && !symbol.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(turn: i64, text: &str, secs: f64) -> Sentence {
        let n = (secs * f64::from(RATE_HZ)) as usize;
        // Phonemes: each word takes an equal share, separated by word boundaries.
        let words: Vec<&str> = text.split_whitespace().collect();
        let per = secs / words.len() as f64;
        let mut phonemes = Vec::new();
        for (i, _) in words.iter().enumerate() {
            let s = i as f64 * per;
            phonemes.push(Phoneme {
                symbol: "a".into(),
                start: s,
                end: s + per * 0.9,
            });
            phonemes.push(Phoneme {
                symbol: " ".into(),
                start: s + per * 0.9,
                end: s + per,
            });
        }
        Sentence {
            turn,
            text: text.into(),
            pcm: vec![0.5; n],
            phonemes,
        }
    }

    #[test]
    fn sentences_play_back_to_back_from_their_start() {
        let mut p = Playout::starting_at(0.0);
        let s1 = p.schedule(sentence(1, "one two", 0.1), 0.05);
        let s2 = p.schedule(sentence(1, "three", 0.05), 0.0);
        assert_eq!(s1, 0.06, "aligned to the next packet boundary");
        assert!((s2 - 0.16).abs() < 1e-9, "queued after the first: {s2}");
        let mut out = [0.0; FRAME];
        let mut started = Vec::new();
        let mut finished = Vec::new();
        let mut loud = 0;
        for _ in 0..20 {
            let r = p.next_frame(&mut out);
            loud += out.iter().filter(|s| **s > 0.0).count();
            started.extend(r.started);
            finished.extend(r.finished);
        }
        assert_eq!(
            loud,
            (0.15 * f64::from(RATE_HZ)) as usize,
            "every sample once"
        );
        assert_eq!(started.len(), 2);
        assert_eq!(finished.len(), 2);
        assert!(p.is_idle());
    }

    #[test]
    fn a_cut_stops_at_once_and_reports_the_words_heard() {
        let mut p = Playout::starting_at(0.0);
        p.schedule(sentence(7, "we talk about your design choices", 1.2), 0.0);
        p.schedule(sentence(7, "and then the tests", 1.0), 0.0);
        let mut out = [0.0; FRAME];
        // 0.62 s: three of six words finished (0.2 s each).
        for _ in 0..31 {
            p.next_frame(&mut out);
        }
        let cut = p.cut().expect("a sentence was playing");
        assert_eq!(cut.turn, 7);
        assert_eq!(cut.said, "we talk about");
        p.next_frame(&mut out);
        assert!(out.iter().all(|s| *s == 0.0), "silence right after the cut");
        assert!(p.is_idle());
        assert_eq!(p.cut(), None, "nothing left to cut");
    }

    #[test]
    fn a_cut_before_a_sentence_starts_hears_nothing() {
        let mut p = Playout::starting_at(1.0);
        p.schedule(sentence(3, "hello there", 0.5), 1.5);
        let mut out = [0.0; FRAME];
        p.next_frame(&mut out);
        assert_eq!(p.cut(), None);
    }

    #[test]
    fn numbers_spoken_as_several_words_still_map_to_the_text() {
        // "42 ms" said as "forty two milliseconds": three phoneme words, two text words.
        let mut s = sentence(1, "forty two milliseconds", 0.9);
        s.text = "42 ms".into();
        assert_eq!(words_said(&s, 0.95), "42 ms");
        assert_eq!(words_said(&s, 0.1), "");
    }
}
