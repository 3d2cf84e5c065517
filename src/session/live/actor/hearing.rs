//! The candidate's voice in a live call: the microphone decoded for the listener (and relayed
//! to watchers); each phrase transcribed fast as a pause closes it, and each finished turn
//! (its last phrase transcribed, the rest joined) submitted; and the verbatim transcript that
//! revises the record after the call.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use super::Live;
use crate::animate::Activity;
use crate::audio::{Pcm16k, SAMPLE_RATE_HZ};
use crate::db::interviews::{NewRecording, Revision, SpokenTurn};
use crate::pipeline::listen::sentence::reads_finished;
use crate::pipeline::messages::{CandidateInput, Transcript};
use crate::rtc::audio_codec::AudioDecoder;
use crate::session::SessionHandle;
use crate::session::live::ServerMessage;
use crate::session::live::clock::MediaClock;
use crate::session::live::listen::{Hearing, MicAudio, ToListener};
use crate::session::live::timing::{Stopwatch, TurnEnd};
use crate::session::live::video::{Cue, VideoCommand};
use crate::voice::{VoiceError, VoiceModels};

/// Transcripts of the phrases of the turn being spoken, each started when a pause closed it.
#[derive(Default)]
pub(super) struct Phrases {
    turn: u64,
    parts: Vec<(usize, JoinHandle<Result<Transcript, VoiceError>>)>,
}

impl Live {
    pub(super) async fn hearing(&mut self, h: Hearing) {
        self.silence.heard();
        match h {
            Hearing::Speaking => {
                if self.speaking() {
                    self.barge_in().await;
                }
            }
            Hearing::Phrase {
                turn,
                index,
                audio,
                offset,
            } => {
                // While the interviewer talks, what the microphone hears is most likely its
                // echo, and Whisper would take the CPU the voice needs; a phrase missed here
                // only means the whole turn is transcribed at its end.
                if !self.hears_answers() || self.speaking() {
                    return;
                }
                if self.phrases.turn != turn {
                    self.phrases = Phrases {
                        turn,
                        parts: Vec::new(),
                    };
                }
                let (models, listener) = (self.models.clone(), self.mic.clone());
                let job = tokio::spawn(async move {
                    let heard = models.transcribe_fast(Pcm16k { samples: audio }).await;
                    // A finished sentence lets the listener end the pause sooner.
                    if let Ok(t) = &heard
                        && reads_finished(&t.text())
                    {
                        let _ = listener.send(ToListener::PhraseFinished { turn, index });
                    }
                    heard
                });
                self.phrases.parts.push((offset, job));
            }
            Hearing::Turn {
                turn,
                audio,
                phrases,
                tail,
                waited,
                model_secs,
            } => {
                let before = std::mem::take(&mut self.phrases);
                if !self.hears_answers() {
                    return;
                }
                // Every phrase handed over must have been heard here (one the echo guard
                // dropped was not): otherwise the whole turn is transcribed again.
                let (parts, tail) = if before.turn == turn && before.parts.len() == phrases {
                    (before.parts, tail)
                } else {
                    (Vec::new(), 0)
                };
                self.stopwatch = Some(Stopwatch::start(TurnEnd {
                    waited,
                    model_secs,
                    phrases: parts.len(),
                    tail_secs: audio.len().saturating_sub(tail) as f64 / f64::from(SAMPLE_RATE_HZ),
                }));
                let _ = self.video.send(VideoCommand::Cue(Cue::Activity {
                    activity: Activity::Thinking,
                    at: self.clock.now(),
                }));
                let (models, interview, max_secs) = (
                    self.models.clone(),
                    self.interview.clone(),
                    self.ctx.config.interview.max_audio_secs,
                );
                let done = self.answered_tx.clone();
                tokio::spawn(async move {
                    let turn = SpokenAudio { audio, parts, tail };
                    let outcome = submit_turn(&models, &interview, turn, max_secs).await;
                    let _ = done.send(outcome).await;
                });
            }
        }
    }

    /// Whether what the candidate says now is an answer to take.
    fn hears_answers(&self) -> bool {
        matches!(self.state.awaiting, "answer" | "candidate_question") && !self.ended
    }

