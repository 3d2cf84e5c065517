//! What to do when the candidate says nothing, sans I/O. Once the interviewer has asked and
//! is listening, a silence of `prompt_after` earns a gentle prompt; a further `end_after`
//! ends the call politely. The interview itself stays open: the candidate can rejoin from
//! the same link, and silence never counts against them.

use std::time::{Duration, Instant};

pub const PROMPT: &str = "Take your time. Whenever you're ready, just start talking, or type your answer below if that's easier.";
pub const GOODBYE: &str = "It seems we've lost each other, so I'll pause the interview here. You can come back to it from the same link whenever you're ready.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SilenceAction {
    Prompt,
    End,
}

#[derive(Debug, Clone)]
pub struct SilenceWatch {
    prompt_after: Duration,
    end_after: Duration,
    since: Option<Instant>,
    prompted: bool,
}

impl SilenceWatch {
    pub fn new(prompt_after: Duration, end_after: Duration) -> Self {
        Self {
            prompt_after,
            end_after,
            since: None,
            prompted: false,
        }
    }

    /// The interviewer is waiting for the candidate (from now, unless already waiting).
    pub fn waiting(&mut self, now: Instant) {
        self.since.get_or_insert(now);
    }

    /// The candidate spoke or typed: the count starts over.
    pub fn heard(&mut self) {
        self.since = None;
        self.prompted = false;
    }

    /// The interviewer is talking, or nobody is connected: not a silence to count.
    pub fn pause(&mut self) {
        self.since = None;
    }

    /// When the next action is due, if any.
    pub fn next(&self) -> Option<(Instant, SilenceAction)> {
        let since = self.since?;
        Some(if self.prompted {
            (since + self.end_after, SilenceAction::End)
        } else {
            (since + self.prompt_after, SilenceAction::Prompt)
        })
    }

    /// `action` was taken. After the prompt, the wait for an answer begins again once it
    /// has been said.
    pub fn fired(&mut self, action: SilenceAction) {
        self.since = None;
        self.prompted = action == SilenceAction::Prompt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_then_an_end_unless_the_candidate_speaks() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut w = SilenceWatch::new(s(20), s(40));
        assert_eq!(w.next(), None, "not waiting yet");
        w.waiting(t0);
        w.waiting(t0 + s(5));
        assert_eq!(w.next(), Some((t0 + s(20), SilenceAction::Prompt)));
        w.fired(SilenceAction::Prompt);
        assert_eq!(w.next(), None, "the prompt is being said");
        w.waiting(t0 + s(25));
        assert_eq!(w.next(), Some((t0 + s(65), SilenceAction::End)));
        w.heard();
        w.waiting(t0 + s(30));
        assert_eq!(
            w.next(),
            Some((t0 + s(50), SilenceAction::Prompt)),
            "an answer resets it"
        );
        w.pause();
        assert_eq!(w.next(), None);
    }
}
