//! animate: what the avatar's face does, frame by frame, as pure functions of time (no GPU).
//! `visemes` turns the voice's phoneme timings into mouth-shape weights; `pose` adds the eyes,
//! head and breathing and stamps each frame on the media clock.

pub mod pose;
pub mod visemes;

pub use pose::{Activity, Animator, AvatarPose};
pub use visemes::{VISEME_COUNT, Viseme, VisemeSettings, VisemeTrack, viseme_of};
