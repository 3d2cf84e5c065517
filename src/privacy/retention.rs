//! The retention job: applies every organization's retention policy (`db::retention`) once
//! shortly after start-up and then every `retention.check_secs`, until shutdown.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

/// The first run waits this long, so start-up (migrations, bank import) finishes first.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(5);

pub async fn run(db: DatabaseConnection, every: Duration, cancel: CancellationToken) {
    let mut wait = FIRST_RUN_AFTER.min(every);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        wait = every;
        match crate::db::retention::expire(&db, crate::db::now()).await {
            Ok(expired) => {
                for e in expired {
                    tracing::info!(organization = ?e.organization_id, removed = ?e.removed,
                        "retention: data past its period removed");
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "retention: could not apply the policies; retried at the next run")
            }
        }
    }
}
