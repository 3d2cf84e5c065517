//! The interviewer's voice with the real Piper weights and espeak-ng: what it says must come
//! back through Whisper as the same words, and its phoneme timings must match its audio.

use std::sync::{Arc, OnceLock};

use interviewer::audio;
use interviewer::config::{TtsConfig, TtsEngine};
use interviewer::pipeline::messages::{SpeechAudio, VoiceName};
use interviewer::pipeline::speak::{self, Speaker};
use interviewer::pipeline::transcribe::{AudioContext, Whisper, wer};

use crate::helpers::{cli_command, root};

fn config(engine: TtsEngine) -> TtsConfig {
    TtsConfig {
        engine,
        voice: root().join("models/en_US-joe-medium.onnx"),
        ..TtsConfig::default()
    }
}

fn runtime() -> std::path::PathBuf {
    root().join("models/libonnxruntime.so.1.31.1")
}

/// One Piper voice for the whole test binary: loading it takes about a second.
pub fn piper() -> Arc<Speaker> {
    static SPEAKER: OnceLock<Arc<Speaker>> = OnceLock::new();
    SPEAKER
        .get_or_init(|| {
            Arc::new(
                Speaker::load(&config(TtsEngine::Piper), &runtime())
                    .expect("the Piper voice loads (scripts/fetch-models places it)"),
            )
        })
        .clone()
}

fn whisper_text(speech: &SpeechAudio) -> String {
    let pcm = audio::resample(&speech.pcm, speech.sample_rate, 16_000).unwrap();
    let whisper = Whisper::load(&root().join("models/ggml-tiny.en-q8_0.bin"), 2, "en").unwrap();
    let mut session = whisper.session().unwrap();
    session
        .transcribe_with(&pcm, AudioContext::Full)
        .unwrap()
        .text()
}

fn rms(pcm: &[f32]) -> f32 {
    (pcm.iter().map(|s| s * s).sum::<f32>() / pcm.len().max(1) as f32).sqrt()
}

/// The samples of `pcm` between `start` and `end` seconds.
fn span(speech: &SpeechAudio, start: f64, end: f64) -> &[f32] {
    let at = |t: f64| ((t * f64::from(speech.sample_rate)) as usize).min(speech.pcm.len());
    &speech.pcm[at(start)..at(end)]
}

fn assert_contiguous(speech: &SpeechAudio) {
    let p = &speech.phonemes;
    assert!(!p.is_empty());
    assert!(p[0].start.abs() < 1e-9, "{:?}", p[0]);
    assert!(
        (p.last().unwrap().end - speech.duration()).abs() < 0.02,
        "phonemes end at {} but the audio at {}",
        p.last().unwrap().end,
        speech.duration()
    );
    for w in p.windows(2) {
        assert!(
            (w[0].end - w[1].start).abs() < 0.02,
            "{:?} then {:?}",
            w[0],
            w[1]
        );
        assert!(w[0].end > w[0].start, "{:?}", w[0]);
    }
}

#[test]
fn a_synthesized_reply_round_trips_through_whisper() {
    let text = "Thank you for that answer. Now tell me about a time you had to learn something new at work.";
    let speech = piper().speak(text).unwrap();
    assert_eq!(speech.voice, VoiceName::Piper);
    assert_eq!(speech.sample_rate, 22_050);
    assert_contiguous(&speech);
    let heard = whisper_text(&speech);
    let error = wer::wer(&wer::normalize(text), &wer::normalize(&heard));
    // Piper samples its noise afresh on every run: allow a word or two of Whisper's errors.
    assert!(
        error <= 0.15,
        "WER {error:.2}: said {text:?}, heard {heard:?}"
    );
}

