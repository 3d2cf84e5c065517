//! The interview pipeline, one folder per stage, joined only by the typed messages in
//! `messages`. Text mode uses `respond`; `transcribe` turns recorded speech into words.

pub mod messages;
pub mod respond;
pub mod transcribe;
