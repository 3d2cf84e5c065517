//! Speech segments from VAD probabilities, with hysteresis: speech starts at `threshold` and
//! ends only after `min_silence_ms` below `threshold - 0.15`, so a short dip inside a word or
//! a breath does not split an answer. Pure and streaming: one frame in, events out.

use std::ops::Range;

use super::silero::FRAME_SAMPLES;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub threshold: f32,
    pub min_silence_ms: u32,
    pub min_speech_ms: u32,
    /// Audio kept on each side of a segment so word onsets and tails are not clipped.
    pub pad_ms: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            min_silence_ms: 300,
            min_speech_ms: 250,
            pad_ms: 100,
        }
    }
}

const FRAME_MS: u32 = (FRAME_SAMPLES as u32 * 1000) / 16_000;

/// Streaming segmenter: feed probabilities frame by frame; it returns each finished segment
/// (in samples, padding included) as soon as enough silence follows it.
#[derive(Debug, Clone)]
pub struct Segmenter {
    s: Settings,
    frame: usize,
    start: Option<usize>,
    last_speech: usize,
}

impl Segmenter {
    pub fn new(s: Settings) -> Self {
        Self {
            s,
            frame: 0,
            start: None,
            last_speech: 0,
        }
    }

    pub fn push(&mut self, p: f32) -> Option<Range<usize>> {
        let i = self.frame;
        self.frame += 1;
        match self.start {
            None if p >= self.s.threshold => {
                self.start = Some(i);
                self.last_speech = i;
                None
            }
            None => None,
            Some(_) if p >= self.s.threshold - 0.15 => {
                self.last_speech = i;
                None
            }
            Some(_) if (i - self.last_speech) as u32 * FRAME_MS >= self.s.min_silence_ms => {
                self.close()
            }
            Some(_) => None,
        }
    }

    /// Ends the stream, closing an open segment.
    pub fn finish(&mut self) -> Option<Range<usize>> {
        self.close()
    }

    fn close(&mut self) -> Option<Range<usize>> {
        let start = self.start.take()?;
        let frames = self.last_speech + 1 - start;
        if (frames as u32) * FRAME_MS < self.s.min_speech_ms {
            return None;
        }
        let pad = (self.s.pad_ms as usize * 16_000) / 1000;
        let begin = (start * FRAME_SAMPLES).saturating_sub(pad);
        let end = (self.last_speech + 1) * FRAME_SAMPLES + pad;
        Some(begin..end)
    }
}

/// Stretches (in seconds) where the VAD hears no speech for at least `min_secs`: frames whose
/// probability stays under `threshold`. Unpadded, so a pause is measured as heard.
pub fn silences(probs: &[f32], threshold: f32, min_secs: f64) -> Vec<(f64, f64)> {
    let frame = FRAME_SAMPLES as f64 / 16_000.0;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &p) in probs.iter().chain(std::iter::once(&1.0)).enumerate() {
        match (p < threshold, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let (a, b) = (s as f64 * frame, i as f64 * frame);
                if b - a >= min_secs {
                    out.push((a, b));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// All speech segments of a recording, clamped to its length and merged where padding
/// makes them overlap.
pub fn speech_segments(probs: &[f32], total_samples: usize, s: Settings) -> Vec<Range<usize>> {
    let mut seg = Segmenter::new(s);
    let mut out: Vec<Range<usize>> = probs.iter().filter_map(|&p| seg.push(p)).collect();
    out.extend(seg.finish());
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in out {
        let r = r.start.min(total_samples)..r.end.min(total_samples);
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ if r.is_empty() => {}
            _ => merged.push(r),
        }
    }
    merged
}

/// Where to cut speech inside `within` (samples): the middle of the frame with the lowest
/// speech probability whose middle lies there (the latest of equals, for the longer piece
/// before it); the end of `within` when no frame's probability is known there. `probs[i]`
/// is the frame starting at sample `first + i * FRAME_SAMPLES`.
pub fn quietest(probs: &[f32], first: usize, within: Range<usize>) -> usize {
    let half = FRAME_SAMPLES / 2;
    let frame_at = |sample: usize| sample.saturating_sub(first + half);
    let lo = frame_at(within.start).div_ceil(FRAME_SAMPLES);
    let hi = (frame_at(within.end) / FRAME_SAMPLES).min(probs.len()); // exclusive
    (lo..hi)
        .rev()
        .min_by(|&a, &b| probs[a].total_cmp(&probs[b]))
        .map_or(within.end, |f| first + f * FRAME_SAMPLES + half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silences_are_runs_of_quiet_frames_long_enough() {
        let frame = FRAME_SAMPLES as f64 / 16_000.0;
        let mut probs = vec![0.9; 10];
        probs.extend([0.1; 12]); // 0.384 s
        probs.extend([0.9; 5]);
        probs.extend([0.1; 3]); // 0.096 s: too short
        probs.extend([0.9; 5]);
        probs.extend([0.1; 20]); // trailing, up to the end
        let s = silences(&probs, 0.35, 0.3);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!((s[0].0 - 10.0 * frame).abs() < 1e-9 && (s[0].1 - 22.0 * frame).abs() < 1e-9);
        assert!((s[1].1 - probs.len() as f64 * frame).abs() < 1e-9);
    }

    fn frames(ms: u32) -> usize {
        (ms / FRAME_MS) as usize
    }

    #[test]
    fn a_short_dip_does_not_split_speech() {
        let mut p = vec![0.9; frames(1000)];
        p.extend(vec![0.1; frames(200)]); // a breath
        p.extend(vec![0.9; frames(1000)]);
        p.extend(vec![0.0; frames(1000)]);
        let segs = speech_segments(&p, p.len() * FRAME_SAMPLES, Settings::default());
        assert_eq!(segs.len(), 1, "{segs:?}");
    }

    #[test]
    fn a_long_silence_splits_and_clicks_are_dropped() {
        let mut p = vec![0.0; frames(500)];
        p.extend(vec![0.9; frames(800)]);
        p.extend(vec![0.0; frames(1000)]);
        p.extend(vec![0.9; 2]); // a 64 ms click
        p.extend(vec![0.0; frames(1000)]);
        p.extend(vec![0.9; frames(600)]);
        let total = p.len() * FRAME_SAMPLES;
        let segs = speech_segments(&p, total, Settings::default());
        assert_eq!(segs.len(), 2, "{segs:?}");
        let first = &segs[0];
        let pad = 1600;
        assert_eq!(first.start, frames(500) * FRAME_SAMPLES - pad);
        assert_eq!(
            segs[1].end, total,
            "an open segment is closed at the end and clamped"
        );
    }

    #[test]
    fn cuts_fall_in_the_quietest_frame_of_the_range() {
        let mut probs = vec![0.9; 20];
        probs[3] = 0.1; // outside the range
        probs[8] = 0.2;
        probs[12] = 0.2;
        let mid = |f: usize| 1_000 + f * FRAME_SAMPLES + FRAME_SAMPLES / 2;
        let within = 1_000 + 6 * FRAME_SAMPLES..1_000 + 15 * FRAME_SAMPLES;
        assert_eq!(quietest(&probs, 1_000, within.clone()), mid(12));
        // Past the known frames, the end of the range.
        assert_eq!(quietest(&probs[..5], 1_000, within.clone()), within.end);
    }

    #[test]
    fn silence_has_no_segments() {
        assert!(speech_segments(&vec![0.01; 1000], 512_000, Settings::default()).is_empty());
        assert!(speech_segments(&[], 0, Settings::default()).is_empty());
    }
}
