//! Server-side latency of one text turn with the built-in interviewer: from a candidate
//! input reaching the session to the reply being persisted (engine, code analysis,
//! follow-up writing, two SQLite transactions). Run: `cargo bench --bench text_turn`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use interviewer::app::{App, Engines};
use interviewer::code::Language;
use interviewer::config::Config;
use interviewer::pipeline::messages::CandidateInput;
use serde_json::json;

const INTERVIEWS: usize = 12;

const CODE: &str = "def find_pairs(nums, target):\n    pairs = []\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                pairs.append((i, j))\n    return pairs\n";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config::default();
    config.server.port = 0;
    config.database.url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    config.content.question_bank_dir = root.join("question-bank");
    config.content.prompts_dir = root.join("prompts");
    let app = App::build(config, Engines::default()).await?;
    let url = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let http = reqwest::Client::new();
    let r = http
        .post(format!("{url}/api/auth/signup"))
        .json(&json!({ "email": "bench@example.com", "password": "benchmark password", "name": "Bench" }))
        .send()
        .await?;
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(String::from))
        .collect();
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("iv_csrf="))
        .unwrap_or_default()
        .to_string();
    let banks: serde_json::Value = http
        .get(format!("{url}/api/practice/banks"))
        .header("cookie", cookies.join("; "))
        .send()
        .await?
        .json()
        .await?;
    let coding = banks["banks"]
        .as_array()
        .and_then(|b| {
            b.iter()
                .find(|b| b["title"].as_str().unwrap_or("").contains("oding"))
        })
        .map(|b| b["id"].clone())
        .unwrap_or(json!(1));

    let (mut answers, mut code_turns) = (Vec::new(), Vec::new());
    for _ in 0..INTERVIEWS {
        let r: serde_json::Value = http
            .post(format!("{url}/api/practice/interviews"))
            .header("cookie", cookies.join("; "))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "bank_id": coding, "questions": 10 }))
            .send()
            .await?
            .json()
            .await?;
        let id = r["id"]
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("no interview: {r}"))?;
        let session = state.sessions.get(id).await?;
        session
            .input(CandidateInput::Consent { accepted: true })
            .await?;
        loop {
            // Each question: code (→ code-aware follow-up), then an answer (→ next question).
            let t = Instant::now();
            let out = session
                .input(CandidateInput::Code {
                    language: Language::Python,
                    code: CODE.into(),
                })
                .await?;
            code_turns.push(t.elapsed());
            if out.state.awaiting != "answer" {
                break;
            }
            let t = Instant::now();
            let out = session
                .input(CandidateInput::Answer {
                    text: "It is quadratic; a hash map makes it linear in time and memory.".into(),
                })
                .await?;
            answers.push(t.elapsed());
            if out.state.awaiting != "answer" {
                break;
            }
        }
    }
    report("code submission -> code-aware follow-up", &mut code_turns);
    report("typed answer -> next question", &mut answers);
    Ok(())
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let pct = |p: f64| {
        samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
    };
    println!(
        "{what}: n={} p50={:.2} ms p95={:.2} ms max={:.2} ms",
        samples.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
