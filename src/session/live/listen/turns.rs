//! Turn-taking over a stream, sans I/O: probabilities and samples in, `Hearing` out, with
//! the models called through a closure so that tests can drive it with made-up
//! probabilities.

use std::collections::VecDeque;

use super::{Hearing, RATE};
use crate::pipeline::listen::endpoint::{Action, EndpointSettings, Endpointer};
use crate::pipeline::listen::{FRAME_SAMPLES, quietest};

const FRAME_MS: u32 = (FRAME_SAMPLES * 1000 / RATE) as u32;
/// Audio kept from before the speech began, so the first syllable is not clipped.
const PRE_ROLL: usize = RATE * 3 / 10;
/// The longest turn kept whole; past this the turn ends as if the candidate had paused.
const MAX_TURN: usize = RATE * 120;
/// The longest phrase: speech that runs on without a pause is handed over in pieces of at
/// most this, each cut where the VAD hears it quietest in its second half (between words, as
/// a rule), so that the part of a turn left to transcribe when it ends is short, however
/// long the candidate spoke without pausing.
const MAX_PHRASE: usize = RATE * 5;

/// Turn-taking over a stream, sans I/O.
pub struct Turns {
    endpointer: Endpointer,
    settings: EndpointSettings,
    threshold: f32,
    barge_in_frames: u32,
    /// Samples since `base` (absolute index of `audio[0]`).
    audio: Vec<f32>,
    base: usize,
    /// Frames fed so far; `frames * FRAME_SAMPLES` is the next sample's absolute index.
    frames: usize,
    run: u32,
    run_start: usize,
    reported: bool,
    /// Absolute sample where the current turn's audio starts, once speech began.
    turn_start: Option<usize>,
    min_speech_frames: u32,
    /// Turns opened so far; the current one's number.
    turn: u64,
    /// Where the phrase being spoken starts (absolute), or, after a pause closed one, where
    /// that phrase ended (`Err`), until speech resumes.
    phrase: Result<usize, usize>,
    /// Phrases of the current turn handed over.
    phrases: usize,
    /// The VAD's probabilities of the latest frames (up to a phrase's worth), the first
    /// for the frame starting at sample `probs_from`, to find where to cut a long phrase.
    probs: VecDeque<f32>,
    probs_from: usize,
}

impl Turns {
    pub fn new(settings: EndpointSettings, barge_in_ms: u32) -> Self {
        Self {
            endpointer: Endpointer::new(settings),
            settings,
            threshold: settings.speech_threshold,
            barge_in_frames: barge_in_ms.div_ceil(FRAME_MS),
            audio: Vec::new(),
            base: 0,
            frames: 0,
            run: 0,
            run_start: 0,
            reported: false,
            turn_start: None,
            min_speech_frames: settings.min_speech_ms.div_ceil(FRAME_MS).max(1),
            turn: 0,
            phrase: Ok(0),
            phrases: 0,
            probs: VecDeque::with_capacity(MAX_PHRASE / FRAME_SAMPLES + 1),
            probs_from: 0,
        }
    }

    /// One frame of samples with its speech probability. `end_of_turn` is asked (with the
    /// turn's audio so far) when a pause may end the turn and answers with Smart Turn's
    /// probability; `hear` is given what was heard as soon as it is known, so that a phrase
    /// a pause closed is on its way to transcription while the model weighs that pause.
    pub fn push(
        &mut self,
        frame: &[f32],
        p: f32,
        end_of_turn: &mut dyn FnMut(&[f32]) -> f32,
        hear: &mut dyn FnMut(Hearing),
    ) {
        let start = self.frames * FRAME_SAMPLES;
        self.frames += 1;
        self.audio.extend_from_slice(frame);
        self.remember(start, p);
        if p >= self.threshold {
            if self.run == 0 {
                self.run_start = start;
            }
            self.run += 1;
            if self.run >= self.min_speech_frames {
                let from = self.run_start.saturating_sub(PRE_ROLL).max(self.base);
                if self.turn_start.is_none() {
                    self.turn_start = Some(from);
                    self.turn += 1;
                    self.phrase = Ok(from);
                    self.phrases = 0;
                } else if let Err(end) = self.phrase {
                    // The next phrase: from just before its speech, not through the pause.
                    self.phrase = Ok(from.max(end));
                }
            }
            if self.run >= self.barge_in_frames && !self.reported {
                self.reported = true;
                hear(Hearing::Speaking);
            }
        } else {
            self.run = 0;
            self.reported = false;
        }
        let mut action = self.endpointer.push(p);
        if action == Action::AskModel {
            // Whatever the model says, the phrase is done: if the pause ends the turn, its
            // words are already being transcribed, and the model's time is not added.
            if let Some(h) = self.close_phrase() {
                hear(h);
            }
            let end = self.endpointer.model_audio_end().min(self.end());
            let from = self.turn_start.unwrap_or(self.base).max(self.base);
            let heard = &self.audio[from - self.base..end.max(from) - self.base];
            action = self.endpointer.model_said(end_of_turn(heard));
        }
        if let Some(h) = self.cut_long_phrase() {
            hear(h);
        }
        let too_long = self.turn_start.is_some_and(|s| self.end() - s >= MAX_TURN);
        let finished = match action {
            Action::EndOfTurn { speech_end } => self.finish(speech_end),
            _ if too_long => {
                let end = self.end();
                let turn = self.finish(end);
                self.endpointer = Endpointer::new(self.settings);
                self.frames_rebase();
                turn
            }
            _ => None,
        };
        if let Some(h) = finished {
            hear(h);
        }
        if self.turn_start.is_none() {
            // Between turns only the pre-roll is worth keeping (before any speech starting).
            let from = if self.run > 0 {
                self.run_start
            } else {
                self.end()
            };
            let keep_from = from.saturating_sub(PRE_ROLL).max(self.base);
            self.drop_before(keep_from);
        }
    }

