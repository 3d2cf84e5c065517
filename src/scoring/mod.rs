//! Scoring from the candidate's own speech and words. So far: fluency and prosody measured
//! from the audio and Whisper's word timings (`fluency`, `prosody`).

pub mod fluency;
pub mod prosody;
