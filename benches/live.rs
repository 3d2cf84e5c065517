//! Live interviews over loopback, each driven by a webrtc-rs caller that answers with
//! recorded speech (the LibriVox fixtures): the real server, models, renderer and codecs.
//!
//! 1. Voice to voice: from the end of the candidate's speech (known from the WAV) to the
//!    first packet of the interviewer's reply, p50/p95 over the turns, with the server's
//!    stage breakdown (end of turn, transcript, reply, first speech, first packet).
//! 2. Lip-sync at the receiver: decoded audio loudness against the decoded video's mouth
//!    movement, both placed by arrival time (both streams leave at their media time, and the
//!    webrtc-rs receiver does not surface RTCP sender reports), per 20 s window; and its drift over the session.
//! 3. Capacity: 1, 2, 3… concurrent interviews, a few turns each (their callers count the
//!    video's frames without decoding them, as browsers elsewhere would): p95 voice to voice (also
//!    without the turns the silence limit ended, which wait for it whatever the load), audio
//!    gaps at the receiver (a packet more than 80 ms after the one before), the video's frame
//!    rate at the receiver (which the server lowers before the voice suffers), memory per session
//!    (the process's growth once the sessions connect, and at their peak).
//! 4. Memory: the whole process's resident memory over the long session, and its growth per
//!    minute once the first minute is past.
//!
//! An answer the server cut off at a pause inside it has no voice-to-voice time (its reply
//! was already playing when the speech ended): it is counted apart.
//!
//! Run: `cargo bench --bench live` (needs scripts/fetch-models). Knobs: LIVE_TURNS (30),
//! LIVE_MINUTES (10, the longest the first session runs), LIVE_MAX_SESSIONS (6),
//! LIVE_CAPACITY_TURNS (4), LIVE_WIDTH/LIVE_HEIGHT/LIVE_MSAA (the config's 640×480, 4),
//! LIVE_MAX_PAUSE_MS (the config's 3000: the longest thinking pause before a turn ends),
//! LIVE_FINISHED_PAUSE_MS (the config's 700: the pause after a finished sentence that ends it),
//! LIVE_DOUBTED_PAUSE_MS (the config's `live.finished_doubted_pause_ms`), LIVE_IDLE_FPS and
//! LIVE_THINKING_FPS (the config's `rtc.idle_fps` and `rtc.thinking_fps`: the frame rates
//! while the avatar listens and while it thinks).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use interviewer::animate::{AvatarPose, Viseme};
use interviewer::app::{App, AppState, Engines};
use interviewer::auth::{Role, password};
use interviewer::config::Config;
use interviewer::render::measure::{self, Region};
use interviewer::render::{Avatar, FrameSettings, Gpu, Renderer, VideoFrame};
use interviewer::rtc::client::{Call, CallOptions, Received};
use interviewer::session::live::timing::TurnTiming;
use interviewer::telemetry::resident_mib;
use reqwest::cookie::CookieStore;
use serde_json::{Value, json};

