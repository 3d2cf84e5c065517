//! The recruiter's view of a role: its candidates with where each stands, several profiles
//! side by side, and the neutral integrity events beside a transcript.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::live::consented_candidate;

#[tokio::test]
async fn candidates_per_role_comparison_and_integrity_events() {
    let app = spawn_app().await;
    let (ada, first) = consented_candidate(&app).await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let job = app_job(&app, first).await;
    // A second candidate for the same role, and one invited who never came.
    let (_, link) = invite(&recruiter, job, "grace@example.com", "Grace Hopper").await;
    let (grace, second) = open_invite(&app, &link).await;
    say(
        &grace,
        second,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    invite(&recruiter, job, "alan@example.com", "Alan Turing").await;

    // Integrity signals: recorded as events, never scored; short pastes are ordinary typing.
    let signals = format!("/api/interviews/{first}/signals");
    let r = ada
        .post(&signals, json!({ "kind": "paste", "chars": 640 }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = ada
        .post(&signals, json!({ "kind": "paste", "chars": 12 }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let r = ada
        .post(
            &signals,
            json!({ "kind": "focus_returned", "away_secs": -3.0 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let r = ada.post(&signals, json!({ "kind": "focus_lost" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = ada.post(&signals, json!({ "kind": "screenshot" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let t = recruiter.get(&format!("/api/interviews/{first}")).await;
    let kinds: Vec<&str> = t.body["integrity_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["paste", "focus_lost"]);

    // The role's candidates, each with where it stands.
    let r = recruiter.get(&format!("/api/jobs/{job}/candidates")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let status = |name: &str| {
        r.body["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("Alan Turing"), "invited");
    assert_eq!(status("Grace Hopper"), "in_progress");

    // Side by side: two of this role's interviews; anything else is refused in words.
    let compare = |ids: String| format!("/api/jobs/{job}/compare?interviews={ids}");
    let r = recruiter.get(&compare(format!("{first},{second}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["candidates"].as_array().unwrap().len(), 2);
    let r = recruiter.get(&compare(format!("{first}"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["error"].as_str().unwrap().contains("compare 2 to 6"));
    let r = recruiter.get(&compare(format!("{first},abc"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let (_, other) = consented_other_role(&app, &recruiter).await;
    let r = recruiter.get(&compare(format!("{first},{other}"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn app_job(app: &TestApp, interview: i64) -> i64 {
    interviewer::db::interviews::get(&app.state.db, interview)
        .await
        .unwrap()
        .job_id
        .unwrap()
}

async fn invite(recruiter: &Client, job: i64, email: &str, name: &str) -> (i64, String) {
    let r = recruiter
        .post(
            &format!("/api/jobs/{job}/invitations"),
            json!({ "email": email, "name": name }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (
        r.body["id"].as_i64().unwrap_or_default(),
        r.body["link"].as_str().unwrap().to_string(),
    )
}

async fn consented_other_role(app: &TestApp, recruiter: &Client) -> (Client, i64) {
    let (_, link) = role_with_invite(recruiter, "other@example.com").await;
    let (c, id) = open_invite(app, &link).await;
    say(&c, id, json!({ "type": "consent", "accepted": true })).await;
    (c, id)
}

#[tokio::test]
async fn a_bank_written_in_the_browser_belongs_to_its_organization() {
    let app = spawn_app().await;
    let acme = create_org(&app, "Acme").await;
    let other = create_org(&app, "Other").await;
    create_user(
        &app,
        "rec@acme.example",
        interviewer::auth::Role::Recruiter,
        Some(acme),
    )
    .await;
    create_user(
        &app,
        "rec@other.example",
        interviewer::auth::Role::Recruiter,
        Some(other),
    )
    .await;
    let rec = Client::login(&app, "rec@acme.example").await;
    let rival = Client::login(&app, "rec@other.example").await;
    let shipped = bank_id(&rec, "behavioral-core").await;
    let r = rec.get(&format!("/api/banks/{shipped}/toml")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["editable"], false);
    let text = r.body["toml"].as_str().unwrap().to_string();

    // Problems come back located, for the editor to show on their line.
    let broken = text.replacen("kind = \"behavioral\"", "kind = \"behavioural\"", 1);
    let r = rec
        .post("/api/banks/check", json!({ "toml": broken }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let problem = &r.body["problems"][0];
    let line = problem["line"].as_u64().unwrap() as usize;
    assert!(
        broken
            .lines()
            .nth(line - 1)
            .unwrap()
            .contains("behavioural")
    );
    assert!(problem["message"].as_str().unwrap().contains("behavioural"));

    // A shipped bank is not edited here; a copy under a new id is the organization's own.
    let r = rec.post("/api/banks", json!({ "toml": text })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("ships with the server")
    );
    let copy = text.replace("id = \"behavioral-core\"", "id = \"acme-behavioral\"");
    let r = rec.post("/api/banks", json!({ "toml": copy })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mine = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["created"], true);
    // Saved again with one question fewer: that question is retired, not deleted.
    let fewer = &copy[..copy.rfind("\n[[questions]]").unwrap()];
    let r = rec.post("/api/banks", json!({ "toml": fewer })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["retired"], 1);

    // Nobody else sees it: not the other organization, not practice.
    let listed = rival.get("/api/banks").await;
    assert!(
        listed.body["banks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["slug"] != "acme-behavioral")
    );
    assert_eq!(
        rival.get(&format!("/api/banks/{mine}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = rival
        .post("/api/jobs", json!({ "title": "Spy", "bank_ids": [mine] }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let r = rival.post("/api/banks", json!({ "toml": copy })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert!(r.body["error"].as_str().unwrap().contains("is taken"));
    let mut candidate = Client::anonymous(&app);
    let r = candidate
        .post(
            "/api/auth/signup",
            json!({ "name": "Pat", "email": "pat@example.com", "password": "practice-makes-perfect" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    candidate.adopt(&r);
    let practice = candidate.get("/api/practice/banks").await;
    assert!(
        practice.body["banks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["id"] != mine)
    );
}

const CV: [&str; 9] = [
    "Ada Lovelace",
    "Experience",
    "Senior Backend Engineer at Acme Corp (2019–2023)",
    "- Built event pipelines on Kafka and PostgreSQL for two million users.",
    "- Moved deployment to Kubernetes.",
    "Globex — Software Engineer, 2016 - 2019",
    "- Python services.",
    "Education",
    "BSc Mathematics, 2012-2016",
];

fn docx(lines: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let body: String = lines
        .iter()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                l.replace('&', "&amp;")
            )
        })
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_resume_grounds_the_interviewers_questions_and_a_profile_prints_to_pdf() {
    let app = spawn_app().await;
    let org = create_org(&app, "Acme").await;
    create_user(
        &app,
        "rec@acme.example",
        interviewer::auth::Role::Recruiter,
        Some(org),
    )
    .await;
    let recruiter = Client::login(&app, "rec@acme.example").await;
    let (job, link) = role_with_invite(&recruiter, "ada@example.com").await;
    let invitation = recruiter.get(&format!("/api/jobs/{job}")).await.body["invitations"][0]["id"]
        .as_i64()
        .unwrap();
    let upload = |kind: &'static str, bytes: Vec<u8>| {
        let recruiter = &recruiter;
        async move {
            recruiter
                .bytes(
                    reqwest::Method::POST,
                    &format!("/api/invitations/{invitation}/resume?filename=cv"),
                    Some((kind, bytes)),
                )
                .await
        }
    };
    // A PDF résumé: its skills and positions, and the questions they ground.
    let pdf = interviewer::pdf::render(
        &CV.iter()
            .map(|l| interviewer::pdf::Block::Text(l.to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let (status, _, body) = upload("application/pdf", pdf).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let skills: Vec<&str> = r["facts"]["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(skills, ["Kafka", "PostgreSQL", "Kubernetes", "Python"]);
    assert_eq!(r["facts"]["positions"][0]["organization"], "Acme Corp");
    assert_eq!(
        r["questions"][0],
        "You mention Kafka at Acme Corp. What was the hardest problem you solved with it there, and what would you do differently now?"
    );
    // The same from a DOCX; other files are refused in words.
    let (status, _, body) = upload(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx(&CV),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(r["facts"]["positions"][1]["organization"], "Globex");
    for (kind, bytes, want) in [
        (
            "image/png",
            b"\x89PNG....".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/pdf",
            b"%PDF-1.4 broken".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("text/plain", Vec::new(), StatusCode::BAD_REQUEST),
    ] {
        let (status, _, body) = upload(kind, bytes).await;
        assert_eq!(status, want, "{kind}: {}", String::from_utf8_lossy(&body));
        let e: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(e["error"].is_string());
    }

    // In the interview, the story question's follow-up is grounded in the résumé.
    let (candidate, id) = open_invite(&app, &link).await;
    say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "A colleague and I disagreed about a migration plan, and we settled it with data." }),
    )
    .await;
    let follow_up = out["turns"][1]["text"].as_str().unwrap();
    assert!(
        follow_up.starts_with("You mention your work as Senior Backend Engineer at Acme Corp."),
        "{follow_up}"
    );

    // The printable profile as a PDF, for staff; not for the candidate of a hiring interview.
    let text = profile_pdf_text(&recruiter, id).await;
    assert!(text.contains("Interview profile: Ada Lovelace"), "{text}");
    assert!(text.contains("estimates made by software"), "{text}");
    let (status, _, _) = candidate
        .bytes(
            reqwest::Method::GET,
            &format!("/api/interviews/{id}/profile.pdf"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
