//! Fluency figures checked two ways.
//! 1. Synthetic speech of known rate: Piper reads sentences at three speeds with pauses of
//!    known length inserted between them; the truth (syllable nuclei, pauses, phonation time)
//!    comes from the voice's own phoneme timings.
//! 2. Praat: the same figures from praat-parselmouth with De Jong & Wempe's syllable-nuclei
//!    method (`scripts/praat-fluency`) on the synthetic clips and on real read speech.
//! 3. Filled pauses: how many Whisper hears with and without the filler prompt, and what the
//!    prompt does to the words (WER on read speech, clean and as received from Chromium).
//!
//! Pauses are silences of at least 0.3 s (Praat's setting) everywhere; rates are over the
//! span from the first to the last sound. Run: `cargo bench --bench fluency`; the Praat
//! column needs a Python with praat-parselmouth (`PRAAT_PYTHON=/path/to/python`).

use std::path::{Path, PathBuf};
use std::process::Command;

use interviewer::audio::{self, wav};
use interviewer::config::{Config, TtsConfig};
use interviewer::pipeline::listen::Silero;
use interviewer::pipeline::messages::SpeechAudio;
use interviewer::pipeline::recording::hear;
use interviewer::pipeline::speak::Speaker;
use interviewer::pipeline::transcribe::Whisper;
use interviewer::pipeline::transcribe::wer::{normalize, wer};

const MIN_PAUSE_S: f64 = 0.3;
const SENTENCES: [&str; 4] = [
    "I started by reading the existing code and writing down what each module did.",
    "Then I added tests around the parts we wanted to change.",
    "The hardest part was the database migration, because it had to run without downtime.",
    "In the end we shipped it two weeks early and nobody noticed the switch.",
];
const INSERTED_PAUSES: [f64; 3] = [0.5, 0.9, 1.4];

/// What the figures are compared on.
#[derive(Debug, Default, Clone)]
struct Figures {
    syllables: f64,
    span_secs: f64,
    phonation_secs: f64,
    pauses: usize,
    mean_pause_secs: Option<f64>,
}

impl Figures {
    fn speech_rate(&self) -> f64 {
        60.0 * self.syllables / self.span_secs
    }
    fn articulation_rate(&self) -> f64 {
        60.0 * self.syllables / self.phonation_secs
    }
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runtime = root.join("models/libonnxruntime.so.1.31.1");
    let mut config = Config::default();
    config.scoring.min_pause_ms = (MIN_PAUSE_S * 1000.0) as u64;
    let whisper = Whisper::load(&root.join("models/ggml-tiny.en-q8_0.bin"), 2, "en")?;
    let mut vad = Silero::load(&root.join("models/silero_vad.onnx"), &runtime)?;
    let dir = tempfile::tempdir()?;

    let mut clips: Vec<(String, PathBuf, Option<Figures>)> = Vec::new();
    for length_scale in [0.8f32, 1.0, 1.25] {
        let tts = TtsConfig {
            voice: root.join("models/en_US-joe-medium.onnx"),
            length_scale,
            ..TtsConfig::default()
        };
        let speaker = Speaker::load(&tts, &runtime)?;
        let mut speech: Option<SpeechAudio> = None;
        for (i, sentence) in SENTENCES.iter().enumerate() {
            let s = speaker.sentence(sentence)?;
            match &mut speech {
                Some(all) => all.append(s, INSERTED_PAUSES[(i - 1) % INSERTED_PAUSES.len()]),
                None => speech = Some(s),
            }
        }
        let speech = speech.expect("sentences");
        let path = dir.path().join(format!("synthetic-{length_scale}.wav"));
        let pcm16 = audio::resample(&speech.pcm, speech.sample_rate, 16_000)?;
        std::fs::write(&path, wav::encode(&pcm16, 16_000)?)?;
        clips.push((
            format!("synthetic, length scale {length_scale}"),
            path,
            Some(truth(&speech)),
        ));
    }
    let librivox = root.join("tests/fixtures/audio/librivox");
    let mut real: Vec<PathBuf> = std::fs::read_dir(&librivox)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    real.sort();
    real.push(root.join("tests/fixtures/audio/jfk.wav"));
    for p in real {
        let name = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        clips.push((name, p, None));
    }

