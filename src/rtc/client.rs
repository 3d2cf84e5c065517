//! A call into a live interview without a browser: a webrtc-rs peer that offers a
//! microphone, receives the avatar's audio and video, and speaks the data channel's JSON.
//! `interviewer call` uses it to check a deployment end to end; the protocol tests and the
//! live benchmarks drive real sessions with it.
//!
//! Everything received is recorded with its arrival time and RTP timestamp, and the sender
//! reports that map RTP time to the server's clock, so a caller can measure latency and
//! lip-sync as a browser would experience them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::MediaEngine;
use rtc::rtcp::sender_report::SenderReport;
use rtc::rtp::codec::h264::H264Packet;
use rtc::rtp::packetizer::Depacketizer;
use rtc::rtp_transceiver::RTCRtpTransceiverDirection;
use rtc::rtp_transceiver::RTCRtpTransceiverInit;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use tokio::sync::mpsc;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder,
    RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription,
    register_default_interceptors,
};

use super::RtcError;
use super::audio_codec::{AudioDecoder, AudioEncoder, FRAME, RATE_HZ};
use super::peer::{h264_codec, opus_codec};
use crate::pipeline::messages::VideoFrame;

/// One received audio packet.
#[derive(Debug, Clone)]
pub struct AudioArrival {
    pub at: Instant,
    pub rtp: u32,
    pub bytes: usize,
    /// Index of its first decoded sample in `Received::audio16k`.
    pub sample: usize,
}

/// One video frame's arrival and, when decoded, its summary (the frame itself is kept while
/// `keep_frames` lasts).
#[derive(Debug, Clone)]
pub struct FrameArrival {
    pub at: Instant,
    pub rtp: u32,
    pub probe: f32,
}

/// Everything the call has received so far.
#[derive(Default)]
pub struct Received {
    pub audio: Vec<AudioArrival>,
    /// The avatar's voice, decoded, at 16 kHz.
    pub audio16k: Vec<f32>,
    /// For a watcher: the candidate's voice as relayed, decoded, at 16 kHz.
    pub candidate16k: Vec<f32>,
    pub frames: Vec<FrameArrival>,
    pub kept_frames: Vec<VideoFrame>,
    /// Data channel texts, as received.
    pub messages: Vec<(Instant, String)>,
    /// Latest sender report per media kind: (NTP time as seconds, RTP timestamp).
    pub sender_reports: HashMap<&'static str, Vec<(f64, u32)>>,
    pub state: Option<String>,
    pub video_errors: usize,
}

/// Per-frame measurement, for long runs that cannot keep every frame.
pub type Probe = Box<dyn Fn(&VideoFrame) -> f32 + Send + Sync>;

pub struct CallOptions {
    pub udp_addr: String,
    /// Watch (as a recruiter) rather than take part: no microphone; the candidate's voice
    /// arrives as a second audio stream (`Received::candidate16k`).
    pub watch: bool,
    /// Play what is heard back into the microphone, at this gain after this delay: a
    /// loudspeaker next to a microphone with no echo cancellation.
    pub echo: Option<(f32, Duration)>,
    /// How many decoded frames to keep whole (from the first on).
    pub keep_frames: usize,
    pub probe: Option<Probe>,
    /// Decode the video (on by default). Off, frames are only counted as they arrive: a
    /// caller standing in for a browser on another machine, whose decoding would otherwise
    /// take the server's CPU.
    pub decode_video: bool,
}

impl Default for CallOptions {
    fn default() -> Self {
        Self {
            udp_addr: "127.0.0.1:0".into(),
            watch: false,
            echo: None,
            keep_frames: 0,
            probe: None,
            decode_video: true,
        }
    }
}

pub struct Call {
    pc: Arc<dyn PeerConnection>,
    watching: bool,
    channel: Arc<dyn DataChannel>,
    mic: mpsc::Sender<Vec<f32>>,
    pub received: Arc<Mutex<Received>>,
    connected: tokio::sync::watch::Receiver<Option<RTCPeerConnectionState>>,
}

struct Handler {
    received: Arc<Mutex<Received>>,
    /// Heard audio (16 kHz) on its way back into the microphone, in echo mode.
    echo: Option<mpsc::UnboundedSender<Vec<f32>>>,
    gathered: mpsc::Sender<()>,
    state: tokio::sync::watch::Sender<Option<RTCPeerConnectionState>>,
    probe: Arc<Option<Probe>>,
    keep_frames: usize,
    decode_video: bool,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.try_send(());
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.state.send(Some(state));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let received = self.received.clone();
        if track.kind().await == RtpCodecKind::Audio {
            if track.stream_id().await.ends_with("-candidate") {
                tokio::spawn(read_relayed(track, received));
                return;
            }
            tokio::spawn(read_audio(track, received, self.echo.clone()));
        } else {
            tokio::spawn(read_video(
                track,
                received,
                self.probe.clone(),
                self.keep_frames,
                self.decode_video,
            ));
        }
    }
}

