//! Opus both ways, 48 kHz mono in 20 ms packets. Encoding carries in-band FEC so that the
//! browser can rebuild a lost packet from the next one; decoding does the same for the
//! candidate's packets and conceals what cannot be rebuilt, so listen always gets a
//! continuous 16 kHz stream whose clock matches the sender's.

use crate::audio::{SAMPLE_RATE_HZ, StreamResampler};

use super::RtcError;

/// The call's audio clock.
pub const RATE_HZ: u32 = 48_000;
/// Samples in one 20 ms packet.
pub const FRAME: usize = 960;
pub const FRAME_SECS: f64 = 0.02;
/// Largest Opus packet (120 ms at 48 kHz).
const MAX_FRAME: usize = 5760;
/// A larger jump in sequence numbers is a restart, not a loss to conceal.
const MAX_CONCEALED_PACKETS: u16 = 50;

pub struct AudioEncoder {
    enc: opus::Encoder,
    out: Vec<u8>,
    pcm: Vec<i16>,
}

impl AudioEncoder {
    pub fn new(bitrate_bps: u32) -> Result<Self, RtcError> {
        let codec = |e: opus::Error| RtcError::Codec(format!("opus encoder: {e}"));
        let mut enc = opus::Encoder::new(RATE_HZ, opus::Channels::Mono, opus::Application::Voip)
            .map_err(codec)?;
        enc.set_bitrate(opus::Bitrate::Bits(bitrate_bps as i32))
            .map_err(codec)?;
        enc.set_inband_fec(true).map_err(codec)?;
        // FEC is only spent when the encoder expects loss.
        enc.set_packet_loss_perc(10).map_err(codec)?;
        Ok(Self {
            enc,
            out: vec![0; 4000],
            pcm: vec![0; FRAME],
        })
    }

    /// One 20 ms frame of samples in -1..1 → one Opus packet.
    pub fn encode(&mut self, frame: &[f32]) -> Result<Vec<u8>, RtcError> {
        if frame.len() != FRAME {
            return Err(RtcError::Codec(format!(
                "an audio frame holds {FRAME} samples, not {}",
                frame.len()
            )));
        }
        for (d, s) in self.pcm.iter_mut().zip(frame) {
            *d = (s.clamp(-1.0, 1.0) * 32767.0) as i16;
        }
        let n = self
            .enc
            .encode(&self.pcm, &mut self.out)
            .map_err(|e| RtcError::Codec(format!("opus encode: {e}")))?;
        Ok(self.out[..n].to_vec())
    }
}

/// What the decoder saw, for stats and the tests of loss handling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct InboundAudio {
    pub packets: u64,
    /// Packets that never arrived.
    pub lost: u64,
    /// Of those, rebuilt from the next packet's FEC data.
    pub recovered: u64,
    /// Late or repeated packets, dropped: their time had already been filled.
    pub stale: u64,
    /// Packets libopus refused; replaced by concealment.
    pub corrupt: u64,
}

pub struct AudioDecoder {
    dec: opus::Decoder,
    down: StreamResampler,
    last_seq: Option<u16>,
    /// Samples per packet as last seen, the length concealment fills.
    frame: usize,
    pcm: Vec<f32>,
    stats: InboundAudio,
}

impl AudioDecoder {
    pub fn new() -> Result<Self, RtcError> {
        let dec = opus::Decoder::new(RATE_HZ, opus::Channels::Mono)
            .map_err(|e| RtcError::Codec(format!("opus decoder: {e}")))?;
        let down = StreamResampler::new(RATE_HZ, SAMPLE_RATE_HZ, FRAME)
            .map_err(|e| RtcError::Codec(e.to_string()))?;
        Ok(Self {
            dec,
            down,
            last_seq: None,
            frame: FRAME,
            pcm: vec![0.0; MAX_FRAME],
            stats: InboundAudio::default(),
        })
    }

    pub fn stats(&self) -> InboundAudio {
        self.stats
    }

    /// One RTP packet's payload, by sequence number, in arrival order; appends 16 kHz mono
    /// to `out`, including whatever stands in for packets lost before this one.
    pub fn push(&mut self, seq: u16, payload: &[u8], out: &mut Vec<f32>) -> Result<(), RtcError> {
        let gap = match self.last_seq {
            None => 0,
            Some(last) => {
                let d = seq.wrapping_sub(last);
                if d == 0 || d > u16::MAX / 2 {
                    self.stats.stale += 1;
                    return Ok(());
                }
                d - 1
            }
        };
        self.last_seq = Some(seq);
        self.stats.packets += 1;
        if gap > 0 && gap <= MAX_CONCEALED_PACKETS {
            self.stats.lost += u64::from(gap);
            for _ in 1..gap {
                self.conceal(out)?;
            }
            // The packet before this one rides in this one's FEC data, when it has any.
            let n = self.frame;
            match self.dec.decode_float(payload, &mut self.pcm[..n], true) {
                Ok(got) if got > 0 => {
                    self.stats.recovered += 1;
                    self.emit(got, out)?;
                }
                _ => self.conceal(out)?,
            }
        }
        match self.dec.decode_float(payload, &mut self.pcm, false) {
            Ok(n) => {
                self.frame = n.clamp(FRAME / 8, MAX_FRAME);
                self.emit(n, out)
            }
            Err(_) => {
                self.stats.corrupt += 1;
                self.conceal(out)
            }
        }
    }