    let praat = praat(&root, clips.iter().map(|c| c.1.as_path()));
    if let Err(e) = &praat {
        println!("Praat column skipped: {e}");
    }
    let mut errors: Vec<(String, f64)> = Vec::new();
    for (i, (name, path, truth)) in clips.iter().enumerate() {
        let pcm = wav::read_file(path)?;
        let heard = hear(&config, &mut vad, &mut whisper.session()?, &pcm.samples)?;
        let ours = ours(&heard);
        let praat = praat.as_ref().ok().and_then(|p| p.get(i).cloned());
        println!("{name}:");
        for (figure, label, f) in FIGURES {
            row(figure, label, truth, &ours, &praat, f, &mut errors);
        }
    }
    fillers(&root, &config, &mut vad, &clips)?;
    println!("\nmean absolute difference over all clips:");
    for what in ["ours vs truth", "praat vs truth", "ours vs praat"] {
        for (figure, _, _) in FIGURES {
            let key = format!("{what}: {figure}");
            let v: Vec<f64> = errors
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, e)| *e)
                .collect();
            if !v.is_empty() {
                println!(
                    "  {key}: {:.1}% (worst {:.1}%, {} clips)",
                    100.0 * v.iter().sum::<f64>() / v.len() as f64,
                    100.0 * v.iter().cloned().fold(0.0, f64::max),
                    v.len()
                );
            }
        }
    }
    Ok(())
}

/// Filled pauses: Piper says answers with known fillers; how many come back with and without
/// the filler prompt, and how many fillers appear in read speech that has none.
fn fillers(
    root: &Path,
    config: &Config,
    vad: &mut Silero,
    clips: &[(String, PathBuf, Option<Figures>)],
) -> anyhow::Result<()> {
    const ANSWERS: [&str; 5] = [
        "So, um, I think the, uh, the cache was too small.",
        "Well, uh, I would start with, um, a hash map, and then, er, sort the keys.",
        "Um, the main risk was, uh, the migration.",
        "I, er, I tested it by hand first, um, and then wrote the tests.",
        "Uh, we used a queue, because, um, the writes came in bursts.",
    ];
    let runtime = root.join("models/libonnxruntime.so.1.31.1");
    let tts = TtsConfig {
        voice: root.join("models/en_US-joe-medium.onnx"),
        ..TtsConfig::default()
    };
    let speaker = Speaker::load(&tts, &runtime)?;
    let said: usize = ANSWERS.iter().map(|a| count_fillers(a)).sum();
    let mut answers = Vec::new();
    for a in ANSWERS {
        let speech = speaker.speak(a)?;
        answers.push(audio::resample(&speech.pcm, speech.sample_rate, 16_000)?);
    }
    println!();
    for prompt in [false, true] {
        let whisper = Whisper::load(&root.join("models/ggml-tiny.en-q8_0.bin"), 2, "en")?
            .with_filler_prompt(prompt);
        let mut heard = 0;
        for pcm in &answers {
            let h = hear(config, vad, &mut whisper.session()?, pcm)?;
            heard += h.fluency.filled_pauses.count;
        }
        // Read speech has no fillers to find, and the clips with a reference transcript (a
        // `.txt` beside the `.wav`) say what the prompt does to the words, one pass each.
        let mut invented = 0;
        let mut read = Vec::new();
        for (_, path, truth) in clips {
            if truth.is_none() {
                let pcm = wav::read_file(path)?;
                let h = hear(config, vad, &mut whisper.session()?, &pcm.samples)?;
                invented += h.fluency.filled_pauses.count;
                let reference = path.with_extension("txt");
                if reference.is_file() {
                    read.push(word_error(&reference, &h.transcript.text())?);
                }
            }
        }
        let mut browser = Vec::new();
        for reference in referenced_clips(&root.join("tests/fixtures/audio/browser"))? {
            let pcm = wav::read_file(&reference.with_extension("wav"))?;
            let h = hear(config, vad, &mut whisper.session()?, &pcm.samples)?;
            browser.push(word_error(&reference, &h.transcript.text())?);
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        println!(
            "filled pauses, filler prompt {}: {heard} of {said} heard in synthetic answers; {invented} invented in read speech without any; mean WER {:.3} on read speech, {:.3} on it as received from Chromium",
            if prompt { "on" } else { "off" },
            mean(&read),
            mean(&browser),
        );
    }
    Ok(())
}

/// The reference transcripts (`.txt`, beside their `.wav`) in `dir`, in name order.
fn referenced_clips(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut clips: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    clips.sort();
    Ok(clips)
}

/// WER of `heard` against the reference transcript in the file `reference`.
fn word_error(reference: &Path, heard: &str) -> anyhow::Result<f64> {
    Ok(wer(
        &normalize(&std::fs::read_to_string(reference)?),
        &normalize(heard),
    ))
}

fn count_fillers(text: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| matches!(w.to_lowercase().as_str(), "um" | "uh" | "er"))
        .count()
}

/// The compared figures: name in the summary, label in the table, and how to read it.
type Figure = (&'static str, &'static str, fn(&Figures) -> f64);
const FIGURES: [Figure; 4] = [
    (
        "speech rate",
        "speech rate (syll/min)",
        Figures::speech_rate,
    ),
    (
        "articulation rate",
        "articulation rate (syll/min)",
        Figures::articulation_rate,
    ),
    ("pauses", "pauses >= 0.3 s", |f| f.pauses as f64),
    ("mean pause", "mean pause (s)", |f| {
        f.mean_pause_secs.unwrap_or(0.0)
    }),
];

