//! The BERT encoder that all-MiniLM-L6-v2 is (6 layers, 384 wide, 12 heads), run on the CPU:
//! token ids → one vector per token. Sans-I/O: the weights come in as tensors. One sequence at
//! a time, so there is no padding and no attention mask to get wrong.

use ndarray::{Array2, ArrayView2, Axis, s};
use serde::Deserialize;

use super::EmbedError;
use super::safetensors::Tensors;

/// The model's shape, as its `config.json` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct Shape {
    pub hidden_size: usize,
    pub num_attention_heads: usize,
    pub num_hidden_layers: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub vocab_size: usize,
    pub type_vocab_size: usize,
    pub layer_norm_eps: f32,
    pub hidden_act: String,
}

/// `y = x Wᵀ + b`, with `W` stored `[out, in]` as PyTorch keeps it.
struct Linear {
    w: Array2<f32>,
    b: ndarray::Array1<f32>,
}

impl Linear {
    fn load(t: &Tensors, name: &str, outputs: usize, inputs: usize) -> Result<Self, EmbedError> {
        Ok(Self {
            w: matrix(
                t.f32(&format!("{name}.weight"), &[outputs, inputs])?,
                outputs,
                inputs,
            ),
            b: t.f32(&format!("{name}.bias"), &[outputs])?.into(),
        })
    }

    fn forward(&self, x: ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.w.t()) + &self.b
    }
}

/// Row-major values of the checked shape as a matrix.
fn matrix(values: Vec<f32>, rows: usize, cols: usize) -> Array2<f32> {
    Array2::from_shape_vec((rows, cols), values).expect("the tensor was checked to have this shape")
}

struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
    eps: f32,
}

impl Norm {
    fn load(t: &Tensors, name: &str, width: usize, eps: f32) -> Result<Self, EmbedError> {
        Ok(Self {
            gamma: t.f32(&format!("{name}.weight"), &[width])?,
            beta: t.f32(&format!("{name}.bias"), &[width])?,
            eps,
        })
    }

