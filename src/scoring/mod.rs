//! Scoring from the candidate's own speech and words: fluency and prosody measured from the
//! audio and Whisper's word timings (`fluency`, `prosody`), and content against the rubric
//! from sentence embeddings (`content`), stored by `interview` and run in the background
//! when an interview ends (`queue`).

pub mod content;
pub mod fluency;
pub mod interview;
pub mod prosody;
pub mod queue;