/// Prints one figure for truth, ours and Praat, and keeps relative differences by name.
fn row(
    figure: &str,
    label: &str,
    truth: &Option<Figures>,
    ours: &Figures,
    praat: &Option<Figures>,
    f: fn(&Figures) -> f64,
    errors: &mut Vec<(String, f64)>,
) {
    let rel = |a: f64, b: f64| {
        if b.abs() < 1e-9 {
            (a - b).abs()
        } else {
            ((a - b) / b).abs()
        }
    };
    let mut line = format!("  {label:<30} ours {:>7.2}", f(ours));
    if let Some(t) = truth {
        line += &format!(
            "   truth {:>7.2} ({:+.1}%)",
            f(t),
            100.0 * (f(ours) - f(t)) / f(t).max(1e-9)
        );
        errors.push((format!("ours vs truth: {figure}"), rel(f(ours), f(t))));
        if let Some(p) = praat {
            errors.push((format!("praat vs truth: {figure}"), rel(f(p), f(t))));
        }
    }
    if let Some(p) = praat {
        line += &format!(
            "   praat {:>7.2} (ours {:+.1}%)",
            f(p),
            100.0 * (f(ours) - f(p)) / f(p).max(1e-9)
        );
        errors.push((format!("ours vs praat: {figure}"), rel(f(ours), f(p))));
    }
    println!("{line}");
}

fn is_vowel(symbol: &str) -> bool {
    symbol
        .chars()
        .any(|c| "aeiouæɑɒɐɔəɘɚɛɜɝɞɪɨʉʊʌʏøœɤɯᵻ".contains(c))
}

/// The truth from the voice's phonemes: a run of vowel symbols is one nucleus (a diphthong
/// arrives as two symbols); silences of at least 0.3 s inside the speech are pauses.
fn truth(speech: &SpeechAudio) -> Figures {
    let p = &speech.phonemes;
    let mut syllables = 0;
    let mut prev_vowel = false;
    for ph in p {
        let v = is_vowel(&ph.symbol);
        if v && !prev_vowel {
            syllables += 1;
        }
        prev_vowel = v;
    }
    let silent = |s: &str| s == "_" || s.chars().all(|c| c.is_ascii_punctuation() || c == ' ');
    let first = p
        .iter()
        .find(|x| !silent(&x.symbol))
        .map_or(0.0, |x| x.start);
    let last = p
        .iter()
        .rev()
        .find(|x| !silent(&x.symbol))
        .map_or(0.0, |x| x.end);
    // Adjacent silent spans (punctuation, then silence) form one pause.
    let mut pauses = Vec::new();
    let mut run: Option<(f64, f64)> = None;
    for x in p.iter().filter(|x| x.start >= first && x.end <= last) {
        if silent(&x.symbol) {
            run = Some(run.map_or((x.start, x.end), |(a, _)| (a, x.end)));
        } else if let Some((a, b)) = run.take()
            && b - a >= MIN_PAUSE_S
        {
            pauses.push(b - a);
        }
    }
    let span = last - first;
    Figures {
        syllables: syllables as f64,
        span_secs: span,
        phonation_secs: span - pauses.iter().sum::<f64>(),
        pauses: pauses.len(),
        mean_pause_secs: (!pauses.is_empty())
            .then(|| pauses.iter().sum::<f64>() / pauses.len() as f64),
    }
}

fn ours(h: &interviewer::pipeline::recording::Heard) -> Figures {
    let f = &h.fluency;
    let pauses = f.silent_pauses.count;
    Figures {
        syllables: f.syllables as f64,
        span_secs: f.speaking_secs,
        phonation_secs: f.articulation_rate.secs,
        pauses,
        mean_pause_secs: f.silent_pauses.mean_secs,
    }
}

/// Praat's figures for each file, in order, from `scripts/praat-fluency`.
fn praat<'a>(root: &Path, files: impl Iterator<Item = &'a Path>) -> anyhow::Result<Vec<Figures>> {
    let python = std::env::var("PRAAT_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .arg(root.join("scripts/praat-fluency"))
        .args(files)
        .output()?;
    if !out.status.success() {
        anyhow::bail!(
            "{python} scripts/praat-fluency failed (pip install praat-parselmouth): {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        );
    }
    String::from_utf8(out.stdout)?
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let num = |k: &str| v[k].as_f64();
            let first = num("first_sound").unwrap_or(0.0);
            let last = num("last_sound").unwrap_or(0.0);
            let pauses = v["pauses"].as_u64().unwrap_or(0) as usize;
            let mean = num("mean_pause_secs");
            let span = last - first;
            Ok(Figures {
                syllables: num("syllables").unwrap_or(0.0),
                span_secs: span,
                phonation_secs: span - mean.unwrap_or(0.0) * pauses as f64,
                pauses,
                mean_pause_secs: mean,
            })
        })
        .collect()
}
