//! End of turn, sans I/O: fed one VAD probability per frame, it decides when the candidate
//! has finished. A short silence only prompts a question to the end-of-turn model (Smart
//! Turn): "finished" ends the turn at once, "still thinking" keeps listening, asking again
//! as the pause grows; a long enough silence ends the turn regardless.

use super::silero::FRAME_SAMPLES;

const FRAME_MS: u32 = (FRAME_SAMPLES as u32 * 1000) / 16_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndpointSettings {
    /// VAD probability that counts as speech.
    pub speech_threshold: f32,
    /// Silence after speech before the model is first asked.
    pub ask_after_ms: u32,
    /// While the model says "not finished", ask again this often, as long as the audio it
    /// hears still grows (`model_tail_ms` of silence): the same audio gets the same answer.
    pub ask_every_ms: u32,
    /// End-of-turn probability at which the turn ends.
    pub end_probability: f32,
    /// Silence that ends the turn whatever the model says.
    pub max_silence_ms: u32,
    /// Silence that ends the turn once the phrase before the pause reads as a finished
    /// sentence (`reads_finished`), though the model heard the voice as going on.
    pub finished_silence_ms: u32,
    /// The finished-sentence rule applies only while the model's latest end-of-turn
    /// probability for the pause is at least this: Whisper puts full stops at many thinking
    /// pauses, and a voice that plainly goes on overrules them.
    pub finished_min_probability: f32,
    /// Silence that ends the turn when the phrase reads as a finished sentence but the model's
    /// reading is under `finished_min_probability`: the two disagree, so the pause is given
    /// longer than an agreed end and less than `max_silence_ms`.
    pub finished_doubted_silence_ms: u32,
    /// Speech must last this long to open a turn (a click or a cough does not).
    pub min_speech_ms: u32,
    /// Silence after the last speech frame that the model hears with the speech.
    pub model_tail_ms: u32,
}

