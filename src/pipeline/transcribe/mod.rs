//! transcribe: speech to words with whisper.cpp (whisper-rs). One `Whisper` (the model) per
//! process, one `WhisperSession` (decoder state) per interview. Input: 16 kHz mono samples
//! of one utterance; output: `Transcript` with word times relative to the utterance.
//!
//! The core is synchronous and CPU-bound: async callers run it on `spawn_blocking`.

pub mod wer;
mod whisper;
pub mod words;

use std::ops::Range;

use crate::pipeline::messages::Transcript;
pub use whisper::{AudioContext, SttError, Whisper, WhisperSession};

/// Longest stretch handed to Whisper at once (its window is 30 s).
const MAX_CHUNK_SAMPLES: usize = 28 * 16_000;
/// Speech segments closer than this are transcribed together, keeping sentence context.
const JOIN_GAP_SAMPLES: usize = 16_000;

/// Transcribes only the speech segments of a recording (from `listen`), so Whisper never
/// hears long silence, where it invents words. Word times are relative to the recording.
pub fn transcribe_segments(
    session: &mut WhisperSession,
    samples: &[f32],
    segments: &[Range<usize>],
    context: AudioContext,
) -> Result<Transcript, SttError> {
    let mut words = Vec::new();
    for chunk in chunks(segments, samples.len()) {
        let offset = chunk.start as f64 / 16_000.0;
        let t = session.transcribe_with(&samples[chunk], context)?;
        words.extend(t.words.into_iter().map(|mut w| {
            w.start += offset;
            w.end += offset;
            w
        }));
    }
    Ok(Transcript { words })
}

/// Joins nearby segments and splits long ones into pieces Whisper takes in one window.
fn chunks(segments: &[Range<usize>], len: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for seg in segments {
        let seg = seg.start.min(len)..seg.end.min(len);
        if seg.is_empty() {
            continue;
        }
        if let Some(last) = out.last_mut()
            && seg.start.saturating_sub(last.end) < JOIN_GAP_SAMPLES
            && seg.end - last.start <= MAX_CHUNK_SAMPLES
        {
            last.end = seg.end;
            continue;
        }
        let mut start = seg.start;
        while start < seg.end {
            let end = (start + MAX_CHUNK_SAMPLES).min(seg.end);
            out.push(start..end);
            start = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn near_segments_join_and_long_ones_split() {
        let s = 16_000;
        let c = chunks(&[0..2 * s, 2 * s + 8_000..4 * s, 10 * s..70 * s], 100 * s);
        assert_eq!(
            c,
            vec![0..4 * s, 10 * s..38 * s, 38 * s..66 * s, 66 * s..70 * s]
        );
        // Segments past the end of the audio are dropped.
        let past_end = vec![200..300, 150..400];
        assert!(chunks(&past_end, 100).is_empty());
    }
}
