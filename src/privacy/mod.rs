//! A candidate's rights over their data and the organization's duty to let it go:
//! `export` (everything stored about a candidate, as one zip) and `retention` (the
//! background job that applies each organization's retention periods). Erasure itself is a
//! single transaction in `db::erasure`.

pub mod export;
pub mod retention;
