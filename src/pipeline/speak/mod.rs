//! The interviewer's voice: text → sentences → speech with phoneme timings, one sentence at
//! a time so the first can play while the rest are made. Piper is the voice; espeak-ng
//! stands in for any sentence Piper fails on, or for everything when configured.
//!
//! `sentences`, `timing`, `lead_in`, `graph` and `cache` are pure; `piper` and `espeak` run the
//! engines; `stream` is the thin async driver.

mod cache;
#[allow(unsafe_code)] // espeak-ng's C API; the only unsafe code in the crate
mod espeak;
mod graph;
mod lead_in;
mod piper;
pub mod sentences;
pub mod timing;

use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::config::{TtsConfig, TtsEngine};
use crate::pipeline::messages::{SpeechAudio, VoiceName};
use cache::SentenceCache;
pub use espeak::EspeakError;
use piper::PiperVoice;

/// Audio the sentence cache may hold: about 12 minutes of Piper's 22 kHz voice, a few
/// hundred sentences.
const CACHE_BYTES: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SpeakError {
    #[error("missing {0}; run scripts/fetch-models (see models/README.md)")]
    Missing(String),
    #[error("cannot load ONNX Runtime from {path}: {message}")]
    Runtime { path: String, message: String },
    #[error("cannot load the voice {path}: {message}")]
    Voice { path: String, message: String },
    #[error(transparent)]
    Espeak(#[from] EspeakError),
    #[error("nothing to say in {0:?}")]
    Empty(String),
    #[error("speech synthesis failed: {0}")]
    Synthesis(String),
}

pub struct Speaker {
    piper: Option<PiperVoice>,
    espeak_voice: String,
    sample_rate: u32,
    pause_s: f64,
    cache: Mutex<SentenceCache>,
}

impl Speaker {
    /// Loads the configured voice; `runtime` is the ONNX Runtime library.
    pub fn load(config: &TtsConfig, runtime: &Path) -> Result<Self, SpeakError> {
        let espeak_rate = espeak::init(config.espeak_data.as_deref())?;
        let piper = match config.engine {
            TtsEngine::Piper => Some(PiperVoice::load(
                &config.voice,
                runtime,
                config.length_scale,
            )?),
            TtsEngine::Espeak => None,
        };
        Ok(Self {
            sample_rate: piper.as_ref().map_or(espeak_rate, PiperVoice::sample_rate),
            piper,
            espeak_voice: config.espeak_voice.clone(),
            pause_s: f64::from(config.sentence_pause_ms) / 1000.0,
            cache: Mutex::new(SentenceCache::new(CACHE_BYTES)),
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Speech for one sentence, from the cache, Piper, or else espeak-ng.
    pub fn sentence(&self, text: &str) -> Result<SpeechAudio, SpeakError> {
        if let Some(hit) = self.cache().get(text) {
            return Ok(SpeechAudio::clone(&hit));
        }
        if let Some(piper) = &self.piper {
            match piper.synthesize(text) {
                Ok(mut audio) => {
                    lead_in::trim(&mut audio);
                    self.cache().put(audio.clone());
                    return Ok(audio);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Piper failed on a sentence; espeak-ng speaks it")
                }
            }
        }
        self.espeak_sentence(text)
    }

    /// Makes the first two sentences of each text ahead of need, so that saying it later
    /// starts at once (and a short first sentence, "Thank you.", leaves no gap before the
    /// second). Only Piper's speech is kept: a sentence Piper failed on is tried again.
    pub fn warm<S: AsRef<str>>(&self, texts: &[S]) {
        for text in texts {
            for sentence in sentences::sentences(text.as_ref()).into_iter().take(2) {
                if self.cache().contains(&sentence) {
                    continue;
                }
                if let Err(e) = self.sentence(&sentence) {
                    tracing::debug!(error = %e, "could not prepare a sentence ahead");
                }
            }
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, SentenceCache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn espeak_sentence(&self, text: &str) -> Result<SpeechAudio, SpeakError> {
        let espeak::Synthesized {
            pcm,
            sample_rate: rate,
            events,
        } = espeak::synthesize(text, &self.espeak_voice)?;
        if pcm.is_empty() {
            return Err(SpeakError::Empty(text.into()));
        }
        let duration = pcm.len() as f64 / f64::from(rate);
        let phonemes = timing::from_events(&events, duration);
        // Timings are in seconds, so they survive the change of rate unchanged.
        let pcm = crate::audio::resample(&pcm, rate, self.sample_rate)
            .map_err(|e| SpeakError::Synthesis(e.to_string()))?;
        let mut audio = SpeechAudio {
            text: text.into(),
            pcm,
            sample_rate: self.sample_rate,
            phonemes,
            voice: VoiceName::Espeak,
        };
        lead_in::trim(&mut audio);
        Ok(audio)
    }

    /// The whole of `text` as one piece of speech, sentences joined by the configured pause.
    pub fn speak(&self, text: &str) -> Result<SpeechAudio, SpeakError> {
        let mut reply: Option<SpeechAudio> = None;
        for sentence in sentences::sentences(text) {
            let audio = self.sentence(&sentence)?;
            match &mut reply {
                Some(r) => r.append(audio, self.pause_s),
                None => reply = Some(audio),
            }
        }
        reply.ok_or_else(|| SpeakError::Empty(text.into()))
    }
}

/// The async driver: synthesizes `text` sentence by sentence on a blocking thread and sends
/// each as soon as it is ready. Dropping the receiver stops the work after the current one.
pub fn stream(
    speaker: Arc<Speaker>,
    text: String,
) -> mpsc::Receiver<Result<SpeechAudio, SpeakError>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        for sentence in sentences::sentences(&text) {
            let result = speaker.sentence(&sentence);
            let failed = result.is_err();
            if tx.blocking_send(result).is_err() || failed {
                return;
            }
        }
    });
    rx
}
