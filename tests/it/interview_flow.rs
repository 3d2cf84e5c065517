//! One complete hiring interview in text mode over the HTTP API and the WebSocket, with the
//! faults the foundation promises to handle.

use futures_util::{SinkExt, StreamExt};
use interviewer::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::*;

const PAIRS: &str = "def find_pairs(nums, target):\n    pairs = []\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                pairs.append((i, j))\n    return pairs\n";

async fn staffed_app() -> (TestApp, Client) {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(&app, "rita@acme.example", Role::Recruiter, Some(org)).await;
    let recruiter = Client::login(&app, "rita@acme.example").await;
    (app, recruiter)
}

#[tokio::test]
async fn complete_text_interview_end_to_end() {
    let (app, recruiter) = staffed_app().await;
    let (_job, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;

    // The opening turn discloses the AI and asks for consent before anything else.
    let t = candidate.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(t.status, StatusCode::OK);
    assert_eq!(t.body["state"]["awaiting"], "consent");
    let opening = t.body["turns"][0]["text"].as_str().unwrap();
    assert!(
        opening.contains("AI interviewer") && opening.contains("consent"),
        "{opening}"
    );

    let out = say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    assert!(texts(&out["turns"])[1].contains("Question 1 of 2"));
    let out = say(&candidate, id, json!({ "type": "answer", "text": "Last year a teammate and I disagreed about a schema migration; we wrote down both plans and measured them." })).await;
    assert_eq!(out["turns"][1]["kind"], "follow_up");
    assert_eq!(out["turns"][1]["source"], "builtin");
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "I would involve the team earlier." }),
    )
    .await;
    assert_eq!(out["turns"][1]["kind"], "question");
    assert_eq!(out["state"]["question"]["kind"], "coding");

    // Code goes through its own endpoint; the follow-up names an identifier and a line.
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "python", "code": PAIRS }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let follow_up = r.body["turns"][1]["text"].as_str().unwrap().to_string();
    assert!(
        follow_up.contains("find_pairs") && follow_up.contains("line"),
        "{follow_up}"
    );
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "It is quadratic; a hash map makes it linear." }),
    )
    .await;
    assert_eq!(out["state"]["awaiting"], "candidate_question");
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "No, thank you." }),
    )
    .await;
    assert_eq!(out["state"]["status"], "completed");
    assert_eq!(
        out["turns"].as_array().unwrap().last().unwrap()["kind"],
        "closing"
    );

    // The link is spent once the interview is complete.
    let r = Client::anonymous(&app)
        .get(link.strip_prefix(&app.url).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(
        r.body
            .as_str()
            .unwrap()
            .contains("This interview is complete")
    );
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/messages"),
            json!({ "type": "answer", "text": "one more" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The recruiter reads every turn, in order, with the consent record.
    let t = recruiter.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(t.status, StatusCode::OK);
    let turns = t.body["turns"].as_array().unwrap();
    let seqs: Vec<i64> = turns.iter().map(|t| t["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=turns.len() as i64).collect::<Vec<_>>());
    assert_eq!(turns.len(), 13);
    assert!(
        turns
            .iter()
            .any(|t| t["kind"] == "code" && t["text"].as_str().unwrap().contains("def find_pairs"))
    );
    assert!(t.body["interview"]["consent_given_at"].is_string());
    assert_eq!(t.body["code_submissions"].as_array().unwrap().len(), 1);
    let list = recruiter.get("/api/interviews").await;
    assert_eq!(list.body["interviews"][0]["status"], "completed");
}

#[tokio::test]
async fn websocket_streams_the_transcript_and_turns() {
    let (app, recruiter) = staffed_app().await;
    let (_job, link) = role_with_invite(&recruiter, "grace@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    let mut req = format!("{}/api/interviews/{id}/ws", app.url.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", candidate.cookie.clone().unwrap().parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket connects");
    let next = |m: Option<Result<Message, _>>| -> Value {
        serde_json::from_str(m.unwrap().unwrap().to_text().unwrap()).unwrap()
    };
    let snap = next(ws.next().await);
    assert_eq!(snap["type"], "snapshot");
    assert_eq!(snap["turns"].as_array().unwrap().len(), 1);
    ws.send(Message::text(
        json!({ "type": "consent", "accepted": true }).to_string(),
    ))
    .await
    .unwrap();
    let kinds: Vec<Value> = vec![
        next(ws.next().await),
        next(ws.next().await),
        next(ws.next().await),
    ];
    assert_eq!(kinds[0]["turn"]["kind"], "consent");
    assert_eq!(kinds[1]["turn"]["kind"], "question");
    assert_eq!(kinds[2]["type"], "state");
    // A malformed message is answered with an error, and the connection stays usable.
    ws.send(Message::text("{\"type\":\"shout\"}"))
        .await
        .unwrap();
    let err = next(ws.next().await);
    assert_eq!(
        (err["type"].as_str(), err["status"].as_u64()),
        (Some("error"), Some(422))
    );
    ws.send(Message::text(json!({ "type": "skip" }).to_string()))
        .await
        .unwrap();
    assert_eq!(next(ws.next().await)["turn"]["kind"], "skip");
}

#[tokio::test]
async fn reopening_the_link_resumes_the_same_interview() {
    let (app, recruiter) = staffed_app().await;
    let (_job, link) = role_with_invite(&recruiter, "alan@example.com").await;
    let (first, id) = open_invite(&app, &link).await;
    say(&first, id, json!({ "type": "consent", "accepted": true })).await;
    let (second, id2) = open_invite(&app, &link).await;
    assert_eq!(id, id2, "one invitation opens exactly one interview");
    let t = second.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(t.body["turns"].as_array().unwrap().len(), 3);
    assert_eq!(t.body["state"]["awaiting"], "answer");
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let (app, recruiter) = staffed_app().await;
    let (job, link) = role_with_invite(&recruiter, "edsger@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;

    // Malformed JSON: 400; well-formed but wrong shape: 422; both as JSON messages.
    let r = candidate
        .http
        .post(format!("{}/api/interviews/{id}/messages", app.url))
        .header("cookie", candidate.cookie.clone().unwrap())
        .header("x-csrf-token", candidate.csrf.clone().unwrap())
        .header("content-type", "application/json")
        .body("{\"type\": \"answer\", ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.json::<Value>().await.unwrap()["error"].is_string());
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/messages"),
            json!({ "type": "answer" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["error"].as_str().unwrap().contains("text"),
        "{:?}",
        r.body
    );

    // Code over 200 KB: 413 with a message that says the limit.
    let big = "x = 1\n".repeat(40_000);
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "python", "code": big }),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body["error"].as_str().unwrap().contains("200 KB"),
        "{:?}",
        r.body
    );
    let r = candidate
        .post(
            &format!("/api/interviews/{id}/code"),
            json!({ "language": "cobol", "code": "DISPLAY 'HI'." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"].as_str().unwrap().contains("python"));

    // Nothing of the rejected input reached the transcript.
    let t = candidate.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(t.body["turns"].as_array().unwrap().len(), 3);

    // A CSRF-less post from a signed-in session is refused.
    let mut no_csrf = candidate.clone();
    no_csrf.csrf = None;
    let r = no_csrf
        .post(
            &format!("/api/interviews/{id}/messages"),
            json!({ "type": "skip" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Expired and unknown invitations.
    let r = recruiter
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": "late@example.com", "name": "Late" }),
        )
        .await;
    let late = r.body["link"].as_str().unwrap().to_string();
    {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = app.state.db.get_database_backend();
        let sql = match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE invitations SET expires_at = '2000-01-01T00:00:00Z' WHERE candidate_email = 'late@example.com'"
            }
            _ => {
                "UPDATE invitations SET expires_at = '2000-01-01 00:00:00+00:00' WHERE candidate_email = 'late@example.com'"
            }
        };
        app.state
            .db
            .execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    let r = Client::anonymous(&app)
        .get(late.strip_prefix(&app.url).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.as_str().unwrap().contains("expired"));
    let r = Client::anonymous(&app)
        .get(&format!("/i/{}", "0".repeat(64)))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn declining_consent_ends_without_questions() {
    let (app, recruiter) = staffed_app().await;
    let (_job, link) = role_with_invite(&recruiter, "nope@example.com").await;
    let (candidate, id) = open_invite(&app, &link).await;
    let out = say(&candidate, id, json!({ "type": "answer", "text": "hi" })).await;
    assert_eq!(out["turns"][1]["kind"], "notice");
    let out = say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": false }),
    )
    .await;
    assert_eq!(out["state"]["status"], "declined");
    let t = recruiter.get(&format!("/api/interviews/{id}")).await;
    assert!(t.body["interview"]["consent_given_at"].is_null());
    assert!(
        !t.body["turns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"] == "question")
    );
}

#[tokio::test]
async fn practice_mode_has_its_own_sign_up_and_stays_private() {
    let app = spawn_app().await;
    let (me, id) = practice_interview(&app, "learner@example.com", 2).await;
    let out = say(&me, id, json!({ "type": "consent", "accepted": true })).await;
    assert!(texts(&out["turns"])[1].contains("Question 1 of 2"));
    let org = create_org(&app, "Snoops").await;
    create_user(&app, "admin@x.example", Role::Admin, None).await;
    create_user(&app, "rec@x.example", Role::Recruiter, Some(org)).await;
    for staff in ["admin@x.example", "rec@x.example"] {
        let c = Client::login(&app, staff).await;
        assert_eq!(
            c.get(&format!("/api/interviews/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{staff} must not read practice"
        );
    }
    let r = me
        .post(
            "/api/auth/signup",
            json!({ "email": "learner@example.com", "password": PASSWORD, "name": "Again" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn login_is_rate_limited() {
    let app = spawn_with(|c| c.server.login_attempts_per_window = 3, None).await;
    create_user(&app, "admin@x.example", Role::Admin, None).await;
    let c = Client::anonymous(&app);
    for _ in 0..3 {
        let r = c
            .post(
                "/api/auth/login",
                json!({ "email": "admin@x.example", "password": "wrong password!" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["error"], "wrong e-mail or password");
    }
    let r = c
        .post(
            "/api/auth/login",
            json!({ "email": "admin@x.example", "password": PASSWORD }),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn first_admin_link_works_once() {
    let app = spawn_app().await;
    let link = interviewer::app::App::first_admin_link_for(&app.state)
        .await
        .unwrap()
        .expect("empty database gets a link");
    let token = link.rsplit('/').next().unwrap();
    let anon = Client::anonymous(&app);
    assert_eq!(
        anon.get(&format!("/setup/{token}")).await.status,
        StatusCode::OK
    );
    let body =
        json!({ "token": token, "email": "root@x.example", "password": PASSWORD, "name": "Root" });
    let r = anon.post("/api/setup", body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["redirect"], "/admin");
    assert_eq!(anon.post("/api/setup", body).await.status, StatusCode::GONE);
    assert_eq!(
        anon.get(&format!("/setup/{token}")).await.status,
        StatusCode::GONE
    );
    let admin = Client::login(&app, "root@x.example").await;
    assert_eq!(
        admin.get("/api/admin/audit-log").await.body["entries"][0]["action"],
        "login"
    );
}
