//! Where the time goes between the candidate's last word and the interviewer's first, per
//! turn, as the server sees it: the silence heard before the turn was judged over,
//! transcription, the reply, the first sentence of speech, and its first packet.

use std::time::Instant;

use serde::Serialize;

/// One turn's stages, in seconds each.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TurnTiming {
    /// Silence after the speech before the end of turn was decided.
    pub end_of_turn: f64,
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

/// A turn being timed, stage by stage.
#[derive(Debug, Clone)]
pub struct Stopwatch {
    end_of_turn: f64,
    decided: Instant,
    heard: Option<Instant>,
    answered: Option<Instant>,
    reply_turn: Option<i64>,
    queued: Option<Instant>,
}

impl Stopwatch {
    pub fn start(end_of_turn: f64) -> Self {
        Self {
            end_of_turn,
            decided: Instant::now(),
            heard: None,
            answered: None,
            reply_turn: None,
            queued: None,
        }
    }

    pub fn transcribed(&mut self, heard: Instant, answered: Instant) {
        self.heard = Some(heard);
        self.answered = Some(answered);
    }

    /// The interviewer turn that answers this one; the first after the answer counts.
    pub fn replied_with(&mut self, turn: i64) {
        if self.answered.is_some() && self.reply_turn.is_none() {
            self.reply_turn = Some(turn);
        }
    }

    pub fn queued(&mut self, turn: i64, at: Instant) {
        if self.reply_turn == Some(turn) && self.queued.is_none() {
            self.queued = Some(at);
        }
    }

    /// The reply's first packet went out at `at`: the timing, if this was that reply.
    pub fn sent(&self, turn: i64, at: Instant) -> Option<TurnTiming> {
        if self.reply_turn != Some(turn) {
            return None;
        }
        let (heard, answered, queued) = (self.heard?, self.answered?, self.queued?);
        let secs = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64();
        Some(TurnTiming {
            end_of_turn: self.end_of_turn,
            transcribe: secs(self.decided, heard),
            reply: secs(heard, answered),
            first_speech: secs(answered, queued),
            first_packet: secs(queued, at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stages_add_up_for_the_reply_and_nothing_else() {
        let mut w = Stopwatch::start(0.3);
        let t0 = w.decided;
        let ms = |n| t0 + Duration::from_millis(n);
        w.replied_with(7);
        assert_eq!(
            w.reply_turn, None,
            "a turn before the answer is not the reply"
        );
        w.transcribed(ms(400), ms(450));
        w.replied_with(8);
        w.replied_with(9);
        w.queued(9, ms(500));
        assert!(w.sent(8, ms(700)).is_none(), "not yet queued");
        w.queued(8, ms(600));
        let t = w.sent(8, ms(640)).unwrap();
        assert!((t.total() - (0.3 + 0.64)).abs() < 1e-9, "{t:?}");
        assert!((t.first_packet - 0.04).abs() < 1e-9);
    }
}
