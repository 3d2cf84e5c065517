//! The voice path without WebRTC, over HTTP with the real models: a recorded answer is
//! transcribed into the interview and kept for review, every interviewer turn can be heard,
//! and bad recordings are refused with a reason and change nothing.

use interviewer::auth::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/audio").join(name)).unwrap()
}

#[tokio::test]
async fn a_spoken_answer_joins_the_transcript_with_its_recording() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (_, link) = role_with_invite(&recruiter, "cand@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    let upload = format!("/api/interviews/{id}/answers/audio");

    // Before consent nothing is transcribed.
    let (status, _, body) = candidate
        .bytes(
            Method::POST,
            &upload,
            Some(("audio/wav", fixture("jfk.wav"))),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&body)
    );
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;

    // Refusals, each with a reason, none of them a turn.
    let refusals = [
        (
            Some(("text/plain", b"hello".to_vec())),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "audio/wav",
        ),
        (
            Some(("audio/wav", b"RIFF\x10\x00\x00\x00WAVEjunk".to_vec())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot read",
        ),
        (
            Some(("audio/wav", fixture("jfk.wav")[..300].to_vec())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot read",
        ),
        (
            Some(("audio/wav", silent_wav(0.0, 16_000, 1))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            Some(("audio/wav", silent_wav(20.0, 48_000, 2))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no speech",
        ),
    ];
    for (body, expected, reason) in refusals {
        let (status, _, got) = candidate.bytes(Method::POST, &upload, body).await;
        let got = String::from_utf8_lossy(&got);
        assert_eq!(status, expected, "{got}");
        assert!(got.contains(reason), "{got}");
    }
    let before = candidate.get(&format!("/api/interviews/{id}")).await.body;
    let turns_before = before["turns"].as_array().unwrap().len();

    // A real spoken answer.
    let (status, _, body) = candidate
        .bytes(
            Method::POST,
            &upload,
            Some(("audio/wav", fixture("jfk.wav"))),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let out: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let heard = out["heard"]["text"].as_str().unwrap().to_lowercase();
    assert!(heard.contains("ask not what your country"), "{heard}");
    let words = out["heard"]["words"].as_array().unwrap();
    assert!(words.len() >= 20);
    assert!(words[0]["start"].as_f64().unwrap() < words[5]["start"].as_f64().unwrap());
    let answer = &out["turns"][0];
    assert_eq!(answer["speaker"], "candidate");
    assert_eq!(answer["spoken"], true);
    let seq = answer["seq"].as_i64().unwrap();
    let reply_seq = out["turns"][1]["seq"].as_i64().unwrap();
    assert_eq!(out["turns"][1]["speaker"], "interviewer");

    let after = candidate.get(&format!("/api/interviews/{id}")).await.body;
    assert_eq!(
        after["turns"].as_array().unwrap().len(),
        turns_before + out["turns"].as_array().unwrap().len()
    );

    // The recording is kept with the turn: 16 kHz mono, as long as the upload.
    let recording = format!("/api/interviews/{id}/turns/{seq}/recording");
    let (status, headers, wav) = candidate.bytes(Method::GET, &recording, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "audio/wav");
    let reader = hound::WavReader::new(std::io::Cursor::new(&wav)).unwrap();
    assert_eq!(
        (reader.spec().sample_rate, reader.spec().channels),
        (16_000, 1)
    );
    let secs = f64::from(reader.duration()) / 16_000.0;
    assert!((10.5..11.5).contains(&secs), "{secs}");

    // Reviewers hear it too, and the log says they did.
    let (status, _, _) = recruiter.bytes(Method::GET, &recording, None).await;
    assert_eq!(status, StatusCode::OK);
    create_user(&app, "admin@x.example", Role::Admin, None).await;
    let admin = Client::login(&app, "admin@x.example").await;
    let log = admin.get("/api/admin/audit-log").await.body.to_string();
    assert!(log.contains("recording_played"), "{log}");

    // Interviewer turns can be heard; candidate turns have no speech, typed ones no recording.
    let speech = format!("/api/interviews/{id}/turns/{reply_seq}/speech");
    let (status, headers, wav) = candidate.bytes(Method::GET, &speech, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-voice"], "piper");
    let reader = hound::WavReader::new(std::io::Cursor::new(&wav)).unwrap();
    assert_eq!(reader.spec().sample_rate, 22_050);
    assert!(reader.duration() > 22_050, "more than a second of speech");
    for path in [
        format!("/api/interviews/{id}/turns/{seq}/speech"),
        format!("/api/interviews/{id}/turns/1/recording"),
    ] {
        let (status, _, _) = candidate.bytes(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
