//! The avatar's video for one live interview: a thread that computes the face for each
//! frame's media time, renders it (wgpu), encodes it (H.264) and hands it to the sender,
//! which lets it leave at that media time. Frames are rendered ahead of their time by one
//! frame interval, so the readback that runs one frame behind costs no lateness; but when
//! the voice is to start sooner than the next frame, that frame is rendered at once and
//! waited for, so a reply need only be scheduled as far ahead as two frames take to make.
//!
//! It renders less, not nothing, when the avatar idles (and less still while it thinks, when
//! the CPU goes to the candidate's last words), and lowers its frame rate when it falls
//! behind (a software device, a busy machine) before audio could ever suffer.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::clock::MediaClock;
use crate::animate::{Activity, Animator, VisemeTrack};
use crate::pipeline::messages::VideoFrame;
use crate::render::{Avatar, FrameSettings, Gpu, Renderer};
use crate::rtc::video_codec::{VideoEncoder, VideoSettings};

/// How long before its send time a frame's work starts, beyond one frame interval: the
/// H.264 encode and the hand-over to start with; `Pacing` widens it while frames still
/// leave late (a slow device), up to `MAX_MARGIN`.
const ENCODE_MARGIN: f64 = 0.03;
const MAX_MARGIN: f64 = 0.12;
/// Frames this late (seconds past their send time) count as falling behind.
const LATE: f64 = 0.008;
/// The most a reply waits for the video (seconds): on a machine this loaded, a first frame
/// of speech that leaves late is better than a reply that does.
const MAX_LEAD: f64 = 0.2;

/// What the face does, at a time on the media clock.
#[derive(Debug, Clone)]
pub enum Cue {
    Say { track: VisemeTrack, at: f64 },
    BargeIn { at: f64 },
    Activity { activity: Activity, at: f64 },
}

impl Cue {
    fn at(&self) -> f64 {
        match self {
            Cue::Say { at, .. } | Cue::BargeIn { at } | Cue::Activity { at, .. } => *at,
        }
    }
}

pub enum VideoCommand {
    Cue(Cue),
    /// The receiver lost its picture (PLI/FIR) or a new connection joined.
    Keyframe,
    /// Nobody is connected: render nothing until `Resume`.
    Pause,
    Resume,
    Stop,
}

/// An encoded frame and its capture time on the media clock.
pub struct EncodedFrame {
    pub data: Vec<u8>,
    pub t: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct VideoPlan {
    pub frame: FrameSettings,
    pub fps: u32,
    pub idle_fps: u32,
    pub thinking_fps: u32,
    pub bitrate: u32,
    pub keyframe_secs: f32,
}

/// Frame pacing, sans I/O: the interval to the next frame from what the face is doing and
/// how far behind the thread has been.
#[derive(Debug, Clone)]
pub struct Pacing {
    fps: f64,
    idle_fps: f64,
    thinking_fps: f64,
    /// The rate in force while active, lowered under load and raised again slowly.
    active_fps: f64,
    late_streak: u32,
    on_time_streak: u32,
    /// Lead beyond one interval, learned from how late frames leave.
    margin: f64,
}

impl Pacing {
    pub fn new(fps: u32, idle_fps: u32, thinking_fps: u32) -> Self {
        Self {
            fps: f64::from(fps),
            idle_fps: f64::from(idle_fps),
            thinking_fps: f64::from(thinking_fps),
            active_fps: f64::from(fps),
            late_streak: 0,
            on_time_streak: 0,
            margin: ENCODE_MARGIN,
        }
    }

    /// How long before a frame's send time (beyond one interval) its work starts.
    pub fn margin(&self) -> f64 {
        self.margin
    }

