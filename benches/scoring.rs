//! Scoring time on this machine: the embedding model's load, one sentence, one answer and one
//! whole interview for content (every question of the backend bank answered with 150 words
//! or more, as a one-minute spoken answer has), then the other scorers (fluency bands, code
//! understanding, affect, the profile), which need no model. The answers are built from the
//! rubric's own words, so values near 1 are expected: the figures here are times, not a
//! validation. Run: `cargo bench --bench scoring`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use interviewer::code::{Language, analyze, questions};
use interviewer::content::question_bank;
use interviewer::embed::Embedder;
use interviewer::pipeline::messages::{Transcript, Word};
use interviewer::scoring::content::{AnswerTurn, score};
use interviewer::scoring::fluency::{Settings, measure};
use interviewer::scoring::prosody::Prosody;
use interviewer::scoring::{affect, code_understanding, fluency_bands, profile};

/// An answer of sentences that touch the question's key points and wander a little, as
/// answers do: built from the rubric's own words, reworded, plus filler sentences.
fn answer(rubric: &[String]) -> String {
    let mut out = Vec::new();
    for (i, point) in rubric.iter().enumerate() {
        let mut s = point.to_lowercase();
        s.truncate(s.find(':').map_or(s.len(), |i| i.max(40)));
        out.push(format!("I think the approach here is that it {s}."));
        if i % 2 == 0 {
            out.push("That is what we did on my last team, and it worked well enough for us in production.".into());
        }
    }
    let mut text = out.join(" ");
    while text.split_whitespace().count() < 150 {
        text.push_str(" Honestly there is more to say about monitoring it afterwards, but that is the core of it.");
    }
    text
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let model = Embedder::load(&root.join("models/all-MiniLM-L6-v2.safetensors"))?;
    println!(
        "model load: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let sentence = "I would add a composite index on customer id, status and created at.";
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        model.embed(sentence)?;
        times.push(t.elapsed());
    }
    println!(
        "one sentence (14 words): p50 {:.1} ms",
        median(times).as_secs_f64() * 1000.0
    );

    let bank = question_bank::load_file(&root.join("question-bank/backend.toml"))?;
    let answers: Vec<String> = bank.questions.iter().map(|q| answer(&q.rubric)).collect();
    let mut interviews = Vec::new();
    let mut turns = Vec::new();
    for round in 0..3 {
        let whole = Instant::now();
        for (i, (q, text)) in bank.questions.iter().zip(&answers).enumerate() {
            let t = Instant::now();
            let s = score(
                &model,
                &q.rubric,
                &q.prompt,
                &[AnswerTurn::typed(i as i64, text)],
            )?;
            turns.push(t.elapsed());
            if round == 0 {
                println!(
                    "  {:<34} {} words, {} key points: value {:.2} ± {:.2}",
                    q.id,
                    s.words,
                    s.coverage.len(),
                    s.value.unwrap_or(f64::NAN),
                    s.uncertainty.unwrap_or(f64::NAN)
                );
            }
        }
        interviews.push(whole.elapsed());
    }
    let max_turn = turns.iter().max().copied().unwrap_or_default();
    let mean_words = answers
        .iter()
        .map(|a| a.split_whitespace().count())
        .sum::<usize>()
        / answers.len().max(1);
    println!(
        "per answer ({mean_words} words on average): p50 {:.0} ms, max {:.0} ms over {} answers",
        median(turns).as_secs_f64() * 1000.0,
        max_turn.as_secs_f64() * 1000.0,
        bank.questions.len() * 3
    );
    println!(
        "per interview ({} answers): p50 {:.2} s",
        bank.questions.len(),
        median(interviews).as_secs_f64()
    );
    other_scorers(&answers);
    Ok(())
}

/// The scorers without a model, over the same answers taken as one-minute spoken turns.
fn other_scorers(answers: &[String]) {
    let spoken: Vec<_> = answers
        .iter()
        .map(|a| {
            let words = a
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| Word {
                    text: w.into(),
                    start: i as f64 * 0.4,
                    end: i as f64 * 0.4 + 0.3,
                    prob: 0.9,
                })
                .collect();
            measure(&Transcript { words }, Settings::default())
        })
        .collect();
    let prosody = Prosody {
        frames: 6000,
        voiced_frames: 3500,
        f0_mean_hz: Some(140.0),
        f0_sd_semitones: Some(2.5),
        intensity_sd_db: Some(6.0),
    };
    let code = "def two_sum(nums, target):\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                return [i, j]\n";
    let analysis = analyze(Language::Python, code).expect("the sample parses");
    let topic = questions(&analysis)[0].key.clone();
    let explanation = "The inner loop over nums runs for every i, so it is O(n^2); a hash map of the values seen so far makes it linear time.";
    let time = |label: &str, n: usize, f: &mut dyn FnMut()| {
        let mut times = Vec::new();
        for _ in 0..n {
            let t = Instant::now();
            f();
            times.push(t.elapsed());
        }
        println!(
            "{label}: p50 {:.3} ms",
            median(times).as_secs_f64() * 1000.0
        );
    };
    time("code understanding, one follow-up answer", 200, &mut || {
        code_understanding::score(
            &analysis,
            Some(&topic),
            &[AnswerTurn::typed(1, explanation)],
        );
    });
    let heard: Vec<_> = spoken
        .iter()
        .enumerate()
        .map(|(i, f)| fluency_bands::SpokenAnswer {
            turn_id: i as i64,
            fluency: f,
        })
        .collect();
    time(
        &format!("fluency bands, {} spoken answers", heard.len()),
        200,
        &mut || {
            fluency_bands::score(&fluency_bands::Reference::default(), &heard);
        },
    );
    let affect_in: Vec<_> = spoken
        .iter()
        .zip(answers)
        .enumerate()
        .map(|(i, (f, text))| affect::Heard {
            turn_id: i as i64,
            fluency: f,
            prosody: &prosody,
            text,
        })
        .collect();
    time(
        &format!("affect, {} spoken answers", affect_in.len()),
        200,
        &mut || {
            affect::estimate(&affect_in);
        },
    );
    let rows: Vec<profile::ScoreInput> = (0..20)
        .map(|i| profile::ScoreInput {
            score_id: i,
            dimension: "content".into(),
            competency: format!("c{}", i % 5),
            value: Some(0.5),
            uncertainty: Some(0.1),
            overridden: false,
            explanation: String::new(),
        })
        .collect();
    let weights = (0..5).map(|i| (format!("c{i}"), 1.0 + i as f64)).collect();
    time("profile, 20 scores in 5 competencies", 200, &mut || {
        profile::build(&rows, &weights, &[]);
    });
}
