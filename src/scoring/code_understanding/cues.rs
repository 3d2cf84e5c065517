//! What an explanation of code may say, and how it is heard in text: the growth classes and
//! the ways of stating them (written or spoken), the points a correct explanation of each
//! kind of finding makes with the cues that show them, and matching at word boundaries
//! (identifiers as they sound: `two_sum` is "two sum").

use serde::Serialize;

use crate::code::FindingKind;

/// Growth classes an answer can state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    Constant,
    Logarithmic,
    Linear,
    Linearithmic,
    Quadratic,
    Cubic,
    Exponential,
}

impl Complexity {
    pub fn notation(self) -> &'static str {
        match self {
            Self::Constant => "O(1)",
            Self::Logarithmic => "O(log n)",
            Self::Linear => "O(n)",
            Self::Linearithmic => "O(n log n)",
            Self::Quadratic => "O(n²)",
            Self::Cubic => "O(n³)",
            Self::Exponential => "O(2ⁿ)",
        }
    }
}

/// Ways of saying each class, written and spoken, most specific first: a phrase is removed
/// once read, so "n log n" is not also read as "log n".
const COMPLEXITY_PHRASES: [(&str, Complexity); 30] = [
    ("o(n^3)", Complexity::Cubic),
    ("o(n³)", Complexity::Cubic),
    ("n cubed", Complexity::Cubic),
    ("cubic", Complexity::Cubic),
    ("o(2^n)", Complexity::Exponential),
    ("exponential", Complexity::Exponential),
    ("o(n log n)", Complexity::Linearithmic),
    ("o(nlogn)", Complexity::Linearithmic),
    ("n log n", Complexity::Linearithmic),
    ("nlogn", Complexity::Linearithmic),
    ("linearithmic", Complexity::Linearithmic),
    ("o(n^2)", Complexity::Quadratic),
    ("o(n²)", Complexity::Quadratic),
    ("o(n*n)", Complexity::Quadratic),
    ("o(n 2)", Complexity::Quadratic),
    ("n squared", Complexity::Quadratic),
    ("n^2", Complexity::Quadratic),
    ("quadratic", Complexity::Quadratic),
    ("o(log n)", Complexity::Logarithmic),
    ("o of log n", Complexity::Logarithmic),
    ("logarithmic", Complexity::Logarithmic),
    ("o(1)", Complexity::Constant),
    ("o of 1", Complexity::Constant),
    ("o of one", Complexity::Constant),
    ("constant time", Complexity::Constant),
    ("o(n)", Complexity::Linear),
    ("o of n", Complexity::Linear),
    ("linear time", Complexity::Linear),
    ("single pass", Complexity::Linear),
    ("one pass", Complexity::Linear),
];

/// Concepts a correct explanation of a finding uses; each group is one point to make.
pub(super) struct Expectation {
    /// What the group stands for, for the explanation.
    pub(super) point: &'static str,
    pub(super) cues: &'static [&'static str],
}

const BETTER_DATA_STRUCTURE: Expectation = Expectation {
    point: "a faster approach (a hash set or map, sorting, two pointers)",
    cues: &[
        "hash",
        "set",
        "dictionary",
        "dict",
        "map",
        "sort",
        "two pointer",
        "lookup",
        "seen",
    ],
};

pub(super) fn expectations(kind: FindingKind) -> &'static [Expectation] {
    match kind {
        FindingKind::NestedLoop => &[
            Expectation {
                point: "the loop inside a loop",
                cues: &[
                    "nested",
                    "inner loop",
                    "outer loop",
                    "loop inside",
                    "every pair",
                    "each pair",
                    "all pairs",
                    "for each",
                    "twice",
                ],
            },
            BETTER_DATA_STRUCTURE,
        ],
        FindingKind::LinearSearchInLoop => &[
            Expectation {
                point: "the search inside the loop",
                cues: &[
                    "search",
                    "scan",
                    "contains",
                    "includes",
                    "index of",
                    "indexof",
                    "in the list",
                    "goes through",
                    "looks through",
                ],
            },
            BETTER_DATA_STRUCTURE,
        ],
        FindingKind::SortInLoop => &[
            Expectation {
                point: "the sorting inside the loop",
                cues: &["sort", "sorting", "sorted"],
            },
            Expectation {
                point: "sorting once, outside the loop (or a heap)",
                cues: &[
                    "once",
                    "outside the loop",
                    "before the loop",
                    "heap",
                    "insert",
                ],
            },
        ],
        FindingKind::UnguardedIndex => &[
            Expectation {
                point: "the input that breaks it (empty, too short)",
                cues: &[
                    "empty",
                    "no elements",
                    "zero length",
                    "length",
                    "len",
                    "size",
                    "bounds",
                    "out of range",
                    "indexerror",
                    "index error",
                    "exception",
                    "crash",
                    "null",
                    "none",
                    "missing",
                    "short",
                ],
            },
            Expectation {
                point: "a guard (a check or an early return)",
                cues: &[
                    "check",
                    "guard",
                    "validate",
                    "if",
                    "return early",
                    "early return",
                    "handle",
                    "raise",
                    "throw",
                ],
            },
        ],
        FindingKind::Recursion => &[
            Expectation {
                point: "the base case",
                cues: &["base case", "stop", "terminate", "ends when", "until"],
            },
            Expectation {
                point: "the cost of recursing (stack depth, repeated work)",
                cues: &[
                    "stack",
                    "depth",
                    "overflow",
                    "recursion limit",
                    "iterative",
                    "memo",
                    "cache",
                    "repeated",
                ],
            },
        ],
        FindingKind::NoErrorHandling => &[
            Expectation {
                point: "the input that fails",
                cues: &[
                    "invalid",
                    "error",
                    "exception",
                    "fail",
                    "bad input",
                    "malformed",
                    "not a number",
                    "missing",
                ],
            },
            Expectation {
                point: "handling it",
                cues: &[
                    "try",
                    "catch",
                    "except",
                    "handle",
                    "validate",
                    "check",
                    "raise",
                    "throw",
                    "result",
                    "return an error",
                ],
            },
        ],
        FindingKind::SwallowedError => &[
            Expectation {
                point: "what the silent failure hides",
                cues: &[
                    "swallow", "hide", "ignore", "silent", "lost", "unwrap", "panic", "crash",
                ],
            },
            Expectation {
                point: "reporting it instead",
                cues: &[
                    "log",
                    "propagate",
                    "re-raise",
                    "reraise",
                    "rethrow",
                    "return an error",
                    "specific",
                    "handle",
                ],
            },
        ],
        FindingKind::SharedMutation => &[
            Expectation {
                point: "the shared state it changes",
                cues: &[
                    "global",
                    "shared",
                    "state",
                    "static",
                    "side effect",
                    "mutat",
                    "modif",
                ],
            },
            Expectation {
                point: "why that matters (threads, tests, callers)",
                cues: &[
                    "thread",
                    "concurren",
                    "race",
                    "lock",
                    "copy",
                    "pure",
                    "test",
                    "caller",
                ],
            },
        ],
    }
}

