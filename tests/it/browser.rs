//! The product in a real browser: headless Chromium driven by Playwright
//! (tests/browser/*.mjs) against the real server.

use interviewer::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn recruiter_and_candidate_in_chromium() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let notice = "For an interview with a person instead, write to people@acme.example.";
    interviewer::db::notices::publish(&app.state.db, org, notice, None)
        .await
        .unwrap();
    let log = run_browser_script(
        "flow.mjs",
        &[
            ("BASE_URL", app.url.clone().into()),
            ("RECRUITER_EMAIL", "rita@acme.example".into()),
            ("RECRUITER_PASSWORD", PASSWORD.into()),
            ("NOTICE", notice.into()),
        ],
    )
    .await;
    assert!(log.contains("follow-up names find_pairs"), "{log}");
    assert!(log.contains("notice is shown beside the consent"), "{log}");
}

#[tokio::test]
async fn practice_twice_then_follow_a_score_to_its_words_in_chromium() {
    let app = spawn_app().await;
    let log = run_browser_script("practice.mjs", &[("BASE_URL", app.url.clone().into())]).await;
    assert!(log.contains("growth curve: 2 points"), "{log}");
    assert!(
        log.contains("followed a score to the words behind it"),
        "{log}"
    );
}

#[tokio::test]
async fn recruiter_edits_a_bank_and_invites_by_email_in_chromium() {
    let smtp = crate::smtp::SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_with(
        move |c| c.mail.smtp_url = Some(secrecy::SecretString::from(url)),
        None,
    )
    .await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let rita = Client::login(&app, "rita@acme.example").await;
    let (_, scored) = finished_interview(&app, &rita, "grace@example.com").await;
    wait_for_profile(&app, scored).await;
    let log = run_browser_script(
        "recruiter.mjs",
        &[
            ("BASE_URL", app.url.clone().into()),
            ("RECRUITER_EMAIL", "rita@acme.example".into()),
            ("RECRUITER_PASSWORD", PASSWORD.into()),
            ("PROFILE_ID", scored.to_string().into()),
        ],
    )
    .await;
    assert!(log.contains("invalid edit shown on line"), "{log}");
    assert!(log.contains("bank saved as acme-behavioral"), "{log}");
    let link = log
        .lines()
        .find_map(|l| l.strip_prefix("invitation e-mailed: "))
        .unwrap_or_else(|| panic!("{log}"));
    let mail = smtp.wait_for(2).await;
    let to_ada = mail
        .iter()
        .find(|m| m.contains("ada@example.com"))
        .expect("the invitation to Ada arrived");
    assert!(
        to_ada.contains(link),
        "the e-mail carries the link the page showed"
    );
    assert!(
        log.contains("recruiter followed a score to the words behind it"),
        "{log}"
    );
    assert!(
        log.contains("grounded question: You mention Kafka at Acme Corp."),
        "{log}"
    );
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

#[tokio::test]
async fn the_live_interview_in_chromium() {
    use crate::live::{ANSWER_WAV, ONE_CALL, live_config, mouth_reference};
    let _one = ONE_CALL.lock().await;
    use interviewer::audio::wav;
    use interviewer::pipeline::transcribe::wer::{normalize, wer};
    // A closed page counts as gone after 2 s, so the verbatim record follows quickly.
    let app = spawn_with(
        |c| {
            live_config(c);
            c.live.reconnect_secs = 2;
        },
        None,
    )
    .await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rita@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "ada@example.com").await;

    // The fake microphone: quiet through the device check and the greeting, then the answer.
    let answer = wav::read_file(&root().join(ANSWER_WAV)).unwrap();
    let reference = std::fs::read_to_string(root().join(ANSWER_WAV).with_extension("txt")).unwrap();
    let mut samples = vec![0.0f32; 16_000 * 22];
    samples.extend_from_slice(&answer.samples);
    samples.extend(vec![0.0f32; 16_000 * 30]);
    let dir = tempfile::tempdir().unwrap();
    let mic = dir.path().join("answer.wav");
    std::fs::write(&mic, wav::encode(&samples, 16_000).unwrap()).unwrap();
    let (_, region) = mouth_reference();
    let log = run_browser_script(
        "live.mjs",
        &[
            ("INVITE_LINK", link.into()),
            ("AUDIO_FILE", mic.into()),
            (
                "MOUTH_REGION",
                format!("{},{},{},{}", region.x0, region.y0, region.x1, region.y1).into(),
            ),
        ],
    )
    .await;
    assert!(
        log.contains("the live interview works in Chromium"),
        "{log}"
    );

    // The spoken answer is in the stored transcript, close to what the WAV says.
    let id: i64 = log
        .lines()
        .find_map(|l| l.strip_prefix("room "))
        .and_then(|url| url.trim_end_matches("/live").rsplit('/').next())
        .and_then(|id| id.parse().ok())
        .expect("the script names the room");
    // The closed page reaches the reviewer's timeline as a lost connection once the server
    // notices (the browser leaves without a goodbye, so it may take the transport's timeout).
    let mut events = Vec::new();
    for _ in 0..240 {
        events = interviewer::db::integrity::for_interview(&app.state.db, id)
            .await
            .unwrap();
        if events.iter().any(|e| e.kind == "connection_lost") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        events.iter().any(|e| e.kind == "connection_lost"),
        "{events:?}"
    );

    // The call ends and the verbatim pass revises the stored answer.
    let answers = || async {
        interviewer::db::interviews::turns(&app.state.db, id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.speaker == "candidate" && t.kind == "answer")
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let fast = answers().await;
    let mut heard = fast.clone();
    for _ in 0..120 {
        if heard != fast {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        heard = answers().await;
    }
    let rate = wer(&normalize(&reference), &normalize(&heard));
    assert!(
        rate <= 0.2,
        "word error rate {rate:.2}: {heard:?} (fast pass: {fast:?})\n{log}"
    );
}

#[tokio::test]
async fn admin_audits_reviews_stops_the_ai_and_erases_a_candidate_in_chromium() {
    use serde_json::json;
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    create_user(&app, "root@acme.example", Role::Admin, None).await;
    let rita = Client::login(&app, "rita@acme.example").await;
    // Five candidates whose overall scores a reviewer set apart (by overriding their
    // scores), so the audit has rates to compare.
    for (email, sex, value) in [
        ("a@example.com", "Female", 0.9),
        ("b@example.com", "Male", 0.8),
        ("c@example.com", "Female", 0.2),
        ("d@example.com", "Male", 0.7),
        ("e@example.com", "Female", 0.3),
    ] {
        let (c, id) = finished_interview(&app, &rita, email).await;
        let r = c
            .post(
                &format!("/api/interviews/{id}/self-identification"),
                json!({ "sex": sex, "race_ethnicity": "decline" }),
            )
            .await;
        assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{:?}", r.body);
        wait_for_profile(&app, id).await;
        let scores = rita.get(&format!("/api/interviews/{id}/scores")).await.body;
        for s in scores["scores"].as_array().unwrap() {
            if s["final_value"].is_null() {
                continue;
            }
            let r = rita
                .put(
                    &format!("/api/interviews/{id}/scores/{}/override", s["id"]),
                    json!({ "value": value, "reason": "set by the reviewer for the audit test" }),
                )
                .await;
            assert_eq!(r.status, reqwest::StatusCode::OK, "{:?}", r.body);
        }
        // And decided on them: the higher three advance.
        let outcome = if value >= 0.7 {
            "advanced"
        } else {
            "not_advanced"
        };
        let r = rita
            .post(
                &format!("/api/interviews/{id}/decisions"),
                json!({ "outcome": outcome, "reason": "panel review" }),
            )
            .await;
        assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);
    }
    // A candidate who chose the alternative process: a person reviews, nothing is scored.
    let (_, link) = role_with_invite(&rita, "alt@example.com").await;
    let (alt, alternative) = open_invite(&app, &link).await;
    say(&alt, alternative, json!({ "type": "alternative" })).await;
    for text in [
        "We agreed on a split release.",
        "A hash map from value to index.",
        "No.",
    ] {
        say(&alt, alternative, json!({ "type": "answer", "text": text })).await;
    }
    // A spoken answer elsewhere (another organization, so the audit above is unchanged),
    // for the review of its transcript.
    let other = create_org(&app, "Globex").await;
    create_user(&app, "gus@globex.example", Role::Recruiter, Some(other)).await;
    let gus = Client::login(&app, "gus@globex.example").await;
    let (_, link) = role_with_invite(&gus, "f@example.com").await;
    let (f, spoken) = open_invite(&app, &link).await;
    say(&f, spoken, json!({ "type": "consent", "accepted": true })).await;
    spoken_answer(&f, spoken).await;
    answer_to_the_end(&f, spoken).await;
    wait_for_profile(&app, spoken).await;
    let log = run_browser_script(
        "admin.mjs",
        &[
            ("BASE_URL", app.url.clone().into()),
            ("ADMIN_EMAIL", "root@acme.example".into()),
            ("ADMIN_PASSWORD", PASSWORD.into()),
            ("ORG_ID", org.to_string().into()),
            ("ORG_NAME", "Acme".into()),
            ("CANDIDATE_EMAIL", "c@example.com".into()),
            ("SPOKEN_ID", spoken.to_string().into()),
            ("ALTERNATIVE_ID", alternative.to_string().into()),
        ],
    )
    .await;
    assert!(log.contains("review: the timeline"), "{log}");
    assert!(log.contains("playback marks the word"), "{log}");
    assert!(log.contains("score overridden in the page"), "{log}");
    assert!(log.contains("the interviewer's voice plays"), "{log}");
    assert!(
        log.contains("bias audit shown: 2 categories of sex"),
        "{log}"
    );
    assert!(log.contains("AI resumed"), "{log}");
    assert!(log.contains("decision recorded in the page"), "{log}");
    assert!(log.contains("selection audit shown"), "{log}");
    assert!(log.contains("candidate erased"), "{log}");
    assert!(
        interviewer::db::users::by_email(&app.state.db, "c@example.com")
            .await
            .unwrap()
            .is_none()
    );
}
