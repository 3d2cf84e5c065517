//! Reminders: candidates e-mailed an invitation who have not opened it after
//! `mail.reminder_after_mins` get one reminder with a fresh link (the first one stops
//! working, so only one link is ever live), until the invitation expires.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

use super::{Mailer, message};
use crate::auth::token;
use crate::db::{self, DbError};

/// Checks for due reminders every `every` until cancelled.
pub async fn run(
    db: DatabaseConnection,
    mailer: Arc<Mailer>,
    public_url: Arc<str>,
    after: chrono::Duration,
    every: Duration,
    cancel: CancellationToken,
) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        match remind_due(&db, &mailer, &public_url, after).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminders = n, "invitation reminders sent"),
            Err(e) => tracing::warn!(error = %e, "could not look for due reminders"),
        }
    }
}

/// Sends every due reminder; returns how many went out. A reminder the server refuses is
/// tried again at the next check, with the first link still working meanwhile.
pub async fn remind_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    after: chrono::Duration,
) -> Result<usize, DbError> {
    let mut sent = 0;
    for inv in db::invitations::due_reminders(db, db::now() - after).await? {
        let job = db::jobs::get(db, inv.job_id, None).await?;
        let org = db::organizations::get(db, job.organization_id).await?;
        let tok = token::generate();
        let letter = message::reminder(
            &org.name,
            &job.title,
            &inv.candidate_name,
            &inv.candidate_email,
            &format!("{public_url}/i/{tok}"),
            inv.expires_at,
        );
        if let Err(e) = mailer.send(&letter).await {
            tracing::warn!(invitation = inv.id, error = %e, "reminder not sent; trying again later");
            continue;
        }
        if db::invitations::reminded(db, inv.id, &token::hash(&tok)).await? {
            sent += 1;
        }
    }
    Ok(sent)
}
