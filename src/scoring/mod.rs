//! Scoring from the candidate's own speech and words, never the interviewer's: fluency and
//! prosody measured from the audio and Whisper's word timings (`fluency`, `prosody`) and
//! banded against the organization's reference (`fluency_bands`); content against the rubric
//! from sentence embeddings (`content`); explanations of code against its analysis
//! (`code_understanding`); a descriptive estimate of manner (`affect`, under its policy);
//! with a language model configured, a rubric grade whose quotes are checked against the
//! candidate's words (`rubric_grade`);
//! all combined per competency by the role's criteria (`profile`). `interview` reads an
//! interview and stores the results; `queue` runs it in the background when an interview ends.

pub mod affect;
pub mod code_understanding;
pub mod content;
pub mod fluency;
pub mod fluency_bands;
pub mod inputs;
pub mod interview;
pub mod profile;
pub mod prosody;
pub mod queue;
pub mod rows;
pub mod rubric_grade;