    pub(super) async fn answered(&mut self, a: Answered) {
        match a {
            Answered::Submitted {
                heard,
                answered,
                record,
            } => {
                if let Some(w) = self.stopwatch.as_mut() {
                    w.transcribed(heard, answered);
                }
                self.lap();
                self.verbatim.extend(record);
            }
            Answered::NotHeard(why) => tracing::debug!(why, "a turn with no usable speech"),
            Answered::Failed(e) => {
                tracing::warn!(error = %e, "a spoken answer could not be recorded");
                let msg = ServerMessage::Error {
                    message: format!("your answer could not be recorded: {e}"),
                };
                self.send_all(&msg).await;
            }
        }
        let _ = self.video.send(VideoCommand::Cue(Cue::Activity {
            activity: Activity::Listening,
            at: self.clock.now(),
        }));
    }
}

/// What became of a turn the candidate spoke.
pub(super) enum Answered {
    /// Transcribed at `heard`; the interview had taken it (and replied) at `answered`.
    Submitted {
        heard: std::time::Instant,
        answered: std::time::Instant,
        record: Option<Verbatim>,
    },
    /// Nothing usable was heard (noise, a cough): the interviewer keeps listening.
    NotHeard(String),
    Failed(String),
}

/// A spoken answer still to be transcribed verbatim (after the call: the CPU it takes
/// would otherwise come out of the next turn's response time).
pub(super) struct Verbatim {
    pub(super) turn_id: i64,
    pub(super) pcm: Pcm16k,
    pub(super) fast: String,
}

/// The verbatim record of a spoken answer (filled pauses kept), replacing the fast
/// transcript the reply was made from when they differ.
pub(super) async fn revise(
    models: &Arc<VoiceModels>,
    interview: &SessionHandle,
    turn_id: i64,
    pcm: Pcm16k,
    fast: &str,
) {
    let heard = match models.hear_in_background(pcm).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, turn_id, "the verbatim pass failed; the fast transcript stands");
            return;
        }
    };
    let text = heard.transcript.text();
    // Words the verbatim pass did not hear leave the fast ones standing (and unmeasured).
    if text.trim().is_empty() {
        return;
    }
    if text == fast {
        tracing::debug!(turn_id, "the verbatim transcript matches the fast one");
    }
    let revision = match (
        serde_json::to_value(&heard.transcript.words),
        serde_json::to_value(heard.measures()),
    ) {
        (Ok(word_timings), Ok(measures)) => Revision {
            text,
            word_timings,
            measures,
        },
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "word timings or measures");
            return;
        }
    };
    if let Err(e) = interview.revise(turn_id, revision).await {
        tracing::warn!(error = %e, turn_id, "could not store the verbatim transcript");
    }
}

/// The microphone's packets → 16 kHz audio for the listening thread.
pub(super) async fn read_microphone(
    track: Arc<dyn TrackRemote>,
    mic: std::sync::mpsc::Sender<ToListener>,
    (clock, relay): (MediaClock, watch::Receiver<Vec<crate::rtc::Outgoing>>),
) {
    let mut decoder = match AudioDecoder::new() {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "the microphone cannot be decoded");
            return;
        }
    };
    let mut pcm = Vec::with_capacity(640);
    while let Some(ev) = track.poll().await {
        if let TrackRemoteEvent::OnRtpPacket(p) = ev {
            let arrived = clock.now();
            // Watchers hear the candidate as sent, stamped with when it arrived.
            let watchers = relay.borrow().clone();
            for w in watchers {
                let _ = w.write(p.payload.to_vec(), arrived).await;
            }
            pcm.clear();
            if let Err(e) = decoder.push(p.header.sequence_number, &p.payload, &mut pcm) {
                tracing::warn!(error = %e, "a microphone packet was dropped");
                continue;
            }
            let heard = MicAudio {
                arrived,
                samples: pcm.clone(),
            };
            if !pcm.is_empty() && mic.send(ToListener::Mic(heard)).is_err() {
                return;
            }
        }
    }
    let s = decoder.stats();
    tracing::debug!(
        packets = s.packets,
        lost = s.lost,
        recovered = s.recovered,
        "microphone ended"
    );
}

/// A finished spoken turn: its audio, the transcriptions of its phrases under way (each with
/// where it starts), and where the part still to transcribe begins.
pub(super) struct SpokenAudio {
    audio: Vec<f32>,
    parts: Vec<(usize, JoinHandle<Result<Transcript, VoiceError>>)>,
    tail: usize,
}

