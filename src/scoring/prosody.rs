//! Prosody from the audio, for later affect scoring: F0 (pitch) mean and variability over
//! voiced frames, and intensity variability. Pure: 16 kHz samples in, `Prosody` out.

use serde::{Deserialize, Serialize};

const RATE: f64 = 16_000.0;
const FRAME: usize = 640; // 40 ms: two periods of the lowest pitch tracked
const HOP: usize = 160; // 10 ms
const MIN_F0: f64 = 75.0;
const MAX_F0: f64 = 400.0;
/// YIN's dip threshold: lower is stricter about what counts as voiced.
const YIN_THRESHOLD: f64 = 0.15;
/// Frames quieter than this (dBFS) are silence, not speech.
const SILENCE_DB: f64 = -45.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prosody {
    pub frames: usize,
    pub voiced_frames: usize,
    pub f0_mean_hz: Option<f64>,
    /// Standard deviation of F0 in semitones (speaker-independent spread).
    pub f0_sd_semitones: Option<f64>,
    /// Standard deviation of frame intensity (dB) over non-silent frames.
    pub intensity_sd_db: Option<f64>,
}

pub fn measure(samples: &[f32]) -> Prosody {
    let mut f0s = Vec::new();
    let mut levels = Vec::new();
    let mut frames = 0;
    let mut start = 0;
    while start + FRAME <= samples.len() {
        frames += 1;
        let frame = &samples[start..start + FRAME];
        start += HOP;
        let energy: f64 = frame.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
        let db = 10.0 * (energy / FRAME as f64 + 1e-12).log10();
        if db < SILENCE_DB {
            continue;
        }
        levels.push(db);
        if let Some(f0) = pitch(frame) {
            f0s.push(f0);
        }
    }
    let semitones: Vec<f64> = f0s.iter().map(|f| 12.0 * (f / 100.0).log2()).collect();
    Prosody {
        frames,
        voiced_frames: f0s.len(),
        f0_mean_hz: mean(&f0s),
        f0_sd_semitones: sd(&semitones),
        intensity_sd_db: sd(&levels),
    }
}

/// YIN: the first lag where the cumulative-mean-normalized difference dips below the
/// threshold is the period (the first dip, so octave-down errors are avoided); refined with
/// a parabola. No dip: the frame is not voiced.
fn pitch(frame: &[f32]) -> Option<f64> {
    let min_lag = (RATE / MAX_F0) as usize;
    let max_lag = (RATE / MIN_F0) as usize;
    let window = frame.len().checked_sub(max_lag + 1)?;
    let x: Vec<f64> = frame.iter().map(|&v| f64::from(v)).collect();
    let mut d = vec![0.0; max_lag + 2];
    for (lag, slot) in d.iter_mut().enumerate().skip(1) {
        *slot = (0..window).map(|j| (x[j] - x[j + lag]).powi(2)).sum();
    }
    let mut cmnd = vec![1.0; d.len()];
    let mut running = 0.0;
    for lag in 1..d.len() {
        running += d[lag];
        cmnd[lag] = if running > 0.0 {
            d[lag] * lag as f64 / running
        } else {
            1.0
        };
    }
    let mut lag = (min_lag..=max_lag).find(|&l| cmnd[l] < YIN_THRESHOLD)?;
    while lag < max_lag && cmnd[lag + 1] < cmnd[lag] {
        lag += 1;
    }
    let (a, b, c) = (cmnd[lag - 1], cmnd[lag], cmnd[lag + 1]);
    let denom = a - 2.0 * b + c;
    let shift = if denom.abs() > 1e-12 {
        0.5 * (a - c) / denom
    } else {
        0.0
    };
    Some(RATE / (lag as f64 + shift.clamp(-0.5, 0.5)))
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn sd(v: &[f64]) -> Option<f64> {
    if v.len() < 2 {
        return None;
    }
    let m = mean(v)?;
    Some((v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f64, secs: f64, amp: f64) -> Vec<f32> {
        let n = (secs * RATE) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / RATE;
                // A few harmonics, like a voice, not a bare sine.
                (amp * ((hz * t * std::f64::consts::TAU).sin()
                    + 0.5 * (2.0 * hz * t * std::f64::consts::TAU).sin()
                    + 0.25 * (3.0 * hz * t * std::f64::consts::TAU).sin())) as f32
            })
            .collect()
    }

    #[test]
    fn finds_the_pitch_of_a_steady_voice() {
        for hz in [100.0, 150.0, 220.0] {
            let p = measure(&tone(hz, 1.0, 0.3));
            let f0 = p.f0_mean_hz.unwrap();
            assert!((f0 - hz).abs() / hz < 0.02, "{hz}: {f0}");
            assert!(p.f0_sd_semitones.unwrap() < 0.2);
            assert!(p.voiced_frames as f64 > 0.9 * p.frames as f64);
        }
    }

    #[test]
    fn variability_grows_with_intonation_and_loudness_changes() {
        let mut varied = tone(120.0, 0.5, 0.3);
        varied.extend(tone(200.0, 0.5, 0.05));
        let p = measure(&varied);
        assert!(p.f0_sd_semitones.unwrap() > 3.0, "{p:?}");
        assert!(p.intensity_sd_db.unwrap() > 5.0, "{p:?}");
    }

    #[test]
    fn silence_and_noise_have_no_pitch() {
        let p = measure(&vec![0.0; 16_000]);
        assert_eq!((p.voiced_frames, p.f0_mean_hz), (0, None));
        let mut seed = 12345u32;
        let noise: Vec<f32> = (0..16_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (f64::from(seed >> 8) / f64::from(1u32 << 24) - 0.5) as f32 * 0.5
            })
            .collect();
        let p = measure(&noise);
        assert!((p.voiced_frames as f64) < 0.1 * p.frames as f64, "{p:?}");
        assert!(measure(&[]).f0_mean_hz.is_none());
    }
}
