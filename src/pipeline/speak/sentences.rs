//! Splitting a reply into the sentences that are synthesized one at a time, so the first
//! one can play while the rest are still being made.

/// Above this many characters a sentence is split again at a comma or semicolon: a long
/// first chunk would delay the first audio.
const MAX_CHUNK_CHARS: usize = 220;

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "prof.", "approx.", "no.",
];

/// The reply's sentences, trimmed, in order; text without words gives none.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(if c.is_whitespace() { ' ' } else { c });
        let ends = c == '\n'
            || (matches!(c, '.' | '!' | '?')
                && chars.peek().is_none_or(|next| next.is_whitespace())
                && !ends_with_abbreviation(&current));
        if ends {
            // Keep runs like "?!" or "..." with the sentence they close.
            while let Some(&next) = chars.peek() {
                if matches!(next, '.' | '!' | '?') {
                    current.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            push_chunks(&mut out, &current);
            current.clear();
        }
    }
    push_chunks(&mut out, &current);
    out
}

fn ends_with_abbreviation(text: &str) -> bool {
    let last = text
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    ABBREVIATIONS.contains(&last.as_str())
        // A single capital letter and a period: an initial, as in "John F. Kennedy".
        || (last.len() == 2 && last.ends_with('.') && text.trim_end().len() > 2
            && text.trim_end().chars().rev().nth(1).is_some_and(char::is_uppercase))
}

/// Pushes `sentence` (collapsed whitespace), split at clause punctuation when too long.
fn push_chunks(out: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if !sentence.chars().any(char::is_alphanumeric) {
        return;
    }
    let mut rest = sentence.as_str();
    while rest.chars().count() > MAX_CHUNK_CHARS {
        let window: String = rest.chars().take(MAX_CHUNK_CHARS).collect();
        let Some(cut) = window.rfind([',', ';', ':']).filter(|&i| i > 0) else {
            break;
        };
        out.push(rest[..=cut].trim().to_string());
        rest = rest[cut + 1..].trim_start();
    }
    if rest.chars().any(char::is_alphanumeric) {
        out.push(rest.trim().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_sentence_ends_only() {
        assert_eq!(
            sentences("Hello there. Tell me about a project, e.g. one you led!  Why?"),
            [
                "Hello there.",
                "Tell me about a project, e.g. one you led!",
                "Why?"
            ]
        );
        assert_eq!(
            sentences("Version 2.5 shipped. Done"),
            ["Version 2.5 shipped.", "Done"]
        );
        assert_eq!(
            sentences("John F. Kennedy spoke?! Yes..."),
            ["John F. Kennedy spoke?!", "Yes..."]
        );
    }

    #[test]
    fn text_without_words_gives_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences("  ... ?! \n").is_empty());
    }

    #[test]
    fn long_sentences_split_at_clauses() {
        let long = format!("{}, and then {}.", "word ".repeat(40), "more ".repeat(20));
        let chunks = sentences(&long);
        assert_eq!(chunks.len(), 2, "{chunks:?}");
        assert!(chunks.iter().all(|c| c.chars().count() <= MAX_CHUNK_CHARS));
        assert!(chunks[0].ends_with(','));
    }

    #[test]
    fn newlines_end_sentences() {
        assert_eq!(
            sentences("First line\nSecond line"),
            ["First line", "Second line"]
        );
    }
}
