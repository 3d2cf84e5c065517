//! Phoneme timings from what the voices report: Piper's per-id durations (in decoder
//! frames) and espeak-ng's phoneme events (in milliseconds).

use crate::pipeline::messages::Phoneme;

/// Stress marks belong to the phoneme after them, length marks to the one before.
fn attaches_forward(c: char) -> bool {
    matches!(c, 'ˈ' | 'ˌ')
}

fn attaches_backward(c: char) -> bool {
    matches!(c, 'ː' | 'ˑ')
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum TimingError {
    #[error("the voice gave {got} durations for {expected} phoneme ids")]
    Count { expected: usize, got: usize },
    #[error("{samples} samples do not divide into the voice's {frames} frames")]
    Frames { samples: usize, frames: u64 },
}

/// Timings for Piper's input `[BOS, s1, PAD, s2, PAD, …, EOS]` given each id's duration in
/// frames and the number of samples produced. The frame length is not in the voice's
/// config, so it is read off the output (samples / total frames) and must divide evenly.
/// A pad's time goes to the symbol before it; BOS and EOS become silences (`_`).
pub fn from_piper_durations(
    symbols: &[char],
    frames: &[f32],
    samples: usize,
    sample_rate: u32,
) -> Result<Vec<Phoneme>, TimingError> {
    let expected = 2 + 2 * symbols.len();
    if frames.len() != expected {
        return Err(TimingError::Count {
            expected,
            got: frames.len(),
        });
    }
    let frames: Vec<u64> = frames.iter().map(|f| f.max(0.0).round() as u64).collect();
    let total: u64 = frames.iter().sum();
    if total == 0 || !(samples as u64).is_multiple_of(total) {
        return Err(TimingError::Frames {
            samples,
            frames: total,
        });
    }
    let seconds_per_frame = (samples as u64 / total) as f64 / f64::from(sample_rate);
    let mut spans = Vec::with_capacity(symbols.len() + 2);
    let mut clock = 0u64;
    let mut span = |symbol: String, length: u64| {
        let start = clock as f64 * seconds_per_frame;
        clock += length;
        (symbol, start, clock as f64 * seconds_per_frame)
    };
    spans.push(span("_".into(), frames[0]));
    for (i, &symbol) in symbols.iter().enumerate() {
        spans.push(span(
            symbol.to_string(),
            frames[1 + 2 * i] + frames[2 + 2 * i],
        ));
    }
    spans.push(span("_".into(), frames[expected - 1]));
    Ok(merge_marks(spans))
}

/// Timings from espeak-ng's phoneme events (start in ms, IPA symbol): each runs to the
/// next event, the last to the end of the audio.
pub fn from_events(events: &[(u32, String)], duration_s: f64) -> Vec<Phoneme> {
    let mut spans = Vec::with_capacity(events.len() + 1);
    let first = events
        .first()
        .map_or(duration_s, |e| f64::from(e.0) / 1000.0);
    spans.push(("_".to_string(), 0.0, first.min(duration_s)));
    for (i, (ms, symbol)) in events.iter().enumerate() {
        let start = (f64::from(*ms) / 1000.0).min(duration_s);
        let end = events
            .get(i + 1)
            .map_or(duration_s, |next| f64::from(next.0) / 1000.0)
            .clamp(start, duration_s);
        spans.push((symbol.clone(), start, end));
    }
    merge_marks(spans)
}

/// Folds stress and length marks into their phonemes and drops empty spans, so every
/// phoneme that remains is a sound with its own time.
fn merge_marks(spans: Vec<(String, f64, f64)>) -> Vec<Phoneme> {
    let mut out: Vec<Phoneme> = Vec::with_capacity(spans.len());
    let mut pending_start: Option<(String, f64)> = None;
    for (symbol, start, end) in spans {
        let mut chars = symbol.chars();
        let only = chars.next().filter(|_| chars.next().is_none());
        if only.is_some_and(attaches_forward) {
            let (marks, from) = pending_start.take().unwrap_or((String::new(), start));
            pending_start = Some((marks + &symbol, from));
            continue;
        }
        if only.is_some_and(attaches_backward)
            && let Some(prev) = out.last_mut()
        {
            prev.symbol.push_str(&symbol);
            prev.end = end;
            continue;
        }
        let (symbol, start) = match pending_start.take() {
            Some((marks, from)) => (marks + &symbol, from),
            None => (symbol, start),
        };
        if end > start {
            out.push(Phoneme { symbol, start, end });
        }
    }
    if let (Some((marks, from)), Some(last)) = (pending_start, out.last_mut()) {
        // A stress mark with nothing after it: give its time to what came before.
        last.symbol.push_str(&marks);
        last.end = last.end.max(from);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(p: &[Phoneme]) -> Vec<&str> {
        p.iter().map(|p| p.symbol.as_str()).collect()
    }

    #[test]
    fn piper_durations_become_contiguous_timings() {
        // "tˈɛst": BOS t _ ˈ _ ɛ _ s _ t _ EOS, 256 samples a frame at 22,050 Hz.
        let input = ['t', 'ˈ', 'ɛ', 's', 't'];
        let frames = [5.0, 2.0, 1.0, 1.0, 0.0, 6.0, 1.0, 4.0, 0.0, 3.0, 1.0, 4.0];
        let samples = 28 * 256;
        let p = from_piper_durations(&input, &frames, samples, 22_050).unwrap();
        assert_eq!(symbols(&p), ["_", "t", "ˈɛ", "s", "t", "_"]);
        let frame = 256.0 / 22_050.0;
        assert!((p[1].start - 5.0 * frame).abs() < 1e-9);
        // The stress mark's frame starts the vowel's span.
        assert!((p[2].start - 8.0 * frame).abs() < 1e-9);
        assert!((p[2].end - 16.0 * frame).abs() < 1e-9);
        assert!((p.last().unwrap().end - samples as f64 / 22_050.0).abs() < 1e-9);
        assert!(p.windows(2).all(|w| (w[0].end - w[1].start).abs() < 1e-9));
    }

    #[test]
    fn piper_mismatches_are_errors() {
        assert_eq!(
            from_piper_durations(&['a'], &[1.0, 1.0], 512, 22_050),
            Err(TimingError::Count {
                expected: 4,
                got: 2
            })
        );
        assert!(matches!(
            from_piper_durations(&['a'], &[1.0, 1.0, 1.0, 1.0], 1001, 22_050),
            Err(TimingError::Frames { .. })
        ));
    }

    #[test]
    fn espeak_events_run_to_the_next_one() {
        let events = vec![
            (100, "h".to_string()),
            (160, "ə".to_string()),
            (220, "l".to_string()),
            (280, "ˈoʊ".to_string()),
            (350, "ː".to_string()),
        ];
        let p = from_events(&events, 0.5);
        assert_eq!(symbols(&p), ["_", "h", "ə", "l", "ˈoʊː"]);
        assert!((p[0].end - 0.1).abs() < 1e-9);
        assert!((p[4].end - 0.5).abs() < 1e-9);
    }
}