    /// Phrase `index` of turn `turn` reads as a finished sentence: if the candidate has not
    /// spoken since it, the pause that closed it ends the turn sooner.
    pub fn phrase_finished(&mut self, turn: u64, index: usize) {
        let still_pausing = self.turn_start.is_some() && self.phrase.is_err();
        if still_pausing && turn == self.turn && index + 1 == self.phrases {
            self.endpointer.reads_finished();
        }
    }

    fn end(&self) -> usize {
        self.base + self.audio.len()
    }

    /// A pause that did not end the turn: the phrase before it, if it has not been handed
    /// over yet.
    fn close_phrase(&mut self) -> Option<Hearing> {
        let start = self.turn_start?;
        let Ok(from) = self.phrase else {
            return None;
        };
        let end = self.endpointer.speech_end().clamp(from, self.end());
        self.phrase = Err(end);
        if end <= from {
            return None;
        }
        Some(self.hand_over(start, from..end))
    }

    /// The next phrase of the turn starting at `start`: the audio of `span` (absolute).
    fn hand_over(&mut self, start: usize, span: std::ops::Range<usize>) -> Hearing {
        self.phrases += 1;
        Hearing::Phrase {
            turn: self.turn,
            index: self.phrases - 1,
            audio: self.audio[span.start - self.base..span.end - self.base].to_vec(),
            offset: span.start - start,
        }
    }

    /// A phrase spoken on for `MAX_PHRASE` without a pause: its first part, up to where
    /// it was quietest.
    fn cut_long_phrase(&mut self) -> Option<Hearing> {
        let start = self.turn_start?;
        let from = self.phrase.ok()?.max(self.base);
        if self.end() - from < MAX_PHRASE {
            return None;
        }
        let within = from + MAX_PHRASE / 2..from + MAX_PHRASE;
        let cut = quietest(self.probs.make_contiguous(), self.probs_from, within);
        let cut = cut.clamp(from + 1, self.end());
        self.phrase = Ok(cut);
        Some(self.hand_over(start, from..cut))
    }

    /// Keeps the frame's probability, and no more than a phrase's worth.
    fn remember(&mut self, start: usize, p: f32) {
        if self.probs.is_empty() {
            self.probs_from = start;
        }
        self.probs.push_back(p);
        while self.probs.len() * FRAME_SAMPLES > MAX_PHRASE + FRAME_SAMPLES {
            self.probs.pop_front();
            self.probs_from += FRAME_SAMPLES;
        }
    }

    fn finish(&mut self, speech_end: usize) -> Option<Hearing> {
        let start = self.turn_start.take()?;
        let from = start.max(self.base) - self.base;
        let to = speech_end.clamp(start, self.end()) - self.base;
        let audio = self.audio[from..to].to_vec();
        let waited = self.end().saturating_sub(speech_end) as f64 / RATE as f64;
        let tail = match self.phrase {
            Ok(p) | Err(p) => (p.max(start) - start).min(audio.len()),
        };
        self.drop_before(speech_end.min(self.end()));
        (!audio.is_empty()).then_some(Hearing::Turn {
            turn: self.turn,
            audio,
            phrases: self.phrases,
            tail,
            waited,
            model_secs: 0.0,
        })
    }

    fn drop_before(&mut self, at: usize) {
        if at > self.base {
            let n = (at - self.base).min(self.audio.len());
            self.audio.drain(..n);
            self.base += n;
        }
    }

