//! The contract between stages and the session that drives them: owned data, no engine types.

use serde::{Deserialize, Serialize};

use crate::code::Language;

/// What the candidate does, whatever the medium (typed, spoken, the code editor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CandidateInput {
    /// The answer to the AI disclosure: nothing is scored without `accepted: true`.
    Consent {
        accepted: bool,
    },
    /// Instead of consenting: the alternative process, the same questions with the answers
    /// reviewed by a person and nothing scored automatically (hiring interviews only).
    Alternative,
    Answer {
        text: String,
    },
    Code {
        language: Language,
        code: String,
    },
    /// Move on from the current question without answering further.
    Skip,
    /// End the interview now.
    End,
}

impl CandidateInput {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Consent { .. } => "consent",
            Self::Alternative => "alternative",
            Self::Answer { .. } => "answer",
            Self::Code { .. } => "code",
            Self::Skip => "skip",
            Self::End => "end",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// Greeting with the AI disclosure and the request for consent.
    Disclosure,
    Question,
    FollowUp,
    /// Guidance that moves nothing forward (for example: consent is still needed).
    Notice,
    /// The invitation to ask the interviewer questions, and answers to them.
    CandidateQuestions,
    Closing,
}

impl ReplyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disclosure => "disclosure",
            Self::Question => "question",
            Self::FollowUp => "follow_up",
            Self::Notice => "notice",
            Self::CandidateQuestions => "candidate_questions",
            Self::Closing => "closing",
        }
    }
}

/// Who wrote a reply's words: the interview script, the built-in interviewer or the LLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplySource {
    Script,
    Builtin,
    Llm,
}

impl ReplySource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Script => "script",
            Self::Builtin => "builtin",
            Self::Llm => "llm",
        }
    }
}

/// One interviewer turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub kind: ReplyKind,
    pub text: String,
    pub question_id: Option<i64>,
    pub source: ReplySource,
    /// What a follow-up is about (`FollowUp::key`), so its answer can be judged against
    /// the code analysis rather than the wording of the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
}

/// One transcribed word, times in seconds from the start of its utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// The model's confidence in the word, 0 to 1.
    pub prob: f32,
}

/// What the candidate said in one utterance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub words: Vec<Word>,
}

impl Transcript {
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One phoneme of synthesized speech, in seconds from the start of its audio; the avatar's
/// mouth shapes follow these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phoneme {
    /// IPA symbol; `_` is silence, ` ` a word boundary, punctuation a clause boundary.
    pub symbol: String,
    pub start: f64,
    pub end: f64,
}

/// Which voice made a piece of speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceName {
    Piper,
    Espeak,
}

/// The interviewer's speech for one sentence (or a whole reply, joined): mono samples in
/// -1..1 and the phonemes they say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeechAudio {
    pub text: String,
    #[serde(skip)]
    pub pcm: Vec<f32>,
    pub sample_rate: u32,
    pub phonemes: Vec<Phoneme>,
    pub voice: VoiceName,
}

impl SpeechAudio {
    pub fn duration(&self) -> f64 {
        self.pcm.len() as f64 / f64::from(self.sample_rate)
    }

    /// Appends `next` after `pause_s` of silence, shifting its phonemes to match.
    pub fn append(&mut self, next: SpeechAudio, pause_s: f64) {
        debug_assert_eq!(self.sample_rate, next.sample_rate);
        if self.pcm.is_empty() {
            *self = next;
            return;
        }
        let pause = (pause_s * f64::from(self.sample_rate)).round() as usize;
        let gap_start = self.duration();
        self.pcm.resize(self.pcm.len() + pause, 0.0);
        let offset = self.duration();
        if pause > 0 {
            self.push_phoneme(Phoneme {
                symbol: "_".into(),
                start: gap_start,
                end: offset,
            });
        }
        for p in next.phonemes {
            self.push_phoneme(Phoneme {
                start: p.start + offset,
                end: p.end + offset,
                ..p
            });
        }
        self.pcm.extend(next.pcm);
        self.text = format!("{} {}", self.text, next.text);
        if next.voice == VoiceName::Espeak {
            // A reply is only as good as its worst sentence: say so when any fell back.
            self.voice = VoiceName::Espeak;
        }
    }

    /// Adds `p`, merging back-to-back silences (one sentence's end, the pause, the next
    /// one's start) into one.
    fn push_phoneme(&mut self, p: Phoneme) {
        if let Some(last) = self.phonemes.last_mut()
            && last.symbol == "_"
            && p.symbol == "_"
        {
            last.end = p.end;
            return;
        }
        self.phonemes.push(p);
    }
}

/// One rendered frame: RGBA8 (sRGB), rows top to bottom, stamped on the media clock.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFrame {
    pub t: f64,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl VideoFrame {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let at = ((y * self.width + x) * 4) as usize;
        [
            self.rgba[at],
            self.rgba[at + 1],
            self.rgba[at + 2],
            self.rgba[at + 3],
        ]
    }
}
