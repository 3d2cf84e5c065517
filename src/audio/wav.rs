//! WAV decoding with `hound`, down-mixing, and resampling to 16 kHz.

use std::io::Read;

use super::{AudioError, Pcm16k, SAMPLE_RATE_HZ, resample};

/// Decodes a WAV file from disk.
pub fn read_file(path: &std::path::Path) -> Result<Pcm16k, AudioError> {
    let file = std::fs::File::open(path).map_err(|source| AudioError::Io {
        path: path.display().to_string(),
        source,
    })?;
    decode(std::io::BufReader::new(file))
}

/// Decodes WAV bytes: any bit depth, any channel count, any rate.
pub fn decode(reader: impl Read) -> Result<Pcm16k, AudioError> {
    let mut wav = hound::WavReader::new(reader).map_err(|e| AudioError::Format(e.to_string()))?;
    let spec = wav.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(AudioError::Unsupported(format!(
            "{} channels at {} Hz",
            spec.channels, spec.sample_rate
        )));
    }
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => wav
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(|e| AudioError::Format(e.to_string()))?,
        hound::SampleFormat::Int => {
            if spec.bits_per_sample == 0 || spec.bits_per_sample > 32 {
                return Err(AudioError::Unsupported(format!(
                    "{}-bit samples",
                    spec.bits_per_sample
                )));
            }
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            wav.samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(|e| AudioError::Format(format!("truncated or corrupt samples: {e}")))?
        }
    };
    if interleaved.is_empty() {
        return Err(AudioError::Empty);
    }
    let channels = usize::from(spec.channels);
    let mono: Vec<f32> = interleaved
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
        .collect();
    let samples = if spec.sample_rate == SAMPLE_RATE_HZ {
        mono
    } else {
        resample::to_16k(&mono, spec.sample_rate)?
    };
    Ok(Pcm16k { samples })
}

/// 16-bit mono WAV bytes of `pcm` (samples in -1..1, clipped beyond).
pub fn encode(pcm: &[f32], sample_rate: u32) -> Result<Vec<u8>, AudioError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let err = |e: hound::Error| AudioError::Format(e.to_string());
    let mut cursor = std::io::Cursor::new(Vec::with_capacity(44 + 2 * pcm.len()));
    let mut writer = hound::WavWriter::new(&mut cursor, spec).map_err(err)?;
    for &s in pcm {
        let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        writer.write_sample(v).map_err(err)?;
    }
    writer.finalize().map_err(err)?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(
        spec: hound::WavSpec,
        write: impl FnOnce(&mut hound::WavWriter<&mut std::io::Cursor<Vec<u8>>>),
    ) -> Vec<u8> {
        let mut cursor = std::io::Cursor::new(Vec::new());
        {
            let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
            write(&mut w);
            w.finalize().unwrap();
        }
        cursor.into_inner()
    }

    fn tone(rate: u32, secs: f32) -> impl Iterator<Item = f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n).map(move |i| (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 0.5)
    }

    #[test]
    fn stereo_48k_16bit_becomes_16k_mono() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let bytes = wav(spec, |w| {
            for s in tone(48_000, 1.0) {
                let v = (s * 32767.0) as i16;
                w.write_sample(v).unwrap();
                w.write_sample(v).unwrap();
            }
        });
        let pcm = decode(bytes.as_slice()).unwrap();
        assert!(
            (pcm.duration_secs() - 1.0).abs() < 0.02,
            "{}",
            pcm.duration_secs()
        );
        let peak = pcm.samples.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!((0.4..0.6).contains(&peak), "{peak}");
    }

    #[test]
    fn eight_bit_44k1_is_read() {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 44_100,
            bits_per_sample: 8,
            sample_format: hound::SampleFormat::Int,
        };
        let bytes = wav(spec, |w| {
            for s in tone(44_100, 0.5) {
                w.write_sample((s * 127.0) as i8).unwrap();
            }
        });
        let pcm = decode(bytes.as_slice()).unwrap();
        assert!((pcm.duration_secs() - 0.5).abs() < 0.02);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(
            decode(&b"RIFF\x00\x00"[..]),
            Err(AudioError::Format(_))
        ));
        assert!(matches!(
            decode(&b"hello, not audio at all"[..]),
            Err(AudioError::Format(_))
        ));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        assert!(matches!(
            decode(wav(spec, |_| {}).as_slice()),
            Err(AudioError::Empty)
        ));
        let mut full = wav(spec, |w| {
            for _ in 0..1000 {
                w.write_sample(1000i16).unwrap();
            }
        });
        full.truncate(full.len() - 501);
        assert!(decode(full.as_slice()).is_err());
    }
}
