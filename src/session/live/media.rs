//! The async drivers of a live interview's outgoing media: the audio task, which plays the
//! interviewer's sentences from the `Playout` one Opus packet every 20 ms of media time,
//! tells the video thread when each sentence starts, and cuts on a barge-in; and the video
//! sender, which lets each encoded frame leave at its media time. Both write to whichever
//! connection is current, so a reconnect swaps the tracks without touching the media.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};

use super::clock::MediaClock;
use super::echo::EchoGuard;
use super::playout::{Cut, FrameReport, Playout, Sentence};
use super::video::{Cue, EncodedFrame, VideoCommand};
use crate::animate::{VisemeSettings, VisemeTrack};
use crate::rtc::Outgoing;
use crate::rtc::audio_codec::{AudioEncoder, FRAME, FRAME_SECS, RATE_HZ};

/// A sentence is scheduled at least this far ahead of the media clock, and beyond the
/// lead the video thread reports (how soon it can have a frame ready), so that the first
/// frame of the speech shows the mouth.
pub const SCHEDULE_LEAD: f64 = 0.04;

/// The lead the video thread reports (ms), shared with the audio task.
pub type VideoLead = Arc<std::sync::atomic::AtomicU32>;

/// The current connection's outgoing tracks.
#[derive(Clone)]
pub struct Outputs {
    pub audio: Outgoing,
    pub video: Outgoing,
}

/// Everyone the interviewer is sent to: the candidate's connection, then any watchers.
pub type OutputsRx = watch::Receiver<Vec<Arc<Outputs>>>;

pub enum AudioCommand {
    /// A sentence made for speech generation `generation`.
    Say { sentence: Sentence, generation: u64 },
    /// Stop at once and drop any sentence of a generation before `generation`, however
    /// late it arrives; the answer says what of the sentence playing was heard.
    Cut {
        generation: u64,
        reply: oneshot::Sender<Option<Cut>>,
    },
}

/// What the audio task reports to the session.
#[derive(Debug)]
pub enum Played {
    /// A sentence of `turn` was queued to play.
    Queued { turn: i64, at: std::time::Instant },
    /// What a packet held, and when it was handed to the connection.
    Report {
        report: FrameReport,
        sent: std::time::Instant,
    },
    /// Nothing more queued: the interviewer has finished speaking.
    Drained,
}

#[allow(clippy::too_many_arguments)]
pub async fn audio_task(
    clock: MediaClock,
    echo: Arc<std::sync::Mutex<EchoGuard>>,
    mut commands: mpsc::Receiver<AudioCommand>,
    outputs: OutputsRx,
    video: std::sync::mpsc::Sender<VideoCommand>,
    played: mpsc::Sender<Played>,
    mut encoder: AudioEncoder,
    lead: VideoLead,
) {
    let mut playout = Playout::starting_at(clock.now() + 0.02);
    let mut frame = [0.0f32; FRAME];
    let mut was_idle = true;
    let mut current = 0u64;
    loop {
        let t = playout.now();
        tokio::select! {
            biased;
            cmd = commands.recv() => match cmd {
                None => return,
                Some(AudioCommand::Say { generation, .. }) if generation < current => {}
                Some(AudioCommand::Say { sentence, .. }) => {
                    let queued = Played::Queued { turn: sentence.turn, at: std::time::Instant::now() };
                    let _ = played.try_send(queued);
                    let track = VisemeTrack::new(&sentence.phonemes, VisemeSettings::default());
                    // Beyond the time the video thread needs for a frame, so the mouth
                    // starts with the voice (on a slow device it needs longer).
                    let drawn = f64::from(lead.load(std::sync::atomic::Ordering::Relaxed)) / 1000.0;
                    let at = playout.schedule(sentence, clock.now() + SCHEDULE_LEAD.max(drawn + 0.01));
                    let _ = video.send(VideoCommand::Cue(Cue::Say { track, at }));
                    was_idle = false;
                }
                Some(AudioCommand::Cut { generation, reply }) => {
                    current = current.max(generation);
                    let cut = playout.cut();
                    let _ = video.send(VideoCommand::Cue(Cue::BargeIn { at: playout.now() }));
                    let _ = reply.send(cut);
                }
            },
            _ = tokio::time::sleep_until(clock.instant(t).into()) => {
                let report = playout.next_frame(&mut frame);
                echo.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .sent(t + FRAME_SECS, &frame, RATE_HZ);
                let packet = match encoder.encode(&frame) {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::error!(error = %e, "the interviewer's audio stopped");
                        return;
                    }
                };
                let outs = outputs.borrow().clone();
                for out in outs {
                    if let Err(e) = out.audio.write(packet.clone(), t).await {
                        tracing::debug!(error = %e, "audio packet not sent");
                    }
                }
                if !report.started.is_empty() || !report.finished.is_empty() {
                    let sent = std::time::Instant::now();
                    let _ = played.send(Played::Report { report, sent }).await;
                }
                if playout.is_idle() && !was_idle {
                    was_idle = true;
                    let _ = played.send(Played::Drained).await;
                }
            }
        }
    }
}

/// Sends each encoded frame at its media time.
pub async fn video_sender(
    clock: MediaClock,
    mut frames: mpsc::Receiver<EncodedFrame>,
    outputs: OutputsRx,
) {
    while let Some(frame) = frames.recv().await {
        tokio::time::sleep_until(clock.instant(frame.t).into()).await;
        let outs = outputs.borrow().clone();
        for out in outs {
            if let Err(e) = out.video.write(frame.data.clone(), frame.t).await {
                tracing::debug!(error = %e, "video frame not sent");
            }
        }
    }
}