    /// A fresh endpointer counts frames from zero: line the sample indices up with it.
    fn frames_rebase(&mut self) {
        let keep = self.audio.len();
        self.frames = 0;
        self.base = 0;
        self.audio.drain(..keep);
        self.run = 0;
        self.reported = false;
        self.probs.clear();
    }
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;

    fn run(turns: &mut Turns, probs: &[(f32, usize)], model: f32) -> Vec<Hearing> {
        let mut out = Vec::new();
        let mut i = 0usize;
        for &(p, n) in probs {
            for _ in 0..n {
                // Each sample carries its own index, to check which audio a turn holds.
                let frame: Vec<f32> = (0..FRAME_SAMPLES)
                    .map(|k| ((i * FRAME_SAMPLES + k) as f32) / 1e7)
                    .collect();
                turns.push(&frame, p, &mut |_| model, &mut |h| out.push(h));
                i += 1;
            }
        }
        out
    }

    #[test]
    fn a_turn_ends_after_the_pause_with_its_audio_and_pre_roll() {
        let mut t = Turns::new(EndpointSettings::default(), 250);
        // 1 s silence, 1 s speech, then silence until the model (which agrees) is asked.
        let out = run(&mut t, &[(0.0, 31), (0.9, 31), (0.0, 20)], 0.9);
        assert_eq!(out[0], Hearing::Speaking, "{out:?}");
        let Some(Hearing::Turn { audio, .. }) = out.last() else {
            panic!("no turn: {out:?}")
        };
        let first = (audio[0] * 1e7).round() as usize;
        assert_eq!(
            first,
            31 * FRAME_SAMPLES - PRE_ROLL,
            "starts one pre-roll before speech"
        );
        let last = (audio[audio.len() - 1] * 1e7).round() as usize;
        assert_eq!(last, 62 * FRAME_SAMPLES - 1, "ends where the speech ended");
    }

    #[test]
    fn a_thinking_pause_does_not_end_the_turn() {
        let mut t = Turns::new(EndpointSettings::default(), 250);
        // The model says "not finished": only the hard silence limit (3 s) ends it.
        let out = run(&mut t, &[(0.9, 20), (0.0, 60), (0.9, 20), (0.0, 100)], 0.1);
        let turns: Vec<_> = out
            .iter()
            .filter(|h| matches!(h, Hearing::Turn { .. }))
            .collect();
        assert_eq!(turns.len(), 1, "{out:?}");
        let Hearing::Turn { audio, .. } = turns[0] else {
            unreachable!()
        };
        assert!(
            audio.len() >= 100 * FRAME_SAMPLES,
            "both phrases in one turn"
        );
    }

    #[test]
    fn pauses_hand_over_each_phrase_once_and_the_turn_says_what_is_left() {
        let mut t = Turns::new(EndpointSettings::default(), 250);
        // Two phrases, each followed by a pause the model calls unfinished; the second
        // pause reaches the hard limit.
        let out = run(&mut t, &[(0.9, 20), (0.0, 60), (0.9, 20), (0.0, 100)], 0.1);
        let phrases: Vec<(u64, usize, usize, usize)> = out
            .iter()
            .filter_map(|h| match h {
                Hearing::Phrase {
                    turn,
                    index,
                    audio,
                    offset,
                } => Some((*turn, *index, audio.len(), *offset)),
                _ => None,
            })
            .collect();
        assert_eq!(
            phrases.len(),
            2,
            "one per pause, however often asked: {phrases:?}"
        );
        let Some(Hearing::Turn {
            turn,
            audio,
            phrases: n,
            tail,
            ..
        }) = out.last()
        else {
            panic!("no turn: {out:?}")
        };
        assert_eq!((*turn, *n), (1, 2));
        assert_eq!((phrases[0].0, phrases[0].1, phrases[0].3), (1, 0, 0));
        assert_eq!(
            phrases[0].2,
            20 * FRAME_SAMPLES,
            "the first phrase is its speech"
        );
        // The second starts a pre-roll before its speech, not back through the pause.
        assert_eq!(phrases[1].3, 80 * FRAME_SAMPLES - PRE_ROLL);
        assert_eq!(phrases[1].3 + phrases[1].2, audio.len());
        assert_eq!(*tail, audio.len(), "nothing is left after the last phrase");
    }

