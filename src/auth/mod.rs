//! Who may do what: roles, argon2id password hashing, random tokens stored only as hashes,
//! and the login rate limiter. Pure code; the HTTP layer applies it.

pub mod password;
pub mod rate_limit;
pub mod token;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Recruiter,
    Candidate,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Recruiter => "recruiter",
            Self::Candidate => "candidate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "recruiter" => Some(Self::Recruiter),
            "candidate" => Some(Self::Candidate),
            _ => None,
        }
    }
}

/// Normalizes an e-mail address for lookup; returns None when it is not plausibly one.
pub fn normalize_email(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && !domain.contains('@');
    ok.then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").as_deref(),
            Some("ada@example.com")
        );
        for bad in ["", "ada", "ada@", "@x.io", "a@b", "a b@c.io", "a@b@c.io"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Admin, Role::Recruiter, Role::Candidate] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
