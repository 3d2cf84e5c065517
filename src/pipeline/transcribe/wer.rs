//! Word error rate, computed as jiwer computes it: words split on whitespace, Levenshtein
//! alignment, (substitutions + deletions + insertions) / reference words. Corpus WER sums
//! the edits and the reference words over all pairs.

/// Edits between two word sequences.
fn edits(reference: &[&str], hypothesis: &[&str]) -> usize {
    let mut prev: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut cur = vec![i + 1; hypothesis.len() + 1];
        for (j, h) in hypothesis.iter().enumerate() {
            let sub = prev[j] + usize::from(r != h);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[hypothesis.len()]
}

pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    corpus_wer(&[(reference, hypothesis)])
}

pub fn corpus_wer(pairs: &[(&str, &str)]) -> f64 {
    let (mut errors, mut words) = (0, 0);
    for (r, h) in pairs {
        let r: Vec<&str> = r.split_whitespace().collect();
        let h: Vec<&str> = h.split_whitespace().collect();
        errors += edits(&r, &h);
        words += r.len();
    }
    if words == 0 {
        0.0
    } else {
        errors as f64 / words as f64
    }
}

/// Lowercase, hyphens as spaces, other punctuation dropped: how transcripts are compared
/// with plain-text references.
pub fn normalize(text: &str) -> String {
    let t: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c == '-' { ' ' } else { c })
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '\'')
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by jiwer 4.0.0 (`jiwer.wer(reference, hypothesis)`) for the
    /// same pairs.
    const JIWER: [(&str, &str, f64); 6] = [
        (
            "the cat sat on the mat",
            "the cat sat on mat",
            0.16666666666666666,
        ),
        ("a b c d", "a x c d e", 0.5),
        (
            "had he married a more a amiable woman he might have been made still more respectable than he was",
            "had he married a more amiable woman he might have been made still more respectable than he was",
            0.05263157894736842,
        ),
        ("one two three", "three two one", 0.6666666666666666),
        (
            "he was not an ill disposed young man",
            "he was not an ill-disposed young man",
            0.25,
        ),
        ("x y", "a b c d e f", 3.0),
    ];

    #[test]
    fn agrees_with_jiwer() {
        for (r, h, expected) in JIWER {
            assert!(
                (wer(r, h) - expected).abs() < 1e-12,
                "{r:?} / {h:?}: {} vs {expected}",
                wer(r, h)
            );
        }
        let pairs: Vec<(&str, &str)> = JIWER.iter().map(|(r, h, _)| (*r, *h)).collect();
        assert!((corpus_wer(&pairs) - 0.3333333333333333).abs() < 1e-12);
    }

    #[test]
    fn normalization() {
        assert_eq!(
            normalize("He was not an ill-disposed  young man."),
            "he was not an ill disposed young man"
        );
        assert_eq!(normalize("Don't, Mr. Dashwood!"), "don't mr dashwood");
    }
}
