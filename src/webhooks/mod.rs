//! Signed webhooks for integrations: an organization's endpoints hear when an interview is
//! completed and when its profile is ready. Pure here: the events, the signature and the
//! retry schedule; `deliver` is the background worker that posts them.
//!
//! Each request carries `X-Interviewer-Event`, `X-Interviewer-Delivery` (its id, the same on
//! every retry), `X-Interviewer-Timestamp` (Unix seconds) and `X-Interviewer-Signature:
//! sha256=HEX`, the HMAC-SHA256 with the endpoint's secret of `TIMESTAMP.BODY`, so a
//! receiver can check both who sent it and that it is not a replay. Payloads hold ids only:
//! the receiver reads what it may through the API.

pub mod deliver;
pub mod target;

use std::time::Duration;

use hmac::{Hmac, Mac};
use sea_orm::ConnectionTrait;
use serde_json::json;
use sha2::Sha256;

use crate::db::{self, DbResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    InterviewCompleted,
    ProfileReady,
}

impl Event {
    pub const ALL: [Event; 2] = [Event::InterviewCompleted, Event::ProfileReady];

    pub fn name(self) -> &'static str {
        match self {
            Event::InterviewCompleted => "interview.completed",
            Event::ProfileReady => "profile.ready",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Self::ALL.into_iter().find(|e| e.name() == s)
    }
}

/// The signature header's value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "sha256={}",
        crate::content::question_bank::hex(&mac.finalize().into_bytes())
    )
}

/// How long to wait after failed attempt `attempt` (1-based): doubling from `base`, capped
/// at an hour.
pub fn backoff(attempt: u32, base: Duration) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    (base * factor).min(Duration::from_secs(3600))
}

/// Queues `event` about interview `interview_id` for its organization's endpoints. Practice
/// interviews belong to no organization and are never announced. A failure is logged, not
/// returned: an endpoint's bookkeeping must never fail the interview it reports on.
pub async fn announce(db: &impl ConnectionTrait, event: Event, interview_id: i64) {
    if let Err(e) = try_announce(db, event, interview_id).await {
        tracing::warn!(interview_id, event = event.name(), error = %e, "webhook not queued");
    }
}

async fn try_announce(db: &impl ConnectionTrait, event: Event, interview_id: i64) -> DbResult<()> {
    let i = db::interviews::get(db, interview_id).await?;
    let Some(org) = i.organization_id else {
        return Ok(());
    };
    let payload = json!({
        "event": event.name(),
        "organization_id": org,
        "interview_id": i.id,
        "job_id": i.job_id,
        "status": i.status,
        "at": db::now(),
    });
    db::webhooks::enqueue(db, org, event.name(), payload).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // Python's hmac.new(b"Jefe", b"0.what do ya want for nothing?", sha256): the RFC 4231
        // case 2 key, with the body behind a timestamp of 0.
        assert_eq!(
            sign("Jefe", 0, b"what do ya want for nothing?"),
            "sha256=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc"
        );
        let s = sign("Jefe", 0, b"what do ya want for nothing?");
        assert_ne!(s, sign("Jefe", 1, b"what do ya want for nothing?"));
        assert_ne!(s, sign("Jeff", 0, b"what do ya want for nothing?"));
    }

    #[test]
    fn retries_back_off_by_doubling_up_to_an_hour() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(1, base), Duration::from_secs(5));
        assert_eq!(backoff(2, base), Duration::from_secs(10));
        assert_eq!(backoff(4, base), Duration::from_secs(40));
        assert_eq!(backoff(30, base), Duration::from_secs(3600));
    }

    #[test]
    fn events_by_name() {
        for e in Event::ALL {
            assert_eq!(Event::parse(e.name()), Some(e));
        }
        assert_eq!(Event::parse("interview.started"), None);
    }
}
