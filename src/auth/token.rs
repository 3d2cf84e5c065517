//! Random bearer tokens (sessions, invitations, set-up links). Only their SHA-256 is stored,
//! so a leaked database does not hand out working links.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::content::question_bank::hex;

/// 256 bits from the OS generator, URL-safe hex.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Tokens we issue are exactly 64 lowercase hex digits; anything else is rejected before any
/// database lookup.
pub fn looks_valid(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Equality that takes the same time wherever the inputs differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(looks_valid(&a));
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), a);
        assert!(!looks_valid("../etc/passwd"));
        assert!(
            constant_time_eq("abc", "abc")
                && !constant_time_eq("abc", "abd")
                && !constant_time_eq("ab", "abc")
        );
    }
}
