//! The live actor: sole owner of one interview's call. Everything arrives as a typed message
//! on one of its channels, and it alone decides what each means.

mod channel;
mod connection;
mod hearing;
mod speech;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::clock::MediaClock;
use super::echo::EchoGuard;
use super::listen::{self, Hearing};
use super::media::{self, AudioCommand, Outputs, Played};
use super::registry::{LiveContext, LiveRegistry};
use super::silence::{self, SilenceAction, SilenceWatch};
use super::timing::{Stopwatch, TurnTiming};
use super::video::{self, VideoCommand, VideoPlan};
use super::{Command, LiveError, LiveHandle, LocalCandidates, ServerMessage};
use crate::pipeline::listen::endpoint::EndpointSettings;
use crate::render::FrameSettings;
use crate::rtc::RtcEvent;
use crate::rtc::audio_codec::AudioEncoder;
use crate::rtc::signal::CandidatePolicy;
use crate::session::{Event, SessionHandle, StateView, TurnView};
use crate::voice::VoiceModels;
use channel::{ChannelEvent, send};
use connection::{Connection, Watcher, next_rtc};
use hearing::{Answered, Phrases, Verbatim, revise};
use speech::{SpeakJob, speak_turns};

/// Turn timings kept per session.
const MAX_TIMINGS: usize = 1000;

/// A live session ready to run: the interview subscribed to, the media running.
pub(super) struct Live {
    id: i64,
    ctx: LiveContext,
    clock: MediaClock,
    interview: SessionHandle,
    events: broadcast::Receiver<Event>,
    state: StateView,
    conn: Option<Connection>,
    next_conn: u64,
    outputs: watch::Sender<Vec<Arc<Outputs>>>,
    /// Recruiters watching; the candidate's voice is relayed to them.
    watchers: Vec<Watcher>,
    watcher_tx: mpsc::Sender<(u64, RtcEvent)>,
    watcher_rx: mpsc::Receiver<(u64, RtcEvent)>,
    relay: watch::Sender<Vec<crate::rtc::Outgoing>>,
    audio: mpsc::Sender<AudioCommand>,
    video: std::sync::mpsc::Sender<VideoCommand>,
    video_thread: Option<std::thread::JoinHandle<()>>,
    played: mpsc::Receiver<Played>,
    speech: mpsc::Sender<SpeakJob>,
    /// Bumped to drop every sentence not yet handed to the audio task.
    speech_generation: Arc<AtomicU64>,
    channel_tx: mpsc::Sender<(u64, ChannelEvent)>,
    channel_rx: mpsc::Receiver<(u64, ChannelEvent)>,
    policy: CandidatePolicy,
    models: Arc<VoiceModels>,
    /// Decoded microphone audio, and what phrases read as, for the listening thread.
    mic: std::sync::mpsc::Sender<super::listen::ToListener>,
    heard: mpsc::Receiver<Hearing>,
    /// The phrases of the turn being spoken, being transcribed.
    phrases: Phrases,
    /// Answers being transcribed and submitted report back here.
    answered_tx: mpsc::Sender<Answered>,
    answered_rx: mpsc::Receiver<Answered>,
    /// Sentences of the reply being spoken that have been heard in full, by turn.
    heard_sentences: Vec<(i64, String)>,
    /// When the connection was lost; the session ends `live.reconnect_secs` later.
    lost_since: Option<Instant>,
    /// Interviewer turns to say once a connection is up.
    unsaid: Vec<TurnView>,
    /// The interview's transcript as this session has heard it.
    turns: Vec<TurnView>,
    silence: SilenceWatch,
    verbatim: Vec<Verbatim>,
    /// The turn being timed, and the timings of the turns before it.
    stopwatch: Option<Stopwatch>,
    timings: Vec<TurnTiming>,
    /// What the interviewer will likely say next, already prepared (see `prepare_upcoming`).
    prepared: Vec<String>,
    /// The goodbye after a long silence: its turn, and whether it has been said.
    goodbye: Option<(i64, bool)>,
    /// Turns of the current generation still being synthesized.
    jobs: usize,
    /// Whether the audio task has sentences queued or playing.
    playing: bool,
    spoke_rx: mpsc::Receiver<u64>,
    /// The live state last sent to the client, to send only changes.
    sent_state: Option<&'static str>,
    ended: bool,
}

