//! Whisper-style log-mel features of the last 8 s of audio, as Smart Turn v3 was trained on
//! them: waveform normalized to zero mean and unit variance, 400-point periodic Hann STFT
//! every 160 samples (reflect-padded, centered), power spectrum onto 80 Slaney mel bands,
//! log10 floored at 1e-10, clamped to 8 below the maximum, scaled to (x + 4) / 4.

use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

pub const N_MELS: usize = 80;
pub const N_FRAMES: usize = 800;
pub const WINDOW_SAMPLES: usize = 8 * 16_000;
const N_FFT: usize = 400;
const HOP: usize = 160;
const BINS: usize = N_FFT / 2 + 1;

/// The STFT plan, window and filterbank, built once and reused for every frame.
pub struct LogMel {
    fft: Arc<dyn Fft<f64>>,
    window: Vec<f64>,
    /// Each mel band's nonzero filter weights: the band spans a few of the 201 bins, and
    /// weighing only those is most of the features' cost saved (Smart Turn asks on every pause).
    bands: Vec<Band>,
}

/// One mel filter: its weights for the bins from `first` on (all others are zero).
struct Band {
    first: usize,
    weights: Vec<f64>,
}

impl Band {
    fn energy(&self, power: &[f64]) -> f64 {
        self.weights
            .iter()
            .zip(&power[self.first..])
            .map(|(w, p)| w * p)
            .sum()
    }
}

/// The dense filterbank (`BINS × N_MELS`, row-major) as bands of nonzero weights.
fn bands(filters: &[f64]) -> Vec<Band> {
    (0..N_MELS)
        .map(|m| {
            let weight = |b: usize| filters[b * N_MELS + m];
            let first = (0..BINS).position(|b| weight(b) != 0.0).unwrap_or(BINS);
            let end = (0..BINS)
                .rposition(|b| weight(b) != 0.0)
                .map_or(first, |l| l + 1);
            Band {
                first,
                weights: (first..end).map(weight).collect(),
            }
        })
        .collect()
}

impl Default for LogMel {
    fn default() -> Self {
        Self::new()
    }
}

impl LogMel {
    pub fn new() -> Self {
        let fft = FftPlanner::new().plan_fft_forward(N_FFT);
        let window = (0..N_FFT)
            .map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / N_FFT as f64).cos())
            .collect();
        Self {
            fft,
            window,
            bands: bands(&slaney_filters()),
        }
    }

    /// Features (`N_MELS × N_FRAMES`, row-major) of the last 8 s of `audio`; shorter audio is
    /// padded with silence at the start.
    pub fn features(&self, audio: &[f32]) -> Vec<f32> {
        let mut x = vec![0.0f64; WINDOW_SAMPLES];
        let tail = &audio[audio.len().saturating_sub(WINDOW_SAMPLES)..];
        for (dst, &src) in x[WINDOW_SAMPLES - tail.len()..].iter_mut().zip(tail) {
            *dst = f64::from(src);
        }
        // The reference normalizes in f32; the difference is far below the model's noise.
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64;
        let scale = 1.0 / (var + 1e-7).sqrt();
        x.iter_mut().for_each(|v| *v = (*v - mean) * scale);

        let pad = N_FFT / 2;
        let reflect = |i: isize| -> f64 {
            let n = x.len() as isize;
            let j = if i < 0 {
                -i
            } else if i >= n {
                2 * (n - 1) - i
            } else {
                i
            };
            x[j as usize]
        };
        let mut log_spec = vec![0.0f64; N_MELS * N_FRAMES];
        let mut buf = vec![Complex::new(0.0, 0.0); N_FFT];
        let mut power = [0.0f64; BINS];
        for frame in 0..N_FRAMES {
            let start = (frame * HOP) as isize - pad as isize;
            for (k, b) in buf.iter_mut().enumerate() {
                *b = Complex::new(reflect(start + k as isize) * self.window[k], 0.0);
            }
            self.fft.process(&mut buf);
            for (p, c) in power.iter_mut().zip(&buf) {
                *p = c.norm_sqr();
            }
            for (m, band) in self.bands.iter().enumerate() {
                log_spec[m * N_FRAMES + frame] = band.energy(&power).max(1e-10).log10();
            }
        }
        let max = log_spec.iter().copied().fold(f64::MIN, f64::max);
        log_spec
            .iter()
            .map(|v| ((v.max(max - 8.0) + 4.0) / 4.0) as f32)
            .collect()
    }
}

fn hz_to_mel(f: f64) -> f64 {
    if f >= 1000.0 {
        15.0 + (f / 1000.0).ln() * (27.0 / 6.4f64.ln())
    } else {
        3.0 * f / 200.0
    }
}

fn mel_to_hz(m: f64) -> f64 {
    if m >= 15.0 {
        1000.0 * ((6.4f64.ln() / 27.0) * (m - 15.0)).exp()
    } else {
        200.0 * m / 3.0
    }
}

/// Slaney-normalized triangular filters from 0 Hz to 8 kHz, `BINS × N_MELS`.
fn slaney_filters() -> Vec<f64> {
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(8000.0));
    let edges: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (N_MELS + 1) as f64))
        .collect();
    let mut filters = vec![0.0; BINS * N_MELS];
    for b in 0..BINS {
        let f = 8000.0 * b as f64 / (BINS - 1) as f64;
        for m in 0..N_MELS {
            let down = (f - edges[m]) / (edges[m + 1] - edges[m]);
            let up = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
            let norm = 2.0 / (edges[m + 2] - edges[m]);
            filters[b * N_MELS + m] = down.min(up).max(0.0) * norm;
        }
    }
    filters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bands_weigh_a_spectrum_as_the_whole_filterbank_does() {
        let filters = slaney_filters();
        let bands = bands(&filters);
        assert!(bands.iter().all(|b| !b.weights.is_empty()), "no empty band");
        // Any spectrum, however uneven: each band's energy is the dense product's.
        let power: Vec<f64> = (0..BINS).map(|b| ((b * 7919) % 101) as f64 + 0.5).collect();
        for (m, band) in bands.iter().enumerate() {
            let dense: f64 = (0..BINS).map(|b| filters[b * N_MELS + m] * power[b]).sum();
            assert!(
                (band.energy(&power) - dense).abs() <= 1e-12 * dense.abs().max(1.0),
                "band {m}"
            );
        }
    }

    #[test]
    fn features_are_in_whisper_scale_and_time_runs_along_each_row() {
        // A 1 kHz tone over the last second of the window, silence before it.
        let audio: Vec<f32> = (0..16_000)
            .map(|i| (std::f32::consts::TAU * 1000.0 * i as f32 / 16_000.0).sin())
            .collect();
        let f = LogMel::new().features(&audio);
        assert_eq!(f.len(), N_MELS * N_FRAMES);
        let max = f.iter().copied().fold(f32::MIN, f32::max);
        let min = f.iter().copied().fold(f32::MAX, f32::min);
        assert!(
            (max - min - 2.0).abs() < 1e-4,
            "clamped to 8 below the peak, over 4"
        );
        // The tone's band is loud at the end of its row and floored at its start.
        let band = (0..N_MELS)
            .max_by(|&a, &b| {
                f[a * N_FRAMES + N_FRAMES - 10].total_cmp(&f[b * N_FRAMES + N_FRAMES - 10])
            })
            .unwrap_or(0);
        assert!(f[band * N_FRAMES + N_FRAMES - 10] > f[band * N_FRAMES + 10] + 1.0);
    }
}
