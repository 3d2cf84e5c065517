//! H.264 for the avatar's video: rendered RGBA frames → Annex-B access units, constrained
//! baseline at level 3.1 (what every WebRTC browser decodes), bitrate-controlled, with an
//! I-frame on request (the receiver's PLI/FIR) and at a fixed interval for late joiners.

use openh264::OpenH264API;
use openh264::encoder::{
    BitRate, Complexity, Encoder, EncoderConfig, FrameRate, IntraFramePeriod, Level, Profile,
    RateControlMode, UsageType,
};
use openh264::formats::{RgbaSliceU8, YUVBuffer};

use super::RtcError;
use crate::pipeline::messages::VideoFrame;

/// The fmtp line the video is offered with: packetization mode 1, constrained baseline 3.1.
pub const H264_FMTP: &str =
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoSettings {
    pub width: u32,
    pub height: u32,
    pub fps: f32,
    pub bitrate_bps: u32,
    /// Seconds between unrequested I-frames.
    pub keyframe_secs: f32,
}

pub struct VideoEncoder {
    enc: Encoder,
    yuv: YUVBuffer,
    settings: VideoSettings,
    keyframe_due: bool,
}

impl VideoEncoder {
    pub fn new(settings: VideoSettings) -> Result<Self, RtcError> {
        let VideoSettings { width, height, .. } = settings;
        if width == 0 || height == 0 || width % 2 != 0 || height % 2 != 0 {
            return Err(RtcError::Codec(format!(
                "H.264 needs an even, non-zero frame size, not {width}×{height}"
            )));
        }
        Ok(Self {
            enc: open(settings)?,
            yuv: YUVBuffer::new(width as usize, height as usize),
            settings,
            keyframe_due: true,
        })
    }

    pub fn settings(&self) -> VideoSettings {
        self.settings
    }

    /// The next frame will be an I-frame (the receiver lost its reference).
    pub fn request_keyframe(&mut self) {
        self.keyframe_due = true;
    }

    /// A new target bitrate; the encoder restarts, so the next frame is an I-frame.
    pub fn set_bitrate(&mut self, bitrate_bps: u32) -> Result<(), RtcError> {
        if bitrate_bps == self.settings.bitrate_bps {
            return Ok(());
        }
        self.settings.bitrate_bps = bitrate_bps;
        self.enc = open(self.settings)?;
        self.keyframe_due = true;
        Ok(())
    }

    /// One frame → one access unit (Annex B); empty when the rate control dropped it.
    pub fn encode(&mut self, frame: &VideoFrame) -> Result<Vec<u8>, RtcError> {
        let (w, h) = (self.settings.width, self.settings.height);
        if (frame.width, frame.height) != (w, h) || frame.rgba.len() != (w * h * 4) as usize {
            return Err(RtcError::Codec(format!(
                "a {}×{} frame does not fit the {w}×{h} video",
                frame.width, frame.height
            )));
        }
        self.yuv
            .read_rgba8(RgbaSliceU8::new(&frame.rgba, (w as usize, h as usize)));
        if std::mem::take(&mut self.keyframe_due) {
            self.enc.force_intra_frame();
        }
        let bits = self
            .enc
            .encode(&self.yuv)
            .map_err(|e| RtcError::Codec(format!("H.264 encode: {e}")))?;
        Ok(bits.to_vec())
    }
}

fn open(s: VideoSettings) -> Result<Encoder, RtcError> {
    let config = EncoderConfig::new()
        .usage_type(UsageType::CameraVideoRealTime)
        .profile(Profile::Baseline)
        .level(Level::Level_3_1)
        .rate_control_mode(RateControlMode::Bitrate)
        .bitrate(BitRate::from_bps(s.bitrate_bps))
        .max_frame_rate(FrameRate::from_hz(s.fps))
        .complexity(Complexity::Low)
        // OpenH264 holds a bitrate only if it may drop frames; the sender then lengthens the
        // previous frame's duration, so the media clock has no hole.
        .skip_frames(true)
        .intra_frame_period(IntraFramePeriod::from_num_frames(
            (s.fps * s.keyframe_secs).round().max(1.0) as u32,
        ))
        .num_threads(1);
    Encoder::with_api_config(OpenH264API::from_source(), config)
        .map_err(|e| RtcError::Codec(format!("H.264 encoder: {e}")))
}

/// NAL unit types in an Annex-B stream, for tests and stats.
pub fn nal_types(annex_b: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    let mut i = 0;
    while i + 3 < annex_b.len() {
        let start3 = annex_b[i..].starts_with(&[0, 0, 1]);
        let start4 = annex_b[i..].starts_with(&[0, 0, 0, 1]);
        if start3 || start4 {
            let at = i + if start4 { 4 } else { 3 };
            if let Some(b) = annex_b.get(at) {
                types.push(b & 0x1f);
            }
            i = at;
        } else {
            i += 1;
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, shift: u32) -> VideoFrame {
        let mut rgba = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                rgba.extend_from_slice(&[((x + shift) % 256) as u8, (y % 256) as u8, 128, 255]);
            }
        }
        VideoFrame {
            t: 0.0,
            width: w,
            height: h,
            rgba,
        }
    }

    fn settings() -> VideoSettings {
        VideoSettings {
            width: 320,
            height: 240,
            fps: 25.0,
            bitrate_bps: 400_000,
            keyframe_secs: 4.0,
        }
    }

    #[test]
    fn the_first_frame_is_a_keyframe_with_its_parameter_sets() {
        let mut enc = VideoEncoder::new(settings()).unwrap();
        let au = enc.encode(&gradient(320, 240, 0)).unwrap();
        let types = nal_types(&au);
        assert!(
            types.contains(&7) && types.contains(&8) && types.contains(&5),
            "{types:?}"
        );
        let next = enc.encode(&gradient(320, 240, 2)).unwrap();
        assert!(!nal_types(&next).contains(&5), "a P-frame follows");
        enc.request_keyframe();
        let key = enc.encode(&gradient(320, 240, 4)).unwrap();
        assert!(nal_types(&key).contains(&5), "a requested I-frame");
    }

    #[test]
    fn the_stream_decodes_back_to_the_picture() {
        let mut enc = VideoEncoder::new(settings()).unwrap();
        let frame = gradient(320, 240, 0);
        let au = enc.encode(&frame).unwrap();
        let mut dec = openh264::decoder::Decoder::new().unwrap();
        let yuv = dec.decode(&au).unwrap().expect("a picture");
        let mut rgba = vec![0u8; 320 * 240 * 4];
        yuv.write_rgba8(&mut rgba);
        let diff: f64 = rgba
            .iter()
            .zip(&frame.rgba)
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
            .sum::<f64>()
            / rgba.len() as f64;
        assert!(diff < 8.0, "mean difference {diff}");
    }

    #[test]
    fn wrong_sizes_are_refused_with_a_reason() {
        assert!(
            VideoEncoder::new(VideoSettings {
                width: 321,
                ..settings()
            })
            .is_err()
        );
        let mut enc = VideoEncoder::new(settings()).unwrap();
        let err = enc.encode(&gradient(160, 120, 0)).unwrap_err();
        assert!(err.to_string().contains("160×120"), "{err}");
    }
}
