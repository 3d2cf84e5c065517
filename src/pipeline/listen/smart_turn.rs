//! Smart Turn v3: from the last 8 s of a candidate's audio, the probability that they have
//! finished their turn (rather than pausing to think). Runs through ONNX Runtime.

use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

use super::features::{LogMel, N_FRAMES, N_MELS};
use super::silero::{VadError, onnx_session};

pub struct SmartTurn {
    session: Session,
    mel: LogMel,
}

impl SmartTurn {
    pub fn load(model: &Path, runtime: &Path) -> Result<Self, VadError> {
        let session = onnx_session(model, runtime)?;
        Ok(Self {
            session,
            mel: LogMel::new(),
        })
    }

    /// Probability (0 to 1) that the speech ending at the end of `audio` is a finished turn.
    pub fn probability(&mut self, audio: &[f32]) -> Result<f32, VadError> {
        let features = self.mel.features(audio);
        let fail = |e: ort::Error| VadError::Inference(e.to_string());
        let input = Tensor::from_array(([1usize, N_MELS, N_FRAMES], features)).map_err(fail)?;
        let outputs = self
            .session
            .run(ort::inputs!["input_features" => input])
            .map_err(fail)?;
        let (_, p) = outputs["logits"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        p.first()
            .copied()
            .ok_or_else(|| VadError::Inference("empty output".into()))
    }
}
