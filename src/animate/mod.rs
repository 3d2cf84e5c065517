//! animate: what the avatar's face does, frame by frame, as pure functions of time (no GPU).
//! `visemes` turns the voice's phoneme timings into mouth-shape weights; `pose` adds the eyes,
//! head and breathing and stamps each frame on the media clock; `face` turns a pose into the
//! 52 ARKit blendshape weights (each viseme a weighted combination of them).

pub mod face;
pub mod pose;
pub mod visemes;

pub use pose::{Activity, Animator, AvatarPose};
pub use visemes::{VISEME_COUNT, Viseme, VisemeSettings, VisemeTrack, viseme_of};
