//! The interview WebSocket: the candidate's page receives the transcript, then every new
//! turn and state change; typed messages become inputs to the session actor.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::candidate::{check_size, own_interview};
use super::error::ApiError;
use super::extract::Viewer;
use crate::app::AppState;
use crate::pipeline::messages::CandidateInput;
use crate::session::Event;

pub async fn websocket(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    own_interview(&app, &viewer, id).await?;
    let ws = ws.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = app.config.interview.max_code_bytes * 2 + 64 * 1024;
    Ok(ws
        .max_message_size(limit)
        .on_upgrade(move |socket| serve_socket(app, id, socket)))
}

/// Sends the transcript, then every new turn and state; turns typed messages into inputs.
async fn serve_socket(app: AppState, id: i64, mut socket: WebSocket) {
    let handle = match app.sessions.get(id).await {
        Ok(h) => h,
        Err(e) => {
            let _ = socket.send(error_message(&ApiError::from(e))).await;
            return;
        }
    };
    'subscribe: loop {
        let mut sub = match handle.subscribe().await {
            Ok(s) => s,
            Err(e) => {
                let _ = socket.send(error_message(&ApiError::from(e))).await;
                return;
            }
        };
        let snapshot = json!({ "type": "snapshot", "turns": sub.turns, "state": sub.state });
        if socket
            .send(Message::Text(snapshot.to_string().into()))
            .await
            .is_err()
        {
            return;
        }
        loop {
            tokio::select! {
                event = sub.events.recv() => match event {
                    Ok(e) => {
                        if socket.send(event_message(&e)).await.is_err() {
                            return;
                        }
                    }
                    // Missed events: start over from a fresh snapshot.
                    Err(RecvError::Lagged(_)) => continue 'subscribe,
                    Err(RecvError::Closed) => return,
                },
                msg = socket.recv() => match msg {
                    Some(Ok(Message::Text(text))) => {
                        let result = match serde_json::from_str::<CandidateInput>(&text) {
                            Ok(input) => match check_size(&app, &input) {
                                Ok(()) => handle.input(input).await.map(|_| ()).map_err(ApiError::from),
                                Err(e) => Err(e),
                            },
                            Err(e) => Err(ApiError::Unprocessable(format!("unreadable message: {e}"))),
                        };
                        if let Err(e) = result
                            && socket.send(error_message(&e)).await.is_err() {
                                return;
                            }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
}

fn event_message(e: &Event) -> Message {
    Message::Text(serde_json::to_string(e).unwrap_or_default().into())
}

fn error_message(e: &ApiError) -> Message {
    Message::Text(
        json!({ "type": "error", "status": e.status().as_u16(), "error": e.to_string() })
            .to_string()
            .into(),
    )
}
