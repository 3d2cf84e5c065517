//! transcribe: speech to words with whisper.cpp (whisper-rs). One `Whisper` (the model) per
//! process, one `WhisperSession` (decoder state) per interview. Input: 16 kHz mono samples
//! of one utterance; output: `Transcript` with word times relative to the utterance.
//!
//! The core is synchronous and CPU-bound: async callers run it on `spawn_blocking`.

pub mod wer;
mod whisper;
pub mod words;

use std::ops::Range;

use crate::pipeline::listen::{FRAME_SAMPLES, quietest};
use crate::pipeline::messages::Transcript;
pub use whisper::{AudioContext, SttError, Whisper, WhisperSession};

/// Longest stretch handed to Whisper at once with the full window (which is 30 s).
const MAX_FULL_SAMPLES: usize = 28 * 16_000;
/// Longest stretch handed to Whisper with a window sized to it. With 2 s of silence after
/// each piece, tiny.en was as accurate on pieces of up to 8 s as on the full window, and
/// fastest per clip; shorter pieces cut more words and cost more passes (`cargo bench
/// --bench speech` compares caps).
pub const MAX_SIZED_SAMPLES: usize = 8 * 16_000;
/// Speech segments closer than this are transcribed together, keeping sentence context.
const JOIN_GAP_SAMPLES: usize = 16_000;

/// The longest piece for `context`.
pub fn max_piece(context: AudioContext) -> usize {
    match context {
        AudioContext::Full => MAX_FULL_SAMPLES,
        AudioContext::SizedToClip | AudioContext::Auto | AudioContext::Quick => MAX_SIZED_SAMPLES,
    }
}

/// Transcribes only the speech segments of a recording (from `listen`), so Whisper never
/// hears long silence, where it invents words. `probs` are the VAD's, one per
/// `FRAME_SAMPLES`: a segment too long for one piece is cut where speech is quietest. Word
/// times are relative to the recording.
pub fn transcribe_segments(
    session: &mut WhisperSession,
    samples: &[f32],
    segments: &[Range<usize>],
    probs: &[f32],
    context: AudioContext,
) -> Result<Transcript, SttError> {
    let pieces = pieces(segments, probs, samples.len(), max_piece(context));
    transcribe_pieces(session, samples, &pieces, context)
}

/// Transcribes each piece of `samples` on its own, their words on the recording's timeline.
pub fn transcribe_pieces(
    session: &mut WhisperSession,
    samples: &[f32],
    pieces: &[Range<usize>],
    context: AudioContext,
) -> Result<Transcript, SttError> {
    let mut words = Vec::new();
    for piece in pieces {
        let offset = piece.start as f64 / 16_000.0;
        let t = session.transcribe_with(&samples[piece.clone()], context)?;
        words.extend(t.words.into_iter().map(|mut w| {
            w.start += offset;
            w.end += offset;
            w
        }));
    }
    Ok(Transcript { words })
}

/// Joins nearby segments and cuts long ones into pieces of at most `max` samples, each cut
/// at the quietest VAD frame of the second half of the piece (between words, as a rule),
/// so that no piece is short and few words are cut in two.
pub fn pieces(
    segments: &[Range<usize>],
    probs: &[f32],
    len: usize,
    max: usize,
) -> Vec<Range<usize>> {
    let max = max.max(2 * FRAME_SAMPLES);
    let mut out: Vec<Range<usize>> = Vec::new();
    for seg in segments {
        let seg = seg.start.min(len)..seg.end.min(len);
        if seg.is_empty() {
            continue;
        }
        if let Some(last) = out.last_mut()
            && seg.start.saturating_sub(last.end) < JOIN_GAP_SAMPLES
            && seg.end - last.start <= max
        {
            last.end = seg.end;
            continue;
        }
        let mut start = seg.start;
        while seg.end - start > max {
            let cut = quietest(probs, 0, start + max / 2..start + max);
            out.push(start..cut);
            start = cut;
        }
        out.push(start..seg.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_segments_join_and_long_ones_split() {
        let s = 16_000;
        let c = pieces(
            &[0..2 * s, 2 * s + 8_000..4 * s, 10 * s..70 * s],
            &[],
            100 * s,
            MAX_FULL_SAMPLES,
        );
        // With no VAD figures to go by, a long segment is cut at the longest piece.
        assert_eq!(
            c,
            vec![0..4 * s, 10 * s..38 * s, 38 * s..66 * s, 66 * s..70 * s]
        );
        // Segments past the end of the audio are dropped.
        let past_end = vec![200..300, 150..400];
        assert!(pieces(&past_end, &[], 100, MAX_FULL_SAMPLES).is_empty());
    }

    #[test]
    fn long_speech_is_cut_where_it_is_quietest_in_the_second_half() {
        let frames = 400; // 12.8 s of speech
        let mut probs = vec![0.9; frames];
        probs[30] = 0.05; // a gap in the first half of the first piece: too early to cut
        probs[100] = 0.3; // the quietest of the first piece's second half
        probs[110] = 0.4;
        probs[150] = 0.3; // the next piece's (and a tie with a later frame)
        probs[190] = 0.3;
        let len = frames * FRAME_SAMPLES;
        let max = 4 * 16_000;
        let c = pieces(std::slice::from_ref(&(0..len)), &probs, len, max);
        let mid = |f: usize| f * FRAME_SAMPLES + FRAME_SAMPLES / 2;
        assert_eq!(c[0], 0..mid(100));
        assert_eq!(c[1], mid(100)..mid(190), "the later of two equals");
        assert!(c.iter().all(|p| p.len() <= max), "{c:?}");
        assert!(c.iter().all(|p| p.len() >= max / 2 || p.end == len));
        assert_eq!(c.last().map(|p| p.end), Some(len));
        assert!(c.windows(2).all(|w| w[0].end == w[1].start), "nothing lost");
    }

    #[test]
    fn short_segments_are_left_whole() {
        let c = pieces(
            std::slice::from_ref(&(100..30_000)),
            &[0.9; 100],
            50_000,
            MAX_SIZED_SAMPLES,
        );
        assert_eq!(c, vec![100..30_000]);
    }
}