/// Subscribes to the interview and starts the media, so that whatever cannot work is said
/// to the first caller rather than logged by a task.
pub(super) async fn start(ctx: LiveContext, id: i64) -> Result<Live, LiveError> {
    let interview = ctx.sessions.get(id).await?;
    let sub = interview.subscribe().await?;
    match sub.state.awaiting {
        "consent" => {
            return Err(LiveError::NotReady(
                "the AI disclosure has not been accepted yet: answer it before the interview starts"
                    .into(),
            ));
        }
        "nothing" => {
            return Err(LiveError::NotReady("this interview has ended".into()));
        }
        _ => {}
    }
    let policy =
        CandidatePolicy::new(&ctx.config.rtc.remote_networks).map_err(LiveError::NotReady)?;
    let clock = MediaClock::start();
    let models = ctx
        .voice
        .models()
        .await
        .map_err(|e| LiveError::Media(e.to_string()))?;
    let vad = models
        .vad_stream()
        .map_err(|e| LiveError::Media(e.to_string()))?;
    let (mic, mic_rx) = std::sync::mpsc::channel();
    let (heard_tx, heard) = mpsc::channel(16);
    let endpoint = EndpointSettings {
        speech_threshold: ctx.config.stt.vad_threshold,
        max_silence_ms: ctx.config.live.max_pause_ms,
        finished_silence_ms: ctx.config.live.finished_pause_ms,
        finished_doubted_silence_ms: ctx.config.live.finished_doubted_pause_ms,
        ..EndpointSettings::default()
    };
    let echo = Arc::new(std::sync::Mutex::new(EchoGuard::default()));
    listen::spawn(
        clock,
        echo.clone(),
        vad,
        models.turn_model(),
        listen::TurnTaking {
            endpoint,
            barge_in_ms: ctx.config.live.barge_in_ms,
        },
        mic_rx,
        heard_tx,
    )
    .map_err(|e| LiveError::Media(format!("listening thread: {e}")))?;
    let (answered_tx, answered_rx) = mpsc::channel(8);
    let rtc = &ctx.config.rtc;
    let a = &ctx.config.avatar;
    let plan = VideoPlan {
        frame: FrameSettings {
            width: a.width,
            height: a.height,
            msaa: a.msaa,
        },
        fps: rtc.video_fps,
        idle_fps: rtc.idle_fps,
        thinking_fps: rtc.thinking_fps,
        bitrate: rtc.video_bitrate,
        keyframe_secs: rtc.keyframe_secs,
    };
    let (frames_tx, frames_rx) = mpsc::channel(4);
    let lead = media::VideoLead::default();
    let (video, video_thread) = video::spawn(
        clock,
        ctx.avatar.clone(),
        plan,
        id as u64,
        frames_tx,
        lead.clone(),
    )
    .map_err(LiveError::Media)?;
    let encoder = AudioEncoder::new(rtc.audio_bitrate)?;
    let (outputs, outputs_rx) = watch::channel(Vec::new());
    let (relay, _) = watch::channel(Vec::new());
    let (watcher_tx, watcher_rx) = mpsc::channel(64);
    let (audio, audio_rx) = mpsc::channel(64);
    let (played_tx, played) = mpsc::channel(64);
    tokio::spawn(media::audio_task(
        clock,
        echo,
        audio_rx,
        outputs_rx.clone(),
        video.clone(),
        played_tx,
        encoder,
        lead,
    ));
    tokio::spawn(media::video_sender(clock, frames_rx, outputs_rx));
    let (speech, jobs) = mpsc::channel(16);
    let speech_generation = Arc::new(AtomicU64::new(0));
    let (spoke_tx, spoke_rx) = mpsc::channel(16);
    tokio::spawn(speak_turns(
        ctx.voice.clone(),
        jobs,
        audio.clone(),
        speech_generation.clone(),
        spoke_tx,
    ));
    let (channel_tx, channel_rx) = mpsc::channel(64);
    // Said on connecting: the interviewer's turns since the candidate last spoke (the
    // greeting and first question, or the question a reconnect returns to).
    let unsaid = unanswered(&sub.turns);
    let turns = sub.turns;
    let silence = SilenceWatch::new(
        Duration::from_secs(ctx.config.live.prompt_after_secs),
        Duration::from_secs(ctx.config.live.end_after_secs),
    );
    Ok(Live {
        id,
        ctx,
        clock,
        interview,
        events: sub.events,
        state: sub.state,
        conn: None,
        next_conn: 1,
        outputs,
        watchers: Vec::new(),
        watcher_tx,
        watcher_rx,
        relay,
        audio,
        video,
        video_thread: Some(video_thread),
        played,
        speech,
        speech_generation,
        channel_tx,
        channel_rx,
        policy,
        models,
        mic,
        heard,
        answered_tx,
        answered_rx,
        heard_sentences: Vec::new(),
        lost_since: None,
        unsaid,
        turns,
        silence,
        goodbye: None,
        phrases: Phrases::default(),
        stopwatch: None,
        prepared: Vec::new(),
        timings: Vec::new(),
        verbatim: Vec::new(),
        jobs: 0,
        playing: false,
        spoke_rx,
        sent_state: None,
        ended: false,
    })
}

