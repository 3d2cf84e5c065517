//! Code understanding: whether the candidate's explanation of their own code matches what the
//! analysis found, one follow-up at a time. The follow-up's topic (the key of the finding it
//! asked about) names what to check; its wording never enters. What counts as matching is a
//! fixed, readable list per kind of finding: the complexity the loops imply, the concepts a
//! correct explanation uses (an empty input for an unguarded index, the base case for
//! recursion), and the identifier asked about. Pure: analysis, topic and answer in.

use serde::Serialize;

use super::content::{AnswerTurn, Passage, passages};
use crate::code::{CodeAnalysis, Finding, FindingKind};

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
struct Expectation {
    /// What the group stands for, for the explanation.
    point: &'static str,
    cues: &'static [&'static str],
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

fn expectations(kind: FindingKind) -> &'static [Expectation] {
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

const EDGE_CASES: [Expectation; 2] = [
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

/// What a follow-up asked about, read from its key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub key: String,
    pub kind: Option<FindingKind>,
    pub function: Option<String>,
    pub identifier: Option<String>,
    /// The complexity the code has, where the finding implies one.
    pub complexity: Option<Complexity>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub point: String,
    pub met: bool,
    pub weight: f64,
    /// The candidate's words that met it.
    pub evidence: Option<Passage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Understanding {
    /// 0 to 1; none when the follow-up was about nothing the analysis found.
    pub value: Option<f64>,
    pub target: Option<Target>,
    pub checks: Vec<Check>,
    /// Complexities the answer stated, in the order of the classes.
    pub stated: Vec<Complexity>,
    /// The answer stated only complexities the code does not have.
    pub contradicts: bool,
    pub words: usize,
    pub explanation: String,
}

/// One answer checked against a short list moves in steps of 0.2 or more; a finer
/// uncertainty would claim precision the check does not have.
pub const UNCERTAINTY: f64 = 0.2;

/// Fewer words than this do not show understanding or its absence.
pub const MIN_WORDS: usize = 5;

/// Judges the answers to one follow-up about `analysis`, asked under `topic`.
pub fn score(
    analysis: &CodeAnalysis,
    topic: Option<&str>,
    answers: &[AnswerTurn],
) -> Understanding {
    let text: String = answers.iter().map(|a| a.text).collect::<Vec<_>>().join(" ");
    let words = text.split_whitespace().count();
    let stated = stated_complexities(&text);
    let Some(target) = topic.and_then(|t| target(analysis, t)) else {
        return Understanding {
            value: None,
            target: None,
            checks: Vec::new(),
            stated,
            contradicts: false,
            words,
            explanation: "the follow-up was not about something the code analysis found, so it says nothing of code understanding".into(),
        };
    };
    if words < MIN_WORDS {
        return Understanding {
            value: None,
            target: Some(target),
            checks: Vec::new(),
            stated,
            contradicts: false,
            words,
            explanation: format!(
                "not enough evidence: {words} words, at least {MIN_WORDS} are needed"
            ),
        };
    }
    let spans: Vec<Passage> = answers.iter().flat_map(passages).collect();
    let find = |cues: &[&str]| {
        spans
            .iter()
            .find(|p| cues.iter().any(|c| contains_cue(&normalize(&p.text), c)))
            .cloned()
    };
    let groups: &[Expectation] = match target.kind {
        Some(kind) => expectations(kind),
        None => &EDGE_CASES,
    };
    let mut checks = Vec::new();
    let mut contradicts = false;
    if let Some(expected) = target.complexity {
        let met = stated.contains(&expected);
        contradicts = !stated.is_empty() && !met;
        let evidence = met
            .then(|| {
                spans
                    .iter()
                    .find(|p| stated_complexities(&p.text).contains(&expected))
                    .cloned()
            })
            .flatten();
        checks.push(Check {
            point: format!("the complexity, {}", expected.notation()),
            met,
            weight: 0.4,
            evidence,
        });
    }
    let named = [target.identifier.as_deref(), target.function.as_deref()]
        .into_iter()
        .flatten()
        .map(spoken_name)
        .collect::<Vec<_>>();
    let group_weight = if target.complexity.is_some() {
        0.2
    } else {
        0.35
    };
    for g in groups {
        let evidence = find(g.cues);
        checks.push(Check {
            point: g.point.to_string(),
            met: evidence.is_some(),
            weight: group_weight,
            evidence,
        });
    }
    if !named.is_empty() {
        let cues: Vec<&str> = named.iter().map(String::as_str).collect();
        let evidence = find(&cues);
        checks.push(Check {
            point: format!("the code asked about (`{}`)", named.join("`, `")),
            met: evidence.is_some(),
            weight: 1.0 - checks.iter().map(|c| c.weight).sum::<f64>(),
            evidence,
        });
    }
    let total: f64 = checks.iter().map(|c| c.weight).sum();
    let value = checks
        .iter()
        .filter(|c| c.met)
        .map(|c| c.weight)
        .sum::<f64>()
        / total;
    let explanation = explain(&checks, &stated, contradicts, target.complexity);
    Understanding {
        value: Some(value),
        target: Some(target),
        checks,
        stated,
        contradicts,
        words,
        explanation,
    }
}

fn explain(
    checks: &[Check],
    stated: &[Complexity],
    contradicts: bool,
    expected: Option<Complexity>,
) -> String {
    let met: Vec<&str> = checks
        .iter()
        .filter(|c| c.met)
        .map(|c| c.point.as_str())
        .collect();
    let missed: Vec<&str> = checks
        .iter()
        .filter(|c| !c.met)
        .map(|c| c.point.as_str())
        .collect();
    let mut s = if met.is_empty() {
        "the answer did not address what the analysis found".to_string()
    } else {
        format!("explained {}", met.join("; "))
    };
    if !missed.is_empty() {
        s.push_str(&format!("; did not mention {}", missed.join("; ")));
    }
    if contradicts && let Some(e) = expected {
        let said: Vec<&str> = stated.iter().map(|c| c.notation()).collect();
        s.push_str(&format!(
            "; stated {} where the code is {}",
            said.join(" and "),
            e.notation()
        ));
    }
    s
}

/// The finding (or function) a follow-up key names: `kind:function:identifier`, or
/// `edge_cases:function`. Keys of hints, generic and model-written follow-ups name none.
fn target(analysis: &CodeAnalysis, key: &str) -> Option<Target> {
    let mut parts = key.splitn(3, ':');
    let head = parts.next()?;
    let function = parts.next().filter(|f| !f.is_empty()).map(str::to_string);
    let identifier = parts.next().filter(|i| !i.is_empty()).map(str::to_string);
    if head == "edge_cases" {
        return Some(Target {
            key: key.to_string(),
            kind: None,
            function,
            identifier: None,
            complexity: None,
        });
    }
    let kind = kind_named(head)?;
    let finding: &Finding = analysis
        .findings
        .iter()
        .find(|f| f.kind == kind && f.function == function && f.identifier == identifier)?;
    Some(Target {
        key: key.to_string(),
        kind: Some(kind),
        complexity: complexity_of(analysis, finding),
        function,
        identifier,
    })
}

fn kind_named(name: &str) -> Option<FindingKind> {
    [
        FindingKind::NestedLoop,
        FindingKind::Recursion,
        FindingKind::UnguardedIndex,
        FindingKind::NoErrorHandling,
        FindingKind::SwallowedError,
        FindingKind::SharedMutation,
        FindingKind::SortInLoop,
        FindingKind::LinearSearchInLoop,
    ]
    .into_iter()
    .find(|k| k.as_str() == name)
}

/// The growth the finding implies: a loop nest of depth d is n^d, a search or sort inside a
/// loop multiplies the loop by n (or n log n). Recursion's cost depends on more than the
/// analysis sees, so it implies none.
fn complexity_of(analysis: &CodeAnalysis, f: &Finding) -> Option<Complexity> {
    let depth = analysis
        .functions
        .iter()
        .find(|g| Some(&g.name) == f.function.as_ref())
        .map(|g| g.max_loop_depth);
    match f.kind {
        FindingKind::NestedLoop => match depth.unwrap_or(2) {
            0..=2 => Some(Complexity::Quadratic),
            _ => Some(Complexity::Cubic),
        },
        FindingKind::LinearSearchInLoop => Some(Complexity::Quadratic),
        FindingKind::SortInLoop => Some(Complexity::Quadratic),
        _ => None,
    }
}

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
fn normalize(text: &str) -> String {
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
fn contains_cue(text: &str, cue: &str) -> bool {
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
fn spoken_name(identifier: &str) -> String {
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
    use crate::code::{Language, analyze, questions};

    const TWO_SUM: &str = "def two_sum(nums, target):\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                return [i, j]\n    return None\n";

    const FIRST: &str = "def first_price(prices):\n    return prices[0]\n";

    fn analysis(src: &str) -> CodeAnalysis {
        analyze(Language::Python, src).unwrap()
    }

    fn key_of(a: &CodeAnalysis, kind: &str) -> String {
        questions(a)
            .into_iter()
            .map(|q| q.key)
            .find(|k| k.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} question in {:?}", questions(a)))
    }

    fn judge(src: &str, kind: &str, answer: &str) -> Understanding {
        let a = analysis(src);
        let key = key_of(&a, kind);
        score(&a, Some(&key), &[AnswerTurn::typed(1, answer)])
    }

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
    fn a_correct_explanation_of_a_nested_loop_scores_high() {
        let u = judge(
            TWO_SUM,
            "nested_loop",
            "The inner loop runs for every i, so for nums of length n this is O(n^2). A hash map of the values seen so far would make it linear time.",
        );
        assert!(u.value.unwrap() > 0.9, "{u:?}");
        assert!(!u.contradicts);
        let complexity = &u.checks[0];
        assert!(complexity.met);
        assert!(
            complexity
                .evidence
                .as_ref()
                .unwrap()
                .text
                .contains("O(n^2)")
        );
    }

    #[test]
    fn a_wrong_complexity_is_named_as_a_contradiction() {
        let u = judge(
            TWO_SUM,
            "nested_loop",
            "It just goes through nums once, so it is O(n), that is fine.",
        );
        assert!(u.contradicts);
        assert!(u.value.unwrap() < 0.5, "{u:?}");
        assert!(
            u.explanation
                .contains("stated O(n) where the code is O(n²)"),
            "{}",
            u.explanation
        );
    }

    #[test]
    fn an_unguarded_index_needs_the_empty_case() {
        let good = judge(
            FIRST,
            "unguarded_index",
            "If prices is empty, prices[0] raises an IndexError; I would check the length first and return None.",
        );
        let vague = judge(
            FIRST,
            "unguarded_index",
            "It returns the first price from the list we get.",
        );
        assert!(good.value.unwrap() >= 0.99, "{good:?}");
        assert!(vague.value.unwrap() < good.value.unwrap());
        assert!(
            vague.explanation.contains("did not mention"),
            "{}",
            vague.explanation
        );
    }

    #[test]
    fn a_follow_up_about_nothing_found_is_not_scored() {
        let a = analysis(TWO_SUM);
        for topic in [
            Some("hint:0"),
            Some("llm:2"),
            None,
            Some("nested_loop:other:xs"),
        ] {
            let u = score(
                &a,
                topic,
                &[AnswerTurn::typed(1, "I would add tests for it.")],
            );
            assert_eq!(u.value, None, "{topic:?}");
        }
    }

    #[test]
    fn too_few_words_are_not_enough_evidence() {
        let u = judge(TWO_SUM, "nested_loop", "Quadratic.");
        assert_eq!(u.value, None);
        assert!(u.explanation.starts_with("not enough evidence"));
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