impl Call {
    /// Offers a call to `base` (the server's URL) for interview `id`, as the candidate whose
    /// session `cookie` and `csrf` token are given.
    pub async fn dial(
        http: &reqwest::Client,
        base: &str,
        id: i64,
        cookie: &str,
        csrf: &str,
        options: CallOptions,
    ) -> Result<(Self, u64), RtcError> {
        let (call, offer) = Self::offer(options).await?;
        let path = if call.watching { "watch" } else { "live" };
        let res = http
            .post(format!("{base}/api/interviews/{id}/{path}"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .header("origin", base)
            .json(&serde_json::json!({ "type": "offer", "sdp": offer }))
            .send()
            .await
            .map_err(|e| RtcError::Peer(format!("offer not sent: {e}")))?;
        let status = res.status();
        let body: serde_json::Value = res
            .json()
            .await
            .map_err(|e| RtcError::Peer(format!("unreadable answer: {e}")))?;
        if !status.is_success() {
            return Err(RtcError::Sdp(format!(
                "the server refused the offer ({status}): {body}"
            )));
        }
        let sdp = body["sdp"].as_str().unwrap_or_default().to_owned();
        let connection = body["connection"].as_u64().unwrap_or_default();
        call.accept(sdp).await?;
        Ok((call, connection))
    }

    /// Builds the peer and its offer (with every candidate: no trickle needed).
    pub async fn offer(options: CallOptions) -> Result<(Self, String), RtcError> {
        let err = |what: &str, e: &dyn std::fmt::Display| RtcError::Peer(format!("{what}: {e}"));
        let mut media = MediaEngine::default();
        media
            .register_codec(opus_codec(), RtpCodecKind::Audio)
            .map_err(|e| err("codec", &e))?;
        media
            .register_codec(h264_codec(), RtpCodecKind::Video)
            .map_err(|e| err("codec", &e))?;
        let registry = register_default_interceptors(Registry::new(), &mut media)
            .map_err(|e| err("interceptors", &e))?;
        let received = Arc::new(Mutex::new(Received::default()));
        let (gathered_tx, mut gathered) = mpsc::channel(1);
        let (state_tx, connected) = tokio::sync::watch::channel(None);
        let (echo_tx, echo_rx) = mpsc::unbounded_channel();
        let handler = Handler {
            received: received.clone(),
            echo: options.echo.map(|_| echo_tx),
            gathered: gathered_tx,
            state: state_tx,
            probe: Arc::new(options.probe),
            keep_frames: options.keep_frames,
            decode_video: options.decode_video,
        };
        let pc = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_handler(Arc::new(handler))
            .with_udp_addrs(vec![options.udp_addr])
            .build()
            .await
            .map_err(|e| err("peer connection", &e))?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);
        let ssrc = rand::random::<u32>();
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            "candidate".into(),
            "candidate-audio".into(),
            "microphone".into(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec: opus_codec().rtp_codec,
                ..Default::default()
            }],
        )));
        let recvonly = || {
            Some(RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Recvonly,
                ..Default::default()
            })
        };
        if options.watch {
            for _ in 0..2 {
                pc.add_transceiver_from_kind(RtpCodecKind::Audio, recvonly())
                    .await
                    .map_err(|e| err("audio", &e))?;
            }
        } else {
            pc.add_track(track.clone() as Arc<dyn TrackLocal>)
                .await
                .map_err(|e| err("microphone", &e))?;
        }
        pc.add_transceiver_from_kind(RtpCodecKind::Video, recvonly())
            .await
            .map_err(|e| err("video", &e))?;
        let channel = pc
            .create_data_channel("interview", None)
            .await
            .map_err(|e| err("data channel", &e))?;
        tokio::spawn(read_channel(channel.clone(), received.clone()));
        let offer = pc.create_offer(None).await.map_err(|e| err("offer", &e))?;
        pc.set_local_description(offer)
            .await
            .map_err(|e| err("offer", &e))?;
        let _ = tokio::time::timeout(Duration::from_secs(2), gathered.recv()).await;
        let offer = pc
            .local_description()
            .await
            .ok_or_else(|| RtcError::Peer("no offer".into()))?
            .sdp;
        let (mic, mic_rx) = mpsc::channel(8);
        let echo = options.echo.map(|(gain, delay)| (gain, delay, echo_rx));
        tokio::spawn(microphone(track, ssrc, mic_rx, echo));
        Ok((
            Self {
                pc,
                watching: options.watch,
                channel,
                mic,
                received,
                connected,
            },
            offer,
        ))
    }

    /// Applies the server's answer.
    pub async fn accept(&self, sdp: String) -> Result<(), RtcError> {
        let answer = RTCSessionDescription::answer(sdp)
            .map_err(|e| RtcError::Sdp(format!("the answer is not valid SDP: {e}")))?;
        self.pc
            .set_remote_description(answer)
            .await
            .map_err(|e| RtcError::Sdp(format!("the answer cannot be applied: {e}")))
    }

    /// Waits until the connection is up (or has failed).
    pub async fn connected(&mut self, within: Duration) -> Result<(), RtcError> {
        let wait = self.connected.wait_for(|s| {
            matches!(
                s,
                Some(RTCPeerConnectionState::Connected | RTCPeerConnectionState::Failed)
            )
        });
        match tokio::time::timeout(within, wait).await {
            Ok(Ok(s)) if matches!(*s, Some(RTCPeerConnectionState::Connected)) => Ok(()),
            Ok(_) => Err(RtcError::Peer("the connection failed".into())),
            Err(_) => Err(RtcError::Peer(format!("not connected within {within:?}"))),
        }
    }

    /// Speaks `pcm` (mono, `rate` Hz) into the call at real-time pace; silence otherwise.
    pub async fn say(&self, pcm: &[f32], rate: u32) -> Result<(), RtcError> {
        let pcm48 = crate::audio::resample(pcm, rate, RATE_HZ)
            .map_err(|e| RtcError::Codec(e.to_string()))?;
        self.mic
            .send(pcm48)
            .await
            .map_err(|_| RtcError::Peer("the microphone stopped".into()))
    }

    /// Sends a data channel message (JSON).
    pub async fn send(&self, message: &serde_json::Value) -> Result<(), RtcError> {
        self.channel
            .send_text(&message.to_string())
            .await
            .map_err(|e| RtcError::Peer(format!("data channel: {e}")))
    }

    pub async fn close(&self) {
        let _ = self.pc.close().await;
    }
}

