//! The candidate's side of a live call: a thread that runs the VAD on the decoded
//! microphone audio (16 kHz), says when the candidate has been speaking long enough to
//! interrupt, and, with the endpointer and Smart Turn, when they have finished a turn, handing
//! over that turn's audio. A pause that does not end the turn hands over the phrase before
//! it, so that it can be transcribed while the candidate goes on: at the end of the turn only
//! the last phrase is left to transcribe, however long the answer.
//!
//! `turns::Turns` is the sans-I/O core; this module holds the messages and the thread.

mod turns;

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::clock::MediaClock;
use super::echo::EchoGuard;
use crate::pipeline::listen::endpoint::EndpointSettings;
use crate::pipeline::listen::{FRAME_SAMPLES, Silero, SmartTurn};
pub use turns::Turns;

const RATE: usize = 16_000;
/// How much of the microphone's latest audio the echo guard judges an interruption by: long
/// enough that two different voices rarely line up by chance (speech envelopes are smooth,
/// and every round-trip delay is tried), and including the moments before the speech began,
/// which an echo mirrors and a person talking over the interviewer does not.
const ECHO_SPAN: f64 = 1.5;
/// ... and at most a whole turn by (the guard keeps 4 s).
const MAX_ECHO_SPAN: f64 = 3.5;

/// Decoded microphone audio (16 kHz) and when its packet arrived on the media clock: stamped
/// on arrival, because the listening thread may be busy (Smart Turn) when it gets to it, and
/// the echo guard lines the microphone up with the voice sent by time.
pub struct MicAudio {
    pub arrived: f64,
    pub samples: Vec<f32>,
}

/// What the listening thread is given.
pub enum ToListener {
    Mic(MicAudio),
    /// Phrase `index` of turn `turn` was transcribed, and reads as a finished sentence.
    PhraseFinished {
        turn: u64,
        index: usize,
    },
}

/// What the listener heard.
#[derive(Debug, Clone, PartialEq)]
pub enum Hearing {
    /// The candidate has spoken for `barge_in_ms` without a break.
    Speaking,
    /// Phrase `index` of turn number `turn`, closed by a pause that did not end the turn:
    /// its audio, which starts `offset` samples into the turn's.
    Phrase {
        turn: u64,
        index: usize,
        audio: Vec<f32>,
        offset: usize,
    },
    /// A finished turn: its audio, from just before the speech to where the speech ended;
    /// how many phrases of it were handed over, and where in it they end (`tail`, samples);
    /// and how long after the speech's last sound the turn was judged over (seconds: the
    /// silence heard, and from the thread, as long as the listener lagged behind arrival),
    /// of which `model_secs` went to the end-of-turn model's last run (from the thread).
    Turn {
        turn: u64,
        audio: Vec<f32>,
        phrases: usize,
        tail: usize,
        waited: f64,
        model_secs: f64,
    },
}

/// When the microphone's samples arrived, by their index in the stream: how long ago, on
/// the media clock, a given sample reached the server. Keeps the last minute.
#[derive(Default)]
struct Arrivals {
    /// (samples received up to and including a chunk, when that chunk arrived).
    chunks: std::collections::VecDeque<(usize, f64)>,
    received: usize,
    /// Samples before this index are forgotten.
    forgotten: usize,
}

impl Arrivals {
    const KEEP: usize = 60 * RATE;

    fn push(&mut self, len: usize, arrived: f64) {
        self.received += len;
        self.chunks.push_back((self.received, arrived));
        while self
            .chunks
            .front()
            .is_some_and(|&(end, _)| end + Self::KEEP < self.received)
        {
            if let Some((end, _)) = self.chunks.pop_front() {
                self.forgotten = end;
            }
        }
    }

    /// When sample `index` arrived, if it is still remembered.
    fn of(&self, index: usize) -> Option<f64> {
        if index < self.forgotten {
            return None;
        }
        let i = self.chunks.partition_point(|&(end, _)| end <= index);
        self.chunks.get(i).map(|&(_, at)| at)
    }
}

/// How the listener takes turns: the endpointer's settings, and how long the candidate
/// speaks before it counts as talking over the interviewer.
#[derive(Debug, Clone, Copy)]
pub struct TurnTaking {
    pub endpoint: EndpointSettings,
    pub barge_in_ms: u32,
}