const PASSWORD: &str = "bench-password-1";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    if std::env::var_os("RUST_LOG").is_some() {
        interviewer::telemetry::init();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir()?;
    let mut config = Config::default();
    config.server.host = "127.0.0.1".into();
    config.server.port = 0;
    config.database.url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    config.content.question_bank_dir = root.join("question-bank");
    config.content.prompts_dir = root.join("prompts");
    config.avatar.model = root.join("avatar/interviewer.glb");
    config.avatar.width = env_num("LIVE_WIDTH", 640) as u32;
    config.avatar.height = env_num("LIVE_HEIGHT", 480) as u32;
    config.avatar.msaa = env_num("LIVE_MSAA", 4) as u32;
    config.rtc.udp_addrs = vec!["127.0.0.1:0".into()];
    config.rtc.remote_networks = vec!["127.0.0.0/8".into()];
    // Answers come on cue; the silence prompts would only add noise.
    config.live.prompt_after_secs = 600;
    config.live.end_after_secs = 600;
    config.live.max_pause_ms = env_num("LIVE_MAX_PAUSE_MS", 3000) as u32;
    config.live.finished_pause_ms = env_num("LIVE_FINISHED_PAUSE_MS", 700) as u32;
    config.live.finished_doubted_pause_ms = env_num(
        "LIVE_DOUBTED_PAUSE_MS",
        config.live.finished_doubted_pause_ms.into(),
    ) as u32;
    config.rtc.idle_fps = env_num("LIVE_IDLE_FPS", config.rtc.idle_fps.into()) as u32;
    config.rtc.thinking_fps = env_num("LIVE_THINKING_FPS", config.rtc.thinking_fps.into()) as u32;
    config.validate()?;
    let frame = FrameSettings {
        width: config.avatar.width,
        height: config.avatar.height,
        msaa: config.avatar.msaa,
    };
    println!(
        "live bench: video {}×{} msaa {} at up to {} fps; turns end after at most {} ms of silence ({} ms after a finished sentence); {} cores",
        frame.width,
        frame.height,
        frame.msaa,
        config.rtc.video_fps,
        config.live.max_pause_ms,
        config.live.finished_pause_ms,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let app = App::build(config, Engines::default()).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending::<()>()));
    let answers = load_answers(&root)?;
    let mouth = Arc::new(MouthProbe::new(&root, frame)?);
    let recruiter = Staff::create(&state, &base).await?;

    // 1 and 2: one long interview.
    let turns = env_num("LIVE_TURNS", 30) as usize;
    let minutes = env_num("LIVE_MINUTES", 10);
    let memory = MemoryWatch::start();
    let mut session = Session::start(&state, &base, &recruiter, Some(&mouth)).await?;
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut timings = Vec::new();
    let mut i = 0usize;
    while (reports.len() < turns || started.elapsed() < Duration::from_secs(minutes * 60))
        && started.elapsed() < Duration::from_secs(minutes * 60 + 120)
    {
        match session.turn(&answers[i % answers.len()]).await? {
            Some(report) => reports.push(report),
            None => break,
        }
        // The session's own figures, while it runs (it ends with the interview).
        if let Some(live) = state.live.running(session.id)
            && let Ok(t) = live.timings().await
        {
            timings = t;
        }
        i += 1;
    }
    let span = started.elapsed();
    // A turn the server ended at a pause inside the answer has no voice-to-voice time: its
    // reply was already playing when the speech ended.
    let v2v: Vec<f64> = reports
        .iter()
        .filter(|r| !r.cut_off())
        .map(|r| r.latency)
        .collect();
    report_turns(&reports, &timings);
    report_latency(&v2v, &timings);
    println!(
        "  {} of {} answers cut off at a pause inside them (left out above)",
        reports.len() - v2v.len(),
        reports.len()
    );
    report_lipsync(&session.call.received, span);
    session.call.close().await;
    drop(session);
    report_memory(&memory.stop());
    reference_lipsync(&root, &state.config, frame)?;
    // After the call its answers are transcribed again, verbatim, in the background: capacity
    // is measured once that is done.
    let waited = wait_for_quiet(Duration::from_secs(600)).await;
    println!(
        "\n(waited {:.0} s for the verbatim pass after the call)",
        waited.as_secs_f64()
    );

    // 3: capacity.
    let max_sessions = env_num("LIVE_MAX_SESSIONS", 6) as usize;
    let per_session = env_num("LIVE_CAPACITY_TURNS", 4) as usize;
    println!("\ncapacity ({per_session} turns per session):");
    println!("  sessions  v2v p50   v2v p95   audio gaps>80ms  RSS/session");
    // Turns the silence limit ended (Smart Turn heard the voice going on and the words did not
    // overrule it) wait for it whatever the load: the load shows in the others.
    let limit = f64::from(state.config.live.max_pause_ms) / 1000.0 - 0.05;
    let (mut held, mut held_decided) = (0, 0);
    for n in 1..=max_sessions {
        let rss_before = resident_mib().unwrap_or(0.0);
        let mut sessions = Vec::new();
        for _ in 0..n {
            sessions.push(Session::start(&state, &base, &recruiter, None).await?);
        }
        let rss_connected = resident_mib().unwrap_or(0.0);
        let memory = MemoryWatch::start();
        let runs = sessions.into_iter().enumerate().map(|(k, mut s)| {
            let answers = answers.clone();
            let state = state.clone();
            tokio::spawn(async move {
                let (mut reports, mut cut) = (Vec::new(), 0);
                for t in 0..per_session {
                    match s.turn(&answers[(k + t) % answers.len()]).await {
                        Ok(Some(r)) if r.cut_off() => cut += 1,
                        Ok(Some(r)) => reports.push(r),
                        _ => break,
                    }
                }
                let timings = match state.live.running(s.id) {
                    Some(live) => live.timings().await.unwrap_or_default(),
                    None => Vec::new(),
                };
                for t in &timings {
                    println!("            server: {}", stages(t));
                }
                // Each latency, and whether the silence limit ended its turn.
                let lat: Vec<(f64, bool)> = reports
                    .iter()
                    .map(|r| {
                        let by_limit = timings
                            .iter()
                            .any(|t| Some(t.reply_turn) == r.reply_turn && t.end_of_turn >= limit);
                        (r.latency, by_limit)
                    })
                    .collect();
                let gaps = audio_gaps(&s.call.received);
                let fps = video_fps(&s.call.received);
                s.call.close().await;
                (lat, cut, gaps, fps)
            })
        });
        let (mut all, mut decided) = (Vec::new(), Vec::new());
        let (mut gaps, mut short, mut cut_off) = (0, 0, 0);
        let mut fps = Vec::new();
        let finished = futures_util::future::join_all(runs).await;
        let peak_per = (peak(&memory.stop()).max(rss_connected) - rss_before) / n as f64;
        for r in finished {
            let (lat, cut, g, f) = r?;
            fps.push(f);
            short += usize::from(lat.len() + cut < per_session);
            all.extend(lat.iter().map(|&(l, _)| l));
            decided.extend(
                lat.iter()
                    .filter(|&&(_, by_limit)| !by_limit)
                    .map(|&(l, _)| l),
            );
            cut_off += cut;
            gaps += g;
        }
        if short > 0 {
            println!("            {short} of {n} sessions did not finish their turns");
        }
        if cut_off > 0 {
            println!("            {cut_off} answer(s) cut off at a pause inside them (left out)");
        }
        let (p50, p95) = (percentile(&all, 0.5), percentile(&all, 0.95));
        let each: Vec<String> = all.iter().map(|l| format!("{:.0}", l * 1000.0)).collect();
        println!("            turns (ms): {}", each.join(" "));
        let per = (rss_connected - rss_before) / n as f64;
        println!(
            "  {n:>8}  {:>6.0} ms {:>6.0} ms {gaps:>12}  {per:>6.0} MiB connected, {peak_per:.0} MiB at the peak",
            p50 * 1000.0,
            p95 * 1000.0
        );
        println!(
            "            video received: {:.1} fps a session on average, the least {:.1} (speaking, listening and thinking together)",
            fps.iter().sum::<f64>() / fps.len().max(1) as f64,
            fps.iter().copied().fold(f64::INFINITY, f64::min)
        );
        let decided_p95 = percentile(&decided, 0.95);
        println!(
            "            without the {} turn(s) the silence limit ended: p50 {:.0} ms, p95 {:.0} ms",
            all.len() - decided.len(),
            percentile(&decided, 0.5) * 1000.0,
            decided_p95 * 1000.0
        );
        if gaps == 0 && short == 0 && decided_p95 <= 1.5 && held_decided == n - 1 {
            held_decided = n;
        }
        if p95 <= 1.5 && gaps == 0 && short == 0 {
            if held == n - 1 {
                held = n;
            }
        } else if gaps > 0 || short > 0 {
            // The machine is past what it can carry; a slow turn alone does not stop the
            // count, so that the levels above it are still measured.
            break;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    println!("  held with p95 ≤ 1.5 s and no audio gaps: {held} concurrent interviews");
    println!(
        "  the same, leaving out the turns the silence limit ended: {held_decided} concurrent interviews"
    );
    Ok(())
}

/// A recorded answer: its samples (16 kHz) and where its speech ends.
#[derive(Clone)]
struct Answer {
    samples: Vec<f32>,
    speech_end: f64,
}

fn load_answers(root: &std::path::Path) -> anyhow::Result<Vec<Answer>> {
    let dir = root.join("tests/fixtures/audio/librivox");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let pcm = interviewer::audio::wav::read_file(p)?;
            // Where the speech ends: the last 20 ms window above the noise floor.
            let last = pcm
                .samples
                .chunks(320)
                .rposition(|w| rms(w) > 0.01)
                .context("a silent fixture")?;
            Ok(Answer {
                speech_end: (last + 1) as f64 * 0.02,
                samples: pcm.samples,
            })
        })
        .collect()
}