/// The microphone: 20 ms Opus packets without a break, from what `say` queued or silence.
type EchoPath = (f32, Duration, mpsc::UnboundedReceiver<Vec<f32>>);

async fn microphone(
    track: Arc<TrackLocalStaticRTP>,
    ssrc: u32,
    mut rx: mpsc::Receiver<Vec<f32>>,
    mut echo: Option<EchoPath>,
) {
    let Ok(mut enc) = AudioEncoder::new(32_000) else {
        return;
    };
    let mut queue: std::collections::VecDeque<f32> = std::collections::VecDeque::new();
    // The echo path's delay line, at 48 kHz, primed with the delay's worth of silence.
    let mut returned: std::collections::VecDeque<f32> = echo
        .as_ref()
        .map(|(_, delay, _)| vec![0.0; (delay.as_secs_f64() * f64::from(RATE_HZ)) as usize].into())
        .unwrap_or_default();
    let mut frame = [0.0f32; FRAME];
    let mut seq: u16 = rand::random();
    let mut ts: u32 = rand::random();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    loop {
        tick.tick().await;
        loop {
            match rx.try_recv() {
                Ok(pcm) => queue.extend(pcm),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => return,
            }
        }
        if let Some((gain, _, heard)) = echo.as_mut() {
            while let Ok(pcm16) = heard.try_recv() {
                // 16 → 48 kHz by holding each sample: an echo path need not be hi-fi.
                returned.extend(pcm16.iter().flat_map(|s| [*s * *gain; 3]));
            }
        }
        for s in frame.iter_mut() {
            *s = queue.pop_front().unwrap_or(0.0) + returned.pop_front().unwrap_or(0.0);
        }
        let Ok(payload) = enc.encode(&frame) else {
            return;
        };
        seq = seq.wrapping_add(1);
        ts = ts.wrapping_add(FRAME as u32);
        let packet = rtc::rtp::Packet {
            header: rtc::rtp::Header {
                version: 2,
                payload_type: 111,
                sequence_number: seq,
                timestamp: ts,
                ssrc,
                ..Default::default()
            },
            payload: Bytes::from(payload),
        };
        if track.write_rtp(packet).await.is_err() {
            // Not bound yet, or closed: keep the clock running.
            continue;
        }
    }
}

fn record_reports(
    received: &Mutex<Received>,
    kind: &'static str,
    packets: &[Box<dyn rtc::rtcp::Packet>],
) {
    for p in packets {
        if let Some(sr) = p.as_any().downcast_ref::<SenderReport>() {
            let ntp =
                (sr.ntp_time >> 32) as f64 + (sr.ntp_time & 0xffff_ffff) as f64 / 4_294_967_296.0;
            let mut r = received.lock().unwrap_or_else(|e| e.into_inner());
            r.sender_reports
                .entry(kind)
                .or_default()
                .push((ntp, sr.rtp_time));
        }
    }
}

