//! The whole face over time: mouth (from `visemes`), blinks at natural random intervals,
//! small saccades around the camera, breathing and a slow idle drift of the head, nods
//! while the candidate speaks, a look aside while a reply is being prepared, and an
//! immediate close of the mouth when the candidate interrupts. Pure and deterministic: a
//! seeded generator, and time given by the caller (the session's media clock), so the same
//! inputs give the same frames.

use glam::{EulerRot, Quat, Vec2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::visemes::{VISEME_COUNT, Viseme, VisemeTrack};

/// What the interviewer is doing, which sets the eyes' and head's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Idle,
    /// The candidate is speaking: attentive gaze, occasional nods.
    Listening,
    /// A reply is being prepared: the eyes drift up and aside.
    Thinking,
    Speaking,
}

/// One frame of the face, stamped with its time on the media clock (seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct AvatarPose {
    pub t: f64,
    /// Viseme weights, summing to 1 (`Viseme::Sil` is the neutral mouth).
    pub visemes: [f32; VISEME_COUNT],
    /// 0 open, 1 closed.
    pub blink: f32,
    /// Where the eyes look, relative to the camera: (yaw, pitch) in radians, up positive.
    pub gaze: Vec2,
    pub head: Quat,
    /// Brow raise, 0 to 1 (a little while listening or thinking).
    pub brows: f32,
    /// Breathing phase as chest rise, 0 to 1.
    pub breath: f32,
}

impl AvatarPose {
    /// The face held still on one mouth shape: eyes open toward the camera, head level, no
    /// breath (stills, golden images, the rest frame measurements compare against).
    pub fn holding(viseme: Viseme) -> Self {
        let mut visemes = [0.0; VISEME_COUNT];
        visemes[viseme.index()] = 1.0;
        AvatarPose {
            t: 0.0,
            visemes,
            blink: 0.0,
            gaze: Vec2::ZERO,
            head: Quat::IDENTITY,
            brows: 0.0,
            breath: 0.0,
        }
    }
}

const BLINK_CLOSE: f64 = 0.06;
const BLINK_OPEN: f64 = 0.10;
/// After a barge-in the mouth is neutral within this long.
pub const BARGE_IN_RELEASE: f64 = 0.05;
const NOD_SECS: f64 = 0.6;

pub struct Animator {
    rng: StdRng,
    activity: Activity,
    speech: Option<(VisemeTrack, f64)>,
    /// A cut-off mouth: the weights at the moment of the barge-in, and when it happened.
    cut: Option<([f32; VISEME_COUNT], f64)>,
    next_blink: f64,
    blink_start: Option<f64>,
    double_blink: bool,
    gaze_from: Vec2,
    gaze_to: Vec2,
    gaze_moved: f64,
    next_saccade: f64,
    next_nod: f64,
    nod_start: Option<f64>,
    last_t: f64,
}