#[test]
fn phoneme_timings_follow_the_audio() {
    let speech = piper()
        .speak("Let us begin with your background. Please describe the last project you worked on.")
        .unwrap();
    assert_contiguous(&speech);
    // The pause between the sentences is silent, and the phonemes say where it is.
    let gaps: Vec<_> = speech
        .phonemes
        .iter()
        .filter(|p| p.symbol == "_" && p.start > 0.1 && p.end < speech.duration() - 0.1)
        .collect();
    assert!(!gaps.is_empty(), "{:?}", speech.phonemes);
    let gap = gaps
        .iter()
        .max_by(|a, b| (a.end - a.start).total_cmp(&(b.end - b.start)))
        .unwrap();
    assert!(gap.end - gap.start >= 0.2, "{gap:?}");
    let vowels: Vec<f32> = speech
        .phonemes
        .iter()
        .filter(|p| {
            p.symbol.contains([
                'a', 'ɪ', 'ɛ', 'æ', 'ə', 'ʌ', 'ɑ', 'i', 'u', 'ʊ', 'e', 'o', 'ɚ',
            ])
        })
        .map(|p| rms(span(&speech, p.start, p.end)))
        .collect();
    assert!(vowels.len() >= 10);
    let loud_vowels = vowels.iter().filter(|&&r| r > 0.02).count();
    assert!(
        loud_vowels * 10 >= vowels.len() * 8,
        "vowel spans should carry voice: {vowels:?}"
    );
    let quiet = rms(span(&speech, gap.start + 0.02, gap.end - 0.02));
    let median_vowel = {
        let mut v = vowels.clone();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    assert!(
        quiet * 10.0 < median_vowel,
        "pause rms {quiet} vs vowel rms {median_vowel}"
    );
}

#[tokio::test]
async fn sentences_stream_one_at_a_time() {
    let text = "Welcome. This interview has three questions! Shall we start?";
    let mut rx = speak::stream(piper(), text.into());
    let mut got = Vec::new();
    while let Some(chunk) = rx.recv().await {
        let chunk = chunk.unwrap();
        assert_contiguous(&chunk);
        got.push(chunk.text);
    }
    assert_eq!(
        got,
        [
            "Welcome.",
            "This interview has three questions!",
            "Shall we start?"
        ]
    );
}

#[test]
fn espeak_speaks_with_timings_when_chosen() {
    let speaker = Speaker::load(&config(TtsEngine::Espeak), &runtime()).unwrap();
    let text = "Please tell me about yourself.";
    let speech = speaker.speak(text).unwrap();
    assert_eq!(speech.voice, VoiceName::Espeak);
    assert_contiguous(&speech);
    assert!(speech.phonemes.len() >= 15, "{:?}", speech.phonemes);
    let heard = whisper_text(&speech);
    let error = wer::wer(&wer::normalize(text), &wer::normalize(&heard));
    assert!(error <= 0.4, "WER {error:.2}: heard {heard:?}");
}

#[test]
fn a_missing_voice_says_how_to_get_it() {
    let mut c = config(TtsEngine::Piper);
    c.voice = root().join("models/no-such-voice.onnx");
    let err = Speaker::load(&c, &runtime()).err().unwrap().to_string();
    assert!(
        err.contains("no-such-voice.onnx") && err.contains("fetch-models"),
        "{err}"
    );
    assert!(matches!(
        piper().speak(" ... "),
        Err(speak::SpeakError::Empty(_))
    ));
}

#[test]
fn the_say_command_writes_a_wav_and_prints_timings() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("hello.wav");
    let run = |args: &[&str]| cli_command(args).output().unwrap();
    let out = run(&[
        "say",
        "Hello there.",
        "-o",
        out_path.to_str().unwrap(),
        "--timings",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout);
    assert!(lines.lines().count() >= 8, "{lines}");
    let wav = hound::WavReader::open(&out_path).unwrap();
    assert_eq!(wav.spec().sample_rate, 22_050);
    assert!(wav.duration() > 11_025, "at least half a second");

    let empty = run(&["say", "  ", "-o", out_path.to_str().unwrap()]);
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("nothing to say"));
}

#[test]
fn filled_pauses_in_speech_are_counted() {
    let speech = piper()
        .speak("So, um, I think the, uh, the cache was too small.")
        .unwrap();
    let pcm = audio::resample(&speech.pcm, speech.sample_rate, 16_000).unwrap();
    let config = interviewer::config::Config::default();
    let whisper = Whisper::load(&root().join("models/ggml-tiny.en-q8_0.bin"), 2, "en").unwrap();
    let mut vad = interviewer::pipeline::listen::Silero::load(
        &root().join("models/silero_vad.onnx"),
        &runtime(),
    )
    .unwrap();
    let heard = interviewer::pipeline::recording::hear(
        &config,
        &mut vad,
        &mut whisper.session().unwrap(),
        &pcm,
    )
    .unwrap();
    assert!(
        heard.fluency.filled_pauses.count >= 1,
        "{}: {:?}",
        heard.transcript.text(),
        heard.fluency.filled_pauses
    );
}
