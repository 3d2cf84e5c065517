//! The interviewer's voice in a live call: turns synthesized sentence by sentence and queued
//! for playing, generations that drop what a barge-in or a lost connection cut, and speech
//! prepared ahead for what the interviewer will likely say next.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use super::Live;
use crate::animate::Activity;
use crate::pipeline::messages::SpeechAudio;
use crate::rtc::audio_codec::RATE_HZ;
use crate::session::TurnView;
use crate::session::live::ServerMessage;
use crate::session::live::media::{AudioCommand, Played};
use crate::session::live::playout::Sentence;
use crate::session::live::video::{Cue, VideoCommand};
use crate::voice::Voice;

impl Live {
    /// Stops what is being said, keeping it to say again on the next connection.
    pub(super) async fn pause_speech(&mut self) {
        let generation = self.new_generation();
        let (reply, rx) = tokio::sync::oneshot::channel();
        if self
            .audio
            .send(AudioCommand::Cut { generation, reply })
            .await
            .is_ok()
        {
            let _ = rx.await;
        }
    }

    /// Drops every sentence not yet played; returns the new generation.
    pub(super) fn new_generation(&mut self) -> u64 {
        self.jobs = 0;
        self.playing = false;
        self.speech_generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(super) fn speaking(&self) -> bool {
        self.jobs > 0 || self.playing
    }

    /// After a sentence started or the last one ended: the state the client sees.
    pub(super) async fn speech_changed(&mut self) {
        // Heard to the end by someone: nothing is left to say. (A drain while no one is
        // connected is a cut for a new connection, which still has to hear it all.)
        if !self.speaking() && self.is_connected() {
            self.unsaid.clear();
            self.heard_sentences.clear();
        }
        self.send_state().await;
    }

    /// Says what the candidate has not heard yet, once someone is there to hear it.
    pub(super) async fn say_unsaid(&mut self) {
        if self.speaking() {
            return;
        }
        let turns = std::mem::take(&mut self.unsaid);
        for turn in turns {
            self.say(turn).await;
        }
        self.send_state().await;
    }

    pub(super) async fn say(&mut self, turn: TurnView) {
        let job = SpeakJob {
            turn: turn.id,
            text: turn.text.clone(),
            generation: self.speech_generation.load(Ordering::SeqCst),
        };
        if self.speech.send(job).await.is_ok() {
            self.jobs += 1;
            self.unsaid.push(turn);
            let _ = self.video.send(VideoCommand::Cue(Cue::Activity {
                activity: Activity::Thinking,
                at: self.clock.now(),
            }));
            self.send_state().await;
        }
    }

    pub(super) async fn played(&mut self, p: Played) {
        match p {
            Played::Queued { turn, at } => {
                if let Some(w) = self.stopwatch.as_mut() {
                    w.queued(turn, at);
                }
                self.lap();
            }
            Played::Report { report, sent } => {
                if let Some(w) = self.stopwatch.as_mut() {
                    for (turn, _) in &report.started {
                        w.sent(*turn, sent);
                    }
                }
                self.lap();
                if let Some((turn, said)) = self.goodbye.as_mut()
                    && report.finished.iter().any(|(t, _)| t == turn)
                {
                    *said = true;
                }
                self.heard_sentences.extend(report.finished);
                for (turn, text) in report.started {
                    self.send_all(&ServerMessage::Caption { turn, text }).await;
                }
                self.playing = true;
                self.speech_changed().await;
            }
            Played::Drained => {
                self.playing = false;
                self.speech_changed().await;
                self.prepare_upcoming();
            }
        }
    }

    /// The candidate spoke over the interviewer: the voice stops at once, the mouth with
    /// it, and the transcript keeps only what was said.
    pub(super) async fn barge_in(&mut self) {
        let generation = self.new_generation();
        let (reply, rx) = tokio::sync::oneshot::channel();
        let cut = if self
            .audio
            .send(AudioCommand::Cut { generation, reply })
            .await
            .is_ok()
        {
            rx.await.ok().flatten()
        } else {
            None
        };
        let _ = self.video.send(VideoCommand::Cue(Cue::Activity {
            activity: Activity::Listening,
            at: self.clock.now(),
        }));
        // Every turn queued to be said was cut somewhere: the one playing after its heard
        // words, those after it before their first.
        let turns = std::mem::take(&mut self.unsaid);
        let heard = std::mem::take(&mut self.heard_sentences);
        for turn in turns {
            let mut said: Vec<String> = heard
                .iter()
                .filter(|(t, _)| *t == turn.id)
                .map(|(_, text)| text.clone())
                .collect();
            if let Some(c) = cut.as_ref().filter(|c| c.turn == turn.id) {
                said.push(c.said.clone());
            }
            let said = said.join(" ");
            if said.split_whitespace().count() >= turn.text.split_whitespace().count() {
                continue;
            }
            if let Err(e) = self.interview.cut_short(turn.id, said).await {
                tracing::warn!(error = %e, turn = turn.id, "could not record the interruption");
            }
        }
        tracing::info!("barge-in: the interviewer stopped");
        self.send_state().await;
    }

    /// Synthesizes what the interviewer will likely say after the candidate's answer, while
    /// they give it: the voice is idle then, and the reply can start without waiting for it.
    pub(super) fn prepare_upcoming(&mut self) {
        if self.state.upcoming.is_empty() || self.state.upcoming == self.prepared {
            return;
        }
        self.prepared = self.state.upcoming.clone();
        let (speaker, texts) = (self.models.speaker(), self.prepared.clone());
        tokio::task::spawn_blocking(move || speaker.warm(&texts));
    }
}

pub(super) struct SpeakJob {
    pub(super) turn: i64,
    pub(super) text: String,
    pub(super) generation: u64,
}

/// Synthesizes the interviewer's turns in order, sentence by sentence, and queues each
/// sentence for playing as soon as it is ready. A bumped generation drops the rest.
pub(super) async fn speak_turns(
    voice: Voice,
    mut jobs: mpsc::Receiver<SpeakJob>,
    audio: mpsc::Sender<AudioCommand>,
    generation: Arc<AtomicU64>,
    spoke: mpsc::Sender<u64>,
) {
    while let Some(job) = jobs.recv().await {
        let g = job.generation;
        speak_one(&voice, job, &audio, &generation).await;
        if spoke.send(g).await.is_err() {
            return;
        }
    }
}

/// One turn, sentence by sentence, until done or superseded.
pub(super) async fn speak_one(
    voice: &Voice,
    job: SpeakJob,
    audio: &mpsc::Sender<AudioCommand>,
    generation: &AtomicU64,
) {
    if job.generation != generation.load(Ordering::SeqCst) {
        return;
    }
    let models = match voice.models().await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "the interviewer cannot speak");
            return;
        }
    };
    let mut sentences = crate::pipeline::speak::stream(models.speaker(), job.text);
    while let Some(result) = sentences.recv().await {
        if job.generation != generation.load(Ordering::SeqCst) {
            return;
        }
        let speech = match result {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "a sentence could not be spoken");
                return;
            }
        };
        match to_call_rate(job.turn, speech).await {
            Ok(sentence) => {
                let say = AudioCommand::Say {
                    sentence,
                    generation: job.generation,
                };
                if audio.send(say).await.is_err() {
                    return;
                }
            }
            Err(e) => tracing::error!(error = %e, "resampling the interviewer's voice"),
        }
    }
}

pub(super) async fn to_call_rate(turn: i64, speech: SpeechAudio) -> Result<Sentence, String> {
    tokio::task::spawn_blocking(move || {
        let pcm = crate::audio::resample(&speech.pcm, speech.sample_rate, RATE_HZ)
            .map_err(|e| e.to_string())?;
        Ok(Sentence {
            turn,
            text: speech.text,
            pcm,
            phonemes: speech.phonemes,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}