    fn conceal(&mut self, out: &mut Vec<f32>) -> Result<(), RtcError> {
        let n = self.frame;
        let got = self
            .dec
            .decode_float(&[], &mut self.pcm[..n], false)
            .unwrap_or(0);
        if got == 0 {
            self.pcm[..n].fill(0.0);
        }
        self.emit(n, out)
    }

    fn emit(&mut self, n: usize, out: &mut Vec<f32>) -> Result<(), RtcError> {
        self.down
            .push(&self.pcm[..n], out)
            .map_err(|e| RtcError::Codec(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice_like(secs: f64) -> Vec<f32> {
        let n = (secs * f64::from(RATE_HZ)) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE_HZ as f32;
                let env = 0.5 + 0.5 * (std::f32::consts::TAU * 3.0 * t).sin();
                env * 0.3
                    * ((std::f32::consts::TAU * 180.0 * t).sin()
                        + 0.5 * (std::f32::consts::TAU * 720.0 * t).sin())
            })
            .collect()
    }

    fn packets(secs: f64) -> Vec<Vec<u8>> {
        let mut enc = AudioEncoder::new(32_000).unwrap();
        voice_like(secs)
            .chunks_exact(FRAME)
            .map(|f| enc.encode(f).unwrap())
            .collect()
    }

    #[test]
    fn a_second_round_trips_at_16k_with_its_energy() {
        let pkts = packets(1.0);
        assert_eq!(pkts.len(), 50);
        let mut dec = AudioDecoder::new().unwrap();
        let mut out = Vec::new();
        for (i, p) in pkts.iter().enumerate() {
            dec.push(i as u16, p, &mut out).unwrap();
        }
        // One resampler chunk may still be inside the filter.
        assert!(
            out.len() >= 16_000 - 2 * 320 && out.len() <= 16_000,
            "{}",
            out.len()
        );
        let rms = (out.iter().map(|s| s * s).sum::<f32>() / out.len() as f32).sqrt();
        assert!(rms > 0.1, "decoded audio is too quiet: rms {rms}");
        assert_eq!(dec.stats().lost, 0);
    }

    #[test]
    fn lost_packets_are_filled_so_the_clock_holds() {
        let pkts = packets(1.0);
        let mut whole = Vec::new();
        let mut dec = AudioDecoder::new().unwrap();
        for (i, p) in pkts.iter().enumerate() {
            dec.push(i as u16, p, &mut whole).unwrap();
        }
        let mut gappy = Vec::new();
        let mut dec = AudioDecoder::new().unwrap();
        // Sequence numbers wrap through zero on the way.
        let base = u16::MAX - 20;
        for (i, p) in pkts.iter().enumerate() {
            if i % 10 == 3 || i == 20 || i == 21 {
                continue;
            }
            dec.push(base.wrapping_add(i as u16), p, &mut gappy)
                .unwrap();
        }
        assert_eq!(gappy.len(), whole.len(), "concealment keeps the length");
        let s = dec.stats();
        assert_eq!(s.lost, 7);
        assert!(s.recovered >= 5, "FEC rebuilt {} of 7", s.recovered);
    }

    #[test]
    fn late_repeated_and_corrupt_packets_never_stop_the_stream() {
        let pkts = packets(0.2);
        let mut dec = AudioDecoder::new().unwrap();
        let mut out = Vec::new();
        dec.push(5, &pkts[0], &mut out).unwrap();
        dec.push(6, &pkts[1], &mut out).unwrap();
        dec.push(6, &pkts[1], &mut out).unwrap();
        dec.push(4, &pkts[2], &mut out).unwrap();
        dec.push(7, &[0xff, 0xff, 0xff], &mut out).unwrap();
        dec.push(8, &pkts[3], &mut out).unwrap();
        let s = dec.stats();
        assert_eq!((s.stale, s.corrupt), (2, 1));
        // Four packets' worth of time, whatever each was made of.
        assert!(out.len() >= 4 * 320 - 2 * 320, "{}", out.len());
    }

    #[test]
    fn a_frame_of_the_wrong_length_is_refused() {
        let mut enc = AudioEncoder::new(32_000).unwrap();
        assert!(enc.encode(&[0.0; 480]).is_err());
    }
}
