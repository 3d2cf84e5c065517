//! Sample-rate conversion with rubato's sinc resampler (band-limited, so no aliasing from
//! 44.1/48 kHz sources).

use rubato::{
    Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType, WindowFunction,
};

use super::{AudioError, SAMPLE_RATE_HZ};

const CHUNK: usize = 4096;

fn sinc_params() -> SincInterpolationParameters {
    SincInterpolationParameters {
        sinc_len: 128,
        f_cutoff: 0.95,
        interpolation: SincInterpolationType::Linear,
        oversampling_factor: 128,
        window: WindowFunction::BlackmanHarris2,
    }
}

pub fn to_16k(mono: &[f32], from_hz: u32) -> Result<Vec<f32>, AudioError> {
    convert(mono, from_hz, SAMPLE_RATE_HZ)
}

pub fn convert(mono: &[f32], from_hz: u32, to_hz: u32) -> Result<Vec<f32>, AudioError> {
    if from_hz == to_hz {
        return Ok(mono.to_vec());
    }
    let ratio = f64::from(to_hz) / f64::from(from_hz);
    let err = |e: &dyn std::fmt::Display| AudioError::Resample(e.to_string());
    let mut r =
        SincFixedIn::<f32>::new(ratio, 1.0, sinc_params(), CHUNK, 1).map_err(|e| err(&e))?;
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

/// A resampler for audio that arrives in pieces (a live call): input is buffered into the
/// filter's fixed chunk, so any piece size works, and the filter's state carries across
/// pieces, so there is no click at their joins. Output lags input by one chunk at most.
pub struct StreamResampler {
    inner: Option<SincFixedIn<f32>>,
    chunk: usize,
    pending: Vec<f32>,
    /// Output samples still to drop: the filter's delay, so output starts with input.
    skip: usize,
}

impl StreamResampler {
    /// `chunk` is the input block the filter works on; one 20 ms packet suits a call.
    pub fn new(from_hz: u32, to_hz: u32, chunk: usize) -> Result<Self, AudioError> {
        let inner = if from_hz == to_hz {
            None
        } else {
            let ratio = f64::from(to_hz) / f64::from(from_hz);
            let r = SincFixedIn::<f32>::new(ratio, 1.0, sinc_params(), chunk, 1)
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            Some(r)
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(Self {
            inner,
            chunk,
            pending: Vec::with_capacity(chunk * 2),
            skip,
        })
    }

    /// Feeds `input`; appends whatever output is ready to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        let Some(r) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return Ok(());
        };
        self.pending.extend_from_slice(input);
        let mut used = 0;
        while self.pending.len() - used >= self.chunk {
            let block = &self.pending[used..used + self.chunk];
            let y = r
                .process(&[block], None)
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            let drop = self.skip.min(y[0].len());
            self.skip -= drop;
            out.extend_from_slice(&y[0][drop..]);
            used += self.chunk;
        }
        self.pending.drain(..used);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, rate: u32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| (std::f32::consts::TAU * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn streamed_pieces_match_the_whole_conversion() {
        let input = tone(440.0, 48_000, 1.0);
        let whole = convert(&input, 48_000, 16_000).unwrap();
        let mut s = StreamResampler::new(48_000, 16_000, 960).unwrap();
        let mut streamed = Vec::new();
        // Odd piece sizes: the buffering, not the caller, aligns to the filter's chunk.
        for piece in input.chunks(701) {
            s.push(piece, &mut streamed).unwrap();
        }
        // All but the last chunk's worth comes out, aligned with the whole conversion.
        assert!(
            streamed.len() >= whole.len() - 2 * 320,
            "{}",
            streamed.len()
        );
        let n = streamed.len().min(whole.len());
        let worst = streamed[..n]
            .iter()
            .zip(&whole[..n])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 0.02, "streamed output differs by {worst}");
    }

    #[test]
    fn equal_rates_pass_through() {
        let mut s = StreamResampler::new(16_000, 16_000, 320).unwrap();
        let mut out = Vec::new();
        s.push(&[0.1, 0.2], &mut out).unwrap();
        assert_eq!(out, vec![0.1, 0.2]);
    }
}
