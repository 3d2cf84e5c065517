//! The alternative process: a candidate who does not want the AI to assess them answers the
//! same questions, a person reviews them, and nothing is scored automatically.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_candidate_who_chooses_a_person_is_asked_everything_and_never_scored() {
    let app = spawn_app().await;
    let (_, recruiter, admin) = org_with_staff(&app).await;
    let (job, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;

    // The disclosure offers the alternative in words, not only as a button.
    let t = candidate.get(&format!("/api/interviews/{id}")).await;
    let opening = t.body["turns"][0]["text"].as_str().unwrap().to_string();
    assert!(opening.contains("choose the alternative"), "{opening}");

    let out = say(&candidate, id, json!({ "type": "alternative" })).await;
    let said = texts(&out["turns"]);
    assert!(said[0].contains("choose the alternative"), "{said:?}");
    assert!(said[1].contains("A person will review"), "{said:?}");
    assert!(said[1].contains("Question 1 of 2"), "{said:?}");
    // Every question, and no follow-up: nobody's software reads the answers to write one.
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "We wrote both plans down and agreed on a split release." }),
    )
    .await;
    let kinds: Vec<&str> = out["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["answer", "question"], "{out}");
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "python", "code": "def two_sum(xs, t):\n    seen = {}\n    for i, x in enumerate(xs):\n        if t - x in seen:\n            return seen[t - x], i\n        seen[x] = i\n" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let kinds: Vec<&str> = r.body["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["code", "candidate_questions"], "{:?}", r.body);
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "No, thank you." }),
    )
    .await;
    assert_eq!(out["state"]["status"], "completed", "{out}");

    // Recorded as the alternative, with no consent to scoring.
    let t = recruiter.get(&format!("/api/interviews/{id}")).await;
    assert!(
        t.body["interview"]["alternative_at"].is_string(),
        "{:?}",
        t.body
    );
    assert!(t.body["interview"]["consent_given_at"].is_null());
    let listed = recruiter.get("/api/interviews").await;
    let row = listed.body["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
        .clone();
    assert!(row["alternative_at"].is_string(), "{row}");

    // Nothing is scored, now or when someone asks.
    let err = interviewer::scoring::inputs::read(&app.state.db, id)
        .await
        .err()
        .expect("the alternative process is never scored");
    assert!(err.to_string().contains("alternative process"), "{err}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let s = recruiter.get(&format!("/api/interviews/{id}/scores")).await;
    assert_eq!(s.status, StatusCode::OK, "{:?}", s.body);
    assert_eq!(s.body["scores"], json!([]));
    assert!(s.body["profile"].is_null());
    assert_eq!(s.body["alternative_process"], true);
    // The printable profile says why it has no figures, and claims no estimates.
    let text = profile_pdf_text(&recruiter, id).await;
    assert!(text.contains("alternative process"), "{text}");
    assert!(!text.contains("estimates made by software"), "{text}");

    // A person decides, with a reason; the decision is audited.
    let r = recruiter
        .post(
            &format!("/api/interviews/{id}/decisions"),
            json!({ "outcome": "advanced", "reason": "clear answers; a working two-sum" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // The role's candidate list says both, where recruiters look first.
    let listed = recruiter.get(&format!("/api/jobs/{job}/candidates")).await;
    let ada = &listed.body["candidates"][0];
    assert_eq!(ada["alternative"], true, "{ada}");
    assert_eq!(ada["decision"], "advanced", "{ada}");
    assert!(ada["overall"].is_null(), "{ada}");
    let log = admin.get("/api/admin/audit-log").await;
    assert!(
        log.body.to_string().contains("decision_recorded"),
        "{:?}",
        log.body
    );

    // A second answer to the disclosure changes nothing.
    let (_, link) = role_with_invite(&recruiter, "grace@example.com").await;
    let (other, id2) = open_invite(&app, &link).await;
    say(&other, id2, json!({ "type": "consent", "accepted": true })).await;
    let out = say(&other, id2, json!({ "type": "alternative" })).await;
    assert!(texts(&out["turns"]).join(" ").contains("already recorded"));
    let t = recruiter.get(&format!("/api/interviews/{id2}")).await;
    assert!(t.body["interview"]["alternative_at"].is_null());
    assert!(t.body["interview"]["consent_given_at"].is_string());
}