/// The listening thread: decoded audio (and what phrases read as) in, `Hearing` out. What
/// the echo guard takes for the interviewer's own voice neither interrupts it nor becomes an
/// answer. Stops when either channel closes.
pub fn spawn(
    clock: MediaClock,
    echo: Arc<Mutex<EchoGuard>>,
    mut vad: Silero,
    turn_model: Arc<Mutex<SmartTurn>>,
    taking: TurnTaking,
    audio: Receiver<ToListener>,
    heard: mpsc::Sender<Hearing>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("live-listen".into())
        .spawn(move || {
            let mut turns = Turns::new(taking.endpoint, taking.barge_in_ms);
            let mut pending: Vec<f32> = Vec::with_capacity(FRAME_SAMPLES * 4);
            let mut arrivals = Arrivals::default();
            let mut fed = 0usize;
            // The actor has gone: nothing more to listen for.
            let mut closed = false;
            // How long the model's latest run took, for the turn's timing.
            let model_secs = std::cell::Cell::new(0.0);
            let mut ask = |audio: &[f32]| -> f32 {
                let began = std::time::Instant::now();
                let mut model = turn_model.lock().unwrap_or_else(|p| p.into_inner());
                let p = model.probability(audio).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "Smart Turn failed; waiting for the silence limit");
                    0.0
                });
                model_secs.set(began.elapsed().as_secs_f64());
                p
            };
            loop {
                let chunk = match audio.recv_timeout(Duration::from_secs(1)) {
                    Ok(ToListener::Mic(c)) => c,
                    Ok(ToListener::PhraseFinished { turn, index }) => {
                        turns.phrase_finished(turn, index);
                        continue;
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if heard.is_closed() {
                            return;
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                let MicAudio {
                    arrived,
                    samples: chunk,
                } = chunk;
                echo.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .heard(arrived, &chunk, RATE as u32);
                arrivals.push(chunk.len(), arrived);
                pending.extend_from_slice(&chunk);
                let whole = pending.len() / FRAME_SAMPLES * FRAME_SAMPLES;
                for frame in pending[..whole].chunks_exact(FRAME_SAMPLES) {
                    let p = match vad.probability(frame) {
                        Ok(p) => p,
                        Err(e) => {
                            tracing::error!(error = %e, "the VAD failed; live listening stops");
                            return;
                        }
                    };
                    fed += FRAME_SAMPLES;
                    let mut hear = |mut h: Hearing| {
                        if let Hearing::Turn {
                            waited,
                            model_secs: model,
                            ..
                        } = &mut h
                        {
                            *model = model_secs.get();
                            let speech_end = fed.saturating_sub((*waited * RATE as f64) as usize);
                            if let Some(at) = arrivals.of(speech_end) {
                                *waited = waited.max(clock.now() - at);
                            }
                        }
                        let span = match &h {
                            Hearing::Speaking => ECHO_SPAN,
                            Hearing::Turn { audio, .. } | Hearing::Phrase { audio, .. } => {
                                (audio.len() as f64 / RATE as f64 + 0.5).min(MAX_ECHO_SPAN)
                            }
                        };
                        let guard = echo.lock().unwrap_or_else(|p| p.into_inner());
                        if guard.is_echo(span) {
                            tracing::debug!(
                                ?span,
                                "the interviewer's own voice came back; ignored"
                            );
                            return;
                        }
                        drop(guard);
                        if heard.blocking_send(h).is_err() {
                            closed = true;
                        }
                    };
                    turns.push(frame, p, &mut ask, &mut hear);
                    if closed {
                        return;
                    }
                }
                pending.drain(..whole);
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_arrived_with_its_chunk_and_old_ones_are_forgotten() {
        let mut a = Arrivals::default();
        a.push(320, 1.0);
        a.push(320, 1.02);
        assert_eq!(a.of(0), Some(1.0));
        assert_eq!(a.of(319), Some(1.0));
        assert_eq!(a.of(320), Some(1.02));
        assert_eq!(a.of(640), None, "not arrived yet");
        a.push(Arrivals::KEEP, 70.0);
        assert_eq!(a.of(0), None, "over a minute old");
        assert_eq!(a.of(700), Some(70.0));
    }
}
