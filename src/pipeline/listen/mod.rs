//! listen: voice activity detection on 16 kHz mono audio with Silero VAD (ONNX Runtime via
//! `ort`), the segmentation of its per-frame probabilities into speech segments, and Smart
//! Turn's judgement of whether a pause ends the candidate's turn. The
//! model core (`silero`) and the segmenter (`segmenter`, pure) are synchronous; callers run
//! them off the async workers.

pub mod endpoint;
pub mod features;
mod segmenter;
pub mod sentence;
mod silero;
mod smart_turn;

pub use segmenter::{Segmenter, Settings, quietest, silences, speech_segments};
pub use silero::{FRAME_SAMPLES, Silero, VadError};
pub use smart_turn::SmartTurn;

/// Where the end-of-turn decision was made, and where the speech it closes ended (samples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnEnd {
    pub decided_at: usize,
    pub speech_end: usize,
}

/// Runs VAD, the endpointer and Smart Turn over a whole recording as a live stream would:
/// the model only ever sees audio up to the frame being decided.
pub fn turn_ends(
    vad: &mut Silero,
    turn: &mut SmartTurn,
    samples: &[f32],
    s: endpoint::EndpointSettings,
) -> Result<Vec<TurnEnd>, VadError> {
    use endpoint::{Action, Endpointer};
    vad.reset();
    let mut e = Endpointer::new(s);
    let mut ends = Vec::new();
    for (i, frame) in samples.chunks(FRAME_SAMPLES).enumerate() {
        let heard = (i + 1) * FRAME_SAMPLES;
        let mut action = e.push(vad.probability(frame)?);
        if action == Action::AskModel {
            let end = e.model_audio_end().min(samples.len());
            action = e.model_said(turn.probability(&samples[..end])?);
        }
        if let Action::EndOfTurn { speech_end } = action {
            ends.push(TurnEnd {
                decided_at: heard,
                speech_end,
            });
        }
    }
    Ok(ends)
}