/// The interviewer's turns after the candidate's last one, each whole (a turn cut short is
/// said again in full).
fn unanswered(turns: &[TurnView]) -> Vec<TurnView> {
    let from = turns
        .iter()
        .rposition(|t| t.speaker == "candidate")
        .map_or(0, |i| i + 1);
    turns[from..]
        .iter()
        .filter(|t| t.speaker == "interviewer")
        .map(|t| {
            let mut whole = t.clone();
            if let Some(rest) = whole.unsaid.take() {
                whole.text = format!("{} {rest}", whole.text).trim().to_owned();
            }
            whole
        })
        .collect()
}

pub(super) fn spawn(
    live: Live,
    registry: LiveRegistry,
    tasks: &TaskTracker,
    cancel: CancellationToken,
) -> LiveHandle {
    let (tx, rx) = mpsc::channel(16);
    let id = live.id;
    let span = tracing::info_span!("live", interview_id = id);
    tasks.spawn(
        async move {
            live.run(rx, cancel).await;
            registry.remove_if_closed(id);
        }
        .instrument(span),
    );
    LiveHandle { tx }
}

async fn silence_due(next: Option<(std::time::Instant, SilenceAction)>) -> SilenceAction {
    match next {
        Some((at, action)) => {
            tokio::time::sleep_until(at.into()).await;
            action
        }
        None => std::future::pending().await,
    }
}

async fn observe(
    db: &sea_orm::DatabaseConnection,
    interview_id: i64,
    kind: &'static str,
    detail: serde_json::Value,
) {
    if let Err(e) = crate::db::integrity::record(db, interview_id, kind, detail).await {
        tracing::warn!(error = %e, kind, "could not record an observation for the reviewer");
    }
}

async fn lost_deadline(since: Option<Instant>, grace: Duration) {
    match since {
        Some(at) => tokio::time::sleep_until(at + grace).await,
        None => std::future::pending().await,
    }
}

