//! One WebRTC peer connection (webrtc-rs) answering a client's offer: the interviewer's
//! audio (Opus) and video (H.264) out, the candidate's audio in, and the client's data
//! channel. The event handler does nothing but forward typed events into the owner's
//! channel; the owner (a live session) decides what they mean.

use bytes::Bytes;
use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_H264, MIME_TYPE_OPUS, MediaEngine,
};
use rtc::rtp::codec::h264::H264Payloader;
use rtc::rtp::codec::opus::OpusPayloader;
use rtc::rtp::packetizer::Payloader;
use rtc::rtp_transceiver::PayloadType;
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters,
    RTCRtpEncodingParameters, RtpCodecKind,
};
use std::sync::Arc;
use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder,
    RTCIceCandidateInit, RTCIceGatheringState, RTCIceServer, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, RTCSdpType, RTCSessionDescription, register_default_interceptors,
};

use super::RtcError;
use super::video_codec::H264_FMTP;
use crate::config::RtcConfig;

const OPUS_PT: u8 = 111;
const H264_PT: u8 = 102;

/// What the peer connection reports, in the order it happened.
pub enum RtcEvent {
    /// A local ICE candidate for the client (trickle ICE).
    Candidate(RTCIceCandidateInit),
    GatheringComplete,
    State(RTCPeerConnectionState),
    /// The candidate's microphone.
    RemoteAudio(Arc<dyn TrackRemote>),
    /// The client's data channel.
    Channel(Arc<dyn DataChannel>),
}

impl std::fmt::Debug for RtcEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Candidate(c) => write!(f, "Candidate({})", c.candidate),
            Self::GatheringComplete => f.write_str("GatheringComplete"),
            Self::State(s) => write!(f, "State({s})"),
            Self::RemoteAudio(_) => f.write_str("RemoteAudio"),
            Self::Channel(_) => f.write_str("Channel"),
        }
    }
}

struct Forward {
    tx: mpsc::Sender<RtcEvent>,
}

impl Forward {
    async fn send(&self, event: RtcEvent) {
        // A closed channel means the owner has gone; the connection is being torn down.
        let _ = self.tx.send(event).await;
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Forward {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(init) = event.candidate.to_json() {
            self.send(RtcEvent::Candidate(init)).await;
        }
    }

    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.send(RtcEvent::GatheringComplete).await;
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        self.send(RtcEvent::State(state)).await;
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        if track.kind().await == RtpCodecKind::Audio {
            self.send(RtcEvent::RemoteAudio(track)).await;
        }
    }

    async fn on_data_channel(&self, channel: Arc<dyn DataChannel>) {
        self.send(RtcEvent::Channel(channel)).await;
    }
}

/// An outgoing track that stamps its own packets: the RTP timestamp is the frame's media
/// time, so a frame the encoder dropped, or a lower frame rate, leaves no drift.
#[derive(Clone)]
pub struct Outgoing {
    track: Arc<TrackLocalStaticRTP>,
    stamp: Arc<std::sync::Mutex<Stamp>>,
}

struct Stamp {
    ssrc: u32,
    payload_type: PayloadType,
    clock_rate: u32,
    base: u32,
    seq: u16,
    payloader: Box<dyn Payloader>,
    /// Video frames end with the marker bit; audio sets it only on a talk spurt's start.
    video: bool,
}

/// Payload size that fits every path's MTU with the SRTP and header overhead.
const RTP_PAYLOAD_MTU: usize = 1200;

impl Outgoing {
    /// One encoded frame whose capture time is `t` seconds on the media clock.
    pub async fn write(&self, data: Vec<u8>, t: f64) -> Result<(), RtcError> {
        let packets = {
            let mut s = self.stamp.lock().unwrap_or_else(|p| p.into_inner());
            let payloads = s
                .payloader
                .payload(RTP_PAYLOAD_MTU, &Bytes::from(data))
                .map_err(|e| RtcError::Codec(format!("packetize: {e}")))?;
            let timestamp = s
                .base
                .wrapping_add((t.max(0.0) * f64::from(s.clock_rate)).round() as u64 as u32);
            let last = payloads.len().saturating_sub(1);
            payloads
                .into_iter()
                .enumerate()
                .map(|(i, payload)| {
                    s.seq = s.seq.wrapping_add(1);
                    rtc::rtp::Packet {
                        header: rtc::rtp::Header {
                            version: 2,
                            marker: s.video && i == last,
                            payload_type: s.payload_type,
                            sequence_number: s.seq,
                            timestamp,
                            ssrc: s.ssrc,
                            ..Default::default()
                        },
                        payload,
                    }
                })
                .collect::<Vec<_>>()
        };
        for packet in packets {
            self.track
                .write_rtp(packet)
                .await
                .map_err(|e| RtcError::Peer(format!("write: {e}")))?;
        }
        Ok(())
    }