    fn apply(&self, x: &mut Array2<f32>) {
        let width = self.gamma.len();
        for mut row in x.rows_mut() {
            let row = row
                .as_slice_mut()
                .expect("rows of a standard-layout matrix are contiguous");
            let mean = row.iter().sum::<f32>() / width as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / width as f32;
            let scale = 1.0 / (var + self.eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                *v = (*v - mean) * scale * g + b;
            }
        }
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

pub struct Bert {
    shape: Shape,
    word: Array2<f32>,
    position: Array2<f32>,
    token_type: Array2<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

impl Bert {
    pub fn load(shape: Shape, t: &Tensors) -> Result<Self, EmbedError> {
        if shape.hidden_act != "gelu" {
            return Err(EmbedError::Weights(format!(
                "activation {} is not supported (gelu is)",
                shape.hidden_act
            )));
        }
        if shape.num_attention_heads == 0
            || !shape.hidden_size.is_multiple_of(shape.num_attention_heads)
        {
            return Err(EmbedError::Weights(format!(
                "{} heads do not divide a width of {}",
                shape.num_attention_heads, shape.hidden_size
            )));
        }
        let (h, i, eps) = (
            shape.hidden_size,
            shape.intermediate_size,
            shape.layer_norm_eps,
        );
        let layers = (0..shape.num_hidden_layers)
            .map(|n| {
                let p = format!("encoder.layer.{n}");
                Ok(Layer {
                    query: Linear::load(t, &format!("{p}.attention.self.query"), h, h)?,
                    key: Linear::load(t, &format!("{p}.attention.self.key"), h, h)?,
                    value: Linear::load(t, &format!("{p}.attention.self.value"), h, h)?,
                    attention_out: Linear::load(t, &format!("{p}.attention.output.dense"), h, h)?,
                    attention_norm: Norm::load(
                        t,
                        &format!("{p}.attention.output.LayerNorm"),
                        h,
                        eps,
                    )?,
                    intermediate: Linear::load(t, &format!("{p}.intermediate.dense"), i, h)?,
                    output: Linear::load(t, &format!("{p}.output.dense"), h, i)?,
                    output_norm: Norm::load(t, &format!("{p}.output.LayerNorm"), h, eps)?,
                })
            })
            .collect::<Result<_, EmbedError>>()?;
        Ok(Self {
            word: matrix(
                t.f32("embeddings.word_embeddings.weight", &[shape.vocab_size, h])?,
                shape.vocab_size,
                h,
            ),
            position: matrix(
                t.f32(
                    "embeddings.position_embeddings.weight",
                    &[shape.max_position_embeddings, h],
                )?,
                shape.max_position_embeddings,
                h,
            ),
            token_type: matrix(
                t.f32(
                    "embeddings.token_type_embeddings.weight",
                    &[shape.type_vocab_size, h],
                )?,
                shape.type_vocab_size,
                h,
            ),
            embedding_norm: Norm::load(t, "embeddings.LayerNorm", h, eps)?,
            layers,
            shape,
        })
    }

    pub fn max_tokens(&self) -> usize {
        self.shape.max_position_embeddings
    }

    /// The last layer's vector for each of `ids` (one sequence, segment 0): `ids.len() × width`.
    pub fn forward(&self, ids: &[u32]) -> Result<Array2<f32>, EmbedError> {
        let n = ids.len();
        if n > self.max_tokens() {
            return Err(EmbedError::TooLong(n));
        }
        let mut x = Array2::zeros((n, self.shape.hidden_size));
        for (pos, (&id, mut row)) in ids.iter().zip(x.rows_mut()).enumerate() {
            let id = id as usize;
            if id >= self.shape.vocab_size {
                return Err(EmbedError::Weights(format!(
                    "token id {id} is outside the vocabulary"
                )));
            }
            row.assign(&self.word.row(id));
            row += &self.position.row(pos);
            row += &self.token_type.row(0);
        }
        self.embedding_norm.apply(&mut x);
        for layer in &self.layers {
            let attended = self.attention(layer, x.view());
            let mut a = layer.attention_out.forward(attended.view()) + &x;
            layer.attention_norm.apply(&mut a);
            let inner = layer.intermediate.forward(a.view()).mapv_into(gelu);
            let mut out = layer.output.forward(inner.view()) + &a;
            layer.output_norm.apply(&mut out);
            x = out;
        }
        Ok(x)
    }

    /// Multi-head self-attention over all tokens: each head's softmax(QKᵀ/√d)·V, side by side.
    fn attention(&self, layer: &Layer, x: ArrayView2<f32>) -> Array2<f32> {
        let d = self.shape.hidden_size / self.shape.num_attention_heads;
        let (q, k, v) = (
            layer.query.forward(x),
            layer.key.forward(x),
            layer.value.forward(x),
        );
        let scale = 1.0 / (d as f32).sqrt();
        let mut out = Array2::zeros(q.raw_dim());
        for head in 0..self.shape.num_attention_heads {
            let cols = s![.., head * d..(head + 1) * d];
            let mut scores = q.slice(cols).dot(&k.slice(cols).t()) * scale;
            for mut row in scores.axis_iter_mut(Axis(0)) {
                softmax(
                    row.as_slice_mut()
                        .expect("a fresh matrix's rows are contiguous"),
                );
            }
            out.slice_mut(cols).assign(&scores.dot(&v.slice(cols)));
        }
        out
    }
}

fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    row.iter_mut().for_each(|v| *v /= sum);
}

/// BERT's GELU, the exact form: x·Φ(x) = x/2·(1 + erf(x/√2)).
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), evaluated in f64.
fn erf(x: f32) -> f32 {
    let x = f64::from(x);
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    (if x < 0.0 { -y } else { y }) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_and_gelu_match_known_values() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ] {
            assert!((erf(x) - want).abs() < 3e-7, "erf({x}) = {}", erf(x));
        }
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-1.0) + 0.158_655_3).abs() < 1e-6);
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let mut r = [1.0, 2.0, 3.0, 10.0];
        softmax(&mut r);
        assert!((r.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(r[3] > 0.99 && r[0] < r[1] && r[1] < r[2]);
    }

    #[test]
    fn linear_is_x_times_w_transposed_plus_b() {
        // W = [[1, 2], [3, 4], [5, 6]] (3 outputs, 2 inputs), b = [0, 1, 2].
        let l = Linear {
            w: matrix(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2),
            b: vec![0.0, 1.0, 2.0].into(),
        };
        let y = l.forward(matrix(vec![1.0, 1.0, 2.0, 0.0], 2, 2).view());
        assert_eq!(
            y.into_raw_vec_and_offset().0,
            vec![3.0, 8.0, 13.0, 2.0, 7.0, 12.0]
        );
    }

    #[test]
    fn layer_norm_centres_and_scales_each_row() {
        let n = Norm {
            gamma: vec![1.0; 4],
            beta: vec![0.5; 4],
            eps: 1e-12,
        };
        let mut x = matrix(vec![1.0, 2.0, 3.0, 4.0], 1, 4);
        n.apply(&mut x);
        assert!((x.iter().sum::<f32>() / 4.0 - 0.5).abs() < 1e-6);
        let var = x.iter().map(|v| (v - 0.5) * (v - 0.5)).sum::<f32>() / 4.0;
        assert!((var - 1.0).abs() < 1e-4);
    }
}
