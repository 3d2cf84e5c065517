//! The live actor: sole owner of one interview's call. Everything arrives as a typed message
//! on one of its channels, and it alone decides what each means.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{RTCIceCandidateInit, RTCPeerConnectionState};

use super::clock::MediaClock;
use super::echo::EchoGuard;
use super::listen::{self, Hearing};
use super::media::{self, AudioCommand, Outputs, Played};
use super::playout::Sentence;
use super::registry::{LiveContext, LiveRegistry};
use super::silence::{self, SilenceAction, SilenceWatch};
use super::timing::{Stopwatch, TurnTiming};

/// Turn timings kept per session.
const MAX_TIMINGS: usize = 1000;
use super::video::{self, Cue, VideoCommand, VideoPlan};
use super::{
    ClientMessage, Command, Connected, LiveError, LiveHandle, LocalCandidates, ServerMessage,
};
use crate::animate::Activity;
use crate::audio::{Pcm16k, SAMPLE_RATE_HZ};
use crate::db::interviews::{NewRecording, SpokenTurn};
use crate::pipeline::listen::endpoint::EndpointSettings;
use crate::pipeline::messages::{CandidateInput, SpeechAudio};
use crate::pipeline::recording::Pass;
use crate::render::FrameSettings;
use crate::rtc::audio_codec::{AudioDecoder, AudioEncoder, RATE_HZ};
use crate::rtc::signal::{self, CandidatePolicy};
use crate::rtc::{Peer, PeerRole, RtcEvent};
use crate::session::{Event, SessionHandle, StateView, TurnView};
use crate::voice::{Voice, VoiceModels};

/// How long an answer waits for the server's candidates before it goes without them
/// (host candidates take microseconds; a STUN round trip or a TURN allocation longer).
const GATHER_WAIT: Duration = Duration::from_secs(1);

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
    /// Decoded microphone audio for the listening thread.
    mic: std::sync::mpsc::Sender<Vec<f32>>,
    heard: mpsc::Receiver<Hearing>,
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

/// People may watch, not crowd: each watcher costs an upload of the video.
const MAX_WATCHERS: usize = 4;

struct Watcher {
    id: u64,
    peer: Arc<Peer>,
    /// Its data channel, once open; `reading` once its reader runs.
    channel: Option<Arc<dyn DataChannel>>,
    reading: bool,
    tasks: Vec<JoinHandle<()>>,
}

impl Watcher {
    fn close(self) {
        for t in &self.tasks {
            t.abort();
        }
        let peer = self.peer;
        tokio::spawn(async move { peer.close().await });
    }
}

