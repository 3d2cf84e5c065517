//! The product in a real browser: headless Chromium driven by Playwright
//! (tests/browser/flow.mjs) against the real server.

use interviewer::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn recruiter_and_candidate_in_chromium() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let script = root().join("tests/browser/flow.mjs");
    assert!(
        root()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed: run `npm ci --prefix tests/browser` (scripts/test does)"
    );
    let shots = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new("node")
        .arg(&script)
        .env("BASE_URL", &app.url)
        .env("RECRUITER_EMAIL", "rita@acme.example")
        .env("RECRUITER_PASSWORD", PASSWORD)
        .env(
            "SCREENSHOT_DIR",
            std::env::var("SCREENSHOT_DIR").unwrap_or_else(|_| shots.path().display().to_string()),
        )
        .output()
        .await
        .expect("node runs (install Node.js)");
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser flow failed:\n{log}");
    assert!(log.contains("follow-up names find_pairs"), "{log}");
}

#[tokio::test]
async fn a_spoken_answer_from_the_microphone_in_chromium() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rita@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let shots = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new("node")
        .arg(root().join("tests/browser/voice.mjs"))
        .env("INVITE_LINK", &link)
        .env("AUDIO_FILE", root().join("tests/fixtures/audio/jfk.wav"))
        .env(
            "SCREENSHOT_DIR",
            std::env::var("SCREENSHOT_DIR").unwrap_or_else(|_| shots.path().display().to_string()),
        )
        .output()
        .await
        .expect("node runs (install Node.js)");
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser voice flow failed:\n{log}");
    assert!(log.contains("the reply was spoken"), "{log}");
}
