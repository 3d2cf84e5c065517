//! Human oversight: an admin's stop switch halts an organization's AI at once (no new
//! interview starts, nothing is scored) and, turned off, lets what it held back be scored.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_stop_switch_halts_new_interviews_and_scoring_until_it_is_turned_off() {
    let app = spawn_app().await;
    let (org, recruiter, admin) = org_with_staff(&app).await;
    let switch = format!("/api/admin/organizations/{org}/ai-pause");

    // An interview under way when the switch goes on runs to its end, unscored.
    let (_, link) = role_with_invite(&recruiter, "early@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    let r = admin.put(&switch, json!({ "paused": true })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["error"].as_str().unwrap().contains("reason"));
    let r = admin
        .put(
            &switch,
            json!({ "paused": true, "reason": "rubric under review" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["ai_paused_at"].is_string());
    answer_to_the_end(&candidate, id).await;
    let out = cli_on(&app, &["score", &id.to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("paused AI scoring"), "{err}");
    assert!(
        interviewer::db::profiles::get(&app.state.db, id)
            .await
            .unwrap()
            .is_none()
    );

    // No new interview starts.
    let (_, link) = role_with_invite(&recruiter, "late@example.com").await;
    let r = Client::anonymous(&app)
        .get(&link.replace(&app.url, ""))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        interviewer::db::users::by_email(&app.state.db, "late@example.com")
            .await
            .unwrap()
            .is_none(),
        "no account is made for an interview that cannot start"
    );

    // Off: the held-back interview is scored, and the invitation works.
    let r = admin.put(&switch, json!({ "paused": false })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["ai_paused_at"].is_null());
    wait_for_profile(&app, id).await;
    let (_, late) = open_invite(&app, &link).await;
    assert!(late > id);

    let log = admin.get("/api/admin/audit-log").await.body;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"ai_paused") && actions.contains(&"ai_resumed"));
    let paused = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "ai_paused")
        .unwrap();
    assert_eq!(paused["detail"]["reason"], "rubric under review");
}
