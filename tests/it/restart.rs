//! Kill the server process mid-interview (SIGKILL, no graceful shutdown), start it again on
//! the same database, reopen the link: the interview resumes with the transcript intact,
//! including a reply that the crash interrupted.

use std::process::Stdio;

use interviewer::pipeline::messages::CandidateInput;
use interviewer::pipeline::respond::engine::{EngineState, Next};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::*;

struct Server {
    child: Child,
    url: String,
    invite: Option<String>,
}

async fn start(db_url: &str, seed: bool) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interviewer"));
    cmd.arg("serve");
    if seed {
        cmd.arg("--seed-demo");
    }
    for (k, _) in std::env::vars() {
        if k.starts_with("INTERVIEWER__") || k.starts_with("OPENAI_") || k == "DATABASE_URL" {
            cmd.env_remove(k);
        }
    }
    cmd.env("DATABASE_URL", db_url)
        .env("INTERVIEWER__SERVER__PORT", "0")
        .env(
            "INTERVIEWER__CONTENT__QUESTION_BANK_DIR",
            root().join("question-bank"),
        )
        .env("INTERVIEWER__CONTENT__PROMPTS_DIR", root().join("prompts"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("server binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut invite = None;
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(link) = line.strip_prefix("demo interview (candidate link): ") {
                invite = Some(link.trim().to_string());
            }
            if let Some(url) = line.strip_prefix("interviewer listening on ") {
                return url.trim().to_string();
            }
        }
        panic!("server exited before listening");
    };
    let url = tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .expect("server starts within a minute");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, url, invite }
}

#[tokio::test]
async fn killed_server_resumes_the_interview() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = database_url(&dir).await;
    let mut server = start(&db_url, true).await;
    let token_path = server
        .invite
        .clone()
        .expect("demo invitation printed")
        .rsplit_once("/i/")
        .map(|(_, t)| format!("/i/{t}"))
        .unwrap();
    let view = |url: &str| TestApp::external(url);

    let app = view(&server.url);
    let (candidate, id) = open_invite(&app, &format!("{}{token_path}", server.url)).await;
    let out = say(
        &candidate,
        id,
        json!({ "type": "consent", "accepted": true }),
    )
    .await;
    assert!(texts(&out["turns"])[1].contains("Question 1 of 3"));

    // SIGKILL: no shutdown hook runs.
    server.child.kill().await.unwrap();

    // Simulate a crash one step later: the answer was stored, the reply not yet written.
    {
        let db = interviewer::db::connect(&db_url).await.unwrap();
        let row = interviewer::db::interviews::get(&db, id).await.unwrap();
        let mut state: EngineState = serde_json::from_value(row.engine_state).unwrap();
        let question = state.current().map(|q| q.question_id);
        assert_eq!(
            state
                .accept(&CandidateInput::Answer {
                    text: "We split the work and met daily.".into()
                })
                .unwrap(),
            Next::FollowUp
        );
        interviewer::db::interviews::record(
            &db,
            id,
            vec![interviewer::db::interviews::NewTurn {
                speaker: "candidate",
                kind: "answer".into(),
                text: "We split the work and met daily.".into(),
                question_id: question,
                source: "candidate",
                topic: None,
                speech: None,
            }],
            interviewer::db::interviews::StateUpdate {
                engine_state: serde_json::to_value(&state).unwrap(),
                status: "in_progress",
                choice: None,
            },
        )
        .await
        .unwrap();
    }

    let server = start(&db_url, false).await;
    let app = view(&server.url);
    let (candidate, id2) = open_invite(&app, &format!("{}{token_path}", server.url)).await;
    assert_eq!(id, id2);
    let t = candidate.get(&format!("/api/interviews/{id}")).await;
    assert_eq!(t.status, StatusCode::OK);
    let turns = t.body["turns"].as_array().unwrap();
    let kinds: Vec<&str> = turns.iter().map(|t| t["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["disclosure", "consent", "question", "answer", "follow_up"],
        "transcript intact and the interrupted reply written"
    );
    assert_eq!(t.body["state"]["awaiting"], "answer");
    let out = say(
        &candidate,
        id,
        json!({ "type": "answer", "text": "Daily check-ins kept us honest." }),
    )
    .await;
    assert!(
        texts(&out["turns"])[1].contains("Question 2 of 3"),
        "resumes at the next question"
    );
}
