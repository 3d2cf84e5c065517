//! WebRTC for live interviews: the peer connection (`peer`, webrtc-rs), what an offer and a
//! candidate must be (`signal`, pure), and the codecs: Opus both ways (`audio_codec`) and
//! H.264 for the avatar (`video_codec`). The session that owns a connection lives in
//! `session::live`.

pub mod audio_codec;
pub mod client;
pub mod peer;
pub mod signal;
pub mod video_codec;

pub use peer::{Outgoing, Peer, PeerRole, RtcEvent};

#[derive(Debug, thiserror::Error)]
pub enum RtcError {
    /// The client's offer or candidate is unusable; the message goes back to it (400).
    #[error("{0}")]
    Sdp(String),
    #[error("ICE candidate refused: {0}")]
    Candidate(String),
    #[error("media codec: {0}")]
    Codec(String),
    #[error("WebRTC: {0}")]
    Peer(String),
}
