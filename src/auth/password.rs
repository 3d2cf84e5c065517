//! argon2id password hashing (PHC strings with their own salt and parameters).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("the password must have at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("password hashing failed")]
    Hash,
}

pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        Err(PasswordError::TooShort)
    } else if n > MAX_LENGTH {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// Hashes with argon2id at the crate's recommended parameters.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_policy(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// Constant-time verification against a stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    if password.chars().count() > MAX_LENGTH {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spends the same work as a real verification, so unknown e-mails answer as slowly as
/// wrong passwords and cannot be told apart by timing.
pub fn verify_dummy(password: &str) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QkVhmbvo5kqQiLmYG0x9Ibo6T6k9UAQMOXqXYWPO1Wg";
    let _ = verify(password, DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        assert_eq!(check_policy(&"x".repeat(300)), Err(PasswordError::TooLong));
    }
}