fn rms(s: &[f32]) -> f32 {
    (s.iter().map(|x| x * x).sum::<f32>() / s.len().max(1) as f32).sqrt()
}

fn percentile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

/// Waits until this process uses less than a fifth of a core over two seconds.
async fn wait_for_quiet(at_most: Duration) -> Duration {
    let cpu = || {
        std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                // utime and stime: fields 14 and 15, counted after the command's parentheses.
                let rest = s.rsplit_once(')')?.1;
                let f: Vec<u64> = rest
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                (f.len() == 2).then(|| (f[0] + f[1]) as f64 / 100.0)
            })
            .unwrap_or(0.0)
    };
    let start = Instant::now();
    loop {
        let before = cpu();
        tokio::time::sleep(Duration::from_secs(2)).await;
        if cpu() - before < 0.4 || start.elapsed() > at_most {
            return start.elapsed();
        }
    }
}

/// The mouth's movement in a decoded frame, from the server's own rest frame and mouth box.
struct MouthProbe {
    rest: VideoFrame,
    region: Region,
}

impl MouthProbe {
    fn new(root: &std::path::Path, frame: FrameSettings) -> anyhow::Result<Self> {
        let avatar = Avatar::load(&root.join("avatar/interviewer.glb"))?;
        let mut r = Renderer::new(Gpu::shared()?, &avatar, frame)?;
        let rest = r.render_still(&AvatarPose::holding(Viseme::Sil))?;
        let region = measure::mouth_region(&avatar, r.view_projection(), frame.width, frame.height)
            .context("no mouth on screen")?;
        Ok(Self { rest, region })
    }

