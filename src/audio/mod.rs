//! Audio in: decoding WAV files of any common layout (8/16/24/32-bit integer or float, mono
//! or multi-channel, any rate) to the 16 kHz mono `f32` that the speech stages take.

mod resample;
pub use resample::{StreamResampler, convert as resample};
pub mod wav;

/// The sample rate of everything the speech stages see.
pub const SAMPLE_RATE_HZ: u32 = 16_000;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("not a readable WAV file: {0}")]
    Format(String),
    #[error("the audio is empty")]
    Empty,
    #[error("unsupported audio: {0}")]
    Unsupported(String),
    #[error("resampling failed: {0}")]
    Resample(String),
}

/// Mono 16 kHz samples in [-1, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Pcm16k {
    pub samples: Vec<f32>,
}

impl Pcm16k {
    pub fn duration_secs(&self) -> f64 {
        self.samples.len() as f64 / f64::from(SAMPLE_RATE_HZ)
    }
}
