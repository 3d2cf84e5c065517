//! The mouth follows the voice: with real Piper speech, how open the animated mouth is
//! tracks the loudness of the audio.

use interviewer::animate::{VisemeSettings, VisemeTrack};
use interviewer::config::{TtsConfig, TtsEngine};
use interviewer::pipeline::speak::Speaker;

use crate::helpers::root;

fn pearson(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len() as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let cov: f32 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f32 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f32 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va.sqrt() * vb.sqrt())
}

#[test]
fn mouth_opening_follows_the_audio_envelope() {
    let speaker = Speaker::load(
        &TtsConfig {
            engine: TtsEngine::Piper,
            voice: root().join("models/en_US-joe-medium.onnx"),
            ..TtsConfig::default()
        },
        &root().join("models/libonnxruntime.so.1.31.1"),
    )
    .unwrap();
    let speech = speaker
        .speak("Good morning. Thank you for joining me today. Shall we begin with your background?")
        .unwrap();
    let track = VisemeTrack::new(&speech.phonemes, VisemeSettings::default());
    let frame = speech.sample_rate as usize / 50; // 20 ms
    let (mut envelope, mut open) = (Vec::new(), Vec::new());
    for (i, chunk) in speech.pcm.chunks_exact(frame).enumerate() {
        let rms = (chunk.iter().map(|s| s * s).sum::<f32>() / frame as f32).sqrt();
        envelope.push(rms);
        open.push(track.openness_at((i as f32 + 0.5) * 0.02));
    }
    let r = pearson(&envelope, &open);
    assert!(r > 0.4, "mouth opening vs audio envelope: r = {r:.2}");
    // Silent stretches keep the mouth nearly closed.
    let quiet_open: Vec<f32> = envelope
        .iter()
        .zip(&open)
        .filter(|(e, _)| **e < 0.002)
        .map(|(_, o)| *o)
        .collect();
    assert!(!quiet_open.is_empty());
    let mean = quiet_open.iter().sum::<f32>() / quiet_open.len() as f32;
    assert!(mean < 0.15, "mouth open {mean:.2} during silence");
}
