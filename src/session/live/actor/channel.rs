//! The data channel: messages to the pages (captions, state, the transcript) and the
//! candidate's typed answers, code and controls from them.

use std::sync::Arc;

use tokio::sync::mpsc;
use webrtc::data_channel::{DataChannel, DataChannelEvent};

use super::Live;
use crate::pipeline::messages::CandidateInput;
use crate::session::live::{ClientMessage, ServerMessage};

impl Live {
    pub(super) async fn channel_event(&mut self, conn: u64, ev: ChannelEvent) {
        let current = self.conn.as_mut().filter(|c| c.id == conn);
        let Some(c) = current else { return };
        match ev {
            ChannelEvent::Open(ch) => {
                c.channel = Some(ch);
                // A new channel has heard nothing yet.
                self.sent_state = None;
                self.send_state().await;
            }
            ChannelEvent::Message(Err(reason)) => {
                let msg = ServerMessage::Error { message: reason };
                self.send_all(&msg).await;
            }
            ChannelEvent::Message(Ok(msg)) => {
                self.silence.heard();
                let input = match msg {
                    ClientMessage::Answer { text } => CandidateInput::Answer { text },
                    ClientMessage::Code { language, code } => {
                        CandidateInput::Code { language, code }
                    }
                    ClientMessage::Skip => CandidateInput::Skip,
                    ClientMessage::End => CandidateInput::End,
                };
                // The interview actor answers through its events, which this session hears.
                let handle = self.interview.clone();
                let channel = self.channel_tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = handle.input(input).await {
                        let _ = channel
                            .send((conn, ChannelEvent::Message(Err(e.to_string()))))
                            .await;
                    }
                });
            }
        }
    }
}

pub(super) enum ChannelEvent {
    Open(Arc<dyn DataChannel>),
    Message(Result<ClientMessage, String>),
}

pub(super) async fn send(ch: &Arc<dyn DataChannel>, msg: &ServerMessage) {
    match serde_json::to_string(msg) {
        Ok(text) => {
            if let Err(e) = ch.send_text(&text).await {
                tracing::debug!(error = %e, "data channel message not sent");
            }
        }
        Err(e) => tracing::error!(error = %e, "unserializable data channel message"),
    }
}

/// Largest data channel message read: a code submission with room to spare.
pub(super) const MAX_MESSAGE_BYTES: usize = 256 * 1024;

pub(super) async fn read_channel(
    conn: u64,
    ch: Arc<dyn DataChannel>,
    tx: mpsc::Sender<(u64, ChannelEvent)>,
) {
    while let Some(ev) = ch.poll().await {
        let out = match ev {
            DataChannelEvent::OnOpen => ChannelEvent::Open(ch.clone()),
            DataChannelEvent::OnMessage(m) if m.data.len() > MAX_MESSAGE_BYTES => {
                ChannelEvent::Message(Err(format!(
                    "a message of {} bytes is over the {MAX_MESSAGE_BYTES}-byte limit",
                    m.data.len()
                )))
            }
            DataChannelEvent::OnMessage(m) => ChannelEvent::Message(
                serde_json::from_slice::<ClientMessage>(&m.data)
                    .map_err(|e| format!("unreadable message: {e}")),
            ),
            DataChannelEvent::OnClose => break,
            _ => continue,
        };
        if tx.send((conn, out)).await.is_err() {
            break;
        }
    }
}
