//! The interview pipeline, one folder per stage, joined only by the typed messages in
//! `messages`. Text mode uses `respond`; `listen` finds speech in audio and `transcribe`
//! turns it into words;
//! `speak` gives the interviewer its voice.

pub mod listen;
pub mod messages;
pub mod recording;
pub mod respond;
pub mod speak;
pub mod transcribe;
