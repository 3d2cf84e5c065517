//! listen: voice activity detection on 16 kHz mono audio with Silero VAD (ONNX Runtime via
//! `ort`), and the segmentation of its per-frame probabilities into speech segments. The
//! model core (`silero`) and the segmenter (`segmenter`, pure) are synchronous; callers run
//! them off the async workers.

mod segmenter;
mod silero;

pub use segmenter::{Segmenter, Settings, speech_segments};
pub use silero::{FRAME_SAMPLES, Silero, VadError};
