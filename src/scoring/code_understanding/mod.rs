//! Code understanding: whether the candidate's explanation of their own code matches what the
//! analysis found, one follow-up at a time. The follow-up's topic (the key of the finding it
//! asked about) names what to check; its wording never enters. What counts as matching is a
//! fixed, readable list per kind of finding: the complexity the loops imply, the concepts a
//! correct explanation uses (an empty input for an unguarded index, the base case for
//! recursion), and the identifier asked about. Pure: analysis, topic and answer in.

mod cues;

use serde::Serialize;

use super::content::{AnswerTurn, Passage, passages};
use crate::code::{CodeAnalysis, Finding, FindingKind};
pub use cues::{Complexity, stated_complexities};
use cues::{EDGE_CASES, Expectation, contains_cue, expectations, normalize, spoken_name};

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
}
