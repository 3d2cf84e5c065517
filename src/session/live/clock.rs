//! The media clock of one live interview: seconds since the session started. Audio packets
//! leave at their media time, video frames leave at theirs, and the avatar's face is
//! computed for them, so sound and picture share one timeline however late a frame was
//! rendered.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct MediaClock {
    epoch: Instant,
}

impl MediaClock {
    pub fn start() -> Self {
        Self {
            epoch: Instant::now(),
        }
    }

    /// Media time now, in seconds.
    pub fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }

    /// The wall-clock instant of media time `t`.
    pub fn instant(&self, t: f64) -> Instant {
        self.epoch + Duration::from_secs_f64(t.max(0.0))
    }
}
