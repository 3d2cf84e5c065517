//! Silero VAD v6 through ONNX Runtime. One model session per stream: the recurrent state and
//! the 64-sample context carry from frame to frame.

use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

/// Samples per VAD frame at 16 kHz (32 ms).
pub const FRAME_SAMPLES: usize = 512;
/// Samples of the previous frame the model sees before each new frame.
const CONTEXT: usize = 64;
const STATE: usize = 2 * 128;

#[derive(Debug, thiserror::Error)]
pub enum VadError {
    #[error("missing {0}; run scripts/fetch-models (see models/README.md)")]
    Missing(String),
    #[error("cannot load ONNX Runtime from {path}: {message}")]
    Runtime { path: String, message: String },
    #[error("cannot load the VAD model {path}: {message}")]
    Model { path: String, message: String },
    #[error("VAD inference failed: {0}")]
    Inference(String),
}

/// One single-threaded ONNX Runtime session for `model`, loading the runtime library first;
/// a missing file is named with how to get it.
pub(super) fn onnx_session(model: &Path, runtime: &Path) -> Result<Session, VadError> {
    for p in [model, runtime] {
        if !p.is_file() {
            return Err(VadError::Missing(p.display().to_string()));
        }
    }
    crate::onnx::init_runtime(runtime).map_err(|message| VadError::Runtime {
        path: runtime.display().to_string(),
        message,
    })?;
    let err = |e: &dyn std::fmt::Display| VadError::Model {
        path: model.display().to_string(),
        message: e.to_string(),
    };
    Session::builder()
        .map_err(|e| err(&e))?
        .with_intra_threads(1)
        .map_err(|e| err(&e))?
        .commit_from_file(model)
        .map_err(|e| err(&e))
}

pub struct Silero {
    session: Session,
    state: Vec<f32>,
    context: Vec<f32>,
}

impl Silero {
    /// `runtime` is the ONNX Runtime shared library, `model` the Silero `.onnx` file.
    pub fn load(model: &Path, runtime: &Path) -> Result<Self, VadError> {
        let session = onnx_session(model, runtime)?;
        Ok(Self {
            session,
            state: vec![0.0; STATE],
            context: vec![0.0; CONTEXT],
        })
    }

    /// Forgets the stream so far (a new utterance or file).
    pub fn reset(&mut self) {
        self.state.iter_mut().for_each(|v| *v = 0.0);
        self.context.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Speech probability of the next 512-sample frame; a shorter last frame is zero-padded.
    pub fn probability(&mut self, frame: &[f32]) -> Result<f32, VadError> {
        let mut input = Vec::with_capacity(CONTEXT + FRAME_SAMPLES);
        input.extend_from_slice(&self.context);
        input.extend(frame.iter().take(FRAME_SAMPLES));
        input.resize(CONTEXT + FRAME_SAMPLES, 0.0);
        self.context.copy_from_slice(&input[FRAME_SAMPLES..]);
        let fail = |e: ort::Error| VadError::Inference(e.to_string());
        let x = Tensor::from_array(([1usize, CONTEXT + FRAME_SAMPLES], input)).map_err(fail)?;
        let state = Tensor::from_array(([2usize, 1, 128], self.state.clone())).map_err(fail)?;
        let sr = Tensor::from_array(((), vec![16_000i64])).map_err(fail)?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => x, "state" => state, "sr" => sr])
            .map_err(fail)?;
        let (_, p) = outputs["output"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        let p = p
            .first()
            .copied()
            .ok_or_else(|| VadError::Inference("empty output".into()))?;
        let (_, next) = outputs["stateN"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        if next.len() == STATE {
            self.state.copy_from_slice(next);
        }
        Ok(p)
    }

    /// Probabilities for every frame of a whole recording.
    pub fn probabilities(&mut self, samples: &[f32]) -> Result<Vec<f32>, VadError> {
        self.reset();
        samples
            .chunks(FRAME_SAMPLES)
            .map(|f| self.probability(f))
            .collect()
    }
}