    #[test]
    fn the_phrase_a_pause_closes_goes_out_before_the_model_is_asked() {
        use std::cell::RefCell;
        let mut t = Turns::new(EndpointSettings::default(), 250);
        let out = RefCell::new(Vec::new());
        let mut phrases_when_asked = Vec::new();
        for (p, n) in [(0.0, 31), (0.9, 31), (0.0, 20)] {
            for _ in 0..n {
                t.push(
                    &[0.0; FRAME_SAMPLES],
                    p,
                    &mut |_| {
                        let out = out.borrow();
                        let handed = out.iter().filter(|h| matches!(h, Hearing::Phrase { .. }));
                        phrases_when_asked.push(handed.count());
                        0.9
                    },
                    &mut |h| out.borrow_mut().push(h),
                );
            }
        }
        assert_eq!(
            phrases_when_asked,
            [1],
            "asked once, with the phrase already out"
        );
        // The model ended the turn at that pause: nothing is left to transcribe.
        let out = out.into_inner();
        let Some(Hearing::Turn {
            phrases,
            tail,
            audio,
            ..
        }) = out.last()
        else {
            panic!("no turn: {out:?}")
        };
        assert_eq!((*phrases, *tail), (1, audio.len()));
    }

    #[test]
    fn speech_without_pauses_is_handed_over_in_pieces_cut_where_it_is_quietest() {
        let mut t = Turns::new(EndpointSettings::default(), 250);
        // 12.8 s of speech whose probability dips (without a pause) once in a while.
        let probs: Vec<(f32, usize)> = (0..400)
            .map(|i| (if i % 37 == 36 { 0.6 } else { 0.95 }, 1))
            .chain([(0.0, 20)])
            .collect();
        let out = run(&mut t, &probs, 0.9);
        let pieces: Vec<(usize, usize)> = out
            .iter()
            .filter_map(|h| match h {
                Hearing::Phrase { audio, offset, .. } => Some((*offset, audio.len())),
                _ => None,
            })
            .collect();
        // Two cut where it was quietest, and the rest, closed by the final pause.
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        let Some(Hearing::Turn {
            audio,
            phrases,
            tail,
            ..
        }) = out.last()
        else {
            panic!("no turn: {out:?}")
        };
        assert_eq!(*phrases, 3);
        let mut next = 0;
        for &(offset, len) in &pieces[..2] {
            assert_eq!(offset, next, "pieces follow each other: {pieces:?}");
            assert!((MAX_PHRASE / 2..=MAX_PHRASE).contains(&len), "{pieces:?}");
            // Each cut falls in the middle of a dip.
            let cut_frame = (offset + len) / FRAME_SAMPLES; // the turn starts at sample 0
            assert_eq!(cut_frame % 37, 36, "{pieces:?}");
            next = offset + len;
        }
        assert_eq!(pieces[2], (next, audio.len() - next), "the rest");
        assert!(audio.len() - next <= MAX_PHRASE);
        assert_eq!(*tail, audio.len());
    }

    #[test]
    fn a_cough_neither_interrupts_nor_makes_a_turn() {
        let mut t = Turns::new(EndpointSettings::default(), 250);
        let out = run(&mut t, &[(0.0, 10), (0.9, 2), (0.0, 120)], 0.9);
        assert!(out.is_empty(), "{out:?}");
        assert!(
            t.audio.len() <= PRE_ROLL + FRAME_SAMPLES,
            "silence is not hoarded"
        );
    }

    #[test]
    fn a_finished_sentence_ends_its_pause_sooner_but_an_old_one_does_not() {
        let s = EndpointSettings::default();
        let is_turn = |h: &Hearing| matches!(h, Hearing::Turn { .. });
        let mut t = Turns::new(s, 250);
        let out = run(&mut t, &[(0.9, 20), (0.0, 10)], 0.1);
        assert!(
            out.iter()
                .any(|h| matches!(h, Hearing::Phrase { index: 0, .. }))
        );
        t.phrase_finished(1, 0);
        let frames_to_end = s.finished_silence_ms.div_ceil(FRAME_MS) as usize - 10;
        assert!(
            !run(&mut t, &[(0.0, frames_to_end - 1)], 0.1)
                .iter()
                .any(is_turn)
        );
        let out = run(&mut t, &[(0.0, 1)], 0.1);
        let Some(Hearing::Turn { phrases, .. }) = out.last() else {
            panic!("no turn: {out:?}")
        };
        assert_eq!(*phrases, 1);

        // The candidate went on after the first phrase: word of it comes too late to count.
        let mut t = Turns::new(s, 250);
        run(&mut t, &[(0.9, 20), (0.0, 10), (0.9, 20), (0.0, 10)], 0.1);
        t.phrase_finished(1, 0);
        let out = run(&mut t, &[(0.0, 60)], 0.1);
        assert!(!out.iter().any(is_turn), "{out:?}");
    }
}
