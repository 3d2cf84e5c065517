//! Turning findings into spoken follow-up questions about the candidate's own code.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::analysis::{FIELD, GLOBAL, MUT_PARAM, NO_BASE_CASE, STATIC_FIELD, STATIC_MUT};
use super::{CodeAnalysis, Finding, FindingKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeQuestion {
    /// Stable for the same finding across edits: kind, function and identifier, never the line.
    pub key: String,
    pub line: usize,
    pub text: String,
}

/// Correctness and complexity first; style-level concerns last.
const PRIORITY: [FindingKind; 8] = [
    FindingKind::NestedLoop,
    FindingKind::UnguardedIndex,
    FindingKind::Recursion,
    FindingKind::NoErrorHandling,
    FindingKind::SharedMutation,
    FindingKind::SwallowedError,
    FindingKind::LinearSearchInLoop,
    FindingKind::SortInLoop,
];

/// Follow-up questions about this code, most useful first. `key` is stable for the same finding
/// (kind + function + identifier, not the line, so resubmitting slightly edited code does not repeat a question).
pub fn questions(analysis: &CodeAnalysis) -> Vec<CodeQuestion> {
    let mut ordered: Vec<&Finding> = analysis.findings.iter().collect();
    ordered.sort_by_key(|f| (PRIORITY.iter().position(|k| *k == f.kind), f.line));
    let mut seen = HashSet::new();
    let mut out: Vec<CodeQuestion> = ordered
        .into_iter()
        .map(|f| CodeQuestion {
            key: key(f),
            line: f.line,
            text: text(f),
        })
        .filter(|q| seen.insert(q.key.clone()))
        .collect();
    if out.is_empty() {
        // Constructors and entry points rarely hold the interesting logic.
        let main = analysis
            .functions
            .iter()
            .find(|f| !matches!(f.name.as_str(), "main" | "__init__" | "constructor"))
            .or(analysis.functions.first());
        if let Some(f) = main {
            out.push(CodeQuestion {
                key: format!("edge_cases:{}", f.name),
                line: f.line,
                text: format!("How does `{}` handle empty or very large input?", f.name),
            });
        }
    }
    out
}

fn key(f: &Finding) -> String {
    let function = f.function.as_deref().unwrap_or("");
    let identifier = f.identifier.as_deref().unwrap_or("");
    format!("{}:{function}:{identifier}", f.kind.as_str())
}

/// The first backticked excerpt of a detail, e.g. `prices[0]`.
fn excerpt(detail: &str) -> Option<&str> {
    let rest = detail.split_once('`')?.1;
    rest.split_once('`').map(|(code, _)| code)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn text(f: &Finding) -> String {
    let line = f.line;
    let ident = f.identifier.as_deref().unwrap_or("it");
    // "In `f`, " or "" when at module level; `who` names the actor of a sentence.
    let within = f
        .function
        .as_ref()
        .map(|n| format!("In `{n}`, "))
        .unwrap_or_default();
    let who = f
        .function
        .as_ref()
        .map(|n| format!("`{n}`"))
        .unwrap_or_else(|| "This code".to_string());
    let question = match f.kind {
        FindingKind::NestedLoop => {
            let lead = if within.is_empty() {
                capitalize(&f.detail)
            } else {
                format!("{within}{}", f.detail)
            };
            format!(
                "{lead}. What is the time complexity, and how would it behave on a million elements?"
            )
        }
        FindingKind::Recursion if f.detail == NO_BASE_CASE => format!(
            "{who} calls itself on line {line}, and I don't see a base case before that call. \
             When does the recursion stop, and what happens with very deep input?"
        ),
        FindingKind::Recursion => {
            format!(
                "{who} calls itself on line {line}. What is the base case, and what happens with very deep nesting?"
            )
        }
        FindingKind::UnguardedIndex => {
            let read = excerpt(&f.detail).unwrap_or(ident);
            format!("On line {line} you read `{read}` — what happens if `{ident}` is empty?")
        }
        FindingKind::NoErrorHandling => {
            let io = [
                "open", "read", "write", "fetch", "File", "get(", "post(", "lines(",
            ]
            .iter()
            .any(|w| ident.contains(w));
            let what = if io {
                "the file is missing or the request fails"
            } else {
                "the input is malformed"
            };
            format!(
                "{who} calls `{ident}` on line {line} without handling a failure. What should happen if {what}?"
            )
        }
        FindingKind::SwallowedError => {
            let what = excerpt(&f.detail).unwrap_or("catch");
            if f.detail.contains("panics") {
                format!(
                    "{within}line {line} calls `{what}` on `{ident}`. When can that fail, and what should happen instead of a panic?"
                )
            } else if f.detail.contains("bare") {
                format!(
                    "{within}the bare `except:` on line {line} catches everything. Which errors do you actually expect there?"
                )
            } else {
                let caught = f
                    .identifier
                    .as_deref()
                    .map(|i| format!("`{i}`"))
                    .unwrap_or_else(|| "an error".to_string());
                format!(
                    "{within}the `{what}` on line {line} ignores errors silently. If {caught} occurs there, how would anyone find out?"
                )
            }
        }
        FindingKind::SharedMutation => shared_question(f, &who),
        FindingKind::SortInLoop => format!(
            "{within}`{ident}` is sorted on line {line} inside a loop. How often does that sort run, and could you sort once outside the loop?"
        ),
        FindingKind::LinearSearchInLoop => format!(
            "{within}line {line} searches `{ident}` inside a loop. If `{ident}` is a list, each lookup scans it — what data structure would make that faster?"
        ),
    };
    capitalize(&question)
}

fn shared_question(f: &Finding, who: &str) -> String {
    let (line, ident) = (f.line, f.identifier.as_deref().unwrap_or("it"));
    if f.detail.starts_with(STATIC_MUT) {
        format!(
            "`{ident}` is declared `static mut` on line {line}. How would you make access to it safe if several threads use it?"
        )
    } else if f.detail.starts_with(MUT_PARAM) {
        format!(
            "{who} mutates its `&mut` parameter `{ident}` on line {line}. Would a caller expect that, and could you return a new value instead?"
        )
    } else if f.detail.starts_with(STATIC_FIELD) {
        format!(
            "{who} modifies the static field `{ident}` on line {line}. What could go wrong if two threads call it at the same time?"
        )
    } else if f.detail.starts_with(FIELD) {
        format!(
            "{who} updates the field `{ident}` on line {line} without synchronization. What could go wrong if two threads call it at the same time?"
        )
    } else if f.detail.starts_with(GLOBAL) {
        format!(
            "{who} declares `global {ident}` on line {line} and changes it. What could go wrong if two requests call it at the same time?"
        )
    } else {
        format!(
            "{who} modifies the module-level `{ident}` on line {line}. What could go wrong if two requests call it at the same time?"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{FunctionInfo, Language};

    fn finding(
        kind: FindingKind,
        line: usize,
        function: Option<&str>,
        ident: Option<&str>,
        detail: &str,
    ) -> Finding {
        Finding {
            kind,
            line,
            function: function.map(str::to_string),
            identifier: ident.map(str::to_string),
            detail: detail.to_string(),
        }
    }

    fn analysis(findings: Vec<Finding>, functions: &[&str]) -> CodeAnalysis {
        CodeAnalysis {
            language: Language::Python,
            lines: 20,
            syntax_errors: 0,
            functions: functions
                .iter()
                .enumerate()
                .map(|(i, n)| FunctionInfo {
                    name: n.to_string(),
                    line: i + 1,
                    params: vec![],
                    recursive: false,
                    max_loop_depth: 0,
                })
                .collect(),
            findings,
        }
    }

    #[test]
    fn every_kind_yields_a_question_naming_its_code() {
        let findings = vec![
            finding(
                FindingKind::SortInLoop,
                3,
                Some("rank"),
                Some("scores"),
                "`scores.sort()` runs inside the loop on line 2",
            ),
            finding(
                FindingKind::LinearSearchInLoop,
                4,
                Some("rank"),
                Some("seen"),
                "`x in seen` scans `seen` inside the loop on line 2",
            ),
            finding(
                FindingKind::SwallowedError,
                5,
                Some("load"),
                None,
                "a bare `except:` catches every error, even ones you did not expect",
            ),
            finding(
                FindingKind::SwallowedError,
                6,
                None,
                Some("IOException"),
                "the `catch` block is empty, so errors vanish silently",
            ),
            finding(
                FindingKind::SwallowedError,
                7,
                Some("port"),
                Some("s.parse()"),
                "`.unwrap()` on `s.parse()` panics instead of handling the failure",
            ),
            finding(
                FindingKind::SharedMutation,
                9,
                Some("add_item"),
                Some("cache"),
                "modifies the module-level `cache`",
            ),
            finding(
                FindingKind::SharedMutation,
                1,
                None,
                Some("COUNTER"),
                "declares `static mut COUNTER`",
            ),
            finding(
                FindingKind::SharedMutation,
                2,
                Some("grow"),
                Some("v"),
                "mutates its `&mut` parameter `v`",
            ),
            finding(
                FindingKind::NoErrorHandling,
                5,
                Some("fetch_user"),
                Some("fetch()"),
                "`fetch(url)` can fail and nothing handles the error",
            ),
            finding(
                FindingKind::Recursion,
                7,
                Some("walk"),
                Some("walk"),
                NO_BASE_CASE,
            ),
            finding(
                FindingKind::UnguardedIndex,
                2,
                Some("first"),
                Some("prices"),
                "`prices[0]` is read without checking that `prices` is non-empty",
            ),
            finding(
                FindingKind::NestedLoop,
                4,
                None,
                Some("grid"),
                "the loop on line 4 runs inside the loop on line 3 over `grid`",
            ),
        ];
        let qs = questions(&analysis(findings, &[]));
        assert_eq!(qs.len(), 12);
        assert_eq!(qs[0].key, "nested_loop::grid");
        assert!(
            qs[0].text.starts_with("The loop on line 4 runs inside"),
            "{}",
            qs[0].text
        );
        assert_eq!(
            qs[1].text,
            "On line 2 you read `prices[0]` — what happens if `prices` is empty?"
        );
        assert!(qs[2].text.contains("I don't see a base case"));
        assert!(
            qs[3]
                .text
                .contains("the file is missing or the request fails")
        );
        for q in &qs {
            assert!(q.text.ends_with('?'), "{}", q.text);
            assert!(q.text.contains(&format!("line {}", q.line)), "{}", q.text);
            assert!(q.text.contains('`'), "{}", q.text);
            assert!(
                q.text.starts_with(char::is_uppercase) || q.text.starts_with('`'),
                "{}",
                q.text
            );
        }
        let texts: Vec<&str> = qs.iter().map(|q| q.text.as_str()).collect();
        assert!(texts.contains(
            &"`add_item` modifies the module-level `cache` on line 9. What could go wrong if two requests call it at the same time?"
        ));
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("In `port`, line 7 calls `.unwrap()` on `s.parse()`."))
        );
        assert!(texts.iter().any(|t| t.contains("`IOException` occurs")));
    }

    #[test]
    fn keys_ignore_lines_and_duplicates_collapse() {
        let a = finding(
            FindingKind::UnguardedIndex,
            2,
            Some("f"),
            Some("xs"),
            "`xs[0]` is read",
        );
        let b = finding(
            FindingKind::UnguardedIndex,
            9,
            Some("f"),
            Some("xs"),
            "`xs[-1]` is read",
        );
        let qs = questions(&analysis(vec![b, a], &["f"]));
        assert_eq!(qs.len(), 1);
        assert_eq!(
            (qs[0].key.as_str(), qs[0].line),
            ("unguarded_index:f:xs", 2)
        );
    }

    #[test]
    fn generic_question_only_without_findings() {
        let qs = questions(&analysis(vec![], &["main", "solve"]));
        assert_eq!(qs.len(), 1);
        assert_eq!(
            qs[0].text,
            "How does `solve` handle empty or very large input?"
        );
        assert_eq!((qs[0].key.as_str(), qs[0].line), ("edge_cases:solve", 2));
        assert!(questions(&analysis(vec![], &[])).is_empty());
    }
}
