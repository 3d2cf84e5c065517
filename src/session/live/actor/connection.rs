//! The live actor's connections: the candidate's (answering an offer, trickle ICE, takeover
//! by a newer tab, loss and return) and the recruiters' who watch.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::peer_connection::{RTCIceCandidateInit, RTCPeerConnectionState};

use super::channel::{read_channel, send};
use super::hearing::read_microphone;
use super::{Live, unanswered};
use crate::rtc::signal::{self};
use crate::rtc::{Peer, PeerRole, RtcEvent};
use crate::session::live::media::{AudioCommand, Outputs};
use crate::session::live::video::VideoCommand;
use crate::session::live::{Connected, LiveError, ServerMessage};

impl Live {
    pub(super) async fn connect(&mut self, offer: String) -> Result<Connected, LiveError> {
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
        // Every connection after the first is on the reviewer's timeline: one that replaced a
        // connection still open (another window, a reload), or a return after a loss, with
        // how long the candidate was away.
        if self.next_conn > 1 {
            let previous_open = self.conn.as_ref().is_some_and(|c| c.connected);
            let away_secs = self
                .lost_since
                .filter(|_| !previous_open)
                .map(|t| (t.elapsed().as_secs_f64() * 10.0).round() / 10.0);
            self.observe(
                "rejoined",
                serde_json::json!({ "previous_open": previous_open, "away_secs": away_secs }),
            )
            .await;
        }
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

    pub(super) async fn remote_candidate(
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

    pub(super) async fn rtc_event(&mut self, ev: RtcEvent) {
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
    pub(super) fn connection_lost(&mut self) {
        if let Some(c) = self.conn.as_mut() {
            // Once per loss (the states that follow a disconnect say the same).
            if std::mem::replace(&mut c.connected, false) {
                let (db, id) = (self.ctx.sessions.db().clone(), self.id);
                tokio::spawn(async move {
                    super::observe(&db, id, "connection_lost", serde_json::json!({})).await;
                });
            }
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

    /// Who the media goes to: the candidate's connection and every watcher.
    pub(super) fn publish_outputs(&mut self) {
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
    pub(super) async fn watch(&mut self, offer: String) -> Result<Connected, LiveError> {
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

    pub(super) async fn watcher_event(&mut self, id: u64, ev: RtcEvent) {
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

/// How long an answer waits for the server's candidates before it goes without them
/// (host candidates take microseconds; a STUN round trip or a TURN allocation longer).
pub(super) const GATHER_WAIT: Duration = Duration::from_secs(1);

/// People may watch, not crowd: each watcher costs an upload of the video.
pub(super) const MAX_WATCHERS: usize = 4;

pub(super) struct Watcher {
    pub(super) id: u64,
    pub(super) peer: Arc<Peer>,
    /// Its data channel, once open; `reading` once its reader runs.
    pub(super) channel: Option<Arc<dyn DataChannel>>,
    pub(super) reading: bool,
    pub(super) tasks: Vec<JoinHandle<()>>,
}

impl Watcher {
    pub(super) fn close(self) {
        for t in &self.tasks {
            t.abort();
        }
        let peer = self.peer;
        tokio::spawn(async move { peer.close().await });
    }
}

pub(super) struct Connection {
    pub(super) id: u64,
    pub(super) peer: Arc<Peer>,
    pub(super) events: mpsc::Receiver<RtcEvent>,
    pub(super) candidates: Vec<RTCIceCandidateInit>,
    pub(super) gathered: bool,
    pub(super) connected: bool,
    pub(super) channel: Option<Arc<dyn DataChannel>>,
    pub(super) tasks: Vec<JoinHandle<()>>,
}

impl Connection {
    pub(super) fn close(self) {
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

/// What a new connection gathered before its answer went out.
pub(super) struct Gathered {
    pub(super) candidates: Vec<RTCIceCandidateInit>,
    /// Other events that came meanwhile, to handle once the connection is in place.
    pub(super) early: Vec<RtcEvent>,
    pub(super) complete: bool,
    /// The answer with the candidates gathered so far.
    pub(super) sdp: String,
}

/// Waits up to `GATHER_WAIT` for the server's candidates (host candidates come at once).
pub(super) async fn gather(peer: &Peer, events: &mut mpsc::Receiver<RtcEvent>) -> Gathered {
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
pub(super) fn watch_keyframes(
    peer: &Peer,
    video: &std::sync::mpsc::Sender<VideoCommand>,
) -> JoinHandle<()> {
    let (track, video) = (peer.video.clone(), video.clone());
    tokio::spawn(async move {
        while track.keyframe_requested().await.is_some() {
            let _ = video.send(VideoCommand::Keyframe);
        }
    })
}

/// Waits on the current connection's events; pends forever without one.
pub(super) async fn next_rtc(conn: &mut Option<Connection>) -> Option<RtcEvent> {
    match conn {
        Some(c) => c.events.recv().await,
        None => std::future::pending().await,
    }
}
