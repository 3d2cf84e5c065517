//! The echo guard, sans I/O: is what the microphone hears just the interviewer's own voice
//! coming back (speakers into the microphone, with the browser's echo cancellation off or
//! overwhelmed)? It compares the loudness envelope of the candidate's audio with that of the
//! interviewer's audio as sent, at every plausible round-trip delay: an echo follows the
//! sent envelope closely at one delay; a person talking (alone or over the echo) does not.
//!
//! Both sides are stamped on the media clock: the sent audio with the time it left, the
//! microphone's with the time it arrived, so the delay found is the whole round trip.

use std::collections::VecDeque;

/// Envelope resolution.
const WINDOW_SECS: f64 = 0.01;
/// The longest round trip considered (network both ways, playout and capture buffers).
const MAX_LAG_SECS: f64 = 0.8;
/// Correlation at or above which the microphone is taken for an echo (echoes measure
/// 0.95 and more; a second voice, tried at every delay, can reach 0.8 by chance over short
/// spans).
const ECHO_CORRELATION: f32 = 0.85;
/// Sent audio quieter than this (RMS) is silence: nothing to echo.
const SILENT: f32 = 0.003;
/// How much history each side keeps.
const KEEP_SECS: f64 = 4.0;

#[derive(Debug, Default)]
pub struct EchoGuard {
    /// (time the window ends, RMS) of the interviewer's audio as sent.
    sent: VecDeque<(f64, f32)>,
    /// The same for the microphone's audio as it arrived.
    heard: VecDeque<(f64, f32)>,
    /// Where the microphone's next sample falls on the media clock: packets arrive in
    /// bursts, so time is counted in samples, pulled back by any earlier arrival.
    heard_next: Option<f64>,
}

/// Arrivals this much later than the sample clock are a gap in the stream (a reconnect),
/// not jitter: the clock starts again from them.
const GAP_SECS: f64 = 0.5;

impl EchoGuard {
    /// Audio sent to the candidate, ending at media time `t_end`, at `rate` Hz.
    pub fn sent(&mut self, t_end: f64, samples: &[f32], rate: u32) {
        push_windows(&mut self.sent, t_end, samples, rate);
    }

    /// Audio from the microphone, arrived by media time `t_end`, at `rate` Hz.
    pub fn heard(&mut self, t_end: f64, samples: &[f32], rate: u32) {
        let secs = samples.len() as f64 / f64::from(rate);
        // Packets arrive no earlier than their time (plus the least delay) and often later,
        // in bursts: the earliest arrivals mark the stream's timeline.
        let end = match self.heard_next {
            Some(next) if t_end >= next + secs && t_end - (next + secs) <= GAP_SECS => next + secs,
            _ => t_end,
        };
        self.heard_next = Some(end);
        push_windows(&mut self.heard, end, samples, rate);
    }

    /// Whether the microphone's last `secs` are explained by the sent audio. Nothing sent in
    /// that span (before the round trip) means it cannot be an echo.
    pub fn is_echo(&self, secs: f64) -> bool {
        self.correlation(secs)
            .is_some_and(|c| c >= ECHO_CORRELATION)
    }

    /// The best correlation over the delays, or none when nothing was sent to echo.
    pub fn correlation(&self, secs: f64) -> Option<f32> {
        let &(last, _) = self.heard.back()?;
        let near: Vec<(f64, f32)> = self
            .heard
            .iter()
            .copied()
            .filter(|(t, _)| *t > last - secs)
            .collect();
        if near.len() < 8 {
            return None;
        }
        let mut best: Option<f32> = None;
        let steps = (MAX_LAG_SECS / WINDOW_SECS) as usize;
        for step in 0..=steps {
            let lag = step as f64 * WINDOW_SECS;
            let far: Vec<f32> = near.iter().map(|(t, _)| self.sent_at(t - lag)).collect();
            if far.iter().copied().fold(0.0f32, f32::max) < SILENT {
                continue;
            }
            let near_rms: Vec<f32> = near.iter().map(|(_, r)| *r).collect();
            if let Some(c) = pearson(&near_rms, &far) {
                best = Some(best.map_or(c, |b| b.max(c)));
            }
        }
        best
    }

