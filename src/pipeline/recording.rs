//! A whole recorded answer (an upload, a file on the command line) → what was said: VAD finds
//! the speech, Whisper transcribes only that, and fluency and prosody are measured from the
//! words and the audio. This is the verbatim record that is stored and scored, so it takes
//! Whisper's full window with the filler prompt (about 1.2 s per 28 s of speech with tiny.en
//! on 2 cores) rather than the fast turn-taking pass. Synchronous; callers run it off the
//! async workers.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::pipeline::listen::{Settings, Silero, VadError, silences, speech_segments};
use crate::pipeline::messages::Transcript;
use crate::pipeline::transcribe::{AudioContext, SttError, WhisperSession, transcribe_segments};
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
    pub quality: Quality,
}

/// What scoring keeps of a heard answer beside its words and audio: the figures measured
/// from them, stored with the recording (`turn_recordings.measures`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measures {
    pub fluency: fluency::Fluency,
    pub prosody: prosody::Prosody,
    pub quality: Quality,
}

impl Heard {
    pub fn measures(&self) -> Measures {
        Measures {
            fluency: self.fluency.clone(),
            prosody: self.prosody.clone(),
            quality: self.quality.clone(),
        }
    }
}

/// How far the transcript can be trusted, said rather than hidden.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quality {
    /// Mean of Whisper's word probabilities; none without words.
    pub mean_word_prob: Option<f32>,
    /// Share of words below `LOW_WORD_PROB`.
    pub doubtful_word_share: Option<f32>,
    /// Share of samples at full scale: the recording was too loud.
    pub clipped_share: f32,
    pub low_confidence: bool,
    /// Plain-language reasons, for the reviewer.
    pub warnings: Vec<String>,
}

const LOW_WORD_PROB: f32 = 0.5;
const CLIPPED_LEVEL: f32 = 0.99;
/// Above this share of clipped samples the audio is distorted enough to say so.
const CLIPPED_WARN: f32 = 0.001;
/// Above this share the transcript itself is in doubt.
const CLIPPED_LOW: f32 = 0.01;

pub fn quality(transcript: &Transcript, samples: &[f32]) -> Quality {
    let words = &transcript.words;
    let n = words.len() as f32;
    let mean_word_prob = (!words.is_empty()).then(|| words.iter().map(|w| w.prob).sum::<f32>() / n);
    let doubtful_word_share = (!words.is_empty())
        .then(|| words.iter().filter(|w| w.prob < LOW_WORD_PROB).count() as f32 / n);
    let clipped = samples.iter().filter(|s| s.abs() >= CLIPPED_LEVEL).count();
    let clipped_share = clipped as f32 / samples.len().max(1) as f32;
    let mut warnings = Vec::new();
    if clipped_share > CLIPPED_WARN {
        warnings.push(format!(
            "{:.1}% of the recording is clipped (too loud); words may be misheard",
            clipped_share * 100.0
        ));
    }
    if let Some(share) = doubtful_word_share
        && share > 0.25
    {
        warnings.push(format!(
            "the recognizer is unsure of {:.0}% of the words",
            share * 100.0
        ));
    }
    Quality {
        low_confidence: mean_word_prob.is_some_and(|p| p < 0.6)
            || doubtful_word_share.is_some_and(|s| s > 0.25)
            || clipped_share > CLIPPED_LOW,
        mean_word_prob,
        doubtful_word_share,
        clipped_share,
        warnings,
    }
}

fn as_seconds<S: serde::Serializer>(r: &[Range<usize>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        r.iter()
            .map(|r| [r.start as f64 / 16_000.0, r.end as f64 / 16_000.0]),
    )
}

/// Transcribes and measures 16 kHz mono `samples` verbatim: the record of an answer, with
/// the filler prompt (when configured), which needs the full window.
pub fn hear(
    config: &Config,
    vad: &mut Silero,
    whisper: &mut WhisperSession,
    samples: &[f32],
) -> Result<Heard, HearError> {
    let (probs, segments) = speech(config, vad, samples)?;
    let context = if config.stt.filler_prompt {
        AudioContext::Full
    } else {
        config.stt.audio_context
    };
    let transcript = transcribe_segments(whisper, samples, &segments, &probs, context)?;
    let quality = quality(&transcript, samples);
    let min_pause_secs = config.scoring.min_pause_ms as f64 / 1000.0;
    // Silence as the segmenter ends speech: below the threshold less its hysteresis.
    let quiet = silences(
        &probs,
        (config.stt.vad_threshold - 0.15).max(0.05),
        min_pause_secs,
    );
    let fluency =
        fluency::measure_with_silences(&transcript, fluency::Settings { min_pause_secs }, &quiet);
    Ok(Heard {
        duration_secs: samples.len() as f64 / 16_000.0,
        speech_segments: segments,
        transcript,
        fluency,
        prosody: prosody::measure(samples),
        quality,
    })
}

/// The words of 16 kHz mono `samples`, fast, for turn-taking in a live call: the speech
/// only, Whisper's window sized to it, no prompt. Filled pauses are mostly lost, and nothing
/// is measured; the verbatim `hear` revises the record afterwards.
pub fn transcribe_fast(
    config: &Config,
    vad: &mut Silero,
    whisper: &mut WhisperSession,
    samples: &[f32],
) -> Result<Transcript, HearError> {
    let (probs, segments) = speech(config, vad, samples)?;
    Ok(transcribe_segments(
        whisper,
        samples,
        &segments,
        &probs,
        AudioContext::Quick,
    )?)
}

/// The VAD's probabilities over `samples` and the speech segments they make.
fn speech(
    config: &Config,
    vad: &mut Silero,
    samples: &[f32],
) -> Result<(Vec<f32>, Vec<Range<usize>>), HearError> {
    let settings = Settings {
        threshold: config.stt.vad_threshold,
        min_silence_ms: config.stt.vad_min_silence_ms,
        ..Settings::default()
    };
    let probs = vad.probabilities(samples)?;
    let segments = speech_segments(&probs, samples.len(), settings);
    Ok((probs, segments))
}
