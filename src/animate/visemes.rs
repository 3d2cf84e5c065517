//! Phoneme timings → mouth shapes over time. The 15 Oculus visemes; each phoneme names one.
//! The mouth does not jump from shape to shape: every shape ramps in and out, starts a little
//! before its sound (people shape their lips ahead of the sound), lip-neutral consonants
//! take on the shape of the vowel that follows (coarticulation: the "oo" lips are already
//! rounded during the "t" of "too"), and shapes too brief to be seen are held at reduced
//! strength rather than flickered. Bilabials (p, b, m) always close fully: a mouth that
//! stays open on "m" is the most visible lip-sync error.

use crate::pipeline::messages::Phoneme;

/// The Oculus viseme set, in its usual order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viseme {
    Sil,
    PP,
    FF,
    TH,
    DD,
    Kk,
    CH,
    SS,
    Nn,
    RR,
    Aa,
    E,
    I,
    O,
    U,
}

pub const VISEME_COUNT: usize = 15;

impl Viseme {
    pub const ALL: [Viseme; VISEME_COUNT] = [
        Self::Sil,
        Self::PP,
        Self::FF,
        Self::TH,
        Self::DD,
        Self::Kk,
        Self::CH,
        Self::SS,
        Self::Nn,
        Self::RR,
        Self::Aa,
        Self::E,
        Self::I,
        Self::O,
        Self::U,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn is_vowel(self) -> bool {
        matches!(self, Self::Aa | Self::E | Self::I | Self::O | Self::U)
    }

    /// Consonants made without the lips, whose lip shape is free to anticipate the vowel.
    fn lips_free(self) -> bool {
        matches!(
            self,
            Self::DD | Self::Kk | Self::Nn | Self::SS | Self::TH | Self::RR
        )
    }

    /// How far the jaw opens for this shape, 0 to 1.
    pub fn openness(self) -> f32 {
        match self {
            Self::Aa => 1.0,
            Self::O => 0.75,
            Self::E => 0.6,
            Self::I => 0.4,
            Self::U => 0.35,
            Self::DD | Self::Kk | Self::Nn | Self::RR | Self::TH | Self::CH => 0.25,
            Self::SS => 0.12,
            Self::Sil | Self::PP | Self::FF => 0.0,
        }
    }
}

/// The viseme of one phoneme symbol (IPA, as the voices give it, stress and length marks
/// included). Silence, boundaries, punctuation and anything unknown are `Sil`: a neutral
/// mouth is the safe shape for a symbol nobody mapped.
pub fn viseme_of(symbol: &str) -> Viseme {
    let Some(c) = symbol
        .chars()
        .find(|c| !matches!(c, 'ˈ' | 'ˌ' | 'ː' | 'ˑ' | '̃' | '̩'))
    else {
        return Viseme::Sil;
    };
    match c {
        'p' | 'b' | 'm' => Viseme::PP,
        'f' | 'v' => Viseme::FF,
        'θ' | 'ð' => Viseme::TH,
        't' | 'd' | 'ɾ' | 'ʔ' => Viseme::DD,
        'k' | 'g' | 'ɡ' | 'ŋ' | 'x' => Viseme::Kk,
        'ʃ' | 'ʒ' | 'ʧ' | 'ʤ' => Viseme::CH,
        's' | 'z' => Viseme::SS,
        'n' | 'l' | 'ɫ' | 'ɬ' => Viseme::Nn,
        'ɹ' | 'r' | 'ɻ' => Viseme::RR,
        'a' | 'ɑ' | 'æ' | 'ɐ' | 'ʌ' | 'ɒ' => Viseme::Aa,
        'e' | 'ɛ' | 'ə' | 'ɜ' | 'ɚ' | 'ɝ' | 'h' => Viseme::E,
        'i' | 'ɪ' | 'ᵻ' | 'ɨ' | 'j' | 'y' => Viseme::I,
        'o' | 'ɔ' | 'ɞ' | 'ø' | 'œ' => Viseme::O,
        'u' | 'ʊ' | 'ʉ' | 'w' | 'ɯ' => Viseme::U,
        _ => Viseme::Sil,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisemeSettings {
    /// A shape starts forming this long before its sound (seconds). Half the ramp centres each
    /// shape on its sound: the lip-sync bench (`cargo bench --bench render`) reads the mouth
    /// from rendered pixels and puts it within a frame of the audio's loudness.
    pub lead: f32,
    /// Time to reach a shape, and to release it.
    pub ramp: f32,
    /// Shapes shorter than this are shown at reduced strength (except bilabials).
    pub min_hold: f32,
    /// Share of the next vowel's shape held during a lips-free consonant before it.
    pub anticipation: f32,
}

impl Default for VisemeSettings {
    fn default() -> Self {
        Self {
            lead: 0.025,
            ramp: 0.05,
            min_hold: 0.06,
            anticipation: 0.5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    viseme: Viseme,
    start: f32,
    end: f32,
    strength: f32,
    /// The vowel this consonant anticipates, with its strength.
    anticipates: Option<(Viseme, f32)>,
}

/// Mouth-shape weights over time for one piece of speech.
#[derive(Debug, Clone)]
pub struct VisemeTrack {
    segments: Vec<Segment>,
    settings: VisemeSettings,
}

impl VisemeTrack {
    pub fn new(phonemes: &[Phoneme], settings: VisemeSettings) -> Self {
        // Consecutive phonemes with one shape (a diphthong's halves, "m" after "b") merge.
        let mut merged: Vec<(Viseme, f32, f32)> = Vec::new();
        for p in phonemes {
            let v = viseme_of(&p.symbol);
            let (start, end) = (p.start as f32, p.end as f32);
            match merged.last_mut() {
                Some(last) if last.0 == v => last.2 = end,
                _ => merged.push((v, start, end)),
            }
        }
        let mut segments = Vec::with_capacity(merged.len());
        for (i, &(viseme, start, end)) in merged.iter().enumerate() {
            if viseme == Viseme::Sil {
                continue;
            }
            let length = end - start;
            let strength = if viseme == Viseme::PP || length >= settings.min_hold {
                1.0
            } else {
                (length / settings.min_hold).clamp(0.3, 1.0)
            };
            let anticipates = match merged.get(i + 1) {
                Some(&(next, _, _)) if viseme.lips_free() && next.is_vowel() => {
                    Some((next, settings.anticipation))
                }
                _ => None,
            };
            segments.push(Segment {
                viseme,
                start,
                end,
                strength,
                anticipates,
            });
        }
        Self { segments, settings }
    }

    /// When the last shape has fully released.
    pub fn end(&self) -> f32 {
        self.segments
            .last()
            .map_or(0.0, |s| s.end + self.settings.ramp)
    }

    /// Weights of the 15 visemes at `t` seconds, summing to 1 (`Sil` takes the rest).
    pub fn weights_at(&self, t: f32) -> [f32; VISEME_COUNT] {
        let mut w = [0.0f32; VISEME_COUNT];
        let s = &self.settings;
        // Only segments whose ramps can reach `t` matter.
        let reach = s.lead + 2.0 * s.ramp;
        let first = self.segments.partition_point(|seg| seg.end + reach < t);
        for seg in self.segments[first..]
            .iter()
            .take_while(|seg| seg.start - reach <= t)
        {
            let on = seg.start - s.lead;
            let rise = smoothstep(on - s.ramp * 0.5, on + s.ramp * 0.5, t);
            let fall = 1.0 - smoothstep(seg.end - s.lead, seg.end - s.lead + s.ramp, t);
            let a = seg.strength * rise.min(fall);
            if a <= 0.0 {
                continue;
            }
            match seg.anticipates {
                Some((vowel, share)) => {
                    w[seg.viseme.index()] = w[seg.viseme.index()].max(a * (1.0 - share));
                    w[vowel.index()] = w[vowel.index()].max(a * share);
                }
                None => w[seg.viseme.index()] = w[seg.viseme.index()].max(a),
            }
        }
        let total: f32 = w.iter().sum();
        if total > 1.0 {
            for x in &mut w {
                *x /= total;
            }
        }
        w[Viseme::Sil.index()] = (1.0 - w.iter().sum::<f32>()).max(0.0);
        w
    }

    /// How open the mouth is at `t`, 0 to 1.
    pub fn openness_at(&self, t: f32) -> f32 {
        let w = self.weights_at(t);
        Viseme::ALL
            .iter()
            .map(|v| w[v.index()] * v.openness())
            .sum()
    }
}

fn smoothstep(a: f32, b: f32, t: f32) -> f32 {
    if b <= a {
        return if t >= b { 1.0 } else { 0.0 };
    }
    let x = ((t - a) / (b - a)).clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(symbol: &str, start: f64, end: f64) -> Phoneme {
        Phoneme {
            symbol: symbol.into(),
            start,
            end,
        }
    }

    fn weight(track: &VisemeTrack, v: Viseme, t: f32) -> f32 {
        track.weights_at(t)[v.index()]
    }

    #[test]
    fn symbols_map_to_visemes_and_unknown_ones_to_neutral() {
        assert_eq!(viseme_of("ˈɑː"), Viseme::Aa);
        assert_eq!(viseme_of("m"), Viseme::PP);
        assert_eq!(viseme_of("ʃ"), Viseme::CH);
        assert_eq!(viseme_of("ˌuː"), Viseme::U);
        assert_eq!(viseme_of("_"), Viseme::Sil);
        assert_eq!(viseme_of(","), Viseme::Sil);
        assert_eq!(viseme_of("ʘ"), Viseme::Sil);
        assert_eq!(viseme_of(""), Viseme::Sil);
    }

    #[test]
    fn weights_sum_to_one_and_silence_is_neutral() {
        let track = VisemeTrack::new(
            &[ph("_", 0.0, 0.3), ph("ˈɑː", 0.3, 0.6), ph("_", 0.6, 1.0)],
            VisemeSettings::default(),
        );
        for i in 0..100 {
            let w = track.weights_at(i as f32 * 0.01);
            assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
        assert!(weight(&track, Viseme::Sil, 0.1) > 0.99);
        assert!(weight(&track, Viseme::Aa, 0.45) > 0.99);
        assert!(weight(&track, Viseme::Sil, 0.9) > 0.99);
    }

    #[test]
    fn the_mouth_anticipates_its_sound_and_moves_smoothly() {
        let track = VisemeTrack::new(
            &[ph("_", 0.0, 0.5), ph("ɑ", 0.5, 0.8), ph("_", 0.8, 1.2)],
            VisemeSettings::default(),
        );
        // Opening has begun before the vowel sounds.
        assert!(track.openness_at(0.49) > 0.3);
        assert!(track.openness_at(0.4) < 0.05);
        let mut prev = track.openness_at(0.0);
        for i in 1..1200 {
            let o = track.openness_at(i as f32 * 0.001);
            assert!((o - prev).abs() < 0.05, "a jump at {} ms", i);
            prev = o;
        }
    }

    #[test]
    fn lips_free_consonants_take_the_next_vowels_shape() {
        // "too": the lips round during the "t".
        let track = VisemeTrack::new(
            &[ph("t", 0.0, 0.1), ph("uː", 0.1, 0.3)],
            VisemeSettings {
                lead: 0.0,
                ..VisemeSettings::default()
            },
        );
        assert!(weight(&track, Viseme::U, 0.05) >= 0.4);
        assert!(weight(&track, Viseme::DD, 0.05) > 0.3);
        // "pa": the lips close fully for "p", whatever follows.
        let track = VisemeTrack::new(
            &[ph("p", 0.0, 0.03), ph("ɑ", 0.03, 0.3)],
            VisemeSettings {
                lead: 0.0,
                ramp: 0.01,
                ..VisemeSettings::default()
            },
        );
        assert!(weight(&track, Viseme::PP, 0.015) > 0.9);
    }

    #[test]
    fn brief_shapes_are_held_weaker_not_flickered() {
        let settings = VisemeSettings::default();
        let track = VisemeTrack::new(
            &[ph("ɑ", 0.0, 0.2), ph("ɾ", 0.2, 0.215), ph("ɚ", 0.215, 0.4)],
            settings,
        );
        let peak = (0..40)
            .map(|i| weight(&track, Viseme::DD, 0.15 + i as f32 * 0.003))
            .fold(0.0, f32::max);
        assert!(peak < 0.6, "a 15 ms flap peaked at {peak}");
    }
}