    /// The sent envelope at time `t` (the window covering it), silence outside what is kept.
    fn sent_at(&self, t: f64) -> f32 {
        let i = self.sent.partition_point(|(end, _)| *end < t);
        match self.sent.get(i) {
            Some((end, rms)) if end - WINDOW_SECS <= t => *rms,
            _ => 0.0,
        }
    }
}

fn push_windows(into: &mut VecDeque<(f64, f32)>, t_end: f64, samples: &[f32], rate: u32) {
    let per = ((f64::from(rate) * WINDOW_SECS) as usize).max(1);
    let n = samples.len() / per;
    let secs = per as f64 / f64::from(rate);
    let start = t_end - samples.len() as f64 / f64::from(rate);
    for (i, w) in samples.chunks_exact(per).enumerate().take(n) {
        let rms = (w.iter().map(|s| s * s).sum::<f32>() / per as f32).sqrt();
        into.push_back((start + (i + 1) as f64 * secs, rms));
    }
    while into.front().is_some_and(|(t, _)| *t < t_end - KEEP_SECS) {
        into.pop_front();
    }
}

fn pearson(a: &[f32], b: &[f32]) -> Option<f32> {
    let n = a.len() as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    (saa > 1e-12 && sbb > 1e-12).then(|| sab / (saa * sbb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech-like: a tone under a syllable-rate envelope with pauses, seeded.
    fn voice(secs: f64, rate: u32, seed: u32) -> Vec<f32> {
        let n = (secs * f64::from(rate)) as usize;
        let mut x = seed;
        let mut env = 0.0f32;
        (0..n)
            .map(|i| {
                if i % (rate as usize / 8) == 0 {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    env = ((x >> 16) % 100) as f32 / 100.0;
                }
                let t = i as f32 / rate as f32;
                env * 0.4 * (std::f32::consts::TAU * 170.0 * t).sin()
            })
            .collect()
    }

    /// Feeds `sent` (48 kHz) and `heard` (16 kHz) in 20 ms steps, as the live tasks do.
    fn guard(sent: &[f32], heard: &[f32]) -> EchoGuard {
        let mut g = EchoGuard::default();
        let steps = heard.len() / 320;
        for k in 0..steps {
            let t = (k + 1) as f64 * 0.02;
            if let Some(s) = sent.get(k * 960..(k + 1) * 960) {
                g.sent(t, s, 48_000);
            }
            g.heard(t, &heard[k * 320..(k + 1) * 320], 16_000);
        }
        g
    }

    fn echo_of(sent48: &[f32], delay: f64, gain: f32) -> Vec<f32> {
        let down: Vec<f32> = sent48.iter().step_by(3).copied().collect();
        let d = (delay * 16_000.0) as usize;
        let mut out = vec![0.0; d];
        out.extend(down.iter().map(|s| s * gain));
        out.truncate(down.len());
        out
    }

    #[test]
    fn the_interviewer_coming_back_is_an_echo() {
        let sent = voice(3.0, 48_000, 1);
        let heard = echo_of(&sent, 0.23, 0.2);
        let g = guard(&sent, &heard);
        let c = g.correlation(1.0).unwrap();
        assert!(g.is_echo(1.0), "correlation {c}");
    }

    #[test]
    fn a_person_speaking_is_not_an_echo_even_over_one() {
        let sent = voice(3.0, 48_000, 1);
        let person = voice(3.0, 16_000, 99);
        let g = guard(&sent, &person);
        assert!(!g.is_echo(1.0), "{:?}", g.correlation(1.0));
        // Double talk: the echo is there, but the person is louder.
        let echo = echo_of(&sent, 0.23, 0.1);
        let both: Vec<f32> = person.iter().zip(&echo).map(|(p, e)| p + e).collect();
        let g = guard(&sent, &both);
        assert!(!g.is_echo(1.0), "{:?}", g.correlation(1.0));
    }

    #[test]
    fn nothing_sent_means_no_echo() {
        let person = voice(2.0, 16_000, 5);
        let g = guard(&[], &person);
        assert_eq!(g.correlation(1.0), None);
        assert!(!g.is_echo(1.0));
    }
}
