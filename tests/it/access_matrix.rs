//! Every route in the access table, called by every kind of user: anonymous, the candidate
//! of the interview, another candidate, a recruiter of another organization, the recruiter
//! and an admin. Deny by default: a route's policy and the object checks decide, nothing else.

use interviewer::auth::Role;
use interviewer::http::{Access, routes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Candidate,
    OtherCandidate,
    OtherRecruiter,
    Recruiter,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Candidate,
    Who::OtherCandidate,
    Who::OtherRecruiter,
    Who::Recruiter,
    Who::Admin,
];

impl Who {
    fn role(self) -> Option<Role> {
        match self {
            Who::Anonymous => None,
            Who::Candidate | Who::OtherCandidate => Some(Role::Candidate),
            Who::OtherRecruiter | Who::Recruiter => Some(Role::Recruiter),
            Who::Admin => Some(Role::Admin),
        }
    }
}

#[tokio::test]
async fn every_route_against_every_role() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    let other_org = create_org(&app, "Other").await;
    create_user(&app, "rec@acme.example", Role::Recruiter, Some(org)).await;
    create_user(&app, "rec@other.example", Role::Recruiter, Some(other_org)).await;
    create_user(&app, "admin@x.example", Role::Admin, None).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (job, link) = role_with_invite(&recruiter, "cand@example.com").await;
    let (candidate, interview) = open_invite(&app, &link).await;
    // A spoken answer, so that its recording exists to be asked for.
    say(
        &candidate,
        interview,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    let spoken = spoken_answer(&candidate, interview).await;
    let spoken_seq = spoken["turns"][0]["seq"].as_i64().unwrap();
    let (_, other_link) = role_with_invite(&recruiter, "other@example.com").await;
    let (other_candidate, _) = open_invite(&app, &other_link).await;
    let bank = bank_id(&recruiter, "coding-fundamentals").await;
    // A candidate for the admin's export and erasure routes.
    let (_, erase_link) = role_with_invite(&recruiter, "erase-me@example.com").await;
    open_invite(&app, &erase_link).await;
    let erasable = interviewer::db::users::by_email(&app.state.db, "erase-me@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let fresh_token = recruiter
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": "x@example.com", "name": "X" }),
        )
        .await
        .body["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let invitation = interviewer::db::interviews::get(&app.state.db, interview)
        .await
        .unwrap()
        .invitation_id
        .unwrap();
    // A score to read and override.
    let score = interviewer::db::scores::replace(
        &app.state.db,
        interview,
        "matrix",
        vec![interviewer::db::scores::NewScore {
            turn_id: None,
            dimension: "content",
            competency: "problem-solving".into(),
            value: Some(0.5),
            explanation: "a row for the access checks".into(),
            evidence: json!({}),
        }],
    )
    .await
    .unwrap()[0]
        .id;
    // A webhook with a failed delivery, for the admin's webhook routes.
    let hook = interviewer::db::webhooks::create(
        &app.state.db,
        interviewer::db::webhooks::NewWebhook {
            organization_id: org,
            url: "http://127.0.0.1:9/hook",
            events: vec!["profile.ready".into()],
            secret: "s",
            created_by: None,
        },
    )
    .await
    .unwrap()
    .id;
    interviewer::db::webhooks::enqueue(&app.state.db, org, "profile.ready", json!({}))
        .await
        .unwrap();
    let delivery = interviewer::db::webhooks::deliveries(&app.state.db, hook, 1)
        .await
        .unwrap()
        .remove(0);
    let delivery_id = delivery.id;
    interviewer::db::webhooks::record_attempt(
        &app.state.db,
        delivery,
        interviewer::db::webhooks::Attempt::Failed {
            status: None,
            error: "refused".into(),
        },
    )
    .await
    .unwrap();
    let clients = [
        Client::anonymous(&app),
        candidate,
        other_candidate,
        Client::login(&app, "rec@other.example").await,
        recruiter,
        Client::login(&app, "admin@x.example").await,
    ];

    let mut checked = 0;
    let mut failures = Vec::new();
    let mut table = routes();
    // Signing out ends the caller's session: check it last.
    table.sort_by_key(|r| r.path == "/api/auth/logout");
    for route in &table {
        let path = route
            .path
            .replace(
                "/api/interviews/{id}",
                &format!("/api/interviews/{interview}"),
            )
            .replace("/interview/{id}", &format!("/interview/{interview}"))
            .replace("/profile/{id}", &format!("/profile/{interview}"))
            .replace(
                "/recruiter/interviews/{id}",
                &format!("/recruiter/interviews/{interview}"),
            )
            .replace("{connection}", "1")
            .replace("{score_id}", &score.to_string())
            .replace("/api/jobs/{id}", &format!("/api/jobs/{job}"))
            .replace("/api/banks/{id}", &format!("/api/banks/{bank}"))
            .replace(
                "/api/invitations/{id}",
                &format!("/api/invitations/{invitation}"),
            )
            .replace(
                "/api/admin/webhooks/{id}",
                &format!("/api/admin/webhooks/{hook}"),
            )
            .replace(
                "/api/admin/webhook-deliveries/{id}",
                &format!("/api/admin/webhook-deliveries/{delivery_id}"),
            )
            .replace(
                "/api/admin/candidates/{id}",
                &format!("/api/admin/candidates/{erasable}"),
            )
            .replace(
                "/api/admin/organizations/{id}",
                &format!("/api/admin/organizations/{org}"),
            )
            .replace(
                "/turns/{seq}/recording",
                &format!("/turns/{spoken_seq}/recording"),
            )
            .replace("/turns/{seq}/speech", "/turns/1/speech")
            .replace("{token}", &fresh_token)
            .replace("{file}", "app.js");
        assert!(!path.contains('{'), "no sample value for {}", route.path);
        for (who, client) in EVERYONE.iter().zip(&clients) {
            let body = sample_body(&route.method, route.path, bank);
            let r = client.request(route.method.clone(), &path, body).await;
            let expected = expectation(route.access, route.path, *who);
            checked += 1;
            if !expected.matches(r.status, &r.headers) {
                failures.push(format!(
                    "{} {} as {who:?}: got {}, expected {expected:?}: {}",
                    route.method, path, r.status, r.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 6 * 35, "only {checked} checks");
}

#[derive(Debug)]
enum Expect {
    Allowed,
    /// Signed out: 401 from the API, a redirect to the sign-in page for pages.
    SignIn,
    Forbidden,
    NotFound,
}

impl Expect {
    fn matches(&self, status: StatusCode, headers: &reqwest::header::HeaderMap) -> bool {
        match self {
            Expect::Allowed => {
                !matches!(
                    status,
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                ) && !status.is_server_error()
            }
            Expect::SignIn => {
                status == StatusCode::UNAUTHORIZED
                    || (status == StatusCode::SEE_OTHER
                        && headers
                            .get("location")
                            .is_some_and(|l| l.to_str().unwrap().starts_with("/login")))
            }
            Expect::Forbidden => status == StatusCode::FORBIDDEN,
            Expect::NotFound => status == StatusCode::NOT_FOUND,
        }
    }
}

fn expectation(access: Access, path: &str, who: Who) -> Expect {
    match access.allows(who.role()) {
        Err(interviewer::http::ApiError::Unauthorized) => return Expect::SignIn,
        Err(_) => return Expect::Forbidden,
        Ok(()) => {}
    }
    // The scores of a hiring interview are not shown to its candidate.
    if matches!(
        path,
        "/api/interviews/{id}/scores" | "/api/interviews/{id}/profile.pdf"
    ) && who == Who::Candidate
    {
        return Expect::Forbidden;
    }
    // Object-level rules: an interview belongs to its candidate and its organization's staff;
    // a job to its organization.
    let foreign = match who {
        Who::OtherCandidate => path.contains("nterview") && path.contains("{id}"),
        Who::OtherRecruiter => {
            path.starts_with("/api/interviews/{id}")
                || path.starts_with("/api/jobs/{id}")
                || path.starts_with("/api/invitations/{id}")
        }
        _ => false,
    };
    if foreign {
        Expect::NotFound
    } else {
        Expect::Allowed
    }
}

/// A body each route accepts from an allowed caller without breaking later checks.
fn sample_body(method: &Method, path: &str, bank: i64) -> Option<Value> {
    if *method == Method::GET || *method == Method::DELETE {
        return None;
    }
    Some(match path {
        "/api/auth/login" | "/api/auth/signup" | "/api/setup" => json!({}),
        "/api/auth/logout" => json!({}),
        "/api/practice/interviews" => json!({ "bank_id": bank, "questions": 1 }),
        "/api/interviews/{id}/messages" => json!({ "type": "answer", "text": "hello" }),
        "/api/interviews/{id}/code" => json!({ "language": "python", "code": "print(1)" }),
        "/api/interviews/{id}/signals" => json!({ "kind": "focus_lost" }),
        "/api/interviews/{id}/self-identification" => {
            json!({ "sex": "decline", "race_ethnicity": "decline" })
        }
        // JSON where a file is expected: refused as the wrong media type, after authorization.
        "/api/invitations/{id}/resume" => json!({}),
        // Not a bank: refused with its problems (422) after authorization.
        "/api/banks/check" | "/api/banks" => json!({ "toml": "[bank]" }),
        "/api/interviews/{id}/scores/{score_id}/override" => {
            json!({ "value": 0.6, "reason": "checked against the recording" })
        }
        // Offers too thin to connect: refused as SDP (400) after authorization.
        "/api/interviews/{id}/live" | "/api/interviews/{id}/watch" => {
            json!({ "type": "offer", "sdp": "v=0" })
        }
        // A connection that does not exist: gone (410) after authorization.
        "/api/interviews/{id}/live/{connection}/candidates" => json!({ "candidate": "" }),
        // JSON where audio is expected: refused as the wrong media type, after authorization.
        "/api/interviews/{id}/answers/audio" => json!({}),
        "/api/jobs" => json!({ "title": "Matrix role" }),
        "/api/jobs/{id}/banks" => json!({ "bank_id": bank }),
        "/api/jobs/{id}/plan" => json!({ "items": [] }),
        "/api/jobs/{id}/criteria" => {
            json!({ "criteria": [{ "competency": "problem-solving", "weight": 1.0 }] })
        }
        "/api/jobs/{id}/invitations" => json!({ "email": "m@example.com", "name": "M" }),
        "/api/admin/users" => {
            json!({ "email": "new-admin@x.example", "name": "N", "role": "admin", "password": PASSWORD })
        }
        "/api/admin/organizations" => json!({ "name": "Matrix Org" }),
        "/api/admin/organizations/{id}/scoring" => {
            json!({ "jurisdiction": "us", "affect_in_hiring": false, "fluency_reference": null })
        }
        // Resuming: changes nothing in a running organization.
        "/api/admin/organizations/{id}/ai-pause" => json!({ "paused": false }),
        "/api/admin/organizations/{id}/webhooks" => {
            json!({ "url": "http://127.0.0.1:9/matrix", "events": ["interview.completed"] })
        }
        "/api/admin/webhook-deliveries/{id}/retry" => json!({}),
        "/api/admin/organizations/{id}/notices" => {
            json!({ "text": "We assess your answers; ask recruiting@acme.example for an alternative." })
        }
        "/api/admin/organizations/{id}/retention" | "/api/admin/practice/retention" => {
            json!({ "transcripts_days": 365, "recordings_days": 90, "demographics_days": 365 })
        }
        "/api/interviews/{id}/decisions" => {
            json!({ "outcome": "not_advanced", "reason": "matrix check" })
        }
        other => panic!("no sample body for {other}"),
    })
}
