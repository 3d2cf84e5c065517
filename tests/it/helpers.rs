//! `spawn_app()` and the clients the tests use.

use std::path::PathBuf;
use std::sync::Arc;

use interviewer::app::{App, AppState, Engines};
use interviewer::auth::{Role, password};
use interviewer::config::Config;
use interviewer::db;
use interviewer::pipeline::respond::llm::ChatModel;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub url: String,
    pub state: AppState,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A database URL for one test: a fresh PostgreSQL database when IT_DATABASE_URL is set
/// (the README's test command runs the suite once that way), else a SQLite file.
pub async fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("IT_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sea_orm::ConnectionTrait;
            let admin = db::connect(&admin_url)
                .await
                .expect("IT_DATABASE_URL must point at a running PostgreSQL");
            let name = format!("it_{}", &interviewer::auth::token::generate()[..16]);
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
    }
}

pub fn test_config(db_url: String) -> Config {
    let mut c = Config::default();
    c.server.port = 0;
    c.server.host = "127.0.0.1".into();
    c.database.url = db_url;
    c.content.question_bank_dir = root().join("question-bank");
    c.content.prompts_dir = root().join("prompts");
    c.avatar.model = root().join("avatar/interviewer.glb");
    // The tests' webhook receivers listen on the loopback.
    c.webhooks.allow_private_targets = true;
    c
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}, None).await
}

pub async fn spawn_with(
    tweak: impl FnOnce(&mut Config),
    chat: Option<Arc<dyn ChatModel>>,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(database_url(&dir).await);
    tweak(&mut config);
    start(config, chat, dir).await
}

impl TestApp {
    /// Stops this server and starts a new one on the same database and settings, as an
    /// operator's restart would.
    pub async fn restart(self) -> TestApp {
        let config = (*self.state.config).clone();
        let TestApp { _stop, _dir, .. } = self;
        drop(_stop);
        start(config, None, _dir).await
    }
}

async fn start(
    config: Config,
    chat: Option<Arc<dyn ChatModel>>,
    dir: tempfile::TempDir,
) -> TestApp {
    config.validate().expect("test config is valid");
    let app = App::build(config, Engines { chat })
        .await
        .expect("app builds");
    let url = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestApp {
        url,
        state,
        _stop: stop,
        _dir: dir,
    }
}

/// A client that carries one user's cookies explicitly (responses never change them), so a
/// test can act as several people at once.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

