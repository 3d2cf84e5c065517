//! A Piper voice run with ONNX Runtime: phonemes from espeak-ng, ids from the voice's
//! config (piper-rs' `ModelConfig`), audio and per-phoneme durations from one run of the
//! graph (see `graph`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::Session;
use ort::value::Tensor;
use piper_rs::ModelConfig;

use super::timing::from_piper_durations;
use super::{SpeakError, espeak, graph};
use crate::pipeline::messages::{SpeechAudio, VoiceName};

const BOS: char = '^';
const EOS: char = '$';
const PAD: char = '_';

pub struct PiperVoice {
    session: Mutex<Session>,
    durations: String,
    espeak_voice: String,
    sample_rate: u32,
    ids: HashMap<char, i64>,
    bos: i64,
    eos: i64,
    pad: i64,
    scales: [f32; 3],
}

fn voice_error(path: &Path, message: impl std::fmt::Display) -> SpeakError {
    SpeakError::Voice {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// The voice's configuration file: the model path with `.json` appended.
pub fn config_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(".json");
    name.into()
}

impl PiperVoice {
    /// Loads `model` (and `model.json`) with the ONNX Runtime library at `runtime`;
    /// `length_scale` above 1 speaks more slowly.
    pub fn load(model: &Path, runtime: &Path, length_scale: f32) -> Result<Self, SpeakError> {
        let config_file = config_path(model);
        for p in [model, config_file.as_path(), runtime] {
            if !p.is_file() {
                return Err(SpeakError::Missing(p.display().to_string()));
            }
        }
        let config: ModelConfig = std::fs::read(&config_file)
            .map_err(|e| voice_error(&config_file, e))
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| voice_error(&config_file, e)))?;
        let bytes = std::fs::read(model).map_err(|e| voice_error(model, e))?;
        let (durations, bytes) =
            graph::expose_durations(&bytes).map_err(|e| voice_error(model, e))?;
        crate::onnx::init_runtime(runtime).map_err(|message| SpeakError::Runtime {
            path: runtime.display().to_string(),
            message,
        })?;
        let session = Session::builder()
            .map_err(|e| voice_error(model, e))?
            .with_intra_threads(2)
            .map_err(|e| voice_error(model, e))?
            // Idle pool threads would otherwise spin after each sentence, taking the CPU
            // the call's video and Whisper need.
            .with_intra_op_spinning(false)
            .map_err(|e| voice_error(model, e))?
            // Every sentence has its own input length, and a memory pattern is planned and
            // kept for each: the process grew by hundreds of MB over a call.
            .with_memory_pattern(false)
            .map_err(|e| voice_error(model, e))?
            .commit_from_memory(&bytes)
            .map_err(|e| voice_error(model, e))?;
        let ids: HashMap<char, i64> = config
            .phoneme_id_map
            .iter()
            .filter_map(|(c, ids)| Some((*c, *ids.first()?)))
            .collect();
        let id = |c: char| {
            ids.get(&c)
                .copied()
                .ok_or_else(|| voice_error(&config_file, format!("no id for `{c}`")))
        };
        let inference = &config.inference;
        Ok(Self {
            bos: id(BOS)?,
            eos: id(EOS)?,
            pad: id(PAD)?,
            session: Mutex::new(session),
            durations,
            espeak_voice: config.espeak.voice.clone(),
            sample_rate: config.audio.sample_rate,
            scales: [
                inference.noise_scale,
                inference.length_scale * length_scale,
                inference.noise_w,
            ],
            ids,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Speech for one sentence.
    pub fn synthesize(&self, text: &str) -> Result<SpeechAudio, SpeakError> {
        let phonemes = espeak::phonemes(text, &self.espeak_voice)?;
        // Symbols the voice has no id for (rare IPA) are left out, as Piper itself does.
        let symbols: Vec<char> = phonemes
            .chars()
            .filter(|c| self.ids.contains_key(c))
            .collect();
        if symbols.is_empty() {
            return Err(SpeakError::Empty(text.into()));
        }
        let mut input = Vec::with_capacity(2 + 2 * symbols.len());
        input.push(self.bos);
        for c in &symbols {
            input.extend([self.ids[c], self.pad]);
        }
        input.push(self.eos);

        let fail = |e: ort::Error| SpeakError::Synthesis(e.to_string());
        let n = input.len();
        let input = Tensor::from_array(([1usize, n], input)).map_err(fail)?;
        let lengths = Tensor::from_array(([1usize], vec![n as i64])).map_err(fail)?;
        let scales = Tensor::from_array(([3usize], self.scales.to_vec())).map_err(fail)?;
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
            .map_err(fail)?;
        let (_, audio) = outputs["output"]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        let (_, frames) = outputs[self.durations.as_str()]
            .try_extract_tensor::<f32>()
            .map_err(fail)?;
        let timings = from_piper_durations(&symbols, frames, audio.len(), self.sample_rate)
            .map_err(|e| SpeakError::Synthesis(e.to_string()))?;
        Ok(SpeechAudio {
            text: text.into(),
            pcm: audio.iter().map(|s| s.clamp(-1.0, 1.0)).collect(),
            sample_rate: self.sample_rate,
            phonemes: timings,
            voice: VoiceName::Piper,
        })
    }
}
