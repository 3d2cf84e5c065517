//! Speech to text with the real Whisper weights that `scripts/fetch-models` places.

use interviewer::audio::wav;
use interviewer::pipeline::transcribe::Whisper;

use crate::helpers::{cli_command, root, silent_wav};

fn whisper() -> Whisper {
    let model = root().join("models/ggml-tiny.en-q8_0.bin");
    assert!(
        model.is_file(),
        "{} is missing: run scripts/fetch-models (scripts/test does)",
        model.display()
    );
    Whisper::load(&model, 2, "en").expect("model loads")
}

#[test]
fn a_spoken_sentence_becomes_the_right_words_with_times() {
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    let whisper = whisper();
    let t = whisper.session().unwrap().transcribe(&pcm.samples).unwrap();
    let text: String = t
        .text()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    assert!(
        text.contains("ask not what your country can do for you"),
        "{text}"
    );
    assert!(
        text.contains("ask what you can do for your country"),
        "{text}"
    );
    let duration = pcm.duration_secs();
    let mut last_start = 0.0;
    for w in &t.words {
        assert!(
            w.start >= last_start && w.end >= w.start && w.end <= duration,
            "{w:?}"
        );
        assert!((0.0..=1.0).contains(&w.prob));
        last_start = w.start;
    }
    let country = t
        .words
        .iter()
        .find(|w| w.text.to_lowercase().starts_with("country"))
        .unwrap();
    assert!(
        (5.0..7.5).contains(&country.start),
        "`country` at {:.2}s",
        country.start
    );
}

#[test]
fn a_missing_model_says_how_to_get_it() {
    let err = Whisper::load(&root().join("models/nope.bin"), 2, "en")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("scripts/fetch-models"), "{err}");
}