/// Fails the test when an /api/ response is not one the OpenAPI document describes.
fn conforms(
    method: &reqwest::Method,
    path: &str,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &Value,
) {
    if !path.starts_with("/api/") {
        return;
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) =
        crate::openapi::check(method.as_str(), path, status.as_u16(), content_type, body)
    {
        panic!("{method} {path} → {status}: not as src/http/openapi.json documents it: {e}");
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Client {
    pub fn anonymous(app: &impl Base) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: app.url().to_string(),
            http,
            cookie: None,
            csrf: None,
        }
    }

    /// A request with this client's session cookie and CSRF token.
    fn builder(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        req
    }

    /// Raw bytes out and in (audio): status, headers and body.
    pub async fn bytes(
        &self,
        method: reqwest::Method,
        path: &str,
        upload: Option<(&str, Vec<u8>)>,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self.builder(method.clone(), path);
        if let Some((content_type, body)) = upload {
            req = req.header("content-type", content_type).body(body);
        }
        let res = req.send().await.expect("request sent");
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.bytes().await.unwrap_or_default().to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        conforms(&method, path, status, &headers, &body);
        (status, headers, bytes)
    }

    /// A JSON request; a response from /api/ must match the OpenAPI document.
    pub async fn request(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Resp {
        let mut req = self.builder(method.clone(), path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        conforms(&method, path, status, &headers, &body);
        Resp {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.request(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.request(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.request(reqwest::Method::PUT, path, Some(body)).await
    }

    /// Adopts the session cookies a response set (sign-in, invitation link).
    pub fn adopt(&mut self, resp: &Resp) {
        let mut jar = Vec::new();
        for v in resp.headers.get_all("set-cookie") {
            let kv = v.to_str().unwrap().split(';').next().unwrap().to_string();
            if let Some(csrf) = kv.strip_prefix("iv_csrf=") {
                self.csrf = Some(csrf.to_string());
            }
            jar.push(kv);
        }
        assert!(!jar.is_empty(), "no cookies set");
        self.cookie = Some(jar.join("; "));
    }

    pub async fn login(app: &impl Base, email: &str) -> Self {
        let mut c = Self::anonymous(app);
        let r = c
            .post(
                "/api/auth/login",
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {email}: {:?}", r.body);
        c.adopt(&r);
        c
    }
}

pub async fn create_org(app: &TestApp, name: &str) -> i64 {
    db::organizations::create(&app.state.db, name)
        .await
        .unwrap()
        .id
}

pub async fn create_user(app: &TestApp, email: &str, role: Role, org: Option<i64>) -> i64 {
    let hash = password::hash(PASSWORD).unwrap();
    db::users::create(
        &app.state.db,
        db::users::NewUser {
            organization_id: org,
            email,
            password_hash: Some(hash),
            role,
            display_name: email.split('@').next().unwrap(),
        },
    )
    .await
    .unwrap()
    .id
}

/// Organization "Acme" with a signed-in recruiter (rec@acme.example) and a signed-in admin
/// (admin@acme.example).
pub async fn org_with_staff(app: &TestApp) -> (i64, Client, Client) {
    let org = create_org(app, "Acme").await;
    create_user(app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    create_user(app, "admin@acme.example", Role::Admin, None).await;
    let recruiter = Client::login(app, "rec@acme.example").await;
    let admin = Client::login(app, "admin@acme.example").await;
    (org, recruiter, admin)
}

pub async fn bank_id(client: &Client, slug: &str) -> i64 {
    let r = client.get("/api/banks").await;
    r.body["banks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["slug"] == slug)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

pub async fn question_id(client: &Client, bank: i64, slug: &str) -> i64 {
    let r = client.get(&format!("/api/banks/{bank}")).await;
    r.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["slug"] == slug)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A role with one behavioral question (one follow-up) and one coding question (one
/// follow-up), returning (job id, invitation link).
pub async fn role_with_invite(recruiter: &Client, email: &str) -> (i64, String) {
    let behavioral = bank_id(recruiter, "behavioral-core").await;
    let coding = bank_id(recruiter, "coding-fundamentals").await;
    let r = recruiter
        .post(
            "/api/jobs",
            json!({ "title": "Backend Engineer", "bank_ids": [behavioral, coding] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    let q1 = question_id(recruiter, behavioral, "conflict-with-teammate").await;
    let q2 = question_id(recruiter, coding, "two-sum").await;
    let r = recruiter.put(&format!("/api/jobs/{job}/plan"), json!({ "items": [{ "question_id": q1, "max_follow_ups": 1 }, { "question_id": q2, "max_follow_ups": 1 }] })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = recruiter.put(&format!("/api/jobs/{job}/criteria"), json!({ "criteria": [{ "competency": "collaboration", "weight": 1.0 }, { "competency": "problem-solving", "weight": 2.0 }] })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = recruiter
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": email, "name": "Ada Lovelace" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (job, r.body["link"].as_str().unwrap().to_string())
}

/// Opens an invitation link as a new browser would; returns the signed-in candidate and
/// the interview id.
pub async fn open_invite(app: &impl Base, link: &str) -> (Client, i64) {
    let mut c = Client::anonymous(app);
    let path = link.strip_prefix(app.url()).unwrap_or(link);
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{:?}", r.body);
    let location = r
        .headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    c.adopt(&r);
    let id = location.rsplit('/').next().unwrap().parse().unwrap();
    (c, id)
}

/// Uploads `tests/fixtures/audio/jfk.wav` as the candidate's spoken answer; returns the
/// server's answer (the turns it stored).
pub async fn spoken_answer(c: &Client, id: i64) -> Value {
    let wav = std::fs::read(root().join("tests/fixtures/audio/jfk.wav")).unwrap();
    let (status, _, body) = c
        .bytes(
            reqwest::Method::POST,
            &format!("/api/interviews/{id}/answers/audio"),
            Some(("audio/wav", wav)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

pub async fn say(c: &Client, id: i64, msg: Value) -> Value {
    let r = c.post(&format!("/api/interviews/{id}/messages"), msg).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

pub fn texts(turns: &Value) -> Vec<String> {
    turns
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect()
}

impl TestApp {
    /// A handle on a server running in another process (no in-process state).
    pub fn external(url: &str) -> ExternalApp {
        ExternalApp {
            url: url.to_string(),
        }
    }
}

/// Only the URL of a server in another process.
pub struct ExternalApp {
    pub url: String,
}

/// Anything with a base URL the clients can talk to.
pub trait Base {
    fn url(&self) -> &str;
}

impl Base for TestApp {
    fn url(&self) -> &str {
        &self.url
    }
}

impl Base for ExternalApp {
    fn url(&self) -> &str {
        &self.url
    }
}

/// A candidate who signed up for practice as `email`, and a new practice interview of the
/// first shipped bank with `questions` questions: the signed-in client and the interview id.
pub async fn practice_interview(app: &TestApp, email: &str, questions: u32) -> (Client, i64) {
    let mut me = Client::anonymous(app);
    let r = me
        .post(
            "/api/auth/signup",
            json!({ "email": email, "password": PASSWORD, "name": "Lea" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    me.adopt(&r);
    let bank = me.get("/api/practice/banks").await.body["banks"][0]["id"]
        .as_i64()
        .unwrap();
    let r = me
        .post(
            "/api/practice/interviews",
            json!({ "bank_id": bank, "questions": questions }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (me, r.body["id"].as_i64().unwrap())
}

/// The `interviewer` binary with `args` against `app`'s database, run to its end.
pub fn cli_on(app: &TestApp, args: &[&str]) -> std::process::Output {
    cli_command(args)
        .env("DATABASE_URL", &app.state.config.database.url)
        .output()
        .expect("the interviewer binary runs")
}

/// The text of interview `id`'s printable profile, as `client` downloads it.
pub async fn profile_pdf_text(client: &Client, id: i64) -> String {
    let (status, headers, pdf) = client
        .bytes(
            reqwest::Method::GET,
            &format!("/api/interviews/{id}/profile.pdf"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

/// The `interviewer` binary with `args`, run from the project root without this shell's
/// configuration overrides, so the embedded defaults apply.
pub fn cli_command(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_interviewer"));
    cmd.args(args).current_dir(root());
    for (k, _) in std::env::vars() {
        if k.starts_with("INTERVIEWER__") || k.starts_with("OPENAI_") || k == "DATABASE_URL" {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// `secs` of digital silence as a 16-bit WAV with the given rate and channel count.
pub fn silent_wav(secs: f64, rate: u32, channels: u16) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for _ in 0..(secs * f64::from(rate)) as usize * usize::from(channels) {
        w.write_sample(0i16).unwrap();
    }
    w.finalize().unwrap();
    cursor.into_inner()
}

/// Runs a Playwright script of tests/browser with `env` (plus SCREENSHOT_DIR), and returns
/// its output after checking that it succeeded.
pub async fn run_browser_script(script: &str, env: &[(&str, std::ffi::OsString)]) -> String {
    assert!(
        root()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed: run `npm ci --prefix tests/browser` (scripts/test does)"
    );
    let shots = tempfile::tempdir().unwrap();
    // The browser stands for the candidate's own computer: where the system allows it, it
    // runs ahead of the server in the scheduler, so that on two shared cores its capture of
    // the fake microphone is not starved into gaps (`nice` warns and goes on if not allowed).
    let out = tokio::process::Command::new("nice")
        .args(["-n", "-5", "node"])
        .arg(root().join("tests/browser").join(script))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env(
            "SCREENSHOT_DIR",
            std::env::var("SCREENSHOT_DIR").unwrap_or_else(|_| shots.path().display().to_string()),
        )
        .output()
        .await
        .expect("the browser script starts (coreutils `nice`, Node.js)");
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script} failed:\n{log}");
    log
}

/// Opens a fresh invitation of a new role and answers its interview to the end in text: a
/// story and its follow-up, a two-sum approach and its follow-up, no questions. Returns the
/// candidate and the interview id.
pub async fn finished_interview(app: &TestApp, recruiter: &Client, email: &str) -> (Client, i64) {
    let (_, link) = role_with_invite(recruiter, email).await;
    let (candidate, id) = open_invite(app, &link).await;
    answer_to_the_end(&candidate, id).await;
    (candidate, id)
}

/// Consents and answers an opened interview to its end in text (see `finished_interview`).
pub async fn answer_to_the_end(candidate: &Client, id: i64) {
    say(
        candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    for text in [
        "A teammate and I disagreed about how to roll out a schema migration. I asked her to walk me through her reasoning, and we wrote down both plans and agreed on a split release.",
        "Next time I would involve the rest of the team earlier, before the plans had hardened.",
        "I would walk through the list once and keep a hash map from each value to its index. For every number I look up the target minus the number, and that is linear time and linear space.",
        "It handles duplicates because I check the map before inserting the current number.",
        "No, thank you.",
        "No, thank you.",
    ] {
        let out = say(candidate, id, json!({ "type": "answer", "text": text })).await;
        if out["state"]["status"] == "completed" {
            return;
        }
    }
    panic!("interview {id} did not complete");
}

/// Waits for the background scoring to store the interview's profile (stored after every
/// score row).
pub async fn wait_for_profile(app: &TestApp, id: i64) {
    for _ in 0..240 {
        if interviewer::db::profiles::get(&app.state.db, id)
            .await
            .unwrap()
            .is_some()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("interview {id} was not scored within a minute");
}