    fn of(&self, f: &VideoFrame) -> f32 {
        if (f.width, f.height) != (self.rest.width, self.rest.height) {
            return 0.0;
        }
        measure::mouth_change(f, &self.rest, self.region)
    }
}

/// A recruiter who invites the bench's candidates.
struct Staff {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
    job: i64,
}

impl Staff {
    async fn create(state: &AppState, base: &str) -> anyhow::Result<Self> {
        let db = &state.db;
        let org = interviewer::db::organizations::create(db, "Bench Co").await?;
        interviewer::db::users::create(
            db,
            interviewer::db::users::NewUser {
                organization_id: Some(org.id),
                email: "rec@bench.example",
                password_hash: Some(password::hash(PASSWORD)?),
                role: Role::Recruiter,
                display_name: "Bench Recruiter",
            },
        )
        .await?;
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()?;
        let mut s = Self {
            http,
            jar,
            base: base.to_owned(),
            job: 0,
        };
        s.post(
            "/api/auth/login",
            json!({ "email": "rec@bench.example", "password": PASSWORD }),
        )
        .await?;
        // A long role: every question of the non-coding banks, two follow-ups each (over 50
        // turns, so that ten minutes of answers do not reach the end).
        let banks = s.get("/api/banks").await?;
        let mut items = Vec::new();
        for bank in banks["banks"].as_array().context("banks")? {
            let slug = bank["slug"].as_str().unwrap_or_default();
            if slug.starts_with("coding") {
                continue;
            }
            let id = bank["id"].as_i64().context("bank id")?;
            let full = s.get(&format!("/api/banks/{id}")).await?;
            for q in full["questions"].as_array().context("questions")? {
                items.push(json!({ "question_id": q["id"], "max_follow_ups": 2 }));
            }
        }
        let ids: Vec<i64> = banks["banks"]
            .as_array()
            .context("banks")?
            .iter()
            .filter(|b| !b["slug"].as_str().unwrap_or_default().starts_with("coding"))
            .filter_map(|b| b["id"].as_i64())
            .collect();
        let job = s
            .post(
                "/api/jobs",
                json!({ "title": "Bench role", "bank_ids": ids }),
            )
            .await?;
        s.job = job["id"].as_i64().context("job id")?;
        s.put(
            &format!("/api/jobs/{}/plan", s.job),
            json!({ "items": items }),
        )
        .await?;
        Ok(s)
    }

