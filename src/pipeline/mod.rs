//! The interview pipeline, one folder per stage, joined only by the typed messages in
//! `messages`. Text mode uses `respond`; `listen` finds speech in audio and `transcribe`
//! turns it into words.

pub mod listen;
pub mod messages;
pub mod respond;
pub mod transcribe;