impl Animator {
    pub fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let next_blink = rng.gen_range(1.0..3.0);
        Self {
            rng,
            activity: Activity::Idle,
            speech: None,
            cut: None,
            next_blink,
            blink_start: None,
            double_blink: false,
            gaze_from: Vec2::ZERO,
            gaze_to: Vec2::ZERO,
            gaze_moved: 0.0,
            next_saccade: 1.0,
            next_nod: f64::INFINITY,
            nod_start: None,
            last_t: 0.0,
        }
    }

    pub fn activity(&self) -> Activity {
        self.activity
    }

    pub fn set_activity(&mut self, activity: Activity, at: f64) {
        if activity == self.activity {
            return;
        }
        self.activity = activity;
        self.next_saccade = at;
        self.next_nod = if activity == Activity::Listening {
            at + self.rng.gen_range(2.0..4.0)
        } else {
            f64::INFINITY
        };
    }

    /// Speech whose audio starts playing at `at` on the media clock.
    pub fn say(&mut self, track: VisemeTrack, at: f64) {
        self.speech = Some((track, at));
        self.cut = None;
        self.set_activity(Activity::Speaking, at);
    }

    /// The candidate interrupted at `at`: the mouth closes at once, speech is dropped.
    pub fn barge_in(&mut self, at: f64) {
        let current = self.mouth(at);
        self.speech = None;
        self.cut = Some((current, at));
        self.set_activity(Activity::Listening, at);
    }

    fn mouth(&self, t: f64) -> [f32; VISEME_COUNT] {
        let mut neutral = [0.0; VISEME_COUNT];
        neutral[Viseme::Sil.index()] = 1.0;
        if let Some((track, start)) = &self.speech {
            return track.weights_at((t - start) as f32);
        }
        if let Some((weights, at)) = self.cut {
            let k = (1.0 - ((t - at) / BARGE_IN_RELEASE).clamp(0.0, 1.0)) as f32;
            let mut w = weights.map(|x| x * k);
            w[Viseme::Sil.index()] += 1.0 - k;
            return w;
        }
        neutral
    }

    /// The pose at `t`. Times must not go backwards; an earlier `t` is treated as the last one.
    pub fn pose(&mut self, t: f64) -> AvatarPose {
        let t = t.max(self.last_t);
        self.last_t = t;
        if let Some((track, start)) = &self.speech
            && t > start + f64::from(track.end())
        {
            self.speech = None;
            self.set_activity(Activity::Idle, t);
        }
        AvatarPose {
            t,
            visemes: self.mouth(t),
            blink: self.blink(t),
            gaze: self.gaze(t),
            head: self.head(t),
            brows: match self.activity {
                Activity::Listening => 0.15,
                Activity::Thinking => 0.3,
                _ => 0.0,
            },
            breath: (0.5 - 0.5 * (t * std::f64::consts::TAU / 4.0).cos()) as f32,
        }
    }

    /// Blinks every 2 to 6 s (about every 4 s, as people do in conversation), some doubled.
    fn blink(&mut self, t: f64) -> f32 {
        if self.blink_start.is_none() && t >= self.next_blink {
            self.blink_start = Some(self.next_blink);
        }
        let Some(start) = self.blink_start else {
            return 0.0;
        };
        let e = t - start;
        if e >= BLINK_CLOSE + BLINK_OPEN {
            self.blink_start = None;
            self.next_blink = if !self.double_blink && self.rng.gen_bool(0.1) {
                self.double_blink = true;
                start + BLINK_CLOSE + BLINK_OPEN + 0.08
            } else {
                self.double_blink = false;
                start + self.rng.gen_range(2.0..6.0)
            };
            return self.blink(t);
        }
        let x = if e < BLINK_CLOSE {
            e / BLINK_CLOSE
        } else {
            1.0 - (e - BLINK_CLOSE) / BLINK_OPEN
        };
        x.clamp(0.0, 1.0) as f32
    }

    /// Saccades: quick jumps (40 ms) between fixations near the camera; thinking looks away.
    fn gaze(&mut self, t: f64) -> Vec2 {
        // Saccades happen when scheduled, however far apart the frames are.
        while t >= self.next_saccade {
            let at = self.next_saccade;
            self.gaze_from = self.gaze_at(at);
            let deg = std::f32::consts::PI / 180.0;
            self.gaze_to = match self.activity {
                Activity::Thinking => Vec2::new(
                    self.rng.gen_range(8.0..12.0)
                        * deg
                        * if self.rng.gen_bool(0.5) { 1.0 } else { -1.0 },
                    self.rng.gen_range(6.0..10.0) * deg,
                ),
                _ => Vec2::new(
                    self.rng.gen_range(-2.0..2.0) * deg,
                    self.rng.gen_range(-1.5..1.5) * deg,
                ),
            };
            self.gaze_moved = at;
            self.next_saccade = at
                + match self.activity {
                    Activity::Thinking => self.rng.gen_range(1.5..3.0),
                    _ => self.rng.gen_range(0.6..2.5),
                };
        }
        self.gaze_at(t)
    }

    fn gaze_at(&self, t: f64) -> Vec2 {
        let k = ((t - self.gaze_moved) / 0.04).clamp(0.0, 1.0) as f32;
        self.gaze_from.lerp(self.gaze_to, k)
    }

    /// Slow drift from incommensurate sines, plus a nod now and then while listening.
    fn head(&mut self, t: f64) -> Quat {
        if self.nod_start.is_none() && t >= self.next_nod {
            self.nod_start = Some(t);
            self.next_nod = t + self.rng.gen_range(4.0..8.0);
        }
        let mut pitch = 0.012 * (t * 0.31).sin() + 0.006 * (t * 0.73).sin();
        if let Some(start) = self.nod_start {
            let e = (t - start) / NOD_SECS;
            if e >= 1.0 {
                self.nod_start = None;
            } else {
                pitch -= 0.07 * (e * std::f64::consts::PI).sin();
            }
        }
        if self.activity == Activity::Thinking {
            pitch += 0.03;
        }
        let yaw = 0.015 * (t * 0.23).sin() + 0.007 * (t * 0.57).sin();
        let roll = 0.006 * (t * 0.17).sin();
        Quat::from_euler(EulerRot::YXZ, yaw as f32, pitch as f32, roll as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::animate::VisemeSettings;
    use crate::pipeline::messages::Phoneme;

    fn frames(a: &mut Animator, secs: f64) -> Vec<AvatarPose> {
        (0..(secs * 30.0) as usize)
            .map(|i| a.pose(i as f64 / 30.0))
            .collect()
    }

    #[test]
    fn blinks_come_at_natural_intervals_and_close_the_eyes() {
        let mut a = Animator::new(7);
        let mut starts = Vec::new();
        let mut closed = false;
        for i in 0..(120 * 1000) {
            let p = a.pose(i as f64 / 1000.0);
            if p.blink > 0.95 && !closed {
                starts.push(p.t);
            }
            closed = p.blink > 0.95;
        }
        let gaps: Vec<f64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        let singles: Vec<f64> = gaps.iter().copied().filter(|g| *g > 1.0).collect();
        assert!(
            (20..=60).contains(&starts.len()),
            "{} blinks in 2 minutes",
            starts.len()
        );
        assert!(singles.iter().all(|g| (2.0..6.2).contains(g)), "{gaps:?}");
        let mean = singles.iter().sum::<f64>() / singles.len() as f64;
        assert!((3.0..5.0).contains(&mean), "mean gap {mean}");
    }

    #[test]
    fn the_same_seed_gives_the_same_frames() {
        let (mut a, mut b) = (Animator::new(3), Animator::new(3));
        assert_eq!(frames(&mut a, 10.0), frames(&mut b, 10.0));
    }

    #[test]
    fn thinking_looks_away_and_listening_nods() {
        let mut a = Animator::new(1);
        a.set_activity(Activity::Thinking, 0.0);
        let p = a.pose(0.5);
        assert!(p.gaze.length() > 0.1, "{:?}", p.gaze);
        a.set_activity(Activity::Listening, 1.0);
        let poses: Vec<AvatarPose> = (0..300).map(|i| a.pose(1.0 + i as f64 / 30.0)).collect();
        let min_pitch = poses
            .iter()
            .map(|p| p.head.to_euler(EulerRot::YXZ).1)
            .fold(f32::MAX, f32::min);
        assert!(min_pitch < -0.04, "no nod: lowest pitch {min_pitch}");
        // Back on the candidate within a saccade (40 ms) of the change.
        assert!(poses.iter().skip(2).all(|p| p.gaze.length() < 0.05));
        // The head never jumps between frames.
        for w in poses.windows(2) {
            assert!(w[0].head.angle_between(w[1].head) < 0.02);
        }
    }

    #[test]
    fn speech_moves_the_mouth_and_barge_in_closes_it_at_once() {
        let track = VisemeTrack::new(
            &[
                Phoneme {
                    symbol: "_".into(),
                    start: 0.0,
                    end: 0.1,
                },
                Phoneme {
                    symbol: "ɑ".into(),
                    start: 0.1,
                    end: 1.0,
                },
            ],
            VisemeSettings::default(),
        );
        let mut a = Animator::new(5);
        a.say(track, 2.0);
        assert_eq!(a.activity(), Activity::Speaking);
        assert!(a.pose(2.5).visemes[Viseme::Aa.index()] > 0.9);
        a.barge_in(2.6);
        assert!(
            a.pose(2.6).visemes[Viseme::Aa.index()] > 0.9,
            "no jump on the cut frame"
        );
        assert!(a.pose(2.6 + BARGE_IN_RELEASE).visemes[Viseme::Sil.index()] > 0.99);
        assert_eq!(a.activity(), Activity::Listening);
        // Speech that simply ends returns the face to idle.
        let track = VisemeTrack::new(
            &[Phoneme {
                symbol: "ɑ".into(),
                start: 0.0,
                end: 0.3,
            }],
            VisemeSettings::default(),
        );
        a.say(track, 5.0);
        a.pose(6.0);
        assert_eq!(a.activity(), Activity::Idle);
    }
}
