//! Whether a phrase's transcript reads as a finished thought: it ends with a full stop, a
//! question mark or an exclamation mark, and its last word is not one that English leaves a
//! sentence hanging on (a conjunction, an article, a preposition, a filler). Whisper's
//! punctuation comes from its language model, so it is a second opinion beside Smart Turn's,
//! which hears only the voice. Pure text in, yes or no out.

/// Words a finished sentence rarely ends on. Auxiliaries are not among them: "than he was".
#[rustfmt::skip]
const HANGING: &[&str] = &[
    // conjunctions and relatives
    "and", "but", "or", "nor", "so", "because", "then", "that", "which", "who", "whom",
    "whose", "if", "when", "while", "although", "though", "since", "unless", "until", "as",
    "than", "where", "whether",
    // articles, determiners and possessives
    "a", "an", "the", "this", "these", "those", "my", "your", "our", "their", "his", "its",
    "every", "each", "some", "any", "no",
    // prepositions
    "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "onto",
    "over", "under", "through", "between", "without", "within", "across", "after", "before",
    "during",
    // subjects waiting for their verb
    "i", "we", "they", "he", "she", "i'm", "we're", "they're", "it's", "there's",
    // fillers
    "um", "uh", "er", "erm", "hmm", "mm", "like", "mean", "basically", "actually",
];

/// Quotes and brackets that may close a sentence around its full stop.
const CLOSERS: &[char] = &['"', '\'', ')', ']', '”', '’'];

/// True when `text` reads as a finished sentence (see the module's rule).
pub fn reads_finished(text: &str) -> bool {
    let text = text.trim_end().trim_end_matches(CLOSERS);
    // A trailing ellipsis or dash is Whisper hearing the voice trail off.
    if text.ends_with("...") || text.ends_with('…') || text.ends_with('-') {
        return false;
    }
    let Some(stripped) = text.strip_suffix(['.', '?', '!']) else {
        return false;
    };
    let last = stripped
        .trim_end_matches(CLOSERS)
        .rsplit(|c: char| c.is_whitespace() || c == ',' || c == '—')
        .find(|w| !w.is_empty());
    match last {
        Some(word) => {
            let word = word.to_lowercase().replace('’', "'");
            !HANGING.contains(&word.as_str())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_stop_after_a_content_word_reads_finished() {
        for text in [
            "I would use a hash map.",
            "That is linear time and linear space.",
            " Was it worth it? ",
            "We shipped it!",
            "He said \"no.\"",
            "It was more than he was.",
            "Yes, we did!",
        ] {
            assert!(reads_finished(text), "{text}");
        }
    }

    #[test]
    fn a_sentence_left_hanging_or_unpunctuated_does_not() {
        for text in [
            "I would use a",
            "I would use a hash map",
            "And then we decided to.",
            "The reason was, um.",
            "We split it because...",
            "We split it because…",
            "It depends on the —",
            "",
            ".",
            "So I'm.",
        ] {
            assert!(!reads_finished(text), "{text:?}");
        }
    }
}
