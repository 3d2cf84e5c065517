//! The session actor: the only owner of one interview's engine state. Each input is applied,
//! its turn persisted, the reply produced and persisted, and only then announced: a crash at
//! any point leaves the database at a state the next start resumes from.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::registry::SessionRegistry;
use super::{
    COMMAND_CAPACITY, Command, EVENT_CAPACITY, Event, Outcome, SessionError, SessionHandle,
    StateView, Subscription, TurnView,
};
use crate::code::{self, CodeAnalysis, Language};
use crate::db::entities::interview;
use crate::db::interviews::{self, Choice, NewCode, NewTurn, SpokenTurn, StateUpdate, status};
use crate::db::{self, DbError};
use crate::pipeline::messages::{CandidateInput, Reply};
use crate::pipeline::respond::engine::{EngineState, Next, Outcome as EngineOutcome, Phase};
use crate::pipeline::respond::{CodeContext, FollowUpRequest, Interviewer, TranscriptLine};

/// A session with no command and no subscriber for this long stops; it reloads on next use.
const IDLE: Duration = Duration::from_secs(10 * 60);

/// What every session borrows from the process.
#[derive(Clone)]
pub struct SessionContext {
    pub db: DatabaseConnection,
    pub interviewer: Interviewer,
    pub disclosure_version: String,
    /// Scores an interview's content once it ends, and again when its record is revised.
    pub scoring: crate::scoring::queue::ScoringQueue,
}

pub(super) struct Loaded {
    ctx: SessionContext,
    interview: interview::Model,
    state: EngineState,
}

/// Reads an interview, writes its opening turn if it has none, and finishes a reply that a
/// crash interrupted.
pub(super) async fn load(ctx: &SessionContext, interview_id: i64) -> Result<Loaded, SessionError> {
    let interview = interviews::get(&ctx.db, interview_id).await?;
    let state: EngineState = serde_json::from_value(interview.engine_state.clone())
        .map_err(|e| SessionError::CorruptState(e.to_string()))?;
    let mut loaded = Loaded {
        ctx: ctx.clone(),
        interview,
        state,
    };
    if interviews::turns(&ctx.db, interview_id).await?.is_empty() {
        let opening = loaded.state.opening();
        loaded.persist_replies(&[opening]).await?;
    }
    if loaded.state.resume().is_some() {
        tracing::info!(interview_id, "finishing a reply interrupted by a restart");
        loaded.finish_follow_up().await?;
    }
    Ok(loaded)
}

pub(super) fn spawn(
    loaded: Loaded,
    registry: SessionRegistry,
    tasks: &TaskTracker,
    cancel: CancellationToken,
) -> SessionHandle {
    let (tx, rx) = mpsc::channel(COMMAND_CAPACITY);
    let (events, _) = broadcast::channel(EVENT_CAPACITY);
    let id = loaded.interview.id;
    let span = tracing::info_span!("session", interview_id = id);
    tasks.spawn(run(loaded, rx, events, registry, cancel).instrument(span));
    SessionHandle { tx }
}

async fn run(
    mut s: Loaded,
    mut rx: mpsc::Receiver<Command>,
    events: broadcast::Sender<Event>,
    registry: SessionRegistry,
    cancel: CancellationToken,
) {
    // Ended before this actor started: its scores were asked for then (or by `score`).
    let mut ended = status::is_final(s.status());
    loop {
        let cmd = tokio::select! {
            _ = cancel.cancelled() => break,
            cmd = tokio::time::timeout(IDLE, rx.recv()) => cmd,
        };
        match cmd {
            Ok(Some(Command::Input {
                input,
                speech,
                reply,
            })) => {
                let result = s.apply(input, speech).await;
                if !ended && status::is_final(s.status()) {
                    ended = true;
                    s.ctx.scoring.request(s.id());
                    crate::webhooks::announce(
                        &s.ctx.db,
                        crate::webhooks::Event::InterviewCompleted,
                        s.id(),
                    )
                    .await;
                }
                if let Ok(out) = &result {
                    for turn in &out.turns {
                        let _ = events.send(Event::Turn { turn: turn.clone() });
                    }
                    let _ = events.send(Event::State {
                        state: out.state.clone(),
                    });
                }
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "input rejected");
                }
                let _ = reply.send(result);
            }
            Ok(Some(Command::Subscribe { reply })) => {
                let sub = s.transcript().await.map(|turns| Subscription {
                    turns,
                    state: s.view(),
                    events: events.subscribe(),
                });
                let _ = reply.send(sub);
            }
            Ok(Some(Command::Revise {
                turn_id,
                revision,
                reply,
            })) => {
                let result = interviews::revise_spoken(&s.ctx.db, s.id(), turn_id, revision)
                    .await
                    .map(TurnView::from)
                    .map_err(SessionError::from);
                if let Ok(turn) = &result {
                    let _ = events.send(Event::Amended { turn: turn.clone() });
                    // A verbatim transcript after the end: the scores follow the record.
                    if ended {
                        s.ctx.scoring.request(s.id());
                    }
                }
                let _ = reply.send(result);
            }
            Ok(Some(Command::Note { text, reply })) => {
                let result = s.note(text).await;
                if let Ok(turn) = &result {
                    let _ = events.send(Event::Turn { turn: turn.clone() });
                }
                let _ = reply.send(result);
            }
            Ok(Some(Command::CutShort {
                turn_id,
                said,
                reply,
            })) => {
                let result = interviews::cut_short(&s.ctx.db, s.id(), turn_id, &said)
                    .await
                    .map(TurnView::from)
                    .map_err(SessionError::from);
                if let Ok(turn) = &result {
                    let _ = events.send(Event::Amended { turn: turn.clone() });
                }
                let _ = reply.send(result);
            }
            Ok(None) => break,
            Err(_idle) if events.receiver_count() == 0 => break,
            Err(_idle) => {}
        }
    }
    rx.close();
    registry.remove_if_closed(s.interview.id);
}

