//! Bias audits: impact ratios by sex, race/ethnicity and their intersections as NYC Local
//! Law 144's rules define them, with the four-fifths flag and a Fisher exact test
//! (`impact`), from exported CSV (`input`), reported as JSON, CSV or an HTML summary
//! (`report`), or from the organization's own scored interviews and its candidates' voluntary
//! self-identification (`own`).

pub mod impact;
pub mod input;
pub mod own;
pub mod report;

pub use impact::{AuditError, Exclusion, Mode, Record, Report, audit};
