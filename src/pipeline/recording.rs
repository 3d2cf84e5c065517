//! A whole recorded answer (an upload, a file on the command line) → what was said: VAD finds
//! the speech, Whisper transcribes only that, and fluency and prosody are measured from the
//! words and the audio. Synchronous; callers run it off the async workers.

use std::ops::Range;

use serde::Serialize;

use crate::config::Config;
use crate::pipeline::listen::{Settings, Silero, VadError, speech_segments};
use crate::pipeline::messages::Transcript;
use crate::pipeline::transcribe::{SttError, WhisperSession, transcribe_segments};
use crate::scoring::{fluency, prosody};

#[derive(Debug, thiserror::Error)]
pub enum HearError {
    #[error(transparent)]
    Vad(#[from] VadError),
    #[error(transparent)]
    Stt(#[from] SttError),
}

#[derive(Debug, Clone, Serialize)]
pub struct Heard {
    pub duration_secs: f64,
    /// Speech found by the VAD, in samples at 16 kHz.
    #[serde(serialize_with = "as_seconds")]
    pub speech_segments: Vec<Range<usize>>,
    #[serde(flatten)]
    pub transcript: Transcript,
    pub fluency: fluency::Fluency,
    pub prosody: prosody::Prosody,
}

fn as_seconds<S: serde::Serializer>(r: &[Range<usize>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        r.iter()
            .map(|r| [r.start as f64 / 16_000.0, r.end as f64 / 16_000.0]),
    )
}

/// Transcribes and measures 16 kHz mono `samples`.
pub fn hear(
    config: &Config,
    vad: &mut Silero,
    whisper: &mut WhisperSession,
    samples: &[f32],
) -> Result<Heard, HearError> {
    let settings = Settings {
        threshold: config.stt.vad_threshold,
        min_silence_ms: config.stt.vad_min_silence_ms,
        ..Settings::default()
    };
    let probs = vad.probabilities(samples)?;
    let segments = speech_segments(&probs, samples.len(), settings);
    let transcript = transcribe_segments(whisper, samples, &segments, config.stt.audio_context)?;
    let fluency = fluency::measure(
        &transcript,
        fluency::Settings {
            min_pause_secs: config.scoring.min_pause_ms as f64 / 1000.0,
        },
    );
    Ok(Heard {
        duration_secs: samples.len() as f64 / 16_000.0,
        speech_segments: segments,
        transcript,
        fluency,
        prosody: prosody::measure(samples),
    })
}