pub(super) const EDGE_CASES: [Expectation; 2] = [
    Expectation {
        point: "small or empty input",
        cues: &[
            "empty",
            "zero",
            "null",
            "none",
            "nothing",
            "single",
            "one element",
        ],
    },
    Expectation {
        point: "very large input",
        cues: &[
            "large",
            "big",
            "million",
            "memory",
            "overflow",
            "performance",
            "slow",
            "time",
        ],
    },
];

/// The complexity classes stated in `text`.
pub fn stated_complexities(text: &str) -> Vec<Complexity> {
    let mut rest = normalize(text)
        .replace("big o", "o")
        .replace("o(n) squared", "o(n^2)")
        .replace("o of n squared", "n squared")
        .replace("n to the power of two", "n squared")
        .replace("n times n", "n squared");
    let mut found = Vec::new();
    for (phrase, class) in COMPLEXITY_PHRASES {
        while let Some(at) = find_phrase(&rest, phrase) {
            rest.replace_range(at..at + phrase.len(), " ");
            found.push(class);
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Lowercase, with the spoken forms of symbols as words and runs of space collapsed.
pub(super) fn normalize(text: &str) -> String {
    let lower = text.to_lowercase().replace(['`', '"'], " ");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `phrase` at word boundaries (so "set" is not found in "offset").
fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let boundary = |i: usize| i >= bytes.len() || !bytes[i].is_ascii_alphanumeric();
    let mut from = 0;
    while let Some(rel) = text[from..].find(phrase) {
        let at = from + rel;
        let before_ok = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let first = phrase.as_bytes()[0];
        let starts_word = !first.is_ascii_alphanumeric() || before_ok;
        if starts_word && boundary(at + phrase.len()) {
            return Some(at);
        }
        from = at + phrase.len().max(1);
    }
    None
}

/// A cue at the start of a word; cues that are stems ("mutat", "concurren") match longer
/// words, whole-word cues match the word and its plural.
pub(super) fn contains_cue(text: &str, cue: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(rel) = text[from..].find(cue) {
        let at = from + rel;
        let starts = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let end = at + cue.len();
        let tail: String = text[end..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let stem = STEMS.contains(&cue);
        if starts && (stem || tail.is_empty() || tail == "s" || tail == "es" || tail == "ed") {
            return true;
        }
        from = end;
    }
    false
}

/// Cues written as the start of several words.
const STEMS: [&str; 5] = ["mutat", "modif", "concurren", "terminat", "swallow"];

/// How an identifier sounds in a transcript: `two_sum` and `twoSum` are "two sum".
pub(super) fn spoken_name(identifier: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in identifier.chars() {
        if c == '_' || c == '-' || c == '.' {
            out.push(' ');
            prev_lower = false;
        } else if c.is_uppercase() && prev_lower {
            out.push(' ');
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else {
            out.extend(c.to_lowercase());
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complexities_are_read_written_and_spoken() {
        use Complexity::*;
        for (text, want) in [
            ("It is O(n^2) in the worst case.", vec![Quadratic]),
            (
                "big O of n squared, because of the inner loop",
                vec![Quadratic],
            ),
            ("sorting makes it n log n", vec![Linearithmic]),
            (
                "with a set it becomes O(n) instead of quadratic",
                vec![Linear, Quadratic],
            ),
            ("a linear search is slow", vec![]),
            ("lookups are constant time", vec![Constant]),
        ] {
            assert_eq!(stated_complexities(text), want, "{text}");
        }
    }

    #[test]
    fn identifiers_are_heard_as_spoken() {
        assert_eq!(spoken_name("two_sum"), "two sum");
        assert_eq!(spoken_name("firstPrice"), "first price");
        assert_eq!(spoken_name("HTTPServer"), "httpserver");
        assert!(contains_cue("the two sums differ", "two sum"));
        assert!(!contains_cue("an offset of one", "set"));
        assert!(contains_cue("it mutates the list", "mutat"));
    }
}
