//! The delivery worker: every `webhooks.poll_ms` it posts the due deliveries, one at a
//! time, and records each outcome: delivered on a 2xx answer; otherwise another attempt
//! after a doubling backoff, until `webhooks.max_attempts`, then failed (admins see it and
//! may send it again). Redirects are not followed: an endpoint answers where it was set.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

use super::{backoff, sign, target};
use crate::config::WebhooksConfig;
use crate::db::entities::{webhook, webhook_delivery};
use crate::db::webhooks::{self, Attempt};

/// Deliveries taken per poll.
const BATCH: u64 = 20;

/// What the receiver did with one request.
pub type Outcome = Result<u16, (Option<u16>, String)>;

/// The next step after attempt number `attempt` (1-based) came to `outcome`.
pub fn next_step(
    outcome: Outcome,
    attempt: u32,
    config: &WebhooksConfig,
    now: DateTime<Utc>,
) -> Attempt {
    match outcome {
        Ok(code) => Attempt::Delivered {
            status: i32::from(code),
        },
        Err((code, error)) if attempt >= config.max_attempts => Attempt::Failed {
            status: code.map(i32::from),
            error: format!("{error} (gave up after {attempt} attempts)"),
        },
        Err((code, error)) => Attempt::Retry {
            at: now
                + chrono::Duration::from_std(backoff(
                    attempt,
                    Duration::from_millis(config.retry_base_ms),
                ))
                .unwrap_or(chrono::Duration::hours(1)),
            status: code.map(i32::from),
            error,
        },
    }
}

fn client_builder(config: &WebhooksConfig) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(config.timeout_secs))
        .redirect(reqwest::redirect::Policy::none())
}

pub async fn run(db: DatabaseConnection, config: WebhooksConfig, cancel: CancellationToken) {
    let client = match client_builder(&config).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: no HTTP client; nothing will be delivered");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(config.poll_ms)) => {}
        }
        let due = match webhooks::due(&db, crate::db::now(), BATCH).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "webhooks: could not read due deliveries");
                continue;
            }
        };
        for (delivery, hook) in due {
            let attempt = u32::try_from(delivery.attempts).unwrap_or(0) + 1;
            let outcome = post(&client, &config, &hook, &delivery).await;
            if let Err((_, why)) = &outcome {
                tracing::info!(delivery = delivery.id, url = %hook.url, attempt, %why, "webhook not accepted");
            }
            let step = next_step(outcome, attempt, &config, crate::db::now());
            if let Err(e) = webhooks::record_attempt(&db, delivery, step).await {
                tracing::warn!(error = %e, "webhooks: could not record an attempt");
            }
        }
    }
}

async fn post(
    shared: &reqwest::Client,
    config: &WebhooksConfig,
    hook: &webhook::Model,
    delivery: &webhook_delivery::Model,
) -> Outcome {
    let body = serde_json::to_vec(&delivery.payload).map_err(|e| (None, e.to_string()))?;
    // Public addresses only: checked now, and the request pinned to what was checked.
    let pinned;
    let client = if config.allow_private_targets {
        shared
    } else {
        let url =
            reqwest::Url::parse(&hook.url).map_err(|e| (None, format!("{}: {e}", hook.url)))?;
        let (host, addrs) = target::resolve(&url, false)
            .await
            .map_err(|e| (None, e.to_string()))?;
        pinned = client_builder(config)
            .resolve_to_addrs(&host, &addrs)
            .build()
            .map_err(|e| (None, e.to_string()))?;
        &pinned
    };
    let timestamp = Utc::now().timestamp();
    let res = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("x-interviewer-event", &delivery.event)
        .header("x-interviewer-delivery", delivery.id.to_string())
        .header("x-interviewer-timestamp", timestamp.to_string())
        .header(
            "x-interviewer-signature",
            sign(&hook.secret, timestamp, &body),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| (None, format!("could not reach {}: {e}", hook.url)))?;
    let code = res.status().as_u16();
    if res.status().is_success() {
        Ok(code)
    } else {
        Err((Some(code), format!("{} answered HTTP {code}", hook.url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_decides_delivered_retry_or_failed() {
        let config = WebhooksConfig {
            retry_base_ms: 1000,
            max_attempts: 3,
            ..WebhooksConfig::default()
        };
        let now = Utc::now();
        assert!(matches!(
            next_step(Ok(204), 1, &config, now),
            Attempt::Delivered { status: 204 }
        ));
        match next_step(Err((Some(500), "HTTP 500".into())), 2, &config, now) {
            Attempt::Retry { at, status, .. } => {
                assert_eq!(at - now, chrono::Duration::seconds(2));
                assert_eq!(status, Some(500));
            }
            _ => panic!("a second failure is retried"),
        }
        match next_step(Err((None, "refused".into())), 3, &config, now) {
            Attempt::Failed { error, .. } => assert!(error.contains("after 3 attempts")),
            _ => panic!("the last attempt fails the delivery"),
        }
    }
}