    fn csrf(&self) -> String {
        let url = self.base.parse().expect("base URL");
        self.jar
            .cookies(&url)
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .and_then(|c| {
                c.split("; ")
                    .find_map(|kv| kv.strip_prefix("iv_csrf=").map(str::to_owned))
            })
            .unwrap_or_default()
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
        let res = req
            .header("x-csrf-token", self.csrf())
            .header("origin", &self.base)
            .send()
            .await?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{status}: {body}");
        }
        Ok(body)
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    async fn put(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(self.http.put(format!("{}{path}", self.base)).json(&body))
            .await
    }
}

static NEXT_CANDIDATE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// One candidate in one live interview.
struct Session {
    id: i64,
    call: Call,
}

impl Session {
    async fn start(
        _state: &AppState,
        base: &str,
        staff: &Staff,
        // The mouth is read from every decoded frame; without it the video is only counted,
        // as a browser on another machine would decode it.
        mouth: Option<&Arc<MouthProbe>>,
    ) -> anyhow::Result<Self> {
        let n = NEXT_CANDIDATE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let invite = staff
            .post(
                &format!("/api/jobs/{}/invitations", staff.job),
                json!({ "email": format!("cand{n}@bench.example"), "name": format!("Candidate {n}") }),
            )
            .await?;
        let link = invite["link"].as_str().context("link")?.to_owned();
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let res = http.get(&link).send().await?;
        let location = res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .context("the invitation did not redirect")?;
        let id: i64 = location.rsplit('/').next().context("id")?.parse()?;
        let url = base.parse()?;
        let cookie = jar
            .cookies(&url)
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .context("no session cookie")?;
        let csrf = cookie
            .split("; ")
            .find_map(|kv| kv.strip_prefix("iv_csrf=").map(str::to_owned))
            .context("no csrf cookie")?;
        let res = http
            .post(format!("{base}/api/interviews/{id}/messages"))
            .header("x-csrf-token", &csrf)
            .header("origin", base)
            .json(&json!({ "type": "consent", "accepted": true }))
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("consent refused: {}", res.status());
        }
        let options = match mouth.cloned() {
            Some(probe) => CallOptions {
                probe: Some(Box::new(move |f: &VideoFrame| probe.of(f))),
                ..CallOptions::default()
            },
            None => CallOptions {
                decode_video: false,
                ..CallOptions::default()
            },
        };
        let (mut call, _) = Call::dial(&http, base, id, &cookie, &csrf, options).await?;
        call.connected(Duration::from_secs(20)).await?;
        let s = Self { id, call };
        s.until_listening(Duration::from_secs(120)).await?;
        Ok(s)
    }

    fn state(&self) -> Option<String> {
        self.call.received.lock().unwrap().state.clone()
    }

    async fn until_listening(&self, within: Duration) -> anyhow::Result<()> {
        let end = Instant::now() + within;
        loop {
            match self.state().as_deref() {
                Some("listening") => return Ok(()),
                Some("ended" | "paused") => bail!("the interview ended"),
                _ => {}
            }
            if Instant::now() > end {
                bail!("the interviewer never started listening");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Speaks `answer` and waits for the reply's first packet: what happened, or `None`
    /// when the interview has ended.
    async fn turn(&mut self, answer: &Answer) -> anyhow::Result<Option<TurnReport>> {
        // A connection that dropped and came back repeats the question first.
        if self.until_listening(Duration::from_secs(60)).await.is_err() {
            return Ok(None);
        }
        let (packets_before, messages_before) = {
            let r = self.call.received.lock().unwrap();
            (r.audio.len(), r.messages.len())
        };
        let sent = Instant::now();
        self.call.say(&answer.samples, 16_000).await?;
        let speech_end = sent + Duration::from_secs_f64(answer.speech_end);
        // The reply: the first loud packet after the speech ended.
        let end = speech_end + Duration::from_secs(30);
        let first = loop {
            {
                let r = self.call.received.lock().unwrap();
                let loud = r.audio[packets_before..].iter().find(|a| {
                    a.at > speech_end
                        && rms(&r.audio16k[a.sample..(a.sample + 320).min(r.audio16k.len())]) > 0.01
                });
                if let Some(a) = loud {
                    break Some(a.at);
                }
                if matches!(r.state.as_deref(), Some("ended" | "paused")) {
                    break None;
                }
            }
            if Instant::now() > end {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let Some(first) = first else {
            return Ok(None);
        };
        let mut report = TurnReport {
            latency: first.saturating_duration_since(speech_end).as_secs_f64(),
            ..TurnReport::default()
        };
        {
            let r = self.call.received.lock().unwrap();
            let rel = |at: Instant| {
                if at >= speech_end {
                    at.duration_since(speech_end).as_secs_f64()
                } else {
                    -speech_end.duration_since(at).as_secs_f64()
                }
            };
            for (at, text) in &r.messages[messages_before..] {
                let Ok(m) = serde_json::from_str::<Value>(text) else {
                    continue;
                };
                match m["type"].as_str() {
                    Some("turn") if m["turn"]["speaker"] == "candidate" && *at <= first => {
                        report.answers.push(rel(*at));
                    }
                    Some("interrupted") if *at <= first => report.interrupted += 1,
                    Some("caption") if *at >= speech_end && report.reply_turn.is_none() => {
                        report.reply_turn = m["turn"].as_i64();
                    }
                    _ => {}
                }
            }
        }
        if self.until_listening(Duration::from_secs(60)).await.is_err() {
            return Ok(None);
        }
        Ok(Some(report))
    }
}

impl TurnReport {
    /// The server took an answer from this speech before it ended: it ended the turn at a
    /// pause inside it.
    fn cut_off(&self) -> bool {
        self.answers.iter().any(|&a| a < 0.0)
    }
}

/// One answer as the caller saw it.
#[derive(Default)]
struct TurnReport {
    /// End of the speech → the reply's first loud packet, in seconds.
    latency: f64,
    /// When each answer the server took from this speech reached the caller, in seconds
    /// after the speech ended (negative: the turn was ended during a pause).
    answers: Vec<f64>,
    /// Interviewer turns the speech cut short.
    interrupted: usize,
    /// The interviewer turn whose voice was measured.
    reply_turn: Option<i64>,
}

/// What the server knew of a turn and its stages, in one line.
fn stages(s: &TurnTiming) -> String {
    format!(
        "{} phrase(s) ahead, tail {:.1} s, end of turn {:.0} (Smart Turn {:.0}), transcript {:.0}, reply {:.0}, speech {:.0}, packet {:.0} ms",
        s.phrases,
        s.tail_secs,
        s.end_of_turn * 1e3,
        s.end_of_turn_model * 1e3,
        s.transcribe * 1e3,
        s.reply * 1e3,
        s.first_speech * 1e3,
        s.first_packet * 1e3
    )
}

/// One line per turn: what the caller saw and, where the server timed the reply, its stages.
fn report_turns(turns: &[TurnReport], timings: &[TurnTiming]) {
    println!("\nper turn (answers: when the server took each, relative to the end of speech):");
    for (i, t) in turns.iter().enumerate() {
        let answers: Vec<String> = t.answers.iter().map(|a| format!("{a:+.1} s")).collect();
        let mut line = format!(
            "  {:>2}: {:>6.0} ms; answers at [{}]",
            i + 1,
            t.latency * 1e3,
            answers.join(", ")
        );
        if t.interrupted > 0 {
            line += &format!("; {} barge-in(s)", t.interrupted);
        }
        if t.cut_off() {
            line += "; cut off at a pause inside the answer";
        }
        match timings.iter().find(|s| Some(s.reply_turn) == t.reply_turn) {
            Some(s) => {
                line += &format!(
                    "; server: {}; {:.0} ms outside them",
                    stages(s),
                    (t.latency - s.total()) * 1e3
                )
            }
            None => line += "; not timed by the server",
        }
        println!("{line}");
    }
}

fn report_latency(v2v: &[f64], timings: &[TurnTiming]) {
    println!(
        "\nvoice to voice over {} turns (end of the candidate's speech → first reply packet at the caller):",
        v2v.len()
    );
    println!(
        "  p50 {:.0} ms, p95 {:.0} ms, min {:.0} ms, max {:.0} ms",
        percentile(v2v, 0.5) * 1000.0,
        percentile(v2v, 0.95) * 1000.0,
        v2v.iter().copied().fold(f64::INFINITY, f64::min) * 1000.0,
        v2v.iter().copied().fold(0.0, f64::max) * 1000.0
    );
    println!(
        "  server stages over {} turns (p50 / p95 ms):",
        timings.len()
    );
    type Stage = fn(&TurnTiming) -> f64;
    let stages: [(&str, Stage); 7] = [
        ("end of turn (silence heard)", |t| t.end_of_turn),
        ("  of which Smart Turn's last run", |t| t.end_of_turn_model),
        ("transcript", |t| t.transcribe),
        ("reply", |t| t.reply),
        ("first speech synthesized", |t| t.first_speech),
        ("first packet sent", |t| t.first_packet),
        ("server total", |t| t.total()),
    ];
    for (name, f) in stages {
        let v: Vec<f64> = timings.iter().map(f).collect();
        println!(
            "    {name:<30} {:>6.0} / {:>6.0}",
            percentile(&v, 0.5) * 1000.0,
            percentile(&v, 0.95) * 1000.0
        );
    }
}

fn report_lipsync(received: &Mutex<Received>, span: Duration) {
    let r = received.lock().unwrap();
    // The receiver's clock: both streams leave the server at their media time, so arrival
    // is the server's timeline plus the network's (equal) delay. Video frames count from
    // their last packet's arrival and decode, as a player sees them.
    let Some(base) = r.audio.first().map(|a| a.at) else {
        return;
    };
    let secs = |at: Instant| at.saturating_duration_since(base).as_secs_f64();
    // Both signals on a 100 Hz grid.
    const HZ: f64 = 100.0;
    // Each packet's loudness at its middle (it holds 20 ms), each frame's mouth at its
    // arrival, and both read between samples by straight lines: no hold biases either.
    let audio: Vec<(f64, f32)> = r
        .audio
        .iter()
        .map(|a| {
            let end = (a.sample + 320).min(r.audio16k.len());
            (secs(a.at) + 0.01, rms(&r.audio16k[a.sample..end]))
        })
        .collect();
    let video: Vec<(f64, f32)> = r.frames.iter().map(|f| (secs(f.at), f.probe)).collect();
    let (Some(t0), Some(t1)) = (
        audio
            .first()
            .map(|a| a.0)
            .zip(video.first().map(|v| v.0))
            .map(|(a, v)| a.max(v)),
        audio
            .last()
            .map(|a| a.0)
            .zip(video.last().map(|v| v.0))
            .map(|(a, v)| a.min(v)),
    ) else {
        return;
    };
    let grid = |series: &[(f64, f32)], from: f64, to: f64| -> Vec<f32> {
        let n = ((to - from) * HZ) as usize;
        let mut j = 0;
        (0..n)
            .map(|i| {
                let t = from + i as f64 / HZ;
                while j + 1 < series.len() && series[j + 1].0 <= t {
                    j += 1;
                }
                match series.get(j + 1) {
                    Some(&(t1, v1)) if t1 > series[j].0 && t >= series[j].0 => {
                        let k = ((t - series[j].0) / (t1 - series[j].0)) as f32;
                        series[j].1 + k * (v1 - series[j].1)
                    }
                    _ => series[j].1,
                }
            })
            .collect()
    };
    // Per window of speech: 20 s windows across the session, each with its own lag.
    let mut offsets = Vec::new();
    let mut from = t0;
    while from + 20.0 <= t1 {
        let a = grid(&audio, from, from + 20.0);
        let v = grid(&video, from, from + 20.0);
        if a.iter().copied().fold(0.0, f32::max) > 0.02
            && let Some((lag, corr)) = measure::best_lag(&v, &a, HZ, 0.2)
            && corr > 0.3
        {
            offsets.push((from - t0, lag, corr));
        }
        from += 20.0;
    }
    println!(
        "\nlip-sync at the receiver (mouth movement vs loudness on arrival; + = picture late), {:.1} min session, {} windows of 20 s:",
        span.as_secs_f64() / 60.0,
        offsets.len()
    );
    if offsets.is_empty() {
        println!("  no window with speech and a clear correlation");
        return;
    }
    let lags: Vec<f64> = offsets.iter().map(|o| o.1).collect();
    println!(
        "  offset p50 {:+.1} ms, min {:+.1} ms, max {:+.1} ms, mean correlation {:.2}",
        percentile(&lags, 0.5) * 1000.0,
        lags.iter().copied().fold(f64::INFINITY, f64::min) * 1000.0,
        lags.iter().copied().fold(f64::NEG_INFINITY, f64::max) * 1000.0,
        offsets.iter().map(|o| f64::from(o.2)).sum::<f64>() / offsets.len() as f64
    );
    let points: Vec<(f64, f64)> = offsets.iter().map(|o| (o.0, o.1)).collect();
    if let Some(per_second) = slope(&points) {
        println!(
            "  drift {:+.2} ms per minute (first window {:+.1} ms, last {:+.1} ms)",
            per_second * 60.0 * 1000.0,
            offsets[0].1 * 1000.0,
            offsets[offsets.len() - 1].1 * 1000.0
        );
    }
}

/// The least-squares slope of y against x; none when every x is the same.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let var: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    (var > 0.0).then(|| cov / var)
}

/// The process's resident memory, sampled each second while a phase of the bench runs.
struct MemoryWatch {
    samples: Arc<Mutex<Vec<(f64, f64)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl MemoryWatch {
    fn start() -> Self {
        let samples = Arc::new(Mutex::new(Vec::new()));
        let into = samples.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Some(mib) = resident_mib() {
                    let at = started.elapsed().as_secs_f64();
                    into.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((at, mib));
                }
            }
        });
        Self { samples, task }
    }

    /// The samples so far, as (seconds since the start, MiB).
    fn stop(self) -> Vec<(f64, f64)> {
        self.task.abort();
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn peak(samples: &[(f64, f64)]) -> f64 {
    samples.iter().map(|s| s.1).fold(0.0, f64::max)
}

/// The process's memory over the long session: where it started and peaked, and how fast it
/// grew once the first minute (models warming, buffers filling) was past.
fn report_memory(samples: &[(f64, f64)]) {
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return;
    };
    println!(
        "\nmemory (the whole process): {:.0} MiB at the start, {:.0} MiB at the end, peak {:.0} MiB",
        first.1,
        last.1,
        peak(samples)
    );
    let settled: Vec<(f64, f64)> = samples.iter().copied().filter(|s| s.0 >= 60.0).collect();
    if let Some(per_second) = slope(&settled) {
        println!(
            "  after the first minute: {:+.1} MiB per minute over {:.0} s",
            per_second * 60.0,
            last.0 - 60.0
        );
    }
}

/// The same measure without the call: the interviewer's sentences rendered straight from the
/// animator at the call's frame rate, so that what the call adds can be told from what the
/// mouth-against-loudness measure reads in the animation itself.
fn reference_lipsync(
    root: &std::path::Path,
    config: &Config,
    frame: FrameSettings,
) -> anyhow::Result<()> {
    use interviewer::pipeline::speak::Speaker;
    use interviewer::render::lipsync;
    const SENTENCES: [&str; 3] = [
        "Thank you for walking me through that.",
        "Tell me about a time you had to learn a new technology quickly.",
        "What trade-offs did you consider, and what would make you choose differently?",
    ];
    let speaker = Speaker::load(&config.tts, &config.stt.onnxruntime)?;
    let avatar = Avatar::load(&root.join("avatar/interviewer.glb"))?;
    let mut renderer = Renderer::new(Gpu::shared()?, &avatar, frame)?;
    let fps = f64::from(config.rtc.video_fps);
    let mut offsets = Vec::new();
    for text in SENTENCES {
        let speech = speaker.speak(text)?;
        offsets.push(lipsync::measure(&mut renderer, &avatar, &speech, fps)?.offset_secs);
    }
    let each: Vec<String> = offsets.iter().map(|o| format!("{:+.1}", o * 1e3)).collect();
    println!(
        "  the same measure on the animation alone at {fps} fps (no call): {} ms; the call adds the difference",
        each.join(", ")
    );
    Ok(())
}

/// Video frames received per second, from the first frame to the last.
fn video_fps(received: &Mutex<Received>) -> f64 {
    let r = received.lock().unwrap();
    match (r.frames.first(), r.frames.last()) {
        (Some(a), Some(b)) if b.at > a.at => {
            (r.frames.len() - 1) as f64 / b.at.duration_since(a.at).as_secs_f64()
        }
        _ => 0.0,
    }
}

/// Audio packets that arrived more than 80 ms after the one before: a receiver with a
/// usual jitter buffer would have run dry.
fn audio_gaps(received: &Mutex<Received>) -> usize {
    let r = received.lock().unwrap();
    r.audio
        .windows(2)
        .filter(|w| w[1].at.saturating_duration_since(w[0].at) > Duration::from_millis(80))
        .count()
}