impl Live {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>, cancel: CancellationToken) {
        let grace = Duration::from_secs(self.ctx.config.live.reconnect_secs);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.command(cmd).await,
                    None => break,
                },
                ev = next_rtc(&mut self.conn) => match ev {
                    Some(ev) => self.rtc_event(ev).await,
                    // The peer connection's handler is gone: the connection is over.
                    None => self.connection_lost(),
                },
                ev = self.events.recv() => match ev {
                    Ok(ev) => self.interview_event(ev).await,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "live session fell behind the interview's events");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                Some(p) = self.played.recv() => self.played(p).await,
                Some((conn, ev)) = self.channel_rx.recv() => self.channel_event(conn, ev).await,
                Some(h) = self.heard.recv() => self.hearing(h).await,
                Some(a) = self.answered_rx.recv() => self.answered(a).await,
                Some(g) = self.spoke_rx.recv() => {
                    if g == self.speech_generation.load(Ordering::SeqCst) {
                        self.jobs = self.jobs.saturating_sub(1);
                        self.speech_changed().await;
                    }
                }
                _ = lost_deadline(self.lost_since, grace) => {
                    tracing::info!("the connection did not come back; closing the live session");
                    break;
                }
                action = silence_due(self.silence.next()) => self.silence_due(action).await,
                Some((id, ev)) = self.watcher_rx.recv() => self.watcher_event(id, ev).await,
            }
            let finished = self.ended || self.goodbye.is_some_and(|(_, said)| said);
            if finished && !self.speaking() {
                // Give the last words time to reach the client before hanging up.
                tokio::time::sleep(Duration::from_millis(500)).await;
                self.send_state().await;
                tokio::time::sleep(Duration::from_millis(200)).await;
                break;
            }
            self.watch_silence();
        }
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let records = std::mem::take(&mut self.verbatim);
        if !records.is_empty() {
            let (models, sessions, id) = (self.models.clone(), self.ctx.sessions.clone(), self.id);
            tokio::spawn(async move {
                // The interview's session may have gone idle meanwhile: ask for it afresh.
                let interview = match sessions.get(id).await {
                    Ok(h) => h,
                    Err(e) => {
                        tracing::warn!(error = %e, "verbatim transcripts not stored; the fast ones stand");
                        return;
                    }
                };
                for r in records {
                    revise(&models, &interview, r.turn_id, r.pcm, &r.fast).await;
                }
            });
        }
        if let Some(c) = self.conn.take() {
            c.close();
        }
        for w in self.watchers.drain(..) {
            w.close();
        }
        let _ = self.video.send(VideoCommand::Stop);
        if let Some(t) = self.video_thread.take() {
            // The thread stops within one frame; joining it off the async workers.
            tokio::task::spawn_blocking(move || {
                let _ = t.join();
            });
        }
    }

    async fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Connect { offer, reply } => {
                let _ = reply.send(self.connect(offer).await);
            }
            Command::RemoteCandidate {
                connection,
                candidate,
                reply,
            } => {
                let result = self.remote_candidate(connection, candidate).await;
                let _ = reply.send(result);
            }
            Command::LocalCandidates {
                connection,
                after,
                reply,
            } => {
                let result = match &self.conn {
                    Some(c) if c.id == connection => Ok(LocalCandidates {
                        candidates: c.candidates.iter().skip(after).cloned().collect(),
                        complete: c.gathered,
                    }),
                    _ => Err(LiveError::StaleConnection),
                };
                let _ = reply.send(result);
            }
            Command::Hangup { connection } => {
                if self.conn.as_ref().is_some_and(|c| c.id == connection) {
                    self.connection_lost();
                }
            }
            Command::Timings { reply } => {
                let _ = reply.send(Ok(self.timings.clone()));
            }
            Command::Watch { offer, reply } => {
                let _ = reply.send(self.watch(offer).await);
            }
        }
    }

    async fn interview_event(&mut self, ev: Event) {
        match ev {
            Event::Turn { turn } => {
                self.turns.push(turn.clone());
                if let Some(w) = self.stopwatch.as_mut() {
                    w.turn(turn.speaker == "candidate", turn.id);
                }
                self.send_all(&ServerMessage::Turn { turn: turn.clone() })
                    .await;
                if turn.speaker == "candidate" {
                    // Answered: what was queued to say has been heard or superseded.
                    self.unsaid.clear();
                } else if self.is_connected() {
                    self.say(turn).await;
                } else {
                    self.unsaid.push(turn);
                }
            }
            Event::Amended { turn } => {
                if let Some(t) = self.turns.iter_mut().find(|t| t.id == turn.id) {
                    *t = turn.clone();
                }
                if turn.speaker == "candidate" {
                    self.send_all(&ServerMessage::Revised { turn: turn.clone() })
                        .await;
                }
                if let Some(said) = turn.unsaid.as_ref().map(|_| turn.text.clone()) {
                    let msg = ServerMessage::Interrupted {
                        turn: turn.id,
                        said,
                    };
                    self.send_all(&msg).await;
                }
            }
            Event::State { state } => {
                self.ended = state.awaiting == "nothing";
                self.state = state;
                self.send_state().await;
            }
        }
    }

    /// Counts the candidate's silence only while the interviewer waits for them.
    fn watch_silence(&mut self) {
        let waiting = self.is_connected()
            && !self.speaking()
            && !self.ended
            && self.goodbye.is_none()
            && matches!(self.state.awaiting, "answer" | "candidate_question");
        if waiting {
            self.silence.waiting(std::time::Instant::now());
        } else {
            self.silence.pause();
        }
    }

    async fn silence_due(&mut self, action: SilenceAction) {
        self.silence.fired(action);
        let text = match action {
            SilenceAction::Prompt => silence::PROMPT,
            SilenceAction::End => silence::GOODBYE,
        };
        tracing::info!(?action, "the candidate has been silent");
        let live = &self.ctx.config.live;
        let secs = match action {
            SilenceAction::Prompt => live.prompt_after_secs,
            SilenceAction::End => live.prompt_after_secs + live.end_after_secs,
        };
        self.observe("long_silence", serde_json::json!({ "secs": secs }))
            .await;
        match self.interview.note(text.to_owned()).await {
            Ok(turn) if action == SilenceAction::End => self.goodbye = Some((turn.id, false)),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not record the interviewer's remark"),
        }
    }

    /// A neutral observation for the reviewer, beside the transcript (a silence, a lost
    /// connection, a rejoin); never scored. Failing to store one never stops the call.
    async fn observe(&self, kind: &'static str, detail: serde_json::Value) {
        observe(self.ctx.sessions.db(), self.id, kind, detail).await;
    }

    /// Keeps the timed turn's stages once all are known.
    fn lap(&mut self) {
        if let Some(t) = self.stopwatch.as_ref().and_then(Stopwatch::finished) {
            self.stopwatch = None;
            if self.timings.len() < MAX_TIMINGS {
                self.timings.push(t);
            }
        }
    }

    fn is_connected(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| c.connected)
    }

    fn live_state(&self) -> &'static str {
        if self.ended && !self.speaking() {
            "ended"
        } else if self.goodbye.is_some_and(|(_, said)| said) && !self.speaking() {
            "paused"
        } else if self.speaking() {
            "speaking"
        } else if self.state.awaiting == "answer" || self.state.awaiting == "candidate_question" {
            "listening"
        } else {
            "thinking"
        }
    }

    async fn send_state(&mut self) {
        let live = self.live_state();
        if self.sent_state == Some(live) {
            return;
        }
        self.sent_state = Some(live);
        let msg = ServerMessage::State {
            live: self.live_state(),
            interview: self.state.clone(),
        };
        self.send_all(&msg).await;
    }

    /// To the candidate's page and every watcher.
    async fn send_all(&self, msg: &ServerMessage) {
        if let Some(ch) = self.conn.as_ref().and_then(|c| c.channel.as_ref()) {
            send(ch, msg).await;
        }
        for w in &self.watchers {
            if let Some(ch) = &w.channel {
                send(ch, msg).await;
            }
        }
    }
}
