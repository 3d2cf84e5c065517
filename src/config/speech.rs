//! Hearing and speaking: Whisper and the VAD, and the interviewer's voice.

use std::path::PathBuf;

use serde::Deserialize;

use super::within;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SttConfig {
    /// whisper.cpp model in ggml format (`scripts/fetch-models` places it).
    pub model: PathBuf,
    /// Silero VAD model and the ONNX Runtime library that runs it.
    pub vad_model: PathBuf,
    /// Smart Turn: whether a pause in live speech ends the candidate's turn.
    pub turn_model: PathBuf,
    pub onnxruntime: PathBuf,
    /// Speech probability at which a VAD segment starts (it ends 0.15 below).
    pub vad_threshold: f32,
    /// Silence that ends a speech segment.
    pub vad_min_silence_ms: u32,
    /// `auto`: an encoder window sized to the utterance, retried at full size if the decoder
    /// loops (fast); `full`: always the 30 s window (slow on short answers).
    pub audio_context: crate::pipeline::transcribe::AudioContext,
    /// CPU threads per transcription.
    pub threads: usize,
    pub language: String,
    /// Prompt Whisper to keep filled pauses ("um", "uh"), which it otherwise drops. Recorded
    /// answers are then transcribed with the full window (the prompt needs it).
    pub filler_prompt: bool,
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            model: "models/ggml-tiny.en-q8_0.bin".into(),
            vad_model: "models/silero_vad.onnx".into(),
            turn_model: "models/smart-turn-v3.2-cpu.onnx".into(),
            onnxruntime: "models/libonnxruntime.so.1.31.1".into(),
            vad_threshold: 0.5,
            vad_min_silence_ms: 300,
            audio_context: crate::pipeline::transcribe::AudioContext::Auto,
            threads: 2,
            language: "en".into(),
            filler_prompt: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TtsEngine {
    /// The Piper voice, with espeak-ng standing in for any sentence Piper fails on.
    Piper,
    /// espeak-ng alone: robotic but small, and needs no model file.
    Espeak,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TtsConfig {
    pub engine: TtsEngine,
    /// Piper voice model; its configuration is the same path plus `.json`.
    pub voice: PathBuf,
    /// espeak-ng voice for the fallback (and for Piper's phonemes, which the Piper voice names).
    pub espeak_voice: String,
    /// Folder holding `espeak-ng-data`; unset uses the data built with the binary.
    pub espeak_data: Option<PathBuf>,
    /// Silence inserted between sentences, which are synthesized one at a time.
    pub sentence_pause_ms: u32,
    /// Speaking speed: above 1 is slower (Piper's `length_scale`).
    pub length_scale: f32,
}

impl Default for TtsConfig {
    fn default() -> Self {
        Self {
            engine: TtsEngine::Piper,
            voice: "models/en_US-joe-medium.onnx".into(),
            espeak_voice: "en-us".into(),
            espeak_data: None,
            sentence_pause_ms: 200,
            length_scale: 1.0,
        }
    }
}

impl SttConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within("stt.threads", self.threads, 1..=64, "")?;
        within(
            "stt.vad_threshold",
            self.vad_threshold,
            0.2..=0.95,
            "default 0.5",
        )?;
        Ok(())
    }
}

impl TtsConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        within(
            "tts.length_scale",
            self.length_scale,
            0.5..=2.0,
            "default 1.0; above 1 is slower",
        )?;
        within(
            "tts.sentence_pause_ms",
            self.sentence_pause_ms,
            0..=2000,
            "default 200",
        )?;
        Ok(())
    }
}