struct Connection {
    id: u64,
    peer: Arc<Peer>,
    events: mpsc::Receiver<RtcEvent>,
    candidates: Vec<RTCIceCandidateInit>,
    gathered: bool,
    connected: bool,
    channel: Option<Arc<dyn DataChannel>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Connection {
    fn close(self) {
        for t in &self.tasks {
            t.abort();
        }
        let peer = self.peer;
        tokio::spawn(async move {
            // Long enough for a last data channel message (why it closed) to get through.
            tokio::time::sleep(Duration::from_millis(500)).await;
            peer.close().await
        });
    }
}

enum ChannelEvent {
    Open(Arc<dyn DataChannel>),
    Message(Result<ClientMessage, String>),
}

/// What became of a turn the candidate spoke.
enum Answered {
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
struct Verbatim {
    turn_id: i64,
    pcm: Pcm16k,
    fast: String,
}

struct SpeakJob {
    turn: i64,
    text: String,
    generation: u64,
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
        ..EndpointSettings::default()
    };
    let echo = Arc::new(std::sync::Mutex::new(EchoGuard::default()));
    listen::spawn(
        clock,
        echo.clone(),
        vad,
        models.turn_model(),
        endpoint,
        ctx.config.live.barge_in_ms,
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

/// What a new connection gathered before its answer went out.
struct Gathered {
    candidates: Vec<RTCIceCandidateInit>,
    /// Other events that came meanwhile, to handle once the connection is in place.
    early: Vec<RtcEvent>,
    complete: bool,
    /// The answer with the candidates gathered so far.
    sdp: String,
}

/// Waits up to `GATHER_WAIT` for the server's candidates (host candidates come at once).
async fn gather(peer: &Peer, events: &mut mpsc::Receiver<RtcEvent>) -> Gathered {
    let mut g = Gathered {
        candidates: Vec::new(),
        early: Vec::new(),
        complete: false,
        sdp: String::new(),
    };
    let wait = tokio::time::sleep(GATHER_WAIT);
    tokio::pin!(wait);
    while !g.complete {
        tokio::select! {
            ev = events.recv() => match ev {
                Some(RtcEvent::Candidate(c)) => g.candidates.push(c),
                Some(RtcEvent::GatheringComplete) => g.complete = true,
                Some(other) => g.early.push(other),
                None => break,
            },
            _ = &mut wait => break,
        }
    }
    g.sdp = peer
        .local_sdp()
        .await
        .unwrap_or_else(|| peer.answer.clone());
    g
}

/// Passes the receiver's requests for a full picture (PLI/FIR) to the video thread.
fn watch_keyframes(peer: &Peer, video: &std::sync::mpsc::Sender<VideoCommand>) -> JoinHandle<()> {
    let (track, video) = (peer.video.clone(), video.clone());
    tokio::spawn(async move {
        while track.keyframe_requested().await.is_some() {
            let _ = video.send(VideoCommand::Keyframe);
        }
    })
}

/// Waits on the current connection's events; pends forever without one.
async fn next_rtc(conn: &mut Option<Connection>) -> Option<RtcEvent> {
    match conn {
        Some(c) => c.events.recv().await,
        None => std::future::pending().await,
    }
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

    async fn connect(&mut self, offer: String) -> Result<Connected, LiveError> {
        if self.ended {
            return Err(LiveError::NotReady("this interview has ended".into()));
        }
        signal::check_offer(&offer)?;
        let offer = self.policy.filter_offer(&offer);
        let (tx, mut events) = mpsc::channel(64);
        let stream = format!("interview-{}", self.id);
        let peer = Arc::new(
            Peer::answer(
                &self.ctx.config.rtc,
                &offer,
                &stream,
                PeerRole::Candidate,
                tx,
            )
            .await?,
        );
        let Gathered {
            candidates,
            early,
            complete: gathered,
            sdp,
        } = gather(&peer, &mut events).await;
        // The newer tab takes over: the older one hears why, then its connection closes.
        if let Some(old) = self.conn.take() {
            if let Some(ch) = &old.channel {
                let msg = ServerMessage::Error {
                    message: "the interview continued in another window".into(),
                };
                send(ch, &msg).await;
            }
            old.close();
        }
        // A new connection (another tab, a rejoin) starts again from the open question.
        self.pause_speech().await;
        self.unsaid = unanswered(&self.turns);
        let id = self.next_conn;
        self.next_conn += 1;
        let watcher = watch_keyframes(&peer, &self.video);
        let _ = self.video.send(VideoCommand::Keyframe);
        self.conn = Some(Connection {
            id,
            peer,
            events,
            candidates,
            gathered,
            connected: false,
            channel: None,
            tasks: vec![watcher],
        });
        self.lost_since = Some(Instant::now());
        self.publish_outputs();
        for ev in early {
            self.rtc_event(ev).await;
        }
        tracing::info!(connection = id, "live connection answered");
        Ok(Connected {
            connection: id,
            sdp,
            candidates_complete: gathered,
        })
    }

    async fn remote_candidate(
        &mut self,
        connection: u64,
        candidate: RTCIceCandidateInit,
    ) -> Result<(), LiveError> {
        let conn = match &self.conn {
            Some(c) if c.id == connection => c,
            _ => return Err(LiveError::StaleConnection),
        };
        // An empty candidate marks the end of the client's gathering.
        if candidate.candidate.is_empty() {
            return Ok(());
        }
        if !self.policy.allows(&candidate.candidate) {
            tracing::debug!(candidate = %candidate.candidate, "remote candidate outside rtc.remote_networks ignored");
            return Ok(());
        }
        conn.peer.add_candidate(candidate).await?;
        Ok(())
    }

    async fn rtc_event(&mut self, ev: RtcEvent) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        match ev {
            RtcEvent::Candidate(c) => conn.candidates.push(c),
            RtcEvent::GatheringComplete => conn.gathered = true,
            RtcEvent::State(state) => {
                tracing::debug!(%state, connection = conn.id, "connection state");
                match state {
                    RTCPeerConnectionState::Connected => {
                        conn.connected = true;
                        self.lost_since = None;
                        let _ = self.video.send(VideoCommand::Resume);
                        // Frames sent before the handshake finished are lost: start afresh.
                        let _ = self.video.send(VideoCommand::Keyframe);
                        self.say_unsaid().await;
                    }
                    RTCPeerConnectionState::Disconnected
                    | RTCPeerConnectionState::Failed
                    | RTCPeerConnectionState::Closed => self.connection_lost(),
                    _ => {}
                }
            }
            RtcEvent::RemoteAudio(track) => {
                let relay = (self.clock, self.relay.subscribe());
                conn.tasks.push(tokio::spawn(read_microphone(
                    track,
                    self.mic.clone(),
                    relay,
                )));
            }
            RtcEvent::Channel(ch) => {
                let id = conn.id;
                let tx = self.channel_tx.clone();
                conn.tasks.push(tokio::spawn(read_channel(id, ch, tx)));
            }
        }
    }

    /// The connection dropped: the interviewer stops mid-sentence (nobody hears it) and the
    /// question is asked again when the candidate is back.
    fn connection_lost(&mut self) {
        if let Some(c) = self.conn.as_mut() {
            c.connected = false;
        }
        if self.watchers.is_empty() {
            let _ = self.video.send(VideoCommand::Pause);
        }
        if self.lost_since.is_none() {
            tracing::info!("live connection lost; waiting for the candidate to come back");
            self.lost_since = Some(Instant::now());
        }
        let generation = self.new_generation();
        tracing::debug!(generation, "speech dropped with the connection");
        let audio = self.audio.clone();
        tokio::spawn(async move {
            let (reply, rx) = tokio::sync::oneshot::channel();
            if audio
                .send(AudioCommand::Cut { generation, reply })
                .await
                .is_ok()
            {
                let _ = rx.await;
            }
        });
    }

    /// Stops what is being said, keeping it to say again on the next connection.
    async fn pause_speech(&mut self) {
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
    fn new_generation(&mut self) -> u64 {
        self.jobs = 0;
        self.playing = false;
        self.speech_generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn speaking(&self) -> bool {
        self.jobs > 0 || self.playing
    }

    /// After a sentence started or the last one ended: the state the client sees.
    async fn speech_changed(&mut self) {
        // Heard to the end by someone: nothing is left to say. (A drain while no one is
        // connected is a cut for a new connection, which still has to hear it all.)
        if !self.speaking() && self.is_connected() {
            self.unsaid.clear();
            self.heard_sentences.clear();
        }
        self.send_state().await;
    }

    /// Says what the candidate has not heard yet, once someone is there to hear it.
    async fn say_unsaid(&mut self) {
        if self.speaking() {
            return;
        }
        let turns = std::mem::take(&mut self.unsaid);
        for turn in turns {
            self.say(turn).await;
        }
        self.send_state().await;
    }

    async fn say(&mut self, turn: TurnView) {
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

    async fn interview_event(&mut self, ev: Event) {
        match ev {
            Event::Turn { turn } => {
                self.turns.push(turn.clone());
                if turn.speaker == "interviewer"
                    && let Some(w) = self.stopwatch.as_mut()
                {
                    w.replied_with(turn.id);
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

    async fn played(&mut self, p: Played) {
        match p {
            Played::Queued { turn, at } => {
                if let Some(w) = self.stopwatch.as_mut() {
                    w.queued(turn, at);
                }
            }
            Played::Report(report) => {
                let now = std::time::Instant::now();
                for (turn, _) in &report.started {
                    if let Some(t) = self.stopwatch.as_ref().and_then(|w| w.sent(*turn, now)) {
                        self.stopwatch = None;
                        if self.timings.len() < MAX_TIMINGS {
                            self.timings.push(t);
                        }
                    }
                }
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

    async fn channel_event(&mut self, conn: u64, ev: ChannelEvent) {
        let current = self.conn.as_mut().filter(|c| c.id == conn);
        let Some(c) = current else { return };
        match ev {
            ChannelEvent::Open(ch) => {
                c.channel = Some(ch);
                // A new channel has heard nothing yet.
                self.sent_state = None;
                self.send_state().await;
            }
            ChannelEvent::Message(Err(reason)) => {
                let msg = ServerMessage::Error { message: reason };
                self.send_all(&msg).await;
            }
            ChannelEvent::Message(Ok(msg)) => {
                self.silence.heard();
                let input = match msg {
                    ClientMessage::Answer { text } => CandidateInput::Answer { text },
                    ClientMessage::Code { language, code } => {
                        CandidateInput::Code { language, code }
                    }
                    ClientMessage::Skip => CandidateInput::Skip,
                    ClientMessage::End => CandidateInput::End,
                };
                // The interview actor answers through its events, which this session hears.
                let handle = self.interview.clone();
                let channel = self.channel_tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = handle.input(input).await {
                        let _ = channel
                            .send((conn, ChannelEvent::Message(Err(e.to_string()))))
                            .await;
                    }
                });
            }
        }
    }

    async fn hearing(&mut self, h: Hearing) {
        self.silence.heard();
        match h {
            Hearing::Speaking => {
                if self.speaking() {
                    self.barge_in().await;
                }
            }
            Hearing::Turn { audio, waited } => {
                if !matches!(self.state.awaiting, "answer" | "candidate_question") || self.ended {
                    return;
                }
                self.stopwatch = Some(Stopwatch::start(waited));
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
                    let outcome = submit_turn(&models, &interview, audio, max_secs).await;
                    let _ = done.send(outcome).await;
                });
            }
        }
    }

    async fn answered(&mut self, a: Answered) {
        match a {
            Answered::Submitted {
                heard,
                answered,
                record,
            } => {
                if let Some(w) = self.stopwatch.as_mut() {
                    w.transcribed(heard, answered);
                }
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

    /// The candidate spoke over the interviewer: the voice stops at once, the mouth with
    /// it, and the transcript keeps only what was said.
    async fn barge_in(&mut self) {
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
    fn prepare_upcoming(&mut self) {
        if self.state.upcoming.is_empty() || self.state.upcoming == self.prepared {
            return;
        }
        self.prepared = self.state.upcoming.clone();
        let (speaker, texts) = (self.models.speaker(), self.prepared.clone());
        tokio::task::spawn_blocking(move || speaker.warm(&texts));
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
        match self.interview.note(text.to_owned()).await {
            Ok(turn) if action == SilenceAction::End => self.goodbye = Some((turn.id, false)),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not record the interviewer's remark"),
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

    /// Who the media goes to: the candidate's connection and every watcher.
    fn publish_outputs(&mut self) {
        let mut outs = Vec::new();
        if let Some(c) = &self.conn {
            outs.push(Arc::new(Outputs {
                audio: c.peer.audio.clone(),
                video: c.peer.video.clone(),
            }));
        }
        for w in &self.watchers {
            outs.push(Arc::new(Outputs {
                audio: w.peer.audio.clone(),
                video: w.peer.video.clone(),
            }));
        }
        self.outputs.send_replace(outs);
        let relays = self
            .watchers
            .iter()
            .filter_map(|w| w.peer.candidate_audio.clone())
            .collect();
        self.relay.send_replace(relays);
    }

    /// A recruiter's offer to watch: the interviewer and the candidate's voice out, the
    /// transcript on the data channel; nothing from the watcher reaches the interview.
    async fn watch(&mut self, offer: String) -> Result<Connected, LiveError> {
        signal::check_watch_offer(&offer)?;
        if self.watchers.len() >= MAX_WATCHERS {
            return Err(LiveError::NotReady(format!(
                "{MAX_WATCHERS} people are already watching this interview"
            )));
        }
        let offer = self.policy.filter_offer(&offer);
        let id = self.next_conn;
        self.next_conn += 1;
        let (tx, mut events) = mpsc::channel(64);
        let stream = format!("interview-{}", self.id);
        let peer =
            Peer::answer(&self.ctx.config.rtc, &offer, &stream, PeerRole::Watcher, tx).await?;
        // Its candidates go in the answer (no trickle for watchers).
        let Gathered {
            early,
            complete: gathered,
            sdp,
            ..
        } = gather(&peer, &mut events).await;
        let forward = self.watcher_tx.clone();
        let relay = tokio::spawn(async move {
            for ev in early {
                let _ = forward.send((id, ev)).await;
            }
            while let Some(ev) = events.recv().await {
                if forward.send((id, ev)).await.is_err() {
                    break;
                }
            }
        });
        let pli = watch_keyframes(&peer, &self.video);
        let _ = self.video.send(VideoCommand::Resume);
        self.watchers.push(Watcher {
            id,
            peer: Arc::new(peer),
            channel: None,
            reading: false,
            tasks: vec![relay, pli],
        });
        self.publish_outputs();
        let _ = self.video.send(VideoCommand::Keyframe);
        tracing::info!(watcher = id, "a recruiter is watching");
        Ok(Connected {
            connection: id,
            sdp,
            candidates_complete: gathered,
        })
    }

    async fn watcher_event(&mut self, id: u64, ev: RtcEvent) {
        let Some(i) = self.watchers.iter().position(|w| w.id == id) else {
            return;
        };
        match ev {
            RtcEvent::State(
                RTCPeerConnectionState::Failed
                | RTCPeerConnectionState::Closed
                | RTCPeerConnectionState::Disconnected,
            ) => {
                let w = self.watchers.remove(i);
                w.close();
                self.publish_outputs();
                tracing::info!(watcher = id, "a watcher left");
            }
            RtcEvent::Channel(ch) if self.watchers[i].reading => {
                // Open: catch the watcher up on the transcript and the state.
                let snapshot: Vec<ServerMessage> = self
                    .turns
                    .iter()
                    .map(|t| ServerMessage::Turn { turn: t.clone() })
                    .chain([ServerMessage::State {
                        live: self.live_state(),
                        interview: self.state.clone(),
                    }])
                    .collect();
                for msg in &snapshot {
                    send(&ch, msg).await;
                }
                self.watchers[i].channel = Some(ch);
            }
            RtcEvent::Channel(ch) => {
                // The watcher's channel only listens; its open is all that matters.
                self.watchers[i].reading = true;
                let tx = self.watcher_tx.clone();
                let reader = tokio::spawn(async move {
                    while let Some(ev) = ch.poll().await {
                        match ev {
                            DataChannelEvent::OnOpen => {
                                let _ = tx.send((id, RtcEvent::Channel(ch.clone()))).await;
                            }
                            DataChannelEvent::OnClose => break,
                            _ => {}
                        }
                    }
                });
                self.watchers[i].tasks.push(reader);
            }
            _ => {}
        }
    }
}

async fn send(ch: &Arc<dyn DataChannel>, msg: &ServerMessage) {
    match serde_json::to_string(msg) {
        Ok(text) => {
            if let Err(e) = ch.send_text(&text).await {
                tracing::debug!(error = %e, "data channel message not sent");
            }
        }
        Err(e) => tracing::error!(error = %e, "unserializable data channel message"),
    }
}

/// Largest data channel message read: a code submission with room to spare.
const MAX_MESSAGE_BYTES: usize = 256 * 1024;

async fn read_channel(conn: u64, ch: Arc<dyn DataChannel>, tx: mpsc::Sender<(u64, ChannelEvent)>) {
    while let Some(ev) = ch.poll().await {
        let out = match ev {
            DataChannelEvent::OnOpen => ChannelEvent::Open(ch.clone()),
            DataChannelEvent::OnMessage(m) if m.data.len() > MAX_MESSAGE_BYTES => {
                ChannelEvent::Message(Err(format!(
                    "a message of {} bytes is over the {MAX_MESSAGE_BYTES}-byte limit",
                    m.data.len()
                )))
            }
            DataChannelEvent::OnMessage(m) => ChannelEvent::Message(
                serde_json::from_slice::<ClientMessage>(&m.data)
                    .map_err(|e| format!("unreadable message: {e}")),
            ),
            DataChannelEvent::OnClose => break,
            _ => continue,
        };
        if tx.send((conn, out)).await.is_err() {
            break;
        }
    }
}

/// Synthesizes the interviewer's turns in order, sentence by sentence, and queues each
/// sentence for playing as soon as it is ready. A bumped generation drops the rest.
async fn speak_turns(
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
async fn speak_one(
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

async fn to_call_rate(turn: i64, speech: SpeechAudio) -> Result<Sentence, String> {
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

/// The verbatim record of a spoken answer (filled pauses kept), replacing the fast
/// transcript the reply was made from when they differ.
async fn revise(
    models: &Arc<VoiceModels>,
    interview: &SessionHandle,
    turn_id: i64,
    pcm: Pcm16k,
    fast: &str,
) {
    let heard = match models.hear(pcm).await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, turn_id, "the verbatim pass failed; the fast transcript stands");
            return;
        }
    };
    let text = heard.transcript.text();
    if text.trim().is_empty() || text == fast {
        return;
    }
    let words = match serde_json::to_value(&heard.transcript.words) {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(error = %e, "word timings");
            return;
        }
    };
    if let Err(e) = interview.revise(turn_id, text, words).await {
        tracing::warn!(error = %e, turn_id, "could not store the verbatim transcript");
    }
}

/// The microphone's packets → 16 kHz audio for the listening thread.
async fn read_microphone(
    track: Arc<dyn TrackRemote>,
    mic: std::sync::mpsc::Sender<Vec<f32>>,
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
            // Watchers hear the candidate as sent, stamped with when it arrived.
            let watchers = relay.borrow().clone();
            for w in watchers {
                let _ = w.write(p.payload.to_vec(), clock.now()).await;
            }
            pcm.clear();
            if let Err(e) = decoder.push(p.header.sequence_number, &p.payload, &mut pcm) {
                tracing::warn!(error = %e, "a microphone packet was dropped");
                continue;
            }
            if !pcm.is_empty() && mic.send(pcm.clone()).is_err() {
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

/// One spoken turn: transcribed and measured (the same record an uploaded answer gets), then
/// handed to the interview, whose reply comes back as its events.
async fn submit_turn(
    models: &Arc<VoiceModels>,
    interview: &SessionHandle,
    audio: Vec<f32>,
    max_secs: u32,
) -> Answered {
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
    // Fast for the reply; the verbatim record follows once the reply is on its way.
    let verbatim = pcm.clone();
    let result = match models.hear_pass(pcm, Pass::Fast).await {
        Ok(h) => h,
        Err(e) => return Answered::Failed(e.to_string()),
    };
    let heard = std::time::Instant::now();
    let text = result.transcript.text();
    if text.trim().is_empty() {
        return Answered::NotHeard("no words in the turn".into());
    }
    let word_timings = match serde_json::to_value(&result.transcript.words) {
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
            pcm: verbatim,
            fast: text,
        });
    Answered::Submitted {
        heard,
        answered,
        record,
    }
}