impl Loaded {
    fn id(&self) -> i64 {
        self.interview.id
    }

    fn status(&self) -> &'static str {
        match (self.state.phase, self.state.outcome) {
            (Phase::Closed, Some(EngineOutcome::Declined)) => status::DECLINED,
            (Phase::Closed, Some(EngineOutcome::EndedEarly)) => status::ENDED_EARLY,
            (Phase::Closed, _) => status::COMPLETED,
            (Phase::Disclosure, _) => status::AWAITING_CONSENT,
            _ => status::IN_PROGRESS,
        }
    }

    fn view(&self) -> StateView {
        StateView::of(&self.state, self.status())
    }

    async fn transcript(&self) -> Result<Vec<TurnView>, SessionError> {
        Ok(interviews::turns(&self.ctx.db, self.id())
            .await?
            .into_iter()
            .map(TurnView::from)
            .collect())
    }

    fn update(&self, choice: Option<Choice>) -> Result<StateUpdate, SessionError> {
        Ok(StateUpdate {
            engine_state: serde_json::to_value(&self.state)
                .map_err(|e| SessionError::CorruptState(e.to_string()))?,
            status: self.status(),
            choice,
        })
    }

    /// What this candidate was shown before choosing (the disclosure and any notice of the
    /// organization's), fixed when the interview began: their consent names it.
    fn shown_version(&self) -> String {
        self.interview
            .disclosure_version
            .clone()
            .unwrap_or_else(|| self.ctx.disclosure_version.clone())
    }

    /// One candidate input, persisted before anything is said back.
    async fn apply(
        &mut self,
        input: CandidateInput,
        speech: Option<SpokenTurn>,
    ) -> Result<Outcome, SessionError> {
        let mut turns = Vec::new();
        if self.state.resume().is_some() {
            turns.extend(self.finish_follow_up().await?);
        }
        let analysis = match &input {
            CandidateInput::Code { language, code } => Some(analyze(*language, code.clone()).await),
            _ => None,
        };
        let before = self.state.clone();
        let question_id = self.state.current().map(|q| q.question_id);
        let was_disclosure = self.state.phase == Phase::Disclosure;
        let next = self.state.accept(&input)?;
        // Only the answer that leaves the disclosure counts (a repeat changes nothing).
        let choice = match (
            &input,
            was_disclosure && self.state.phase == Phase::Questions,
        ) {
            (CandidateInput::Consent { accepted: true }, true) => {
                Some(Choice::Consent(self.shown_version()))
            }
            (CandidateInput::Alternative, true) => Some(Choice::Alternative),
            _ => None,
        };
        let mut candidate = candidate_turn(&input, question_id, before.phase);
        if matches!(input, CandidateInput::Answer { .. }) {
            candidate.speech = speech;
        }
        let saved = match self.record(vec![candidate], choice).await {
            Ok(saved) => saved,
            Err(e) => {
                // Nothing was stored: forget the input entirely.
                self.state = before;
                return Err(e);
            }
        };
        if let (CandidateInput::Code { language, code }, Some(analysis)) = (&input, analysis) {
            interviews::add_code(
                &self.ctx.db,
                NewCode {
                    interview_id: self.id(),
                    question_id,
                    turn_id: saved.first().map(|t| t.id),
                    language: language.as_str(),
                    code,
                    analysis: serde_json::to_value(&analysis).unwrap_or_default(),
                },
            )
            .await?;
        }
        turns.extend(saved);
        match next {
            Next::Say(replies) => turns.extend(self.persist_replies(&replies).await?),
            Next::FollowUp => turns.extend(self.finish_follow_up().await?),
        }
        if self.state.is_closed()
            && let Some(inv) = self.interview.invitation_id
        {
            db::invitations::spend(&self.ctx.db, inv).await?;
        }
        Ok(Outcome {
            turns,
            state: self.view(),
        })
    }

    async fn record(
        &self,
        turns: Vec<NewTurn>,
        choice: Option<Choice>,
    ) -> Result<Vec<TurnView>, SessionError> {
        let saved =
            interviews::record(&self.ctx.db, self.id(), turns, self.update(choice)?).await?;
        Ok(saved.into_iter().map(TurnView::from).collect())
    }

    async fn note(&self, text: String) -> Result<TurnView, SessionError> {
        let turn = NewTurn {
            speaker: "interviewer",
            kind: "prompt".to_string(),
            text,
            question_id: self.state.current().map(|q| q.question_id),
            source: "builtin",
            topic: None,
            speech: None,
        };
        let mut saved = self.record(vec![turn], None).await?;
        saved
            .pop()
            .ok_or_else(|| SessionError::CorruptState("a note was not stored".into()))
    }

    async fn persist_replies(&mut self, replies: &[Reply]) -> Result<Vec<TurnView>, SessionError> {
        let turns = replies
            .iter()
            .map(|r| NewTurn {
                speaker: "interviewer",
                kind: r.kind.as_str().to_string(),
                text: r.text.clone(),
                question_id: r.question_id,
                source: r.source.as_str(),
                topic: r.topic.clone(),
                speech: None,
            })
            .collect();
        self.record(turns, None).await
    }

    /// Writes the due follow-up (LLM or built-in) and persists it with the state after it.
    async fn finish_follow_up(&mut self) -> Result<Vec<TurnView>, SessionError> {
        let req = self.follow_up_request().await?;
        let follow_up = self.ctx.interviewer.follow_up(&req).await;
        let replies = self.state.with_follow_up(follow_up)?;
        self.persist_replies(&replies).await
    }

    async fn follow_up_request(&self) -> Result<FollowUpRequest, SessionError> {
        let question = self
            .state
            .current()
            .cloned()
            .ok_or(SessionError::CorruptState(
                "a follow-up is due but no question is open".into(),
            ))?;
        let transcript = interviews::turns(&self.ctx.db, self.id())
            .await?
            .into_iter()
            .filter(|t| t.question_id == Some(question.question_id))
            .map(|t| TranscriptLine {
                speaker: if t.speaker == "candidate" {
                    "Candidate".into()
                } else {
                    "Interviewer".into()
                },
                text: t.text,
            })
            .collect();
        let code =
            match interviews::latest_code(&self.ctx.db, self.id(), Some(question.question_id))
                .await?
            {
                Some(c) => {
                    let language: Language = c.language.parse().map_err(|_| {
                        DbError::Conflict(format!(
                            "code submission {} has an unknown language",
                            c.id
                        ))
                    })?;
                    let analysis: CodeAnalysis = serde_json::from_value(c.analysis)
                        .map_err(|e| SessionError::CorruptState(e.to_string()))?;
                    Some(CodeContext {
                        language,
                        code: c.code,
                        analysis,
                    })
                }
                None => None,
            };
        let resume = match self.interview.invitation_id {
            Some(inv) => db::resumes::for_invitation(&self.ctx.db, inv)
                .await?
                .and_then(|r| serde_json::from_value(r.facts).ok()),
            None => None,
        };
        Ok(FollowUpRequest {
            question,
            transcript,
            code,
            asked: self.state.asked().to_vec(),
            resume,
        })
    }
}

