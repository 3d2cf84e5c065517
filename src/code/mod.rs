//! Static analysis of code a candidate submits during an interview.
//!
//! This module owns turning submitted source (Python, JavaScript, Rust or Java) into a
//! [`CodeAnalysis`]: the functions it defines and [`Finding`]s such as nested loops, recursion,
//! unguarded indexing, unhandled parse/I/O failures, swallowed errors and shared mutation.
//! [`questions()`] turns those findings into spoken follow-up questions that name real identifiers
//! and line numbers, so the offline interviewer can probe the candidate's own code. Analysis is
//! purely syntactic (tree-sitter), tolerates syntax errors, and never executes anything.

mod analysis;
mod filter;
mod languages;
pub mod questions;
mod rules;
mod state;
mod syntax;
#[cfg(test)]
mod tests;

use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use analysis::analyze;
pub use questions::{CodeQuestion, questions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    Rust,
    Java,
}

impl Language {
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::JavaScript,
        Language::Rust,
        Language::Java,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::Rust => "rust",
            Language::Java => "java",
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "python" | "py" => Ok(Language::Python),
            "javascript" | "js" => Ok(Language::JavaScript),
            "rust" | "rs" => Ok(Language::Rust),
            "java" => Ok(Language::Java),
            _ => Err(CodeError::UnsupportedLanguage(s.to_string())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("unsupported language `{0}`: use python, javascript, rust or java")]
    UnsupportedLanguage(String),
    #[error("the {0} parser could not be loaded")]
    Parser(&'static str),
    #[error("the code could not be parsed")]
    Unparseable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeAnalysis {
    pub language: Language,
    pub lines: usize,
    /// ERROR and MISSING nodes; the rest of the tree is still analysed.
    pub syntax_errors: usize,
    /// In source order.
    pub functions: Vec<FunctionInfo>,
    /// In source order, at most one per (kind, function, identifier).
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionInfo {
    pub name: String,
    /// 1-based.
    pub line: usize,
    pub params: Vec<String>,
    pub recursive: bool,
    pub max_loop_depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// 1-based.
    pub line: usize,
    /// The enclosing named function; `None` at module level or in a top-level callback.
    pub function: Option<String>,
    pub identifier: Option<String>,
    /// A short English clause; code excerpts in it are wrapped in backticks.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A loop inside a loop; identifier: what the inner loop goes over.
    NestedLoop,
    /// A function calling itself; detail says whether a base case precedes the call.
    Recursion,
    /// `xs[0]`, `xs[i + 1]`, `s.charAt(0)` on a parameter never length-checked; identifier: `xs`.
    UnguardedIndex,
    /// Parsing or I/O whose failure nothing handles; identifier: the callee, e.g. `int()`.
    NoErrorHandling,
    /// Bare/empty `except`/`catch`, or Rust `.unwrap()`/`.expect()`; identifier: type or receiver.
    SwallowedError,
    /// Writes to module-level/static state or through a `&mut` parameter; identifier: the name.
    SharedMutation,
    /// Sorting inside a loop; identifier: what is sorted.
    SortInLoop,
    /// `x in xs`, `.includes`, `.indexOf`, `.contains` inside a loop; identifier: the collection.
    LinearSearchInLoop,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::NestedLoop => "nested_loop",
            FindingKind::Recursion => "recursion",
            FindingKind::UnguardedIndex => "unguarded_index",
            FindingKind::NoErrorHandling => "no_error_handling",
            FindingKind::SwallowedError => "swallowed_error",
            FindingKind::SharedMutation => "shared_mutation",
            FindingKind::SortInLoop => "sort_in_loop",
            FindingKind::LinearSearchInLoop => "linear_search_in_loop",
        }
    }
}

#[cfg(test)]
mod api_tests {
    use super::*;

    #[test]
    fn languages_parse_from_common_names() {
        for (name, want) in [
            ("python", Language::Python),
            ("PY", Language::Python),
            ("JavaScript", Language::JavaScript),
            ("js", Language::JavaScript),
            ("Rust", Language::Rust),
            ("rs", Language::Rust),
            (" java ", Language::Java),
        ] {
            assert_eq!(name.parse::<Language>().ok(), Some(want), "{name}");
        }
        for bad in ["typescript", "c++", "", "jav"] {
            let err = bad
                .parse::<Language>()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("unsupported language"), "{bad}: {err}");
        }
    }

    #[test]
    fn language_names_round_trip() {
        for language in Language::ALL {
            assert_eq!(language.as_str().parse::<Language>().ok(), Some(language));
            let json = serde_json::to_string(&language).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", language.as_str()));
        }
    }

    #[test]
    fn finding_kinds_serialize_snake_case() {
        let json = serde_json::to_string(&FindingKind::LinearSearchInLoop).unwrap_or_default();
        assert_eq!(json, "\"linear_search_in_loop\"");
        assert_eq!(
            json.trim_matches('"'),
            FindingKind::LinearSearchInLoop.as_str()
        );
    }
}
