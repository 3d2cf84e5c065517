//! The silence a voice puts before a sentence's first sound (Piper's is 50–60 ms), cut to a
//! few milliseconds: the reply is heard that much sooner, and each later sentence follows
//! its pause as promptly. Pure.

use crate::pipeline::messages::SpeechAudio;

/// Loudness (RMS over 5 ms) that counts as sound: −50 dBFS, under the onset of a soft
/// consonant and over the voices' own silence.
const SOUND: f32 = 0.003;
/// Silence kept before the first sound, so that the sentence does not start with a click.
const KEEP_SECS: f64 = 0.01;

/// Cuts the sentence's lead-in to `KEEP_SECS`, moving its phonemes with the audio. Audio
/// with no sound in it is left as it is.
pub fn trim(audio: &mut SpeechAudio) {
    let rate = audio.sample_rate as usize;
    let window = (rate / 200).max(1);
    let rms = |w: &[f32]| (w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32).sqrt();
    let Some(first) = audio.pcm.chunks(window).position(|w| rms(w) > SOUND) else {
        return;
    };
    let cut = (first * window).saturating_sub((KEEP_SECS * rate as f64) as usize);
    if cut == 0 {
        return;
    }
    let secs = cut as f64 / rate as f64;
    audio.pcm.drain(..cut);
    audio.phonemes.retain_mut(|p| {
        p.start = (p.start - secs).max(0.0);
        p.end -= secs;
        p.end > 0.0
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::messages::{Phoneme, VoiceName};

    fn phoneme(symbol: &str, start: f64, end: f64) -> Phoneme {
        Phoneme {
            symbol: symbol.into(),
            start,
            end,
        }
    }

    /// 60 ms of near silence, then 100 ms of a tone, at 10 kHz.
    fn sentence() -> SpeechAudio {
        let mut pcm = vec![0.0005f32; 600];
        pcm.extend((0..1000).map(|i| 0.3 * (i as f32 * 0.3).sin()));
        SpeechAudio {
            text: "ah".into(),
            pcm,
            sample_rate: 10_000,
            phonemes: vec![
                phoneme("_", 0.0, 0.035),
                phoneme("h", 0.035, 0.06),
                phoneme("ɑ", 0.06, 0.16),
            ],
            voice: VoiceName::Piper,
        }
    }

    #[test]
    fn the_lead_in_is_cut_to_ten_ms_and_the_phonemes_move_with_it() {
        let mut s = sentence();
        trim(&mut s);
        // The sound starts at 60 ms; 10 ms of the silence before it stay.
        assert_eq!(s.pcm.len(), 1100);
        assert!(s.pcm[..100].iter().all(|&x| x == 0.0005));
        assert_eq!(s.phonemes.len(), 2, "the silence wholly cut is gone");
        assert_eq!(s.phonemes[0].symbol, "h");
        assert!(s.phonemes[0].start.abs() < 1e-9);
        assert!((s.phonemes[0].end - 0.01).abs() < 1e-9);
        assert!((s.phonemes[1].start - 0.01).abs() < 1e-9);
        assert!((s.phonemes[1].end - s.duration()).abs() < 1e-9);
    }

    #[test]
    fn speech_that_starts_at_once_or_never_is_left_alone() {
        let mut s = sentence();
        s.pcm.drain(..550);
        let before = s.clone();
        trim(&mut s);
        assert_eq!(s.pcm, before.pcm);
        assert_eq!(s.phonemes, before.phonemes);

        let mut quiet = sentence();
        quiet.pcm.truncate(600);
        let before = quiet.clone();
        trim(&mut quiet);
        assert_eq!(quiet.pcm, before.pcm);
    }
}
