//! Speech-stage figures on this machine: end of speech → final transcript for 2, 5 and 8 s
//! utterances (p50/p95) with Whisper tiny.en on 2 threads, at the full 30 s audio context and
//! at a context sized to the clip; Whisper's real-time factor; VAD cost per frame.
//! Run: `cargo bench --bench speech` (needs `scripts/fetch-models`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use interviewer::audio::wav;
use interviewer::pipeline::listen::{FRAME_SAMPLES, Silero};
use interviewer::pipeline::transcribe::{AudioContext, Whisper};

const RUNS: usize = 7;

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pcm = wav::read_file(&root.join("tests/fixtures/audio/jfk.wav"))?;
    let whisper = Whisper::load(&root.join("models/ggml-tiny.en.bin"), 2, "en")?;
    let mut session = whisper.session()?;
    for ctx in [
        AudioContext::Full,
        AudioContext::SizedToClip,
        AudioContext::Auto,
    ] {
        for secs in [2usize, 5, 8] {
            // Phrases of the fixture, starting at its first word.
            let clip = &pcm.samples[4_000..4_000 + secs * 16_000];
            let mut times = Vec::with_capacity(RUNS);
            let mut text = String::new();
            for _ in 0..RUNS {
                let t = Instant::now();
                let tr = session.transcribe_with(clip, ctx)?;
                times.push(t.elapsed());
                text = tr.text();
            }
            times.sort();
            let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
            println!(
                "whisper tiny.en {ctx:?} {secs} s clip: p50 {:.0} ms, p95 {:.0} ms, real-time factor {:.3}  \"{text}\"",
                ms(p(0.5)),
                ms(p(0.95)),
                p(0.5).as_secs_f64() / secs as f64
            );
        }
    }
    word_error_rate(&root, &whisper)?;
    let mut vad = Silero::load(
        &root.join("models/silero_vad.onnx"),
        &root.join("models/libonnxruntime.so.1.31.1"),
    )?;
    let frames: Vec<&[f32]> = pcm.samples.chunks_exact(FRAME_SAMPLES).collect();
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..5 {
        vad.reset();
        for f in &frames {
            vad.probability(f)?;
            n += 1;
        }
    }
    let per_frame = t.elapsed() / n;
    println!(
        "silero VAD: {:.1} µs per 32 ms frame ({:.1} µs per 20 ms of audio), {n} frames",
        per_frame.as_secs_f64() * 1e6,
        per_frame.as_secs_f64() * 1e6 * 20.0 / 32.0
    );
    Ok(())
}

/// WER on real read speech with ground truth (LibriVox clips, tests/fixtures) and on the
/// jfk fixture, through the product's path: VAD, then Whisper on the speech segments.
fn word_error_rate(root: &std::path::Path, whisper: &Whisper) -> anyhow::Result<()> {
    use interviewer::pipeline::listen::{Settings, speech_segments};
    use interviewer::pipeline::transcribe::{transcribe_segments, wer};
    let dir = root.join("tests/fixtures/audio/librivox");
    let mut cases: Vec<(PathBuf, String)> = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    names.sort();
    for wav_path in names {
        cases.push((
            wav_path.clone(),
            std::fs::read_to_string(wav_path.with_extension("txt"))?,
        ));
    }
    cases.push((root.join("tests/fixtures/audio/jfk.wav"), "and so my fellow americans ask not what your country can do for you ask what you can do for your country".into()));
    let mut vad = Silero::load(
        &root.join("models/silero_vad.onnx"),
        &root.join("models/libonnxruntime.so.1.31.1"),
    )?;
    for ctx in [AudioContext::Full, AudioContext::Auto] {
        let mut pairs = Vec::new();
        for (path, reference) in &cases {
            let pcm = wav::read_file(path)?;
            let segments = speech_segments(
                &vad.probabilities(&pcm.samples)?,
                pcm.samples.len(),
                Settings::default(),
            );
            let t = transcribe_segments(&mut whisper.session()?, &pcm.samples, &segments, ctx)?;
            pairs.push((wer::normalize(reference), wer::normalize(&t.text())));
        }
        for (r, h) in &pairs {
            println!("  ref: {r}\n  hyp: {h}  (WER {:.3})", wer::wer(r, h));
        }
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(r, h)| (r.as_str(), h.as_str()))
            .collect();
        println!(
            "whisper tiny.en {ctx:?}: WER {:.2}% over {} clips of read speech",
            100.0 * wer::corpus_wer(&refs),
            pairs.len()
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
