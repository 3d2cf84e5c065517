//! Speech-stage figures on this machine: end of speech → final transcript for 2, 5 and 8 s
//! utterances (p50/p95) with Whisper tiny.en and base on 2 threads, at the full 30 s audio
//! context, at a context sized to the clip, `auto` and `quick` (the live turn's); Whisper's
//! real-time factor; WER and time per clip through the product's path (VAD, pieces) at
//! the full window and at sized windows with pieces of up to 3–12 s;
//! Piper's time to first audio and real-time factor; VAD cost per frame; Smart Turn's cost per
//! question (its features, and the model on one thread).
//! Run: `cargo bench --bench speech` (needs `scripts/fetch-models`; base is measured when
//! `scripts/fetch-models --optional` has placed it).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use interviewer::audio::wav;
use interviewer::config::TtsConfig;
use interviewer::pipeline::listen::{FRAME_SAMPLES, Silero};
use interviewer::pipeline::speak::{Speaker, sentences};
use interviewer::pipeline::transcribe::{AudioContext, Whisper};

const RUNS: usize = 7;

fn main() -> anyhow::Result<()> {
    if std::env::var_os("RUST_LOG").is_some() {
        interviewer::telemetry::init();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pcm = wav::read_file(&root.join("tests/fixtures/audio/jfk.wav"))?;
    for (name, file) in [
        ("tiny.en", "ggml-tiny.en.bin"),
        ("tiny.en q8_0", "ggml-tiny.en-q8_0.bin"),
        ("base", "ggml-base.bin"),
    ] {
        let path = root.join("models").join(file);
        if !path.is_file() {
            println!(
                "whisper {name}: {} not present (scripts/fetch-models --optional); skipped",
                path.display()
            );
            continue;
        }
        let whisper = Whisper::load(&path, 2, "en")?;
        if std::env::var_os("SPEECH_BESIDE_VIDEO_ONLY").is_some() {
            beside_video(name, &root, &whisper, &pcm.samples)?;
            continue;
        }
        latency(name, &whisper, &pcm.samples)?;
        beside_video(name, &root, &whisper, &pcm.samples)?;
        word_error_rate(name, &root, &whisper)?;
    }
    piper(&root)?;
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
    smart_turn(&root, &pcm.samples)
}

/// Smart Turn's cost per question on an idle machine: the log-mel features of its 8 s
/// window, and the model's run on one thread (as the live listener runs it).
fn smart_turn(root: &std::path::Path, samples: &[f32]) -> anyhow::Result<()> {
    use interviewer::pipeline::listen::SmartTurn;
    use interviewer::pipeline::listen::features::LogMel;
    let mel = LogMel::new();
    let mut times = Vec::with_capacity(RUNS * 3);
    for _ in 0..RUNS * 3 {
        let t = Instant::now();
        std::hint::black_box(mel.features(samples));
        times.push(t.elapsed());
    }
    let (f50, f95) = percentiles(&mut times);
    let mut model = SmartTurn::load(
        &root.join("models/smart-turn-v3.2-cpu.onnx"),
        &root.join("models/libonnxruntime.so.1.31.1"),
    )?;
    model.probability(samples)?;
    let mut times = Vec::with_capacity(RUNS * 3);
    for _ in 0..RUNS * 3 {
        let t = Instant::now();
        model.probability(samples)?;
        times.push(t.elapsed());
    }
    let (p50, p95) = percentiles(&mut times);
    println!(
        "smart turn, alone: features p50 {:.1} ms, p95 {:.1} ms; features and model p50 {:.0} ms, p95 {:.0} ms",
        ms(f50),
        ms(f95),
        ms(p50),
        ms(p95)
    );
    Ok(())
}

/// End of speech → transcript for phrases of the jfk fixture, starting at its first word.
fn latency(name: &str, whisper: &Whisper, samples: &[f32]) -> anyhow::Result<()> {
    let mut session = whisper.session()?;
    for ctx in [
        AudioContext::Full,
        AudioContext::SizedToClip,
        AudioContext::Auto,
        AudioContext::Quick,
    ] {
        for secs in [2usize, 5, 8] {
            let clip = &samples[4_000..4_000 + secs * 16_000];
            let mut times = Vec::with_capacity(RUNS);
            let mut text = String::new();
            for _ in 0..RUNS {
                let t = Instant::now();
                let tr = session.transcribe_with(clip, ctx)?;
                times.push(t.elapsed());
                text = tr.text();
            }
            let (p50, p95) = percentiles(&mut times);
            println!(
                "whisper {name} {ctx:?} {secs} s clip: p50 {:.0} ms, p95 {:.0} ms, real-time factor {:.3}  \"{text}\"",
                ms(p50),
                ms(p95),
                p50.as_secs_f64() / secs as f64
            );
        }
    }
    Ok(())
}

/// The live turn's pass while a live call's video runs beside it: a thread renders and
/// encodes the idle avatar at 10 fps (640×480, 4× MSAA, what a call sends while it
/// listens), and the quick pass runs on 2 and 5 s clips with 2 threads and with 1.
fn beside_video(
    name: &str,
    root: &std::path::Path,
    whisper: &Whisper,
    samples: &[f32],
) -> anyhow::Result<()> {
    use interviewer::animate::{AvatarPose, Viseme};
    use interviewer::render::{Avatar, FrameSettings, Gpu, Renderer, VideoFrame};
    use interviewer::rtc::video_codec::{VideoEncoder, VideoSettings};
    use std::sync::atomic::{AtomicBool, Ordering};
    let avatar = Avatar::load(&root.join("avatar/interviewer.glb"))?;
    let (width, height) = (640, 480);
    let mut renderer = Renderer::new(
        Gpu::shared()?,
        &avatar,
        FrameSettings {
            width,
            height,
            msaa: 4,
        },
    )?;
    let mut encoder = VideoEncoder::new(VideoSettings {
        width,
        height,
        fps: 10.0,
        bitrate_bps: 600_000,
        keyframe_secs: 4.0,
    })?;
    let mut session = whisper.session()?;
    let quick = |session: &mut interviewer::pipeline::transcribe::WhisperSession,
                 label: &str|
     -> anyhow::Result<()> {
        for secs in [2usize, 5] {
            let clip = &samples[4_000..4_000 + secs * 16_000];
            let mut times = Vec::with_capacity(RUNS);
            let mut text = String::new();
            for _ in 0..RUNS {
                let t = Instant::now();
                text = session.transcribe_with(clip, AudioContext::Quick)?.text();
                times.push(t.elapsed());
            }
            let (p50, p95) = percentiles(&mut times);
            println!(
                "whisper {name} quick, {label}, {secs} s clip: p50 {:.0} ms, p95 {:.0} ms  \"{text}\"",
                ms(p50),
                ms(p95)
            );
        }
        Ok(())
    };
    quick(&mut whisper.session()?, "2 threads, alone")?;
    let mut alone = whisper.session()?;
    alone.limit_threads(1);
    quick(&mut alone, "1 thread, alone")?;
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let video = std::thread::spawn(move || -> anyhow::Result<(usize, Duration)> {
        let pose = AvatarPose::holding(Viseme::Sil);
        let mut frame = VideoFrame::empty();
        let (mut n, mut busy) = (0, Duration::ZERO);
        let start = Instant::now();
        while !stopped.load(Ordering::Relaxed) {
            let t = Instant::now();
            renderer.render(&pose, &mut frame)?;
            if frame.width == width {
                encoder.encode(&frame)?;
            }
            busy += t.elapsed();
            n += 1;
            let next = start + Duration::from_millis(100) * n as u32;
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        Ok((n, busy))
    });
    for threads in [2usize, 1] {
        session.limit_threads(threads);
        quick(
            &mut session,
            &format!("{threads} thread(s), beside the video"),
        )?;
    }
    stop.store(true, Ordering::Relaxed);
    let (frames, busy) = video
        .join()
        .map_err(|_| anyhow::anyhow!("the video thread panicked"))??;
    println!(
        "  the video thread: {frames} frames, {:.1} ms each to render and encode",
        ms(busy) / frames.max(1) as f64
    );
    Ok(())
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (p(0.5), p(0.95))
}

/// Piper: time from a reply's text to its first sentence's audio (what the candidate waits
/// for), and the real-time factor over whole replies; the same for the espeak-ng fallback.
fn piper(root: &std::path::Path) -> anyhow::Result<()> {
    let replies = [
        "Thanks. Could you walk me through how you would test that function?",
        "Let us move on. Tell me about a time you disagreed with a teammate, and what you did about it.",
        "Good. What happens to your solution when the input list is empty?",
        "I see. Which part of that design would you change first if the traffic doubled?",
    ];
    let runtime = root.join("models/libonnxruntime.so.1.31.1");
    for engine in ["piper", "espeak"] {
        let config = TtsConfig {
            engine: if engine == "piper" {
                interviewer::config::TtsEngine::Piper
            } else {
                interviewer::config::TtsEngine::Espeak
            },
            voice: root.join("models/en_US-joe-medium.onnx"),
            ..TtsConfig::default()
        };
        let t = Instant::now();
        let speaker = Speaker::load(&config, &runtime)?;
        let load = t.elapsed();
        speaker.speak("Warm up.")?;
        let mut first = Vec::new();
        let (mut synth, mut audio) = (Duration::ZERO, 0.0);
        for _ in 0..3 {
            for reply in replies {
                let t = Instant::now();
                let opening = &sentences::sentences(reply)[0];
                speaker.sentence(opening)?;
                first.push(t.elapsed());
                let t = Instant::now();
                let speech = speaker.speak(reply)?;
                synth += t.elapsed();
                audio += speech.duration();
            }
        }
        let (p50, p95) = percentiles(&mut first);
        println!(
            "{engine}: load {:.0} ms; first audio p50 {:.0} ms, p95 {:.0} ms; real-time factor {:.3} over {:.1} s of speech",
            ms(load),
            ms(p50),
            ms(p95),
            synth.as_secs_f64() / audio,
            audio
        );
    }
    Ok(())
}

/// WER on real read speech with ground truth (LibriVox clips, tests/fixtures) and on the
/// jfk fixture, through the product's path: VAD, then Whisper on the speech segments.
fn word_error_rate(name: &str, root: &std::path::Path, whisper: &Whisper) -> anyhow::Result<()> {
    use interviewer::pipeline::listen::{Settings, speech_segments};
    use interviewer::pipeline::transcribe::{max_piece, pieces, transcribe_pieces, wer};
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
    let mut clips = Vec::new();
    for (path, reference) in &cases {
        let pcm = wav::read_file(path)?;
        let probs = vad.probabilities(&pcm.samples)?;
        let segments = speech_segments(&probs, pcm.samples.len(), Settings::default());
        clips.push((pcm.samples, probs, segments, wer::normalize(reference)));
    }
    // The full window with its usual pieces, then windows sized to pieces of at most so
    // many seconds (the product uses `transcribe::MAX_SIZED_SAMPLES`).
    let runs = [(AudioContext::Full, max_piece(AudioContext::Full))]
        .into_iter()
        .chain([(AudioContext::Auto, max_piece(AudioContext::Auto))])
        .chain([3, 4, 6, 8, 12].map(|s| (AudioContext::Quick, s * 16_000)));
    for (ctx, cap) in runs {
        let mut pairs = Vec::new();
        let mut times = Vec::new();
        for (samples, probs, segments, reference) in &clips {
            let cut = pieces(segments, probs, samples.len(), cap);
            let t = Instant::now();
            let heard = transcribe_pieces(&mut whisper.session()?, samples, &cut, ctx)?;
            times.push(t.elapsed());
            pairs.push((reference.clone(), wer::normalize(&heard.text())));
        }
        if ctx == AudioContext::Full {
            for (r, h) in &pairs {
                println!("  ref: {r}\n  hyp: {h}  (WER {:.3})", wer::wer(r, h));
            }
        }
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(r, h)| (r.as_str(), h.as_str()))
            .collect();
        let total: Duration = times.iter().sum();
        let slowest = times.iter().max().copied().unwrap_or_default();
        println!(
            "whisper {name} {ctx:?}, pieces up to {:.0} s: WER {:.2}% over {} clips of read speech; {:.0} ms per clip on average, slowest {:.0} ms",
            cap as f64 / 16_000.0,
            100.0 * wer::corpus_wer(&refs),
            pairs.len(),
            ms(total) / times.len() as f64,
            ms(slowest),
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