/// The turn's words: its phrases' transcripts and its tail's, on the turn's timeline.
async fn transcribe_turn(
    models: &Arc<VoiceModels>,
    audio: &[f32],
    parts: Vec<(usize, JoinHandle<Result<Transcript, VoiceError>>)>,
    tail: usize,
) -> Result<Transcript, String> {
    // A tail shorter than a syllable holds no word worth a Whisper run.
    const MIN_TAIL: usize = SAMPLE_RATE_HZ as usize / 10;
    let mut done = Vec::with_capacity(parts.len() + 1);
    for (offset, job) in parts {
        let t = job.await.map_err(|e| e.to_string())?;
        done.push((offset, t.map_err(|e| e.to_string())?));
    }
    if audio.len().saturating_sub(tail) >= MIN_TAIL {
        let rest = Pcm16k {
            samples: audio[tail..].to_vec(),
        };
        let t = models
            .transcribe_fast(rest)
            .await
            .map_err(|e| e.to_string())?;
        done.push((tail, t));
    }
    Ok(join_phrases(done))
}

/// Phrase transcripts, each with its start (samples into the turn), as one transcript.
fn join_phrases(parts: Vec<(usize, Transcript)>) -> Transcript {
    let mut words = Vec::new();
    for (offset, t) in parts {
        let shift = offset as f64 / f64::from(SAMPLE_RATE_HZ);
        words.extend(t.words.into_iter().map(|mut w| {
            w.start += shift;
            w.end += shift;
            w
        }));
    }
    Transcript { words }
}

/// One spoken turn: transcribed fast, then handed to the interview (with its recording),
/// whose reply comes back as its events.
pub(super) async fn submit_turn(
    models: &Arc<VoiceModels>,
    interview: &SessionHandle,
    turn: SpokenAudio,
    max_secs: u32,
) -> Answered {
    let SpokenAudio { audio, parts, tail } = turn;
    let pcm = Pcm16k { samples: audio };
    if pcm.duration_secs() > max_secs as f64 {
        return Answered::Failed(format!(
            "the answer lasted {:.0} s; answers are limited to {max_secs} s",
            pcm.duration_secs()
        ));
    }
    let duration_ms = (pcm.duration_secs() * 1000.0).round() as i64;
    let recording = match crate::audio::wav::encode(&pcm.samples, SAMPLE_RATE_HZ) {
        Ok(w) => w,
        Err(e) => return Answered::Failed(e.to_string()),
    };
    // Fast for the reply; the verbatim record follows after the call.
    let transcript = match transcribe_turn(models, &pcm.samples, parts, tail).await {
        Ok(t) => t,
        Err(e) => return Answered::Failed(e),
    };
    let heard = std::time::Instant::now();
    let text = transcript.text();
    if text.trim().is_empty() {
        return Answered::NotHeard("no words in the turn".into());
    }
    let word_timings = match serde_json::to_value(&transcript.words) {
        Ok(v) => v,
        Err(e) => return Answered::Failed(e.to_string()),
    };
    let speech = SpokenTurn {
        word_timings,
        duration_ms,
        recording: NewRecording {
            content_type: "audio/wav",
            sample_rate: SAMPLE_RATE_HZ as i32,
            data: recording,
        },
        measures: None,
    };
    let outcome = match interview
        .spoken(CandidateInput::Answer { text: text.clone() }, speech)
        .await
    {
        Ok(o) => o,
        Err(e) => return Answered::Failed(e.to_string()),
    };
    let answered = std::time::Instant::now();
    let record = outcome
        .turns
        .iter()
        .find(|t| t.speaker == "candidate")
        .map(|t| Verbatim {
            turn_id: t.id,
            pcm,
            fast: text,
        });
    Answered::Submitted {
        heard,
        answered,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::messages::Word;

    fn word(text: &str, start: f64, end: f64) -> Word {
        Word {
            text: text.into(),
            start,
            end,
            prob: 0.9,
        }
    }

    #[test]
    fn phrases_join_on_the_turns_timeline_in_order() {
        let first = Transcript {
            words: vec![word("ask", 0.3, 0.5), word("not", 0.5, 0.7)],
        };
        let tail = Transcript {
            words: vec![word("ask", 0.2, 0.4)],
        };
        let joined = join_phrases(vec![(0, first), (32_000, tail)]);
        assert_eq!(joined.text(), "ask not ask");
        assert_eq!(
            joined.words.iter().map(|w| w.start).collect::<Vec<_>>(),
            vec![0.3, 0.5, 2.2]
        );
        assert!((joined.words[2].end - 2.4).abs() < 1e-9);
    }
}
