//! End-of-turn quality on answers with thinking pauses built from real speech: each LibriVox
//! fixture sentence (and the jfk clip) gets a silent pause inserted at the word boundary
//! nearest its middle, then trailing silence. Reports the share of answers cut off during
//! the pause and the delay from the last word to the end-of-turn decision, for Smart Turn and
//! for a plain silence timeout. Run: `cargo bench --bench turns` (needs scripts/fetch-models).

use std::path::{Path, PathBuf};

use interviewer::audio::wav;
use interviewer::pipeline::listen::endpoint::EndpointSettings;
use interviewer::pipeline::listen::{FRAME_SAMPLES, Silero, SmartTurn, turn_ends};
use interviewer::pipeline::transcribe::Whisper;

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runtime = root.join("models/libonnxruntime.so.1.31.1");
    let whisper = Whisper::load(&root.join("models/ggml-tiny.en.bin"), 2, "en")?;
    let mut vad = Silero::load(&root.join("models/silero_vad.onnx"), &runtime)?;
    let mut turn = SmartTurn::load(&root.join("models/smart-turn-v3.2-cpu.onnx"), &runtime)?;
    let mut clips: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/audio/librivox"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    clips.sort();
    clips.push(root.join("tests/fixtures/audio/jfk.wav"));
    // What Smart Turn says at the first ask of each pause: thinking pauses against real ends.
    let (mut at_pause, mut at_end) = (Vec::new(), Vec::new());
    for clip in &clips {
        let (audio, speech_end) = with_pause(clip, 1.5, &whisper)?;
        for (asked_at, p) in first_asks(&mut vad, &mut turn, &audio)? {
            if asked_at < speech_end {
                at_pause.push(p);
            } else {
                at_end.push(p);
            }
        }
    }
    println!(
        "smart turn probability at the first ask: thinking pauses {at_pause:.2?}, real ends {at_end:.2?}"
    );
    for pause in [0.8, 1.5, 2.5] {
        let answers: Vec<(Vec<f32>, usize)> = clips
            .iter()
            .map(|c| with_pause(c, pause, &whisper))
            .collect::<anyhow::Result<_>>()?;
        for (name, settings) in [
            ("smart turn (speech only)", EndpointSettings::default()),
            (
                "smart turn asked after 100 ms of silence",
                EndpointSettings {
                    ask_after_ms: 100,
                    ..EndpointSettings::default()
                },
            ),
            (
                "smart turn (speech + 200 ms of silence)",
                EndpointSettings {
                    model_tail_ms: 200,
                    ..EndpointSettings::default()
                },
            ),
            // The naive rule: 700 ms of silence ends the turn, no model.
            (
                "silence 700 ms",
                EndpointSettings {
                    ask_after_ms: u32::MAX,
                    max_silence_ms: 700,
                    ..EndpointSettings::default()
                },
            ),
        ] {
            let (mut cut, mut delays) = (0, Vec::new());
            for (audio, speech_end) in &answers {
                let ends = turn_ends(&mut vad, &mut turn, audio, settings)?;
                if ends.first().is_some_and(|e| e.decided_at < *speech_end) {
                    cut += 1;
                }
                if let Some(last) = ends.iter().rev().find(|e| e.decided_at >= *speech_end) {
                    delays.push((last.decided_at.saturating_sub(*speech_end)) as f64 / 16.0);
                }
            }
            delays.sort_by(f64::total_cmp);
            let pct = |q: f64| {
                delays
                    .get(((delays.len().max(1) - 1) as f64 * q).round() as usize)
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            println!(
                "{name}, {pause:.1} s thinking pause: cut off early in {cut} of {} answers; end-of-turn delay after the last word p50 {:.0} ms, p95 {:.0} ms (frame {} ms)",
                answers.len(),
                pct(0.5),
                pct(0.95),
                FRAME_SAMPLES / 16
            );
        }
    }
    Ok(())
}

/// The clip with `pause_secs` of silence at the word boundary nearest its middle, then 4 s of
/// silence; returns the audio and where its speech ends.
fn with_pause(
    clip: &Path,
    pause_secs: f64,
    whisper: &Whisper,
) -> anyhow::Result<(Vec<f32>, usize)> {
    let pcm = wav::read_file(clip)?;
    let words = whisper.session()?.transcribe(&pcm.samples)?.words;
    let middle = pcm.duration_secs() / 2.0;
    let gap = words
        .windows(2)
        .map(|w| (w[0].end + w[1].start) / 2.0)
        .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()))
        .unwrap_or(middle);
    let cut = ((gap * 16_000.0) as usize).min(pcm.samples.len());
    let last_word_end = words
        .last()
        .map(|w| (w.end * 16_000.0) as usize)
        .unwrap_or(pcm.samples.len());
    let mut audio = pcm.samples[..cut].to_vec();
    audio.extend(vec![0.0; (pause_secs * 16_000.0) as usize]);
    audio.extend_from_slice(&pcm.samples[cut..]);
    let speech_end = last_word_end + (pause_secs * 16_000.0) as usize;
    audio.extend(vec![0.0; 4 * 16_000]);
    Ok((audio, speech_end))
}

/// Each pause's first question to Smart Turn: where it was asked (sample) and its answer.
fn first_asks(
    vad: &mut Silero,
    turn: &mut SmartTurn,
    audio: &[f32],
) -> anyhow::Result<Vec<(usize, f32)>> {
    use interviewer::pipeline::listen::endpoint::{Action, Endpointer};
    vad.reset();
    // Never ends on its own: every pause is asked about once, at its start.
    let mut e = Endpointer::new(EndpointSettings {
        ask_every_ms: u32::MAX / 2,
        max_silence_ms: u32::MAX,
        ..EndpointSettings::default()
    });
    let mut asks = Vec::new();
    for (i, frame) in audio.chunks(FRAME_SAMPLES).enumerate() {
        if e.push(vad.probability(frame)?) == Action::AskModel {
            let end = e.model_audio_end().min(audio.len());
            asks.push(((i + 1) * FRAME_SAMPLES, turn.probability(&audio[..end])?));
        }
    }
    Ok(asks)
}
