//! The live call's media: the avatar's rendering, WebRTC, and turn-taking in the call.

use std::path::PathBuf;

use serde::Deserialize;

use super::within;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AvatarConfig {
    /// The avatar's binary glTF (see avatar/README.md for what it must hold).
    pub model: PathBuf,
    /// Size of the rendered video, in pixels (even numbers).
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Samples per pixel: 4 (smooth edges) or 1 (about half the render cost on lavapipe).
    pub msaa: u32,
}

impl Default for AvatarConfig {
    fn default() -> Self {
        Self {
            model: "avatar/interviewer.glb".into(),
            width: 640,
            height: 480,
            fps: 30,
            msaa: 4,
        }
    }
}

/// WebRTC transport and media encoding for live interviews.

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RtcConfig {
    /// STUN and TURN servers handed to both ends; none on a LAN or loopback.
    pub ice_servers: Vec<IceServerConfig>,
    /// Local UDP addresses to gather host candidates on; `0.0.0.0:0` means every
    /// non-loopback interface, each on an ephemeral port.
    pub udp_addrs: Vec<String>,
    /// Networks (CIDR) that a client's ICE candidates may name; empty accepts any. Keeps
    /// a client from making the server probe addresses it should not reach.
    pub remote_networks: Vec<String>,
    pub audio_bitrate: u32,
    /// Video bitrate ceiling; under load the frame rate and then the size drop first.
    pub video_bitrate: u32,
    /// Video frame rate while the avatar speaks or listens.
    pub video_fps: u32,
    /// Frame rate while nothing moves but breathing and blinks.
    pub idle_fps: u32,
    /// Frame rate while the avatar thinks (the candidate's turn just ended): its face is
    /// still, and the CPU goes to transcribing the answer (`cargo bench --bench live`).
    pub thinking_fps: u32,
    /// Seconds between unrequested key frames.
    pub keyframe_secs: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServerConfig {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

impl Default for RtcConfig {
    fn default() -> Self {
        Self {
            ice_servers: Vec::new(),
            udp_addrs: vec!["0.0.0.0:0".into()],
            remote_networks: Vec::new(),
            audio_bitrate: 32_000,
            video_bitrate: 800_000,
            video_fps: 25,
            idle_fps: 10,
            thinking_fps: 5,
            keyframe_secs: 4.0,
        }
    }
}

/// How a live interview behaves around silence and lost connections.

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    /// Silence from the candidate, after a question, before a gentle prompt.
    pub prompt_after_secs: u64,
    /// Further silence after the prompt before the interview ends politely.
    pub end_after_secs: u64,
    /// How long a session waits for a lost connection to come back.
    pub reconnect_secs: u64,
    /// Candidate speech that interrupts the avatar must last this long.
    pub barge_in_ms: u32,
    /// Silence that ends a spoken answer whatever the end-of-turn model says: the longest
    /// thinking pause a candidate is given. Shorter answers faster and cuts more pauses.
    pub max_pause_ms: u32,
    /// Silence that ends a spoken answer when Smart Turn judged it unfinished but the words
    /// before the pause read as a finished sentence (Whisper's punctuation, no hanging word)
    /// and Smart Turn's reading was not far off (`EndpointSettings::finished_min_probability`).
    /// At most `max_pause_ms`; set it equal to turn the rule off.
    pub finished_pause_ms: u32,
    /// Silence that ends a spoken answer whose words read as a finished sentence while Smart
    /// Turn heard the voice as going on: the two disagree, so the candidate gets longer than
    /// `finished_pause_ms` and no more than `max_pause_ms` (equal turns this off).
    pub finished_doubted_pause_ms: u32,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            prompt_after_secs: 20,
            end_after_secs: 40,
            reconnect_secs: 300,
            barge_in_ms: 250,
            max_pause_ms: 3000,
            finished_pause_ms: 700,
            finished_doubted_pause_ms: 3000,
        }
    }
}

impl AvatarConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if !crate::render::valid_frame_size(self.width, self.height) {
            return Err(format!(
                "avatar.width and avatar.height ({}×{}) must be even and at most 4096",
                self.width, self.height
            ));
        }
        if !matches!(self.msaa, 1 | 4) {
            return Err(format!("avatar.msaa {} must be 1 or 4", self.msaa));
        }
        within("avatar.fps", self.fps, 1..=60, "")?;
        Ok(())
    }
}

impl RtcConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.udp_addrs.is_empty() {
            return Err("rtc.udp_addrs is empty; use [\"0.0.0.0:0\"] for every interface".into());
        }
        for net in &self.remote_networks {
            if let Err(e) = crate::rtc::signal::Network::parse(net) {
                return Err(format!("rtc.remote_networks: {e}"));
            }
        }
        for server in &self.ice_servers {
            if let Some(url) = server.urls.iter().find(|u| {
                !["stun:", "stuns:", "turn:", "turns:"]
                    .iter()
                    .any(|p| u.starts_with(p))
            }) {
                return Err(format!(
                    "rtc.ice_servers: `{url}` is not a stun:, stuns:, turn: or turns: URL"
                ));
            }
        }
        within(
            "rtc.audio_bitrate",
            self.audio_bitrate,
            6_000..=510_000,
            "default 32000",
        )?;
        within(
            "rtc.video_bitrate",
            self.video_bitrate,
            50_000..=8_000_000,
            "default 800000",
        )?;
        if !(1..=60).contains(&self.video_fps)
            || self.thinking_fps == 0
            || self.thinking_fps > self.idle_fps
            || self.idle_fps > self.video_fps
        {
            return Err(format!(
                "rtc.video_fps {}, rtc.idle_fps {} and rtc.thinking_fps {} must satisfy \
                 1 <= thinking_fps <= idle_fps <= video_fps <= 60",
                self.video_fps, self.idle_fps, self.thinking_fps
            ));
        }
        within("rtc.keyframe_secs", self.keyframe_secs, 0.5..=60.0, "")?;
        Ok(())
    }
}

impl LiveConfig {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.prompt_after_secs == 0 || self.end_after_secs == 0 || self.reconnect_secs == 0 {
            return Err("live.prompt_after_secs, live.end_after_secs and live.reconnect_secs must be positive".into());
        }
        within(
            "live.max_pause_ms",
            self.max_pause_ms,
            500..=10_000,
            "default 3000",
        )?;
        within(
            "live.finished_pause_ms",
            self.finished_pause_ms,
            300..=self.max_pause_ms,
            "default 700, at most live.max_pause_ms",
        )?;
        within(
            "live.finished_doubted_pause_ms",
            self.finished_doubted_pause_ms,
            self.finished_pause_ms..=self.max_pause_ms,
            "default 3000, from live.finished_pause_ms to live.max_pause_ms",
        )?;
        within(
            "live.barge_in_ms",
            self.barge_in_ms,
            100..=2000,
            "default 250",
        )?;
        Ok(())
    }
}