    /// Waits for the receiver's next request for a full picture (PLI or FIR). `None` once the
    /// track is unbound.
    pub async fn keyframe_requested(&self) -> Option<()> {
        use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
        use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
        use webrtc::media_stream::track_local::TrackLocalEvent;
        loop {
            // Incoming RTCP is the track's only event today; the enum is non-exhaustive.
            let TrackLocalEvent::OnRtcpPacket(packets) = self.track.poll().await? else {
                continue;
            };
            let wants = packets.iter().any(|p| {
                let any = p.as_any();
                any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>()
            });
            if wants {
                return Some(());
            }
        }
    }
}

/// A connection answering one offer.
pub struct Peer {
    pc: Arc<dyn PeerConnection>,
    pub audio: Outgoing,
    pub video: Outgoing,
    /// For a watcher: the candidate's voice, relayed.
    pub candidate_audio: Option<Outgoing>,
    pub answer: String,
}

/// Who is on the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerRole {
    /// The candidate: their microphone in, the interviewer out.
    Candidate,
    /// A recruiter watching: the interviewer and the candidate's voice out, nothing in.
    Watcher,
}

impl Peer {
    /// Builds a connection, applies the client's `offer` and makes the answer. Local
    /// candidates follow as [`RtcEvent::Candidate`] on `events` (trickle ICE).
    pub async fn answer(
        config: &RtcConfig,
        offer: &str,
        stream_id: &str,
        role: PeerRole,
        events: mpsc::Sender<RtcEvent>,
    ) -> Result<Self, RtcError> {
        let peer_err =
            |what: &str, e: &dyn std::fmt::Display| RtcError::Peer(format!("{what}: {e}"));
        let mut media = MediaEngine::default();
        let opus = opus_codec();
        let h264 = h264_codec();
        media
            .register_codec(opus.clone(), RtpCodecKind::Audio)
            .map_err(|e| peer_err("audio codec", &e))?;
        media
            .register_codec(h264.clone(), RtpCodecKind::Video)
            .map_err(|e| peer_err("video codec", &e))?;
        let registry = register_default_interceptors(Registry::new(), &mut media)
            .map_err(|e| peer_err("interceptors", &e))?;
        let ice_servers = config
            .ice_servers
            .iter()
            .map(|s| RTCIceServer {
                urls: s.urls.clone(),
                username: s.username.clone().unwrap_or_default(),
                credential: s.credential.clone().unwrap_or_default(),
            })
            .collect();
        let configuration = RTCConfigurationBuilder::new()
            .with_ice_servers(ice_servers)
            .build();
        let pc = PeerConnectionBuilder::new()
            .with_configuration(configuration)
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_handler(Arc::new(Forward { tx: events }))
            .with_udp_addrs(config.udp_addrs.clone())
            .build()
            .await
            .map_err(|e| peer_err("peer connection", &e))?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);

