//! Sample-rate conversion with rubato's sinc resampler (band-limited, so no aliasing from
//! 44.1/48 kHz sources).

use rubato::{
    Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType, WindowFunction,
};

use super::{AudioError, SAMPLE_RATE_HZ};

const CHUNK: usize = 4096;

pub fn to_16k(mono: &[f32], from_hz: u32) -> Result<Vec<f32>, AudioError> {
    convert(mono, from_hz, SAMPLE_RATE_HZ)
}

pub fn convert(mono: &[f32], from_hz: u32, to_hz: u32) -> Result<Vec<f32>, AudioError> {
    if from_hz == to_hz {
        return Ok(mono.to_vec());
    }
    let ratio = f64::from(to_hz) / f64::from(from_hz);
    let params = SincInterpolationParameters {
        sinc_len: 128,
        f_cutoff: 0.95,
        interpolation: SincInterpolationType::Linear,
        oversampling_factor: 128,
        window: WindowFunction::BlackmanHarris2,
    };
    let err = |e: &dyn std::fmt::Display| AudioError::Resample(e.to_string());
    let mut r = SincFixedIn::<f32>::new(ratio, 1.0, params, CHUNK, 1).map_err(|e| err(&e))?;
    let mut out = Vec::with_capacity((mono.len() as f64 * ratio) as usize + CHUNK);
    let mut chunks = mono.chunks_exact(CHUNK);
    for chunk in &mut chunks {
        let y = r.process(&[chunk], None).map_err(|e| err(&e))?;
        out.extend_from_slice(&y[0]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let y = r
            .process_partial(Some(&[rest]), None)
            .map_err(|e| err(&e))?;
        out.extend_from_slice(&y[0]);
    }
    // Flush the filter's delay so the end of the audio is not lost, then trim it off the front.
    let y = r
        .process_partial::<&[f32]>(None, None)
        .map_err(|e| err(&e))?;
    out.extend_from_slice(&y[0]);
    let delay = r.output_delay();
    let expected = (mono.len() as f64 * ratio).round() as usize;
    Ok(out.into_iter().skip(delay).take(expected).collect())
}