    /// After a frame went out `lateness` seconds after its time.
    pub fn record(&mut self, lateness: f64) {
        // Start earlier by a share of the lateness (later by a share of the slack), aiming
        // a few milliseconds early: frames that leave on time keep the picture in sync.
        self.margin = (self.margin + 0.2 * (lateness + 0.004)).clamp(ENCODE_MARGIN, MAX_MARGIN);
        if lateness > LATE {
            self.late_streak += 1;
            self.on_time_streak = 0;
            if self.late_streak >= 3 {
                self.active_fps = (self.active_fps * 0.8).max(self.idle_fps);
                self.late_streak = 0;
            }
        } else {
            self.on_time_streak += 1;
            self.late_streak = 0;
            if self.on_time_streak >= 50 && self.active_fps < self.fps {
                self.active_fps = (self.active_fps * 1.1).min(self.fps);
                self.on_time_streak = 0;
            }
        }
    }

    /// Full rate only while the mouth moves: listening needs little motion, and thinking
    /// (the candidate's turn just ended) less, while the CPU goes to transcribing it.
    pub fn interval(&self, activity: Activity) -> f64 {
        let fps = match activity {
            Activity::Speaking => self.active_fps,
            Activity::Thinking => self.thinking_fps.min(self.active_fps),
            _ => self.idle_fps.min(self.active_fps),
        };
        1.0 / fps
    }

    pub fn active_fps(&self) -> f64 {
        self.active_fps
    }
}

/// Starts the video thread. Frames go to `frames`; the thread ends on `Stop`, when the
/// command sender is dropped, or when `frames` closes.
pub fn spawn(
    clock: MediaClock,
    avatar: Arc<Avatar>,
    plan: VideoPlan,
    seed: u64,
    frames: mpsc::Sender<EncodedFrame>,
    lead: Arc<AtomicU32>,
) -> Result<(Sender<VideoCommand>, std::thread::JoinHandle<()>), String> {
    let gpu = Gpu::shared().map_err(|e| e.to_string())?;
    let renderer = Renderer::new(gpu, &avatar, plan.frame).map_err(|e| e.to_string())?;
    let encoder = VideoEncoder::new(VideoSettings {
        width: plan.frame.width,
        height: plan.frame.height,
        fps: plan.fps as f32,
        bitrate_bps: plan.bitrate,
        keyframe_secs: plan.keyframe_secs,
    })
    .map_err(|e| e.to_string())?;
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("live-video".into())
        .spawn(move || {
            crate::priority::lower_this_thread(crate::priority::YIELDING_NICENESS);
            let mut v = VideoLoop {
                clock,
                renderer,
                encoder,
                animator: Animator::new(seed),
                pacing: Pacing::new(plan.fps, plan.idle_fps, plan.thinking_fps),
                cues: Vec::new(),
                frames,
                paused: true,
                lead,
                cost: FrameCost::default(),
                planned: f64::INFINITY,
                speak_at: None,
            };
            if let Err(e) = v.run(rx) {
                tracing::error!(error = %e, "the avatar's video stopped");
            }
        })
        .map_err(|e| e.to_string())?;
    Ok((tx, thread))
}

struct VideoLoop {
    clock: MediaClock,
    renderer: Renderer,
    encoder: VideoEncoder,
    animator: Animator,
    pacing: Pacing,
    cues: Vec<Cue>,
    frames: mpsc::Sender<EncodedFrame>,
    paused: bool,
    /// How soon a frame can be ready (milliseconds): the audio task schedules speech at
    /// least this far ahead, so the first frame of it can show the mouth.
    lead: Arc<AtomicU32>,
    cost: FrameCost,
    /// The media time of the frame the thread is waiting to start.
    planned: f64,
    /// Speech due before `planned`: its first frame is made at once.
    speak_at: Option<f64>,
}

/// How long making a frame takes (render, readback, encode): a running mean of the latest
/// frames, so that one stalled frame does not hold back the replies after it.
#[derive(Debug, Clone, Copy)]
struct FrameCost(f64);

impl Default for FrameCost {
    fn default() -> Self {
        Self(0.03)
    }
}

impl FrameCost {
    fn record(&mut self, secs: f64) {
        self.0 = 0.8 * self.0 + 0.2 * secs.min(MAX_LEAD);
    }

