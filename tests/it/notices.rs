//! An organization's notice to candidates: versioned, shown word for word with the consent
//! buttons, and named by each consent; a new version changes nothing for interviews that had
//! already begun.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn each_consent_names_the_notice_version_its_candidate_read() {
    let app = spawn_app().await;
    let (org, recruiter, admin) = org_with_staff(&app).await;
    let path = format!("/api/admin/organizations/{org}/notices");

    let r = admin.post(&path, json!({ "text": "   " })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("alternative process")
    );
    let first = "Acme assesses your answers for the role's competencies. Recordings are kept 90 days. \
                 For an interview with a person instead, or an accommodation, write to people@acme.example.";
    let r = admin.post(&path, json!({ "text": first })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["version"], 1);

    let (_, link) = role_with_invite(&recruiter, "early@example.com").await;
    let (early, early_id) = open_invite(&app, &link).await;
    let read = early.get(&format!("/api/interviews/{early_id}")).await.body;
    assert_eq!(read["notice"]["version"], 1);
    assert_eq!(read["notice"]["text"], first);
    say(
        &early,
        early_id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;

    let r = admin
        .post(
            &path,
            json!({ "text": "Acme's notice, second version: recordings are kept 30 days." }),
        )
        .await;
    assert_eq!(r.body["version"], 2);
    let history = admin.get(&path).await.body;
    let versions: Vec<i64> = history["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);

    // The interview that had begun keeps what its candidate read and agreed to.
    let read = recruiter
        .get(&format!("/api/interviews/{early_id}"))
        .await
        .body;
    assert_eq!(read["notice"]["version"], 1);
    let consent = read["interview"]["consent_version"].as_str().unwrap();
    assert!(consent.ends_with("+notice-1"), "{consent}");
    // A new one shows the new version.
    let (_, link) = role_with_invite(&recruiter, "late@example.com").await;
    let (late, late_id) = open_invite(&app, &link).await;
    let read = late.get(&format!("/api/interviews/{late_id}")).await.body;
    assert_eq!(read["notice"]["version"], 2);

    let r = admin
        .post(
            "/api/admin/organizations/999999/notices",
            json!({ "text": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
