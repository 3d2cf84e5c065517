//! The interview pipeline, one folder per stage, joined only by the typed messages in
//! `messages`. Text mode uses `respond` alone; the voice stages join it later.

pub mod messages;
pub mod respond;
