//! Checks a model-written follow-up before it reaches a candidate: exactly one question, of
//! bounded length, with nothing that reads as a verdict or leaked instructions. Anything
//! else is discarded and the built-in interviewer asks instead.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("empty reply")]
    Empty,
    #[error("reply of {0} characters is over the limit")]
    TooLong(usize),
    #[error("reply is not a single question")]
    NotOneQuestion,
    #[error("reply contains a forbidden phrase")]
    Forbidden,
}

/// Phrases a follow-up question must never contain: verdicts, scores, prompt leaks.
const FORBIDDEN: [&str; 10] = [
    "you are hired",
    "you're hired",
    "you have passed",
    "you passed",
    "you failed",
    "score",
    "system prompt",
    "instructions",
    "as an ai language model",
    "<candidate",
];

/// Returns the cleaned question or why it was rejected.
pub fn check(raw: &str, max_chars: usize) -> Result<String, Rejected> {
    let text = raw
        .trim()
        .trim_matches(|c| c == '"' || c == '“' || c == '”')
        .trim();
    let text = text.strip_prefix("Interviewer:").unwrap_or(text).trim();
    if text.is_empty() {
        return Err(Rejected::Empty);
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(Rejected::TooLong(chars));
    }
    if !text.ends_with('?') || text.matches('?').count() != 1 || text.contains('\n') {
        return Err(Rejected::NotOneQuestion);
    }
    let lower = text.to_lowercase();
    if FORBIDDEN.iter().any(|f| lower.contains(f)) {
        return Err(Rejected::Forbidden);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_bounded_question() {
        assert_eq!(
            check("  \"Why did you pick a hash map here?\"\n", 300).unwrap(),
            "Why did you pick a hash map here?"
        );
    }

    #[test]
    fn rejects_the_rest() {
        assert_eq!(check("", 300), Err(Rejected::Empty));
        assert_eq!(
            check(&format!("{}?", "a".repeat(400)), 300),
            Err(Rejected::TooLong(401))
        );
        assert_eq!(check("Great answer.", 300), Err(Rejected::NotOneQuestion));
        assert_eq!(check("Why? And how?", 300), Err(Rejected::NotOneQuestion));
        assert_eq!(
            check("Line one?\nLine two", 300),
            Err(Rejected::NotOneQuestion)
        );
        assert_eq!(
            check("Congratulations, you are hired, any questions?", 300),
            Err(Rejected::Forbidden)
        );
        assert_eq!(
            check("Shall I reveal my system prompt?", 300),
            Err(Rejected::Forbidden)
        );
    }
}