        let offer = RTCSessionDescription::offer(offer.to_owned())
            .map_err(|e| RtcError::Sdp(format!("the offer is not valid SDP: {e}")))?;
        let built = async {
            pc.set_remote_description(offer)
                .await
                .map_err(|e| RtcError::Sdp(format!("the offer cannot be applied: {e}")))?;
            let audio =
                add_track(&pc, stream_id, RtpCodecKind::Audio, opus.rtp_codec.clone()).await?;
            let candidate = match role {
                PeerRole::Candidate => None,
                PeerRole::Watcher => {
                    let stream = format!("{stream_id}-candidate");
                    Some(add_track(&pc, &stream, RtpCodecKind::Audio, opus.rtp_codec).await?)
                }
            };
            let video = add_track(&pc, stream_id, RtpCodecKind::Video, h264.rtp_codec).await?;
            let answer = pc
                .create_answer(None)
                .await
                .map_err(|e| RtcError::Sdp(format!("no answer fits the offer: {e}")))?;
            pc.set_local_description(answer)
                .await
                .map_err(|e| peer_err("local description", &e))?;
            let answer = pc
                .local_description()
                .await
                .filter(|d| d.sdp_type == RTCSdpType::Answer)
                .ok_or_else(|| RtcError::Peer("no local answer".into()))?;
            let (audio, video) = (audio.negotiated().await?, video.negotiated().await?);
            let candidate = match candidate {
                Some(c) => Some(c.negotiated().await?),
                None => None,
            };
            Ok::<_, RtcError>((audio, video, candidate, answer.sdp))
        }
        .await;
        match built {
            Ok((audio, video, candidate_audio, answer)) => Ok(Self {
                pc,
                audio,
                video,
                candidate_audio,
                answer,
            }),
            Err(e) => {
                let _ = pc.close().await;
                Err(e)
            }
        }
    }

    /// The answer as it stands now: with the candidates gathered so far.
    pub async fn local_sdp(&self) -> Option<String> {
        self.pc.local_description().await.map(|d| d.sdp)
    }

    /// A candidate the client gathered (trickle ICE).
    pub async fn add_candidate(&self, candidate: RTCIceCandidateInit) -> Result<(), RtcError> {
        self.pc
            .add_ice_candidate(candidate)
            .await
            .map_err(|e| RtcError::Candidate(e.to_string()))
    }

    pub async fn close(&self) {
        if let Err(e) = self.pc.close().await {
            tracing::debug!(error = %e, "closing a peer connection");
        }
    }
}

struct Pending {
    track: Arc<TrackLocalStaticRTP>,
    kind: RtpCodecKind,
    clock_rate: u32,
    sender: Arc<dyn webrtc::rtp_transceiver::RtpSender>,
    ssrc: u32,
}

impl Pending {
    async fn negotiated(self) -> Result<Outgoing, RtcError> {
        let params = self
            .sender
            .get_parameters()
            .await
            .map_err(|e| RtcError::Peer(format!("sender parameters: {e}")))?;
        let payload_type = params
            .rtp_parameters
            .codecs
            .first()
            .map(|c| c.payload_type)
            .ok_or_else(|| {
                RtcError::Sdp("the offer accepts none of this server's codecs (Opus, H.264)".into())
            })?;
        let video = self.kind == RtpCodecKind::Video;
        let payloader: Box<dyn Payloader> = if video {
            Box::new(H264Payloader::default())
        } else {
            Box::new(OpusPayloader)
        };
        Ok(Outgoing {
            track: self.track,
            stamp: Arc::new(std::sync::Mutex::new(Stamp {
                ssrc: self.ssrc,
                payload_type,
                clock_rate: self.clock_rate,
                base: rand::random(),
                seq: rand::random(),
                payloader,
                video,
            })),
        })
    }
}

async fn add_track(
    pc: &Arc<dyn PeerConnection>,
    stream_id: &str,
    kind: RtpCodecKind,
    codec: RTCRtpCodec,
) -> Result<Pending, RtcError> {
    let ssrc = rand::random::<u32>();
    let clock_rate = codec.clock_rate;
    // One stream id for audio and video: the browser then plays them in sync.
    let track = MediaStreamTrack::new(
        stream_id.to_owned(),
        format!("{stream_id}-{kind}"),
        format!("interviewer {kind}"),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                ..Default::default()
            },
            codec,
            ..Default::default()
        }],
    );
    let track = Arc::new(TrackLocalStaticRTP::new(track));
    let sender = pc
        .add_track(track.clone() as Arc<dyn TrackLocal>)
        .await
        .map_err(|e| RtcError::Peer(format!("{kind} track: {e}")))?;
    Ok(Pending {
        track,
        kind,
        clock_rate,
        sender,
        ssrc,
    })
}

pub(super) fn opus_codec() -> RTCRtpCodecParameters {
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_OPUS.to_owned(),
            clock_rate: 48_000,
            channels: 2,
            sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
            rtcp_feedback: vec![],
        },
        payload_type: OPUS_PT,
    }
}

pub(super) fn h264_codec() -> RTCRtpCodecParameters {
    let fb = |typ: &str, parameter: &str| RTCPFeedback {
        typ: typ.into(),
        parameter: parameter.into(),
    };
    RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_H264.to_owned(),
            clock_rate: 90_000,
            channels: 0,
            sdp_fmtp_line: H264_FMTP.to_owned(),
            rtcp_feedback: vec![fb("nack", ""), fb("nack", "pli"), fb("ccm", "fir")],
        },
        payload_type: H264_PT,
    }
}