impl Default for EndpointSettings {
    fn default() -> Self {
        Self {
            speech_threshold: 0.5,
            // Measured in `cargo bench --bench turns`: asking at 100 ms rather than 200 ms
            // answers 100 ms sooner and cut off no more answers with thinking pauses; at
            // 64 ms, 9 of 18 were cut off (at 100 ms, 4).
            ask_after_ms: 100,
            ask_every_ms: 500,
            end_probability: 0.5,
            max_silence_ms: 3000,
            finished_silence_ms: 700,
            // Measured in `cargo bench --bench turns` over 18 answers: without a floor the
            // rule cut off 15 at a thinking pause; at 0.1, 4 (as Smart Turn alone), while
            // 4 ends took over 1.5 s (Smart Turn alone, 5).
            finished_min_probability: 0.1,
            // Off (equal to `max_silence_ms`): Smart Turn under the floor mostly hears a
            // thinking pause, and a shorter limit cut them off (of 18 answers, 11 at 1500 ms,
            // 7 at 2000 ms, against 4 at 3000 ms) for no fewer ends over 1.5 s at 2000 ms.
            finished_doubted_silence_ms: 3000,
            min_speech_ms: 96,
            model_tail_ms: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Listen,
    /// Run the end-of-turn model on the audio so far, then call `model_said`.
    AskModel,
    /// The turn ended; speech last heard at `speech_end` (a sample index).
    EndOfTurn {
        speech_end: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Endpointer {
    s: EndpointSettings,
    frame: usize,
    heard_speech: bool,
    speech_frames: u32,
    silent_frames: u32,
    next_ask_ms: u32,
    /// The phrase this pause closed reads as a finished sentence.
    finished: bool,
    /// The model's latest end-of-turn probability during this pause.
    heard_probability: f32,
}

impl Endpointer {
    pub fn new(s: EndpointSettings) -> Self {
        Self {
            s,
            frame: 0,
            heard_speech: false,
            speech_frames: 0,
            silent_frames: 0,
            next_ask_ms: s.ask_after_ms,
            finished: false,
            heard_probability: 0.0,
        }
    }

    /// The words before the current pause read as a finished sentence: the pause ends the
    /// turn at `finished_silence_ms` (at once, if it has lasted that long already).
    pub fn reads_finished(&mut self) {
        if self.heard_speech && self.silent_frames > 0 {
            self.finished = true;
        }
    }

    /// One VAD frame's speech probability.
    pub fn push(&mut self, p: f32) -> Action {
        self.frame += 1;
        if p >= self.s.speech_threshold {
            self.speech_frames += 1;
            if self.speech_frames * FRAME_MS >= self.s.min_speech_ms {
                self.heard_speech = true;
            }
            if self.heard_speech {
                self.silent_frames = 0;
                self.next_ask_ms = self.s.ask_after_ms;
                self.finished = false;
                self.heard_probability = 0.0;
            }
            return Action::Listen;
        }
        self.speech_frames = 0;
        if !self.heard_speech {
            return Action::Listen;
        }
        self.silent_frames += 1;
        let silent_ms = self.silent_frames * FRAME_MS;
        let limit = if !self.finished {
            self.s.max_silence_ms
        } else if self.heard_probability >= self.s.finished_min_probability {
            self.s.finished_silence_ms.min(self.s.max_silence_ms)
        } else {
            self.s
                .finished_doubted_silence_ms
                .min(self.s.max_silence_ms)
        };
        if silent_ms >= limit {
            return self.end();
        }
        if silent_ms >= self.next_ask_ms {
            // The model hears the speech and at most `model_tail_ms` of the pause: once the
            // pause is that long, asking again would put the same question, and its answer
            // would only take the CPU that the phrase's transcription needs.
            self.next_ask_ms = if silent_ms >= self.s.model_tail_ms {
                u32::MAX
            } else {
                silent_ms + self.s.ask_every_ms
            };
            return Action::AskModel;
        }
        Action::Listen
    }

    /// Where the speech heard so far ends (a sample index).
    pub fn speech_end(&self) -> usize {
        (self.frame - self.silent_frames as usize) * FRAME_SAMPLES
    }

    /// How much audio to hand the model: the speech, plus `model_tail_ms` of the silence.
    pub fn model_audio_end(&self) -> usize {
        self.speech_end()
            + (self.s.model_tail_ms as usize * 16).min(self.silent_frames as usize * FRAME_SAMPLES)
    }

    /// The model's end-of-turn probability for the audio so far.
    pub fn model_said(&mut self, p: f32) -> Action {
        self.heard_probability = p;
        if p >= self.s.end_probability {
            self.end()
        } else {
            Action::Listen
        }
    }

    fn end(&mut self) -> Action {
        let speech_end = self.speech_end();
        self.heard_speech = false;
        self.speech_frames = 0;
        self.silent_frames = 0;
        self.next_ask_ms = self.s.ask_after_ms;
        self.finished = false;
        self.heard_probability = 0.0;
        Action::EndOfTurn { speech_end }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(ms: u32) -> usize {
        (ms / FRAME_MS) as usize
    }

    /// `ms` of speech, whatever the endpointer says to it.
    fn speak(e: &mut Endpointer, ms: u32) {
        for _ in 0..frames(ms) {
            e.push(0.9);
        }
    }

    #[test]
    fn a_finished_answer_ends_when_the_model_agrees() {
        let mut e = Endpointer::new(EndpointSettings::default());
        for _ in 0..frames(1000) {
            assert_eq!(e.push(0.9), Action::Listen);
        }
        let mut asked = None;
        for i in 0..frames(1000) {
            if e.push(0.0) == Action::AskModel {
                asked = Some(i);
                break;
            }
        }
        // The first frame at or past `ask_after_ms` of silence.
        assert_eq!(
            asked,
            Some(
                (EndpointSettings::default().ask_after_ms as usize).div_ceil(FRAME_MS as usize) - 1
            )
        );
        assert_eq!(
            e.model_said(0.9),
            Action::EndOfTurn {
                speech_end: frames(1000) * FRAME_SAMPLES
            }
        );
    }

    #[test]
    fn a_thinking_pause_keeps_listening_until_the_hard_limit() {
        let s = EndpointSettings::default();
        let mut e = Endpointer::new(s);
        speak(&mut e, 500);
        let mut asks = 0;
        let mut ended_at = None;
        for i in 0..frames(4000) {
            match e.push(0.0) {
                Action::AskModel => {
                    asks += 1;
                    assert_eq!(e.model_said(0.1), Action::Listen);
                }
                Action::EndOfTurn { .. } => {
                    ended_at = Some(i + 1);
                    break;
                }
                Action::Listen => {}
            }
        }
        assert_eq!(
            asks, 1,
            "the model hears no silence: one question per pause"
        );
        assert_eq!(
            ended_at.map(|f| f as u32 * FRAME_MS / 100),
            Some(s.max_silence_ms / 100)
        );
    }

    #[test]
    fn the_model_is_asked_again_only_while_it_hears_more_of_the_pause() {
        let s = EndpointSettings {
            model_tail_ms: 700,
            ..EndpointSettings::default()
        };
        let mut e = Endpointer::new(s);
        speak(&mut e, 500);
        let mut heard = Vec::new();
        for _ in 0..frames(2900) {
            if e.push(0.0) == Action::AskModel {
                heard.push((e.model_audio_end() - e.speech_end()) / 16);
                assert_eq!(e.model_said(0.1), Action::Listen);
            }
        }
        // Asked at 100, 600 and 1100 ms of silence; the last hears the whole tail, and
        // no question after it would hear anything new.
        assert_eq!(heard.len(), 3, "{heard:?}");
        assert!(heard[0] < heard[1] && heard[1] < heard[2], "{heard:?}");
        assert_eq!(heard[2], 700);
    }

    #[test]
    fn speech_resets_the_pause_and_silence_alone_never_ends_a_turn() {
        let s = EndpointSettings::default();
        let mut e = Endpointer::new(s);
        assert!((0..frames(5000)).all(|_| e.push(0.0) == Action::Listen));
        // A one-frame click opens no turn.
        e.push(0.9);
        assert!((0..frames(5000)).all(|_| e.push(0.0) == Action::Listen));
        speak(&mut e, 300);
        // A pause just short of the first question to the model, then more speech: the
        // next pause counts from zero again.
        let short = s.ask_after_ms - FRAME_MS;
        for _ in 0..frames(short) {
            assert_eq!(e.push(0.0), Action::Listen);
        }
        speak(&mut e, 300);
        assert!((0..frames(short)).all(|_| e.push(0.0) == Action::Listen));
    }

    #[test]
    fn a_pause_after_a_finished_sentence_ends_sooner_and_only_that_pause() {
        let s = EndpointSettings::default();
        let mut e = Endpointer::new(s);
        speak(&mut e, 800);
        // Before any pause there is nothing to finish.
        e.reads_finished();
        let mut ended_at = None;
        for i in 0..frames(4000) {
            match e.push(0.0) {
                Action::AskModel => {
                    assert_eq!(e.model_said(0.1), Action::Listen);
                    e.reads_finished();
                }
                Action::EndOfTurn { .. } => {
                    ended_at = Some((i + 1) as u32 * FRAME_MS);
                    break;
                }
                Action::Listen => {}
            }
        }
        let ended_at = ended_at.expect("the turn ends");
        assert!(
            (s.finished_silence_ms..s.finished_silence_ms + FRAME_MS).contains(&ended_at),
            "{ended_at}"
        );

        // Speech after the finished sentence: the next pause waits for the model or the
        // hard limit again.
        speak(&mut e, 800);
        let mut asked = false;
        for _ in 0..frames(300) {
            if e.push(0.0) == Action::AskModel {
                e.model_said(0.1);
                e.reads_finished();
                asked = true;
            }
        }
        assert!(asked);
        speak(&mut e, 200);
        for i in 0..frames(4000) {
            if let Action::EndOfTurn { .. } = e.push(0.0) {
                assert_eq!((i + 1) as u32 * FRAME_MS / 100, s.max_silence_ms / 100);
                return;
            }
        }
        panic!("the turn never ended");
    }

    #[test]
    fn a_finished_sentence_needs_the_model_above_its_floor() {
        let default = EndpointSettings::default();
        let s = EndpointSettings {
            finished_min_probability: 0.2,
            finished_doubted_silence_ms: default.max_silence_ms,
            ..default
        };
        // When the pause ends, for the model's answer at every ask.
        let ends_at = |model: f32, s: EndpointSettings| {
            let mut e = Endpointer::new(s);
            speak(&mut e, 800);
            for i in 0..frames(4000) {
                match e.push(0.0) {
                    Action::AskModel => {
                        assert_eq!(e.model_said(model), Action::Listen);
                        e.reads_finished();
                    }
                    Action::EndOfTurn { .. } => return (i + 1) as u32 * FRAME_MS / 100,
                    Action::Listen => {}
                }
            }
            panic!("the turn never ended");
        };
        assert_eq!(ends_at(0.3, s), s.finished_silence_ms / 100);
        assert_eq!(
            ends_at(0.1, s),
            s.max_silence_ms / 100,
            "a voice that plainly goes on overrules the full stop"
        );
        // Where the two disagree, a limit between the agreed end and the hard one.
        let doubted = EndpointSettings {
            finished_doubted_silence_ms: 1800,
            ..s
        };
        assert_eq!(ends_at(0.1, doubted), 18);
        assert_eq!(ends_at(0.3, doubted), s.finished_silence_ms / 100);
    }
}
