//! transcribe: speech to words with whisper.cpp (whisper-rs). One `Whisper` (the model) per
//! process, one `WhisperSession` (decoder state) per interview. Input: 16 kHz mono samples
//! of one utterance; output: `Transcript` with word times relative to the utterance.
//!
//! The core is synchronous and CPU-bound: async callers run it on `spawn_blocking`.

mod whisper;
pub mod words;

pub use whisper::{SttError, Whisper, WhisperSession};
