//! Where the time goes between the candidate's last word and the interviewer's first, per
//! turn, as the server sees it: the wait from the speech reaching it to the end of turn,
//! transcription, the reply, the first sentence of speech, and its first packet.

use std::time::Instant;

use serde::Serialize;

/// One turn's stages, in seconds each, and what the server knew of the turn.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TurnTiming {
    /// The interviewer turn that replied.
    pub reply_turn: i64,
    /// Phrases transcribed during the candidate's pauses, before the turn ended.
    pub phrases: usize,
    /// Seconds of speech left to transcribe when the turn ended.
    pub tail_secs: f64,
    /// From the speech's last sound reaching the server to the end of turn being decided.
    pub end_of_turn: f64,
    /// Of that, the end-of-turn model's last run.
    pub end_of_turn_model: f64,
    pub transcribe: f64,
    /// The interview's reply (built-in or LLM), persisted.
    pub reply: f64,
    /// The reply's first sentence synthesized and queued.
    pub first_speech: f64,
    /// That sentence's first packet sent.
    pub first_packet: f64,
}

impl TurnTiming {
    /// From the end of the candidate's speech to the first packet of the reply.
    pub fn total(&self) -> f64 {
        self.end_of_turn + self.transcribe + self.reply + self.first_speech + self.first_packet
    }
}

/// What the listener knew when it ended a turn.
#[derive(Debug, Clone, Copy)]
pub struct TurnEnd {
    /// From the speech's last sound reaching the server to the decision, in seconds.
    pub waited: f64,
    /// Of that, the end-of-turn model's last run.
    pub model_secs: f64,
    pub phrases: usize,
    pub tail_secs: f64,
}

/// A turn being timed, stage by stage. Its events come over two channels (the interview's
/// broadcast and the transcription task's reply) in either order, so each is noted as it
/// comes and the timing is read once all are in.
#[derive(Debug, Clone)]
pub struct Stopwatch {
    end: TurnEnd,
    decided: Instant,
    answer_seen: bool,
    heard: Option<Instant>,
    answered: Option<Instant>,
    reply_turn: Option<i64>,
    queued: Option<Instant>,
    sent: Option<Instant>,
}

impl Stopwatch {
    pub fn start(end: TurnEnd) -> Self {
        Self {
            end,
            decided: Instant::now(),
            answer_seen: false,
            heard: None,
            answered: None,
            reply_turn: None,
            queued: None,
            sent: None,
        }
    }

    pub fn transcribed(&mut self, heard: Instant, answered: Instant) {
        self.heard = Some(heard);
        self.answered = Some(answered);
    }

    /// A turn joined the transcript. The interview stores the answer before its reply, so
    /// the reply is the first interviewer turn after a candidate turn.
    pub fn turn(&mut self, candidate: bool, id: i64) {
        if candidate {
            self.answer_seen = true;
        } else if self.answer_seen && self.reply_turn.is_none() {
            self.reply_turn = Some(id);
        }
    }

    pub fn queued(&mut self, turn: i64, at: Instant) {
        if self.reply_turn == Some(turn) && self.queued.is_none() {
            self.queued = Some(at);
        }
    }

    /// A turn's first packet went out at `at`.
    pub fn sent(&mut self, turn: i64, at: Instant) {
        if self.reply_turn == Some(turn) && self.sent.is_none() {
            self.sent = Some(at);
        }
    }

    /// The timing, once every stage is known.
    pub fn finished(&self) -> Option<TurnTiming> {
        let (heard, answered) = (self.heard?, self.answered?);
        let (queued, sent) = (self.queued?, self.sent?);
        let secs = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64();
        Some(TurnTiming {
            reply_turn: self.reply_turn?,
            phrases: self.end.phrases,
            tail_secs: self.end.tail_secs,
            end_of_turn: self.end.waited,
            end_of_turn_model: self.end.model_secs,
            transcribe: secs(self.decided, heard),
            reply: secs(heard, answered),
            first_speech: secs(answered, queued),
            first_packet: secs(queued, sent),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stages_add_up_for_the_reply_whatever_order_its_events_come_in() {
        let end = TurnEnd {
            waited: 0.3,
            model_secs: 0.1,
            phrases: 2,
            tail_secs: 0.8,
        };
        let mut w = Stopwatch::start(end);
        let t0 = w.decided;
        let ms = |n| t0 + Duration::from_millis(n);
        w.turn(false, 7);
        assert_eq!(
            w.reply_turn, None,
            "a turn before the answer is not the reply"
        );
        // The reply's event comes before the transcription task reports.
        w.turn(true, 8);
        w.turn(false, 9);
        w.turn(false, 10);
        w.queued(10, ms(500));
        w.queued(9, ms(600));
        w.sent(9, ms(640));
        assert!(w.finished().is_none(), "the transcription is not in yet");
        w.transcribed(ms(400), ms(450));
        let t = w.finished().unwrap();
        assert_eq!((t.reply_turn, t.phrases), (9, 2));
        assert!((t.total() - (0.3 + 0.64)).abs() < 1e-9, "{t:?}");
        assert!((t.first_packet - 0.04).abs() < 1e-9);
        assert!((t.transcribe - 0.4).abs() < 1e-9);
    }
}
