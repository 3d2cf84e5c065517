//! Live interviews over WebRTC. One `Live` actor per interview that has a connection owns
//! everything about the call: the current peer connection (a newer tab or a reconnect
//! replaces it), the media clock, the interviewer's voice (`media::audio_task`, `playout`),
//! the avatar's video (`video`), and the data channel. It `select!`s over the connection's
//! events, the interview's events, what the media tasks report, commands from HTTP, and
//! cancellation. The interview itself (turns, engine state) stays with the interview's
//! session actor, which the live actor feeds answers to and hears replies from: one writer
//! per interview, whatever the medium.

mod actor;
pub mod clock;
pub mod echo;
pub mod listen;
pub mod media;
pub mod playout;
mod registry;
mod silence;
pub mod timing;
pub mod video;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use webrtc::peer_connection::RTCIceCandidateInit;

pub use registry::{LiveContext, LiveRegistry};

use crate::rtc::RtcError;
use crate::session::SessionError;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Rtc(#[from] RtcError),
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The interview cannot go live now (consent missing, already ended); said to the client.
    #[error("{0}")]
    NotReady(String),
    /// A connection id that is not (or no longer) this session's.
    #[error("that connection has been replaced or closed; connect again")]
    StaleConnection,
    #[error("the avatar cannot be shown: {0}")]
    Media(String),
    #[error("the live session stopped")]
    Stopped,
}

/// The answer to an offer.
#[derive(Debug, Clone, Serialize)]
pub struct Connected {
    pub connection: u64,
    pub sdp: String,
    /// Whether the answer already holds every server candidate; otherwise poll for more.
    pub candidates_complete: bool,
}

/// Server candidates gathered after the answer (trickle ICE).
#[derive(Debug, Clone, Serialize)]
pub struct LocalCandidates {
    pub candidates: Vec<RTCIceCandidateInit>,
    pub complete: bool,
}

/// What the client may send on the data channel.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// A typed answer (accessibility, or a broken microphone).
    Answer {
        text: String,
    },
    Code {
        language: crate::code::Language,
        code: String,
    },
    Skip,
    End,
}

/// What the server says on the data channel.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// listening | thinking | speaking | ended, with the interview's own state.
    State {
        live: &'static str,
        interview: crate::session::StateView,
    },
    Turn {
        turn: crate::session::TurnView,
    },
    /// The sentence the interviewer is saying now.
    Caption {
        turn: i64,
        text: String,
    },
    /// A turn changed after it was sent (a spoken answer's verbatim transcript).
    Revised {
        turn: crate::session::TurnView,
    },
    /// A turn cut short by the candidate: the words that were said.
    Interrupted {
        turn: i64,
        said: String,
    },
    Error {
        message: String,
    },
}

pub(crate) enum Command {
    Connect {
        offer: String,
        reply: oneshot::Sender<Result<Connected, LiveError>>,
    },
    RemoteCandidate {
        connection: u64,
        candidate: RTCIceCandidateInit,
        reply: oneshot::Sender<Result<(), LiveError>>,
    },
    LocalCandidates {
        connection: u64,
        after: usize,
        reply: oneshot::Sender<Result<LocalCandidates, LiveError>>,
    },
    Hangup {
        connection: u64,
    },
    Watch {
        offer: String,
        reply: oneshot::Sender<Result<Connected, LiveError>>,
    },
    Timings {
        reply: oneshot::Sender<Result<Vec<timing::TurnTiming>, LiveError>>,
    },
}

#[derive(Clone)]
pub struct LiveHandle {
    tx: mpsc::Sender<Command>,
}

impl LiveHandle {
    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, LiveError>>) -> Command,
    ) -> Result<T, LiveError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| LiveError::Stopped)?;
        rx.await.map_err(|_| LiveError::Stopped)?
    }

    /// A client's offer: a new connection that replaces any earlier one.
    pub async fn connect(&self, offer: String) -> Result<Connected, LiveError> {
        self.ask(|reply| Command::Connect { offer, reply }).await
    }

    pub async fn remote_candidate(
        &self,
        connection: u64,
        candidate: RTCIceCandidateInit,
    ) -> Result<(), LiveError> {
        self.ask(|reply| Command::RemoteCandidate {
            connection,
            candidate,
            reply,
        })
        .await
    }

    pub async fn local_candidates(
        &self,
        connection: u64,
        after: usize,
    ) -> Result<LocalCandidates, LiveError> {
        self.ask(|reply| Command::LocalCandidates {
            connection,
            after,
            reply,
        })
        .await
    }

    /// A recruiter's offer to watch the interview.
    pub async fn watch(&self, offer: String) -> Result<Connected, LiveError> {
        self.ask(|reply| Command::Watch { offer, reply }).await
    }

    /// Per-turn stage timings of this session so far (benchmarks, diagnostics).
    pub async fn timings(&self) -> Result<Vec<timing::TurnTiming>, LiveError> {
        self.ask(|reply| Command::Timings { reply }).await
    }

    pub async fn hangup(&self, connection: u64) {
        let _ = self.tx.send(Command::Hangup { connection }).await;
    }

    fn is_alive(&self) -> bool {
        !self.tx.is_closed()
    }
}