    /// How far ahead speech must be scheduled: a cue may come just as a frame starts, and
    /// the first frame of the speech is made after it.
    fn lead(&self) -> f64 {
        (2.0 * self.0 + LATE).min(MAX_LEAD)
    }
}

impl VideoLoop {
    fn run(&mut self, rx: Receiver<VideoCommand>) -> Result<(), String> {
        let mut frame = VideoFrame::empty();
        let mut t = self.clock.now() + 0.1;
        let mut interval = self.pacing.interval(Activity::Idle);
        loop {
            // Work on frame `t` starts one interval before the previous frame leaves.
            let start_at = self.clock.instant(t - interval - self.pacing.margin());
            self.planned = t;
            if !self.wait_until(start_at, &rx)? {
                return Ok(());
            }
            if self.paused {
                // Nobody to send to: wait for a connection, then start from now.
                while self.paused {
                    match rx.recv() {
                        Ok(c) => {
                            if !self.command(c) {
                                return Ok(());
                            }
                        }
                        Err(_) => return Ok(()),
                    }
                }
                t = self.clock.now() + interval + self.pacing.margin();
                continue;
            }
            if let Some(at) = self.speak_at.take() {
                if !self.speak_now(at, &mut frame)? {
                    return Ok(());
                }
                interval = self.pacing.interval(Activity::Speaking);
                t = at + interval;
                continue;
            }
            let began = Instant::now();
            self.apply_cues(t);
            let pose = self.animator.pose(t);
            let ready = self
                .renderer
                .render(&pose, &mut frame)
                .map_err(|e| e.to_string())?;
            if ready && !self.send(&frame, began)? {
                return Ok(());
            }
            interval = self.pacing.interval(self.animator.activity());
            // Speech due before the next frame keeps the full rate.
            if self.cues.iter().any(|c| c.at() < t + 2.0 * interval) {
                interval = self.pacing.interval(Activity::Speaking);
            }
            t += interval;
            // Far behind (the machine stalled): skip ahead rather than send stale frames.
            let now = self.clock.now();
            if t + interval < now {
                t = now + interval;
            }
        }
    }

    /// The voice starts at `at`, before the next planned frame: the frame in flight leaves
    /// if it shows a moment before that (a later one would show a shut mouth over the
    /// voice), and the frame at `at` is rendered and waited for. False when nobody takes
    /// frames any more.
    fn speak_now(&mut self, at: f64, frame: &mut VideoFrame) -> Result<bool, String> {
        let began = Instant::now();
        let in_flight = self.renderer.finish(frame).map_err(|e| e.to_string())?;
        if in_flight && frame.t < at && !self.send(frame, began)? {
            return Ok(false);
        }
        let began = Instant::now();
        self.apply_cues(at);
        let pose = self.animator.pose(at);
        self.renderer
            .render(&pose, frame)
            .map_err(|e| e.to_string())?;
        if self.renderer.finish(frame).map_err(|e| e.to_string())? {
            return self.send(frame, began);
        }
        Ok(true)
    }

    /// Encodes a rendered frame and hands it to the sender; notes how late it was and how
    /// long it took since `began`. False when nobody takes frames any more.
    fn send(&mut self, frame: &VideoFrame, began: Instant) -> Result<bool, String> {
        let data = self.encoder.encode(frame).map_err(|e| e.to_string())?;
        if !data.is_empty() {
            let sent = EncodedFrame { data, t: frame.t };
            if self.frames.blocking_send(sent).is_err() {
                return Ok(false);
            }
        }
        self.pacing.record(self.clock.now() - frame.t);
        self.cost.record(began.elapsed().as_secs_f64());
        let lead = (self.cost.lead() * 1000.0).ceil() as u32;
        self.lead.store(lead, Ordering::Relaxed);
        Ok(true)
    }

