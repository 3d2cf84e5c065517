//! sea-orm entities, one per table of the migrations crate. Query functions live beside this
//! module in db/, never in HTTP or pipeline code.

pub mod audit_entry;
pub mod auth_session;
pub mod bootstrap_token;
pub mod code_submission;
pub mod criterion;
pub mod decision;
pub mod demographic;
pub mod integrity_event;
pub mod interview;
pub mod invitation;
pub mod job;
pub mod job_bank;
pub mod job_question;
pub mod notice;
pub mod organization;
pub mod profile;
pub mod question;
pub mod question_bank;
pub mod resume;
pub mod retention_policy;
pub mod score;
pub mod turn;
pub mod turn_recording;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
