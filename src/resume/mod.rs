//! Résumés: the text of a PDF, DOCX or plain-text file (`extract`) and the skills and
//! positions in it (`facts`), which ground some of the interviewer's questions ("you mention
//! Kafka at Acme…"). A résumé belongs to one invitation and goes with it; it is never scored.

pub mod extract;
pub mod facts;

pub use extract::{ExtractError, FileKind, text_of};
pub use facts::{Facts, Grounded, facts, grounded};