    /// Sleeps until `deadline`, taking commands meanwhile; false when told to stop. Returns
    /// early when speech is due before the frame waited for.
    fn wait_until(
        &mut self,
        deadline: Instant,
        rx: &Receiver<VideoCommand>,
    ) -> Result<bool, String> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let cmd = if left.is_zero() {
                match rx.try_recv() {
                    Ok(c) => c,
                    Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(true),
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => return Ok(false),
                }
            } else {
                match rx.recv_timeout(left.min(Duration::from_millis(500))) {
                    Ok(c) => c,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return Ok(false),
                }
            };
            if !self.command(cmd) {
                return Ok(false);
            }
            if self.speak_at.is_some() {
                return Ok(true);
            }
        }
    }

    /// Applies a command; false on `Stop`.
    fn command(&mut self, cmd: VideoCommand) -> bool {
        match cmd {
            VideoCommand::Cue(c) => {
                if let Cue::Say { at, .. } = c
                    && !self.paused
                    && at < self.planned
                {
                    self.speak_at = Some(self.speak_at.map_or(at, |s| s.min(at)));
                }
                self.cues.push(c);
            }
            VideoCommand::Keyframe => self.encoder.request_keyframe(),
            VideoCommand::Pause => {
                self.paused = true;
                self.speak_at = None;
            }
            VideoCommand::Resume => {
                self.paused = false;
                self.encoder.request_keyframe();
            }
            VideoCommand::Stop => return false,
        }
        true
    }

    /// Hands the animator every cue due by `t`, in time order. Speech is handed over a
    /// little early: its visemes anticipate the audio.
    fn apply_cues(&mut self, t: f64) {
        const ANTICIPATION: f64 = 0.1;
        self.cues.sort_by(|a, b| a.at().total_cmp(&b.at()));
        let due = self
            .cues
            .iter()
            .take_while(|c| match c {
                Cue::Say { at, .. } => *at <= t + ANTICIPATION,
                other => other.at() <= t,
            })
            .count();
        for cue in self.cues.drain(..due) {
            match cue {
                Cue::Say { track, at } => self.animator.say(track, at),
                Cue::BargeIn { at } => self.animator.barge_in(at),
                Cue::Activity { activity, at } => self.animator.set_activity(activity, at),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_renders_less_and_lateness_lowers_the_rate() {
        let mut p = Pacing::new(25, 10, 5);
        assert!((p.interval(Activity::Speaking) - 0.04).abs() < 1e-9);
        assert!((p.interval(Activity::Idle) - 0.1).abs() < 1e-9);
        assert!((p.interval(Activity::Listening) - 0.1).abs() < 1e-9);
        assert!((p.interval(Activity::Thinking) - 0.2).abs() < 1e-9);
        for _ in 0..3 {
            p.record(0.05);
        }
        assert!((p.active_fps() - 20.0).abs() < 1e-9);
        for _ in 0..60 {
            p.record(0.0);
        }
        assert!(p.active_fps() > 20.0 && p.active_fps() <= 25.0);
        for _ in 0..300 {
            p.record(0.5);
        }
        assert!(
            (p.active_fps() - 10.0).abs() < 1e-9,
            "never below the idle rate"
        );
        assert!(
            (p.margin() - MAX_MARGIN).abs() < 1e-9,
            "late frames start earlier"
        );
        for _ in 0..300 {
            p.record(-0.05);
        }
        assert!(
            (p.margin() - ENCODE_MARGIN).abs() < 1e-9,
            "early ones later again"
        );
    }

    #[test]
    fn the_lead_is_two_typical_frames_and_a_stall_neither_holds_nor_exceeds_it() {
        let mut c = FrameCost::default();
        for _ in 0..50 {
            c.record(0.02);
        }
        assert!((c.lead() - (0.04 + LATE)).abs() < 1e-3);
        c.record(1.5);
        assert!(c.lead() < 0.13, "one stalled frame: {}", c.lead());
        for _ in 0..10 {
            c.record(0.02);
        }
        assert!(c.lead() < 0.06, "back to typical: {}", c.lead());
        for _ in 0..50 {
            c.record(0.3);
        }
        assert!(
            (c.lead() - MAX_LEAD).abs() < 1e-9,
            "capped on a loaded machine"
        );
    }
}
