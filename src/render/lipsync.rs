//! Lip-sync as a viewer meets it: the avatar speaks a clip, the mouth's movement is read
//! from the rendered pixels frame by frame, and its best alignment with the loudness of the
//! same audio gives the offset between picture and sound.

use glam::Quat;

use super::measure::{self, best_lag, envelope_at_frames, mouth_change};
use super::{Avatar, RenderError, Renderer, VideoFrame};
use crate::animate::{Animator, AvatarPose, Viseme, VisemeSettings, VisemeTrack};
use crate::pipeline::messages::SpeechAudio;

/// Silence around the speech, so the mouth is seen at rest before and after.
const MARGIN_SECS: f64 = 0.3;
/// Offsets searched either way; far beyond what a viewer would accept.
pub const MAX_LAG_SECS: f64 = 0.25;

#[derive(Debug, Clone)]
pub struct LipSync {
    /// Positive when the picture runs late.
    pub offset_secs: f64,
    /// Pearson correlation of mouth movement and loudness at the best whole-frame lag.
    pub correlation: f32,
    pub frames: usize,
    /// Per frame: the mouth's movement from rest (pixels) and the audio's loudness (RMS).
    pub movement: Vec<f32>,
    pub loudness: Vec<f32>,
}

/// Renders `speech` at `fps` with the head held still (so the mouth stays inside its box;
/// the face's visemes, blinks and gaze are the animator's own) and measures the offset.
pub fn measure(
    renderer: &mut Renderer,
    avatar: &Avatar,
    speech: &SpeechAudio,
    fps: f64,
) -> Result<LipSync, RenderError> {
    let (width, height) = renderer.size();
    let region = measure::mouth_region(avatar, renderer.view_projection(), width, height)
        .ok_or_else(|| RenderError::Device("the mouth is outside the frame".into()))?;
    let rest = renderer.render_still(&AvatarPose::holding(Viseme::Sil))?;

    let mut animator = Animator::new(7);
    animator.say(
        VisemeTrack::new(&speech.phonemes, VisemeSettings::default()),
        MARGIN_SECS,
    );
    let frames = ((2.0 * MARGIN_SECS + speech.duration()) * fps).ceil() as usize;
    let mut movement = Vec::with_capacity(frames);
    let mut frame = VideoFrame::empty();
    for i in 0..frames {
        let mut pose = animator.pose(i as f64 / fps);
        pose.head = Quat::IDENTITY;
        pose.breath = 0.0;
        if renderer.render(&pose, &mut frame)? {
            movement.push(mouth_change(&frame, &rest, region));
        }
    }
    if renderer.finish(&mut frame)? {
        movement.push(mouth_change(&frame, &rest, region));
    }
    let loudness = envelope_at_frames(&speech.pcm, speech.sample_rate, fps, frames, MARGIN_SECS);
    let (offset_secs, correlation) = best_lag(&movement, &loudness, fps, MAX_LAG_SECS)
        .ok_or_else(|| RenderError::Device("the mouth never moved".into()))?;
    Ok(LipSync {
        offset_secs,
        correlation,
        frames,
        movement,
        loudness,
    })
}
