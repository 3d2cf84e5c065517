//! Sentence embeddings (all-MiniLM-L6-v2): a text → a unit vector whose cosine with another
//! says how close their meanings are. WordPiece tokens from the `tokenizers` crate, the BERT
//! encoder in `bert`, then the mean over tokens, normalized, as sentence-transformers does.
//! Synchronous and CPU-bound; callers run it off the async workers.

mod bert;
mod safetensors;

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("the embedding model's weights: {0}")]
    Weights(String),
    #[error("the embedding model's tokenizer: {0}")]
    Tokenizer(String),
    #[error("{0} tokens are more than the embedding model takes")]
    TooLong(usize),
}

/// The tokens the model was trained on per text; sentence-transformers cuts longer texts here
/// too, so a long answer is embedded by its first ~200 words (scorers embed sentences).
const MAX_TOKENS: usize = 256;

pub struct Embedder {
    tokenizer: Tokenizer,
    model: bert::Bert,
}

/// A unit-length sentence vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(Vec<f32>);

impl Embedding {
    /// Cosine similarity: the dot product, both being unit length.
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum()
    }

    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

impl Embedder {
    /// Loads `weights` (a .safetensors file) with `<stem>.tokenizer.json` and
    /// `<stem>.config.json` beside it, as `scripts/fetch-models` places them.
    pub fn load(weights: &Path) -> Result<Self, EmbedError> {
        let beside = |suffix: &str| {
            let stem = weights.file_stem().unwrap_or_default().to_string_lossy();
            weights.with_file_name(format!("{stem}.{suffix}"))
        };
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| EmbedError::Read {
                path: path.to_owned(),
                message: e.to_string(),
            })
        };
        let config_path = beside("config.json");
        let shape: bert::Shape = serde_json::from_slice(&read(&config_path)?)
            .map_err(|e| EmbedError::Weights(format!("{}: {e}", config_path.display())))?;
        let bytes = read(weights)?;
        let model = bert::Bert::load(shape, &safetensors::Tensors::parse(&bytes)?)?;
        let mut tokenizer = Tokenizer::from_bytes(read(&beside("tokenizer.json"))?)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        // The file pads every text to 128 tokens for batched training; one text at a time
        // needs neither padding nor that shorter cut.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: MAX_TOKENS.min(model.max_tokens()),
                ..Default::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        Ok(Self { tokenizer, model })
    }

    pub fn embed(&self, text: &str) -> Result<Embedding, EmbedError> {
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let ids = encoding.get_ids();
        let tokens = self.model.forward(ids)?;
        Ok(mean_normalized(tokens.view()))
    }
}

/// The mean of the token vectors (rows), scaled to unit length (a zero vector stays zero).
fn mean_normalized(tokens: ndarray::ArrayView2<f32>) -> Embedding {
    let mut mean = tokens
        .mean_axis(ndarray::Axis(0))
        .map(|m| m.to_vec())
        .unwrap_or_default();
    let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        mean.iter_mut().for_each(|v| *v /= norm);
    }
    Embedding(mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_is_taken_over_tokens_then_made_unit_length() {
        let rows = ndarray::arr2(&[[3.0, 0.0], [3.0, 8.0]]);
        let e = mean_normalized(rows.view());
        assert!((e.0[0] - 0.6).abs() < 1e-6 && (e.0[1] - 0.8).abs() < 1e-6);
        assert!((e.cosine(&e) - 1.0).abs() < 1e-6);
        let zero = ndarray::Array2::<f32>::zeros((1, 2));
        assert_eq!(mean_normalized(zero.view()).0, vec![0.0, 0.0]);
    }
}
