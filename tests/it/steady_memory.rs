//! What a call does for as long as it lasts must not make the process grow: frames rendered
//! and sentences spoken, each checked against the whole process's resident memory. These run
//! one at a time (scripts/test), as other tests loading models beside them would read as growth.

use interviewer::animate::Viseme;
use interviewer::render::{Gpu, Renderer, VideoFrame};
use interviewer::telemetry::resident_mib;

use crate::render::{SETTINGS, avatar, pose};
use crate::speak::piper;

fn resident() -> f64 {
    resident_mib().expect("/proc/self/status")
}

#[test]
fn rendering_frame_after_frame_holds_its_memory_steady() {
    // Mesa 22.3's lavapipe kept about 2.4 MB of every frame (700 MB over these 300), which
    // is why setup takes Mesa from bookworm-backports.
    let avatar = avatar();
    let mut renderer = Renderer::new(Gpu::shared().unwrap(), &avatar, SETTINGS).unwrap();
    let mut frame = VideoFrame::empty();
    let mut render = |n: usize| {
        for i in 0..n {
            let mut p = pose([Viseme::Sil, Viseme::Aa][i % 2], 0.0);
            p.t = i as f64 / 25.0;
            renderer.render(&p, &mut frame).unwrap();
        }
    };
    render(30);
    let before = resident();
    render(300);
    let grown = resident() - before;
    assert!(grown < 150.0, "{grown:.0} MiB more after 300 frames");
}

/// A sentence of `words` words, different for every `seed`: the voice's cache must not
/// answer it.
fn sentence(seed: usize, words: usize) -> String {
    const WORDS: [&str; 16] = [
        "project", "team", "deadline", "careful", "explain", "database", "customer", "quickly",
        "tested", "decision", "review", "system", "because", "measured", "simple", "changes",
    ];
    let body: Vec<&str> = (0..words)
        .map(|k| WORDS[(seed * 7 + k * 5 + k * k) % WORDS.len()])
        .collect();
    format!("Question {seed}: tell me how the {}.", body.join(" "))
}

#[test]
fn speaking_sentence_after_sentence_holds_its_memory_steady() {
    let voice = piper();
    let lengths = [3, 18, 7, 30, 12, 24, 5, 16];
    for (i, &n) in lengths.iter().enumerate() {
        voice.sentence(&sentence(i, n)).unwrap();
    }
    let before = resident();
    let (mut seconds, mut samples) = (0.0, 0);
    for i in 0..48 {
        let audio = voice
            .sentence(&sentence(100 + i, lengths[i % lengths.len()]))
            .unwrap();
        seconds += audio.pcm.len() as f64 / f64::from(audio.sample_rate);
        samples += audio.pcm.len();
    }
    // The voice keeps what it said (up to 64 MB) to say it again at once, and ONNX Runtime's
    // arena settles at some tens of MB. With its memory patterns on (one kept for every
    // input length), these 48 sentences grew the process by about 280 MB more than that.
    let cached = (samples * 4) as f64 / f64::from(1 << 20);
    let grown = resident() - before;
    assert!(
        grown < cached + 150.0,
        "{grown:.0} MiB more after 48 sentences ({seconds:.0} s of speech, {cached:.0} MiB of it kept)"
    );
}
