//! The built-in interviewer: writes follow-ups offline from the analysis of the candidate's
//! code and the question's own follow-up hints. Deterministic, so it is also the fallback
//! whenever the LLM is down, slow or answers something unusable.

use super::FollowUpRequest;
use super::engine::FollowUp;
use crate::code::questions;
use crate::content::QuestionKind;
use crate::pipeline::messages::ReplySource;

/// Used only when neither the code nor the question's hints leave anything unasked.
const GENERIC: [&str; 3] = [
    "Could you walk me through a concrete example of that, step by step?",
    "What trade-offs did you consider, and what would make you choose differently?",
    "If you had more time, what would you improve first, and why?",
];

pub fn follow_up(req: &FollowUpRequest) -> FollowUp {
    let asked = |key: &str| req.asked.iter().any(|k| k == key);
    let from_code = req
        .code
        .iter()
        .flat_map(|c| questions(&c.analysis))
        .find(|q| !asked(&q.key))
        .map(|q| (q.key, q.text));
    // The résumé grounds a follow-up where it shares a skill with the question, or, for a
    // story question, where it lists a position the story may come from.
    let from_resume = || {
        let facts = req.resume.as_ref()?;
        let q = &req.question;
        let topic = format!("{} {} {}", q.prompt, q.rubric.join(" "), q.hints.join(" "));
        let shared = crate::resume::facts(&topic).skills;
        crate::resume::grounded(facts, &topic)
            .into_iter()
            .filter(|g| !asked(&g.key))
            .find(|g| {
                let skill = g.key.split(':').nth(1).unwrap_or("");
                shared.iter().any(|s| s == skill)
                    || (q.kind == QuestionKind::Behavioral && g.key.starts_with("resume:position:"))
            })
            .map(|g| (g.key, g.text))
    };
    let from_hints = || {
        req.question
            .hints
            .iter()
            .enumerate()
            .map(|(i, h)| (format!("hint:{i}"), h.clone()))
            .find(|(k, _)| !asked(k))
    };
    let generic = || {
        GENERIC
            .iter()
            .enumerate()
            .map(|(i, g)| (format!("generic:{i}"), g.to_string()))
            .find(|(k, _)| !asked(k))
    };
    let (key, text) = from_code
        .or_else(from_resume)
        .or_else(from_hints)
        .or_else(generic)
        .unwrap_or_else(|| {
            (
                "generic:last".into(),
                "Is there anything you would like to add before we move on?".into(),
            )
        });
    FollowUp {
        key,
        text,
        source: ReplySource::Builtin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Language, analyze};
    use crate::content::QuestionKind;
    use crate::pipeline::respond::CodeContext;
    use crate::pipeline::respond::engine::PlanItem;

    fn request(code: Option<&str>, asked: Vec<String>) -> FollowUpRequest {
        FollowUpRequest {
            question: PlanItem {
                question_id: 7,
                kind: QuestionKind::Coding,
                competency: "algorithms".into(),
                prompt: "Find pairs summing to a target.".into(),
                rubric: vec!["Linear time".into()],
                hints: vec!["How would you test it?".into()],
                max_follow_ups: 3,
                language: Some("python".into()),
                starter_code: None,
            },
            transcript: vec![],
            code: code.map(|c| CodeContext {
                language: Language::Python,
                code: c.into(),
                analysis: analyze(Language::Python, c).unwrap(),
            }),
            asked,
            resume: None,
        }
    }

    const PAIRS: &str = "def find_pairs(nums, target):\n    out = []\n    for a in nums:\n        for b in nums:\n            if a + b == target:\n                out.append((a, b))\n    return out\n";

    #[test]
    fn asks_about_the_code_naming_its_identifiers() {
        let f = follow_up(&request(Some(PAIRS), vec![]));
        assert!(f.text.contains("find_pairs"), "{}", f.text);
        assert!(f.text.ends_with('?'));
        assert_eq!(f.source, ReplySource::Builtin);
    }

    #[test]
    fn never_repeats_and_falls_back_to_hints_then_generic() {
        let mut asked: Vec<String> = Vec::new();
        let mut seen = Vec::new();
        loop {
            let f = follow_up(&request(Some(PAIRS), asked.clone()));
            if f.key == "generic:last" {
                break;
            }
            assert!(!asked.contains(&f.key), "repeated {}", f.key);
            asked.push(f.key);
            seen.push(f.text);
            assert!(seen.len() < 20, "no end to follow-ups");
        }
        let hint = seen
            .iter()
            .position(|t| t == "How would you test it?")
            .expect("the hint is asked");
        let generic = seen
            .iter()
            .position(|t| t.starts_with("Could you walk me through"))
            .expect("then a generic question");
        assert!(hint < generic, "{seen:?}");
    }
}
