//! One actor per open interview. The actor owns the interview's engine state; WebSocket
//! connections and HTTP handlers talk to it only through a cloneable `SessionHandle`, so two
//! tabs or a tab and an API call can never interleave inside one turn.

pub(crate) mod actor;
pub mod live;
pub mod registry;
pub mod view;

use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::db::DbError;
use crate::db::interviews::{Revision, SpokenTurn};
use crate::pipeline::messages::CandidateInput;
use crate::pipeline::respond::engine::EngineError;
pub use registry::SessionRegistry;
pub use view::{StateView, TurnView};

/// Commands queued per session; a full queue answers "busy" rather than growing.
pub const COMMAND_CAPACITY: usize = 16;
/// Events buffered per subscriber; a slow subscriber misses events and reloads the transcript.
pub const EVENT_CAPACITY: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("database error: {0}")]
    Db(#[from] DbError),
    #[error("the stored interview state is unreadable: {0}")]
    CorruptState(String),
    #[error("the interview session is busy; try again")]
    Busy,
    #[error("the interview session stopped")]
    Stopped,
}

/// What subscribers (the candidate's page, later the recruiter's live view) receive.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Turn {
        turn: TurnView,
    },
    /// A turn already sent, changed (an interviewer turn cut short by the candidate).
    Amended {
        turn: TurnView,
    },
    State {
        state: StateView,
    },
}

/// The outcome of one input: the turns it added and the state after them.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub turns: Vec<TurnView>,
    pub state: StateView,
}

/// The transcript so far, the state, and a stream of what follows.
pub struct Subscription {
    pub turns: Vec<TurnView>,
    pub state: StateView,
    pub events: broadcast::Receiver<Event>,
}

pub(crate) enum Command {
    Input {
        input: CandidateInput,
        /// The recording and word timings when the answer was spoken.
        speech: Option<SpokenTurn>,
        reply: oneshot::Sender<Result<Outcome, SessionError>>,
    },
    Subscribe {
        reply: oneshot::Sender<Result<Subscription, SessionError>>,
    },
    /// Something the interviewer says outside the interview's plan (a prompt after a long
    /// silence, a goodbye): recorded as a turn, the engine state unchanged.
    Note {
        text: String,
        reply: oneshot::Sender<Result<TurnView, SessionError>>,
    },
    /// The verbatim transcript of spoken answer `turn_id`.
    Revise {
        turn_id: i64,
        revision: Revision,
        reply: oneshot::Sender<Result<TurnView, SessionError>>,
    },
    /// The candidate spoke over interviewer turn `turn_id` after `said`.
    CutShort {
        turn_id: i64,
        said: String,
        reply: oneshot::Sender<Result<TurnView, SessionError>>,
    },
}

#[derive(Clone)]
pub struct SessionHandle {
    tx: mpsc::Sender<Command>,
}

impl SessionHandle {
    pub async fn input(&self, input: CandidateInput) -> Result<Outcome, SessionError> {
        self.send_input(input, None).await
    }

    /// A spoken answer: `input` holds its transcript, `speech` the evidence stored with it.
    pub async fn spoken(
        &self,
        input: CandidateInput,
        speech: SpokenTurn,
    ) -> Result<Outcome, SessionError> {
        self.send_input(input, Some(speech)).await
    }

    async fn send_input(
        &self,
        input: CandidateInput,
        speech: Option<SpokenTurn>,
    ) -> Result<Outcome, SessionError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .try_send(Command::Input {
                input,
                speech,
                reply,
            })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => SessionError::Busy,
                mpsc::error::TrySendError::Closed(_) => SessionError::Stopped,
            })?;
        rx.await.map_err(|_| SessionError::Stopped)?
    }

    pub async fn subscribe(&self) -> Result<Subscription, SessionError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Subscribe { reply })
            .await
            .map_err(|_| SessionError::Stopped)?;
        rx.await.map_err(|_| SessionError::Stopped)?
    }

    /// Records that the candidate interrupted an interviewer turn: the transcript keeps
    /// only the words that were said.
    pub async fn cut_short(&self, turn_id: i64, said: String) -> Result<TurnView, SessionError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::CutShort {
                turn_id,
                said,
                reply,
            })
            .await
            .map_err(|_| SessionError::Stopped)?;
        rx.await.map_err(|_| SessionError::Stopped)?
    }

    /// Replaces a spoken answer's fast transcript with the verbatim one.
    pub async fn revise(&self, turn_id: i64, revision: Revision) -> Result<TurnView, SessionError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Revise {
                turn_id,
                revision,
                reply,
            })
            .await
            .map_err(|_| SessionError::Stopped)?;
        rx.await.map_err(|_| SessionError::Stopped)?
    }

    /// Records (and announces) an interviewer remark outside the plan.
    pub async fn note(&self, text: String) -> Result<TurnView, SessionError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Note { text, reply })
            .await
            .map_err(|_| SessionError::Stopped)?;
        rx.await.map_err(|_| SessionError::Stopped)?
    }

    fn is_alive(&self) -> bool {
        !self.tx.is_closed()
    }
}