async fn read_audio(
    track: Arc<dyn TrackRemote>,
    received: Arc<Mutex<Received>>,
    echo: Option<mpsc::UnboundedSender<Vec<f32>>>,
) {
    let Ok(mut dec) = AudioDecoder::new() else {
        return;
    };
    let mut pcm = Vec::new();
    while let Some(ev) = track.poll().await {
        match ev {
            TrackRemoteEvent::OnRtpPacket(p) => {
                pcm.clear();
                let _ = dec.push(p.header.sequence_number, &p.payload, &mut pcm);
                if let Some(echo) = &echo {
                    let _ = echo.send(pcm.clone());
                }
                let mut r = received.lock().unwrap_or_else(|e| e.into_inner());
                let sample = r.audio16k.len();
                r.audio16k.extend_from_slice(&pcm);
                r.audio.push(AudioArrival {
                    at: Instant::now(),
                    rtp: p.header.timestamp,
                    bytes: p.payload.len(),
                    sample,
                });
            }
            TrackRemoteEvent::OnRtcpPacket(packets) => record_reports(&received, "audio", &packets),
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
}

async fn read_relayed(track: Arc<dyn TrackRemote>, received: Arc<Mutex<Received>>) {
    let Ok(mut dec) = AudioDecoder::new() else {
        return;
    };
    let mut pcm = Vec::new();
    while let Some(ev) = track.poll().await {
        if let TrackRemoteEvent::OnRtpPacket(p) = ev {
            pcm.clear();
            let _ = dec.push(p.header.sequence_number, &p.payload, &mut pcm);
            let mut r = received.lock().unwrap_or_else(|e| e.into_inner());
            r.candidate16k.extend_from_slice(&pcm);
        }
    }
}

async fn read_video(
    track: Arc<dyn TrackRemote>,
    received: Arc<Mutex<Received>>,
    probe: Arc<Option<Probe>>,
    keep: usize,
    decode: bool,
) {
    let Ok(mut decoder) = openh264::decoder::Decoder::new() else {
        return;
    };
    let mut depacketizer = H264Packet::default();
    let mut access_unit: Vec<u8> = Vec::new();
    let mut frame = VideoFrame::empty();
    while let Some(ev) = track.poll().await {
        match ev {
            TrackRemoteEvent::OnRtpPacket(p) => {
                match depacketizer.depacketize(&p.payload) {
                    Ok(nals) => access_unit.extend_from_slice(&nals),
                    Err(_) => {
                        received
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .video_errors += 1;
                        access_unit.clear();
                        continue;
                    }
                }
                if !p.header.marker {
                    continue;
                }
                if !decode {
                    access_unit.clear();
                    let arrival = FrameArrival {
                        at: Instant::now(),
                        rtp: p.header.timestamp,
                        probe: 0.0,
                    };
                    received
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .frames
                        .push(arrival);
                    continue;
                }
                let decoded = decoder.decode(&access_unit);
                access_unit.clear();
                let Ok(Some(yuv)) = decoded else {
                    if decoded.is_err() {
                        received
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .video_errors += 1;
                    }
                    continue;
                };
                let (w, h) = openh264::formats::YUVSource::dimensions(&yuv);
                frame.width = w as u32;
                frame.height = h as u32;
                frame.rgba.resize(w * h * 4, 0);
                yuv.write_rgba8(&mut frame.rgba);
                let value = probe.as_ref().as_ref().map_or(0.0, |f| f(&frame));
                let mut r = received.lock().unwrap_or_else(|e| e.into_inner());
                if r.kept_frames.len() < keep {
                    frame.t = r.frames.len() as f64;
                    r.kept_frames.push(frame.clone());
                }
                r.frames.push(FrameArrival {
                    at: Instant::now(),
                    rtp: p.header.timestamp,
                    probe: value,
                });
            }
            TrackRemoteEvent::OnRtcpPacket(packets) => record_reports(&received, "video", &packets),
            TrackRemoteEvent::OnEnded => break,
            _ => {}
        }
    }
}

async fn read_channel(channel: Arc<dyn DataChannel>, received: Arc<Mutex<Received>>) {
    while let Some(ev) = channel.poll().await {
        match ev {
            DataChannelEvent::OnMessage(m) => {
                let text = String::from_utf8_lossy(&m.data).into_owned();
                let state = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .filter(|v| v["type"] == "state")
                    .and_then(|v| v["live"].as_str().map(str::to_owned));
                let mut r = received.lock().unwrap_or_else(|e| e.into_inner());
                if state.is_some() {
                    r.state = state;
                }
                r.messages.push((Instant::now(), text));
            }
            DataChannelEvent::OnClose => break,
            _ => {}
        }
    }
}
