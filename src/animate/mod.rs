//! animate: what the avatar's face does, frame by frame, as pure functions of time (no GPU).
//! `visemes` turns the voice's phoneme timings into mouth-shape weights.

pub mod visemes;

pub use visemes::{VISEME_COUNT, Viseme, VisemeSettings, VisemeTrack, viseme_of};
