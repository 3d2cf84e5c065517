//! End-of-turn quality on answers with thinking pauses built from real speech: each LibriVox
//! fixture sentence (and the jfk clip) gets a silent pause inserted at the word boundary
//! nearest its middle, then trailing silence. Reports the share of answers cut off during
//! the pause and the delay from the last word to the end-of-turn decision, for Smart Turn (alone,
//! and with Whisper's reading of the phrase before the pause) and for a plain silence timeout. Run: `cargo bench --bench turns` (needs scripts/fetch-models).

use std::path::{Path, PathBuf};

use interviewer::audio::wav;
use interviewer::pipeline::listen::endpoint::EndpointSettings;
use interviewer::pipeline::listen::sentence::reads_finished;
use interviewer::pipeline::listen::{FRAME_SAMPLES, Silero, SmartTurn, TurnEnd, turn_ends};
use interviewer::pipeline::transcribe::{AudioContext, Whisper};

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runtime = root.join("models/libonnxruntime.so.1.31.1");
    let whisper = Whisper::load(&root.join("models/ggml-tiny.en-q8_0.bin"), 2, "en")?;
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
    // Whisper's reading of the phrase a pause closes: the half before a thinking pause, and
    // the half before the real end, as the live call transcribes them.
    let (mut finished_at_pause, mut finished_at_end) = (0, 0);
    for clip in &clips {
        let pcm = wav::read_file(clip)?;
        let cut = middle_gap(&pcm.samples, pcm.duration_secs(), &whisper)?;
        let before = whisper
            .session()?
            .transcribe_with(&pcm.samples[..cut], AudioContext::Quick)?
            .text();
        let after = whisper
            .session()?
            .transcribe_with(&pcm.samples[cut..], AudioContext::Quick)?
            .text();
        let (at_pause, at_end) = (reads_finished(&before), reads_finished(&after));
        finished_at_pause += at_pause as usize;
        finished_at_end += at_end as usize;
        println!("  {before:?} → {at_pause}; {after:?} → {at_end}");
    }
    println!(
        "transcript reads finished: at {finished_at_pause} of {n} thinking pauses, at {finished_at_end} of {n} real ends",
        n = clips.len()
    );
    for pause in [0.8, 1.5, 2.5] {
        let answers: Vec<(Vec<f32>, usize)> = clips
            .iter()
            .map(|c| with_pause(c, pause, &whisper))
            .collect::<anyhow::Result<_>>()?;
        let default = EndpointSettings::default();
        let mut rules = vec![("smart turn (speech only)".to_string(), default, false)];
        // The finished-sentence rule at several floors on Smart Turn's reading of the pause,
        // and, at the default floor, with a shorter limit where the two disagree.
        let variants = [0.0, 0.05, 0.1, 0.2]
            .map(|floor| (floor, default.max_silence_ms))
            .into_iter()
            .chain([1500, 2000].map(|doubted| (default.finished_min_probability, doubted)));
        for (floor, doubted) in variants {
            let settings = EndpointSettings {
                finished_min_probability: floor,
                finished_doubted_silence_ms: doubted,
                ..default
            };
            let live = if settings == default {
                " (the live default)"
            } else {
                ""
            };
            rules.push((
                format!(
                    "smart turn, or a finished sentence, smart turn >= {floor} and 700 ms, else {doubted} ms{live}"
                ),
                settings,
                true,
            ));
        }
        rules.extend([
            // The live default, asking Smart Turn after 64 ms of silence rather than 100.
            (
                "the live default, asking at 64 ms".to_string(),
                EndpointSettings {
                    ask_after_ms: 64,
                    ..default
                },
                true,
            ),
            (
                "smart turn (speech + 200 ms of silence)".to_string(),
                EndpointSettings {
                    model_tail_ms: 200,
                    ..default
                },
                false,
            ),
            // The naive rule: 700 ms of silence ends the turn, no model.
            (
                "silence 700 ms".to_string(),
                EndpointSettings {
                    ask_after_ms: u32::MAX,
                    max_silence_ms: 700,
                    ..default
                },
                false,
            ),
        ]);
        for (name, settings, words) in rules {
            let (mut cut, mut delays) = (0, Vec::new());
            for (audio, speech_end) in &answers {
                let ends = if words {
                    turn_ends_with_words(&mut vad, &mut turn, &whisper, audio, settings)?
                } else {
                    turn_ends(&mut vad, &mut turn, audio, settings)?
                };
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
            let slow = delays.iter().filter(|&&d| d > 1500.0).count();
            println!(
                "{name}, {pause:.1} s thinking pause: cut off early in {cut} of {} answers; end-of-turn delay after the last word p50 {:.0} ms, p95 {:.0} ms, over 1.5 s in {slow} (frame {} ms)",
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
    let cut = middle_gap(&pcm.samples, pcm.duration_secs(), whisper)?;
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

/// As `turn_ends`, with the words as a second opinion, as a live call has them: at each
/// pause Smart Turn calls unfinished, the phrase before it is transcribed, and one that reads
/// as a finished sentence ends the pause at `finished_silence_ms`. The transcription is taken
/// as instant; in a call it takes a few hundred milliseconds of the pause.
fn turn_ends_with_words(
    vad: &mut Silero,
    turn: &mut SmartTurn,
    whisper: &Whisper,
    samples: &[f32],
    s: EndpointSettings,
) -> anyhow::Result<Vec<TurnEnd>> {
    use interviewer::pipeline::listen::endpoint::{Action, Endpointer};
    vad.reset();
    // A phrase starts 300 ms before its speech (the live listener's pre-roll), never back
    // through the pause before it.
    const PRE_ROLL: usize = 4_800;
    let mut e = Endpointer::new(s);
    let (mut ends, mut phrase, mut closed) = (Vec::new(), None, 0);
    for (i, frame) in samples.chunks(FRAME_SAMPLES).enumerate() {
        let p = vad.probability(frame)?;
        if p >= s.speech_threshold && phrase.is_none() {
            phrase = Some((i * FRAME_SAMPLES).saturating_sub(PRE_ROLL).max(closed));
        }
        let mut action = e.push(p);
        if action == Action::AskModel {
            let end = e.model_audio_end().min(samples.len());
            action = e.model_said(turn.probability(&samples[..end])?);
            let speech_end = e.speech_end().min(samples.len());
            if let (Action::Listen, Some(from)) = (action, phrase)
                && speech_end > from
            {
                let text = whisper
                    .session()?
                    .transcribe_with(&samples[from..speech_end], AudioContext::Quick)?
                    .text();
                if reads_finished(&text) {
                    e.reads_finished();
                }
                (phrase, closed) = (None, speech_end);
            }
        }
        if let Action::EndOfTurn { speech_end } = action {
            ends.push(TurnEnd {
                decided_at: (i + 1) * FRAME_SAMPLES,
                speech_end,
            });
            (phrase, closed) = (None, speech_end);
        }
    }
    Ok(ends)
}

/// The sample at the word boundary nearest the clip's middle.
fn middle_gap(samples: &[f32], secs: f64, whisper: &Whisper) -> anyhow::Result<usize> {
    let words = whisper.session()?.transcribe(samples)?.words;
    let middle = secs / 2.0;
    let gap = words
        .windows(2)
        .map(|w| (w[0].end + w[1].start) / 2.0)
        .min_by(|a, b| (a - middle).abs().total_cmp(&(b - middle).abs()))
        .unwrap_or(middle);
    Ok(((gap * 16_000.0) as usize).min(samples.len()))
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
