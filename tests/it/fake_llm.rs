//! A real HTTP server on loopback that speaks the OpenAI chat-completions protocol
//! (streaming included), with modes that answer well, slowly, with an error, or with text
//! that is not a question. The only test double in the suite: it stands in for a
//! third-party network API.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub enum Mode {
    /// Streams this text in small chunks.
    Answer(String),
    /// Waits this long before answering.
    Slow(Duration),
    /// Answers HTTP 500.
    Fail,
}

#[derive(Clone)]
pub struct FakeLlm {
    pub base_url: String,
    mode: Arc<Mutex<Mode>>,
    pub requests: Arc<Mutex<Vec<Value>>>,
}

impl FakeLlm {
    pub async fn start(mode: Mode) -> Self {
        let mode = Arc::new(Mutex::new(mode));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state((mode.clone(), requests.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base_url,
            mode,
            requests,
        }
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn last_request(&self) -> Value {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the LLM was called")
    }

    pub fn calls(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

type Shared = (Arc<Mutex<Mode>>, Arc<Mutex<Vec<Value>>>);

async fn complete(
    State((mode, requests)): State<Shared>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    requests.lock().unwrap().push(body.clone());
    let mode = mode.lock().unwrap().clone();
    let text = match mode {
        Mode::Fail => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(
                    json!({ "error": { "message": "model crashed", "type": "server_error" } }),
                ),
            )
                .into_response();
        }
        Mode::Slow(d) => {
            tokio::time::sleep(d).await;
            "Why did you choose that approach?".to_string()
        }
        Mode::Answer(t) => t,
    };
    let model = body["model"].as_str().unwrap_or("fake").to_string();
    if body["stream"] == json!(true) {
        let mut sse = String::new();
        let chunk = |delta: Value, finish: Value| json!({ "id": "c1", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }] });
        sse.push_str(&format!(
            "data: {}\n\n",
            chunk(json!({ "role": "assistant", "content": "" }), Value::Null)
        ));
        for piece in text.as_bytes().chunks(7) {
            sse.push_str(&format!(
                "data: {}\n\n",
                chunk(
                    json!({ "content": String::from_utf8_lossy(piece) }),
                    Value::Null
                )
            ));
        }
        sse.push_str(&format!("data: {}\n\n", chunk(json!({}), json!("stop"))));
        sse.push_str("data: [DONE]\n\n");
        ([("content-type", "text/event-stream")], sse).into_response()
    } else {
        axum::Json(json!({
            "id": "c1", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }],
        }))
        .into_response()
    }
}
