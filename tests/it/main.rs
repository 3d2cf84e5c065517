//! The integration test binary: the real server on port 0 with a temporary database
//! (SQLite, or PostgreSQL when IT_DATABASE_URL points at a server), driven over HTTP and
//! WebSocket like a browser would, plus a Chromium run and a process-kill test.

mod access_matrix;
mod alternative;
mod animate;
mod audit_log;
mod banks;
mod bias_audit;
mod browser;
mod content_scores;
mod embedding;
mod fake_llm;
mod helpers;
mod interview_flow;
mod live;
mod llm_follow_ups;
mod notices;
mod openapi;
mod oversight;
mod privacy;
mod profile_scores;
mod recruiting;
mod render;
mod restart;
mod rubric_grades;
mod smtp;
mod speak;
mod speech;
mod steady_memory;
mod voice_answers;
mod webhooks;
