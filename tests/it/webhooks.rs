//! Signed webhooks against a real receiver on loopback: an interview's end and its profile
//! announced with an HMAC signature the receiver can check, a refused attempt retried, an
//! endpoint that is down retried and then marked failed for admins, and sent again on
//! request.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::*;

/// What the receiver got: headers and body of each request, in order.
type Received = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// A receiver that refuses its first request (HTTP 503) and accepts every later one.
async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let log = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push((headers, body.to_vec()));
                if log.len() == 1 {
                    AxumStatus::SERVICE_UNAVAILABLE
                } else {
                    AxumStatus::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

async fn wait_for<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 20 s");
}

#[tokio::test]
async fn events_are_signed_retried_and_failures_shown_to_admins() {
    let app = spawn_with(
        |c| {
            c.webhooks.poll_ms = 50;
            c.webhooks.retry_base_ms = 100;
            c.webhooks.max_attempts = 3;
        },
        None,
    )
    .await;
    let (org, recruiter, admin) = org_with_staff(&app).await;
    let hooks = format!("/api/admin/organizations/{org}/webhooks");

    for (body, says) in [
        (
            json!({ "url": "ftp://x.example/", "events": ["profile.ready"] }),
            "http:// or https://",
        ),
        (
            json!({ "url": "http://x.example/", "events": ["interview.started"] }),
            "unknown event",
        ),
        (
            json!({ "url": "http://x.example/", "events": [] }),
            "at least one event",
        ),
    ] {
        let r = admin.post(&hooks, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert!(
            r.body["error"].as_str().unwrap().contains(says),
            "{:?}",
            r.body
        );
    }

    let (url, received) = receiver().await;
    let r = admin
        .post(
            &hooks,
            json!({ "url": url, "events": ["interview.completed", "profile.ready"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let hook = r.body["id"].as_i64().unwrap();
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert!(
        admin.get(&hooks).await.body["webhooks"][0]
            .get("secret")
            .is_none(),
        "the secret is shown once"
    );
    // An endpoint that is down.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = admin
        .post(
            &hooks,
            json!({ "url": format!("http://127.0.0.1:{closed}/down"), "events": ["interview.completed"] }),
        )
        .await;
    let down = r.body["id"].as_i64().unwrap();

    let (_, interview) = finished_interview(&app, &recruiter, "ada@example.com").await;

    // Both events arrive, signed; the first attempt was refused and retried.
    let got = wait_for("both events delivered", async || {
        let got = received.lock().unwrap().clone();
        let events: Vec<String> = got
            .iter()
            .map(|(h, _)| h["x-interviewer-event"].to_str().unwrap().to_string())
            .collect();
        (got.len() >= 3
            && events.contains(&"interview.completed".to_string())
            && events.contains(&"profile.ready".to_string()))
        .then_some(got)
    })
    .await;
    for (headers, body) in &got {
        let timestamp = headers["x-interviewer-timestamp"].to_str().unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            headers["x-interviewer-signature"].to_str().unwrap(),
            format!("sha256={expected}")
        );
        let payload: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(payload["interview_id"], interview);
        assert_eq!(payload["organization_id"], org);
        let text = String::from_utf8_lossy(body);
        assert!(!text.contains("ada@example.com") && !text.contains("Lovelace"));
    }
    // The refused first request was retried as the same delivery.
    let first = &got[0].0["x-interviewer-delivery"];
    assert!(
        got[1..]
            .iter()
            .any(|(h, _)| h["x-interviewer-delivery"] == first)
    );
    // The receiver logs a request before it answers, so the worker records the outcome
    // a moment after the request shows up here.
    let deliveries = wait_for("both deliveries recorded as delivered", async || {
        let deliveries = admin
            .get(&format!("/api/admin/webhooks/{hook}/deliveries"))
            .await
            .body;
        let list = deliveries["deliveries"].as_array()?;
        (list.len() == 2 && list.iter().all(|d| d["status"] == "delivered")).then_some(deliveries)
    })
    .await;
    let list = deliveries["deliveries"].as_array().unwrap();
    let retried = list
        .iter()
        .find(|d| d["id"] == first.to_str().unwrap().parse::<i64>().unwrap())
        .unwrap()
        .clone();
    assert_eq!(retried["attempts"], 2, "{retried}");
    assert_eq!(retried["last_status"], 204);
    let completed = retried;

    // The endpoint that is down: retried, then failed with the reason, for admins to see.
    let failed = wait_for("the delivery to a closed port fails", async || {
        let list = admin
            .get(&format!("/api/admin/webhooks/{down}/deliveries"))
            .await
            .body;
        let d = list["deliveries"][0].clone();
        (d["status"] == "failed").then_some(d)
    })
    .await;
    assert_eq!(failed["attempts"], 3);
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .contains("could not reach"),
        "{failed}"
    );
    let id = failed["id"].as_i64().unwrap();
    let r = admin
        .post(
            &format!("/api/admin/webhook-deliveries/{id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"], "pending");
    let delivered = completed["id"].as_i64().unwrap();
    let r = admin
        .post(
            &format!("/api/admin/webhook-deliveries/{delivered}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let r = admin
        .request(Method::DELETE, &format!("/api/admin/webhooks/{down}"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = admin
        .get(&format!("/api/admin/webhooks/{down}/deliveries"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_public_addresses_are_posted_to_unless_allowed() {
    let app = spawn_with(
        |c| {
            c.webhooks.allow_private_targets = false;
            c.webhooks.poll_ms = 50;
            c.webhooks.max_attempts = 1;
        },
        None,
    )
    .await;
    let (org, recruiter, admin) = org_with_staff(&app).await;
    let (url, got) = receiver().await;
    let hooks = format!("/api/admin/organizations/{org}/webhooks");
    // Refused when set: a loopback address, and a name for one.
    for target in [url.clone(), url.replace("127.0.0.1", "localhost")] {
        let r = admin
            .post(
                &hooks,
                json!({ "url": target, "events": ["interview.completed"] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{target}: {:?}", r.body);
        assert!(
            r.body["error"]
                .as_str()
                .unwrap()
                .contains("not a public address"),
            "{:?}",
            r.body
        );
    }
    // And when it is delivered (an endpoint stored before the rule, or a name whose
    // address changed since): the delivery fails with the reason and nothing is sent.
    let hook = interviewer::db::webhooks::create(
        &app.state.db,
        interviewer::db::webhooks::NewWebhook {
            organization_id: org,
            url: &url,
            events: vec!["interview.completed".into()],
            secret: "s3cret",
            created_by: None,
        },
    )
    .await
    .unwrap();
    finished_interview(&app, &recruiter, "ada@example.com").await;
    let failed = wait_for("the delivery to a private address fails", async || {
        let list = admin
            .get(&format!("/api/admin/webhooks/{}/deliveries", hook.id))
            .await
            .body;
        let d = list["deliveries"][0].clone();
        (d["status"] == "failed").then_some(d)
    })
    .await;
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .contains("not a public address"),
        "{failed}"
    );
    assert!(
        got.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
}