#[test]
fn the_transcribe_command_prints_words_and_fluency_as_json() {
    let out = cli_command(&["transcribe", "tests/fixtures/audio/jfk.wav", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["words"].as_array().unwrap().len() >= 20);
    let wpm = v["fluency"]["words_per_minute"]["value"].as_f64().unwrap();
    assert!((90.0..200.0).contains(&wpm), "{wpm}");
    // The speaker pauses for effect between phrases.
    assert!(v["fluency"]["silent_pauses"]["count"].as_u64().unwrap() >= 2);
    assert!(v["prosody"]["f0_mean_hz"].as_f64().is_some());
    let bad = cli_command(&["transcribe", "Cargo.toml"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not a readable WAV"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

fn vad() -> interviewer::pipeline::listen::Silero {
    interviewer::pipeline::listen::Silero::load(
        &root().join("models/silero_vad.onnx"),
        &root().join("models/libonnxruntime.so.1.31.1"),
    )
    .expect("VAD loads (run scripts/fetch-models)")
}

#[test]
fn silence_and_faint_noise_produce_no_words() {
    use interviewer::pipeline::listen::{Settings, speech_segments};
    use interviewer::pipeline::transcribe::transcribe_segments;
    // Two minutes of room noise around -60 dBFS: nothing was said, so nothing is transcribed.
    let mut seed = 7u32;
    let noise: Vec<f32> = (0..120 * 16_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.002
        })
        .collect();
    let mut vad = vad();
    let probs = vad.probabilities(&noise).unwrap();
    let segments = speech_segments(&probs, noise.len(), Settings::default());
    assert!(segments.is_empty(), "{segments:?}");
    let whisper = whisper();
    let t = transcribe_segments(
        &mut whisper.session().unwrap(),
        &noise,
        &segments,
        &probs,
        interviewer::pipeline::transcribe::AudioContext::Auto,
    )
    .unwrap();
    assert!(t.words.is_empty());
}

#[test]
fn the_vad_finds_the_phrases_of_real_speech() {
    use interviewer::pipeline::listen::{Settings, speech_segments};
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    let mut vad = vad();
    let segments = speech_segments(
        &vad.probabilities(&pcm.samples).unwrap(),
        pcm.samples.len(),
        Settings::default(),
    );
    // Four phrases separated by the speaker's pauses.
    assert!((3..=6).contains(&segments.len()), "{segments:?}");
    let speech: usize = segments.iter().map(|r| r.len()).sum();
    assert!(
        speech > pcm.samples.len() / 2 && speech < pcm.samples.len(),
        "{speech}"
    );
}

#[test]
fn smart_turn_tells_a_thinking_pause_from_a_finished_answer() {
    use interviewer::pipeline::listen::SmartTurn;
    use interviewer::pipeline::listen::features::{LogMel, N_FRAMES};
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    // Features as the reference (pipecat's vendored WhisperFeatureExtractor) computes them
    // for the same clip: sum 36974.14, f[0][0] 0.820868, f[40][400] 0.692075.
    let f = LogMel::new().features(&pcm.samples);
    let sum: f64 = f.iter().map(|&v| f64::from(v)).sum();
    assert!((sum - 36974.14).abs() / 36974.14 < 1e-3, "{sum}");
    assert!(
        (f[0] - 0.820868).abs() < 2e-3 && (f[40 * N_FRAMES + 400] - 0.692075).abs() < 2e-3,
        "{} {}",
        f[0],
        f[40 * N_FRAMES + 400]
    );

    let mut turn = SmartTurn::load(
        &root().join("models/smart-turn-v3.2-cpu.onnx"),
        &root().join("models/libonnxruntime.so.1.31.1"),
    )
    .expect("run scripts/fetch-models");
    let cut = |secs: f64| &pcm.samples[..(secs * 16_000.0) as usize];
    // "...my fellow Americans, ask not" and "...what your country can do for you": the
    // speaker pauses, but the sentence is not over.
    for secs in [4.5, 7.6] {
        let p = turn.probability(cut(secs)).unwrap();
        assert!(p < 0.3, "pause at {secs} s judged finished: {p}");
    }
    let p = turn.probability(&pcm.samples).unwrap();
    assert!(p > 0.5, "the finished sentence: {p}");
}

/// A LibriVox sentence with a thinking pause inserted at the word boundary nearest its
/// middle, then silence: (audio, sample where the speech ends).
fn answer_with_pause(clip: &str, pause_secs: f64, whisper: &Whisper) -> (Vec<f32>, usize) {
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/librivox").join(clip)).unwrap();
    let words = whisper
        .session()
        .unwrap()
        .transcribe(&pcm.samples)
        .unwrap()
        .words;
    let middle = pcm.duration_secs() / 2.0;
    let gap = words
        .windows(2)
        .map(|w| (w[0].end + w[1].start) / 2.0)
        .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()))
        .unwrap();
    let cut = (gap * 16_000.0) as usize;
    let mut audio = pcm.samples[..cut].to_vec();
    audio.extend(vec![0.0; (pause_secs * 16_000.0) as usize]);
    audio.extend_from_slice(&pcm.samples[cut..]);
    let speech_end = audio.len();
    audio.extend(vec![0.0; 4 * 16_000]);
    (audio, speech_end)
}

#[test]
fn a_thinking_pause_does_not_end_the_turn() {
    use interviewer::pipeline::listen::endpoint::EndpointSettings;
    use interviewer::pipeline::listen::{Silero, SmartTurn, turn_ends};
    let whisper = whisper();
    let runtime = root().join("models/libonnxruntime.so.1.31.1");
    let mut vad = Silero::load(&root().join("models/silero_vad.onnx"), &runtime).unwrap();
    let mut turn =
        SmartTurn::load(&root().join("models/smart-turn-v3.2-cpu.onnx"), &runtime).unwrap();
    let (audio, speech_end) = answer_with_pause(
        "sense_and_sensibility_01_austen_64kb-0920.wav",
        1.5,
        &whisper,
    );
    let ends = turn_ends(&mut vad, &mut turn, &audio, EndpointSettings::default()).unwrap();
    assert_eq!(ends.len(), 1, "the answer is one turn: {ends:?}");
    // The clip ends with a little room tone after its last word, which the VAD rightly
    // hears as silence: an end decided within 200 ms of the clip's end is not a cut.
    assert!(
        ends[0].decided_at + 3_200 >= speech_end,
        "cut off at {} before the speech ended at {speech_end}",
        ends[0].decided_at
    );
    assert!(
        ends[0].decided_at.saturating_sub(speech_end) <= 3 * 16_000 + 1024,
        "{ends:?}"
    );
}

fn hear(samples: &[f32]) -> interviewer::pipeline::recording::Heard {
    let config = interviewer::config::Config::default();
    let whisper = whisper();
    interviewer::pipeline::recording::hear(
        &config,
        &mut vad(),
        &mut whisper.session().unwrap(),
        samples,
    )
    .unwrap()
}

#[test]
fn ten_minutes_of_silence_give_no_words() {
    let heard = hear(&vec![0.0; 600 * 16_000]);
    assert!(heard.speech_segments.is_empty());
    assert!(heard.transcript.words.is_empty());
    assert_eq!(heard.fluency.words, 0);
    assert!(!heard.quality.low_confidence && heard.quality.mean_word_prob.is_none());
}

#[test]
fn clipped_noisy_speech_gives_words_or_says_it_is_unsure() {
    let pcm = wav::read_file(&root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    // Eight times too loud (hard clipping) under white noise about 10 dB below the speech.
    let mut seed = 11u32;
    let mut noise = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.2
    };
    let harsh: Vec<f32> = pcm
        .samples
        .iter()
        .map(|s| (s * 8.0 + noise()).clamp(-1.0, 1.0))
        .collect();
    let heard = hear(&harsh);
    assert!(heard.quality.clipped_share > 0.001, "{:?}", heard.quality);
    assert!(
        heard.quality.warnings.iter().any(|w| w.contains("clipped")),
        "{:?}",
        heard.quality
    );
    let reference = "and so my fellow americans ask not what your country can do for you ask what you can do for your country";
    use interviewer::pipeline::transcribe::wer;
    let error = wer::wer(reference, &wer::normalize(&heard.transcript.text()));
    assert!(
        error <= 0.3 || heard.quality.low_confidence,
        "WER {error:.2} without a warning: {:?} {:?}",
        heard.transcript.text(),
        heard.quality
    );
}

#[test]
fn the_transcribe_command_refuses_broken_files_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let jfk = std::fs::read(root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    let cases = [
        ("truncated.wav", jfk[..1000].to_vec(), "not a readable WAV"),
        ("empty.wav", Vec::new(), "not a readable WAV"),
        ("no-samples.wav", silent_wav(0.0, 16_000, 1), "empty"),
    ];
    for (name, bytes, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = cli_command(&["transcribe", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(reason) && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn output_into_a_closed_pipe_is_not_a_panic() {
    let mut child = cli_command(&["transcribe", "tests/fixtures/audio/jfk.wav", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}
