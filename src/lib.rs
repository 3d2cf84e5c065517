//! # interviewer
//!
//! A self-hostable service in which an AI interviewer interviews job candidates, by text now
//! and by voice and a rendered avatar as the pipeline grows.
//!
//! ```text
//! browser ──HTTP/WebSocket──▶ http (auth, access table) ──▶ session actor (one per interview)
//!                                                              │ CandidateInput
//!                                                              ▼
//!                                      pipeline::respond (engine state machine; follow-ups
//!                                      from the LLM or the built-in code-aware interviewer)
//!                                                              │ Reply
//!                                                              ▼
//!                                      db (turn + state persisted before anything is sent)
//! ```
//!
//! | start here | owns |
//! | --- | --- |
//! | [`cli`], [`app`] | commands; `AppState`, building and running the server |
//! | [`config`] | the one `Config`: defaults, TOML, env overrides, validation |
//! | [`http`] | routes with their access policies, pages, JSON API, `ApiError` |
//! | [`session`] | the per-interview actor and its registry |
//! | [`pipeline`] | stage messages and stages (`respond` so far) |
//! | [`code`] | tree-sitter analysis of submitted code |
//! | [`auth`] | roles, argon2id, tokens, login rate limiting |
//! | [`audio`], [`pipeline::transcribe`] | WAV decoding and resampling; Whisper speech to text |
//! | [`scoring`] | fluency and prosody measured from speech |
//! | [`privacy`], [`bias`] | a candidate's export, retention; bias audits |
//! | [`models`] | checking model files against models/manifest.toml |
//! | [`db`], [`content`] | entities and queries; question banks and prompts |

pub mod animate;
pub mod app;
pub mod audio;
pub mod auth;
pub mod bias;
pub mod charts;
pub mod cli;
pub mod code;
pub mod config;
pub mod content;
pub mod db;
pub mod demo;
pub mod embed;
pub mod http;
pub mod mail;
pub mod models;
pub mod onnx;
pub mod pdf;
pub mod pipeline;
pub mod priority;
pub mod privacy;
pub mod render;
pub mod resume;
pub mod rtc;
pub mod scoring;
pub mod session;
pub mod telemetry;
pub mod voice;
pub mod webhooks;