/// Parsing large code is CPU work: keep it off the async workers.
async fn analyze(language: Language, source: String) -> CodeAnalysis {
    let fallback = CodeAnalysis {
        language,
        lines: source.lines().count(),
        syntax_errors: 0,
        functions: vec![],
        findings: vec![],
    };
    match tokio::task::spawn_blocking(move || code::analyze(language, &source)).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "code analysis failed; follow-ups will use the question's hints");
            fallback
        }
        Err(e) => {
            tracing::error!(error = %e, "code analysis task failed");
            fallback
        }
    }
}

fn candidate_turn(input: &CandidateInput, question_id: Option<i64>, phase: Phase) -> NewTurn {
    let (kind, text) = match input {
        CandidateInput::Consent { accepted: true } => ("consent", "I consent.".to_string()),
        CandidateInput::Consent { accepted: false } => ("consent", "I do not consent.".to_string()),
        CandidateInput::Alternative => (
            "consent",
            "I choose the alternative: a person reviews my answers, nothing is scored automatically.".to_string(),
        ),
        CandidateInput::Answer { text } if phase == Phase::CandidateQuestions => {
            ("candidate_question", text.clone())
        }
        CandidateInput::Answer { text } => ("answer", text.clone()),
        CandidateInput::Code { code, .. } => ("code", code.clone()),
        CandidateInput::Skip => ("skip", "(skipped this question)".to_string()),
        CandidateInput::End => ("end", "(ended the interview)".to_string()),
    };
    NewTurn {
        speaker: "candidate",
        kind: kind.to_string(),
        text,
        question_id,
        source: "candidate",
        topic: None,
        speech: None,
    }
}
