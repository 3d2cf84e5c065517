//! The product in a real browser: headless Chromium driven by Playwright
//! (tests/browser/*.mjs) against the real server.

use interviewer::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn recruiter_and_candidate_in_chromium() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let log = run_browser_script(
        "flow.mjs",
        &[
            ("BASE_URL", app.url.clone().into()),
            ("RECRUITER_EMAIL", "rita@acme.example".into()),
            ("RECRUITER_PASSWORD", PASSWORD.into()),
        ],
    )
    .await;
    assert!(log.contains("follow-up names find_pairs"), "{log}");
}

#[tokio::test]
async fn a_spoken_answer_from_the_microphone_in_chromium() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rita@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let log = run_browser_script(
        "voice.mjs",
        &[
            ("INVITE_LINK", link.into()),
            (
                "AUDIO_FILE",
                root().join("tests/fixtures/audio/jfk.wav").into(),
            ),
        ],
    )
    .await;
    assert!(log.contains("the reply was spoken"), "{log}");
}
