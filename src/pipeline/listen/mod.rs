//! listen: voice activity detection on 16 kHz mono audio with Silero VAD (ONNX Runtime via
//! `ort`), the segmentation of its per-frame probabilities into speech segments, and Smart
//! Turn's judgement of whether a pause ends the candidate's turn. The
//! model core (`silero`) and the segmenter (`segmenter`, pure) are synchronous; callers run
//! them off the async workers.

pub mod features;
mod segmenter;
mod silero;
mod smart_turn;

pub use segmenter::{Segmenter, Settings, speech_segments};
pub use silero::{FRAME_SAMPLES, Silero, VadError};
pub use smart_turn::SmartTurn;
