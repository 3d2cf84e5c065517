//! The database: connection, migrations, and hand-written query functions per table. HTTP and
//! pipeline code call these functions and never build queries themselves.

pub mod audit;
pub mod auth_sessions;
pub mod banks;
pub mod bootstrap;
pub mod candidate_data;
pub mod decisions;
pub mod demographics;
pub mod entities;
pub mod erasure;
pub mod integrity;
pub mod interviews;
pub mod invitations;
pub mod jobs;
pub mod notices;
pub mod organizations;
pub mod profiles;
pub mod resumes;
pub mod retention;
pub mod scores;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub type DbResult<T> = Result<T, DbError>;

/// Connects to SQLite (creating the file and its folder) or PostgreSQL.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(&path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(if url.starts_with("sqlite:") { 4 } else { 16 })
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // Deleted rows are overwritten, not left in free pages: an erased candidate's words
        // must not survive in the file.
        .map_sqlx_sqlite_opts(|o| o.pragma("secure_delete", "ON"));
    let db = Database::connect(opts).await?;
    if url.starts_with("sqlite:") && !url.contains(":memory:") {
        // WAL lets readers (transcripts, dashboards) proceed while an interview writes.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Current time, truncated to microseconds so it round-trips through every backend.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let t = chrono::Utc::now();
    t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos() % 1000))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths() {
        assert_eq!(
            super::sqlite_path("sqlite://data/x.db?mode=rwc").as_deref(),
            Some("data/x.db")
        );
        assert_eq!(super::sqlite_path("sqlite::memory:"), None);
        assert_eq!(super::sqlite_path("postgres://x"), None);
    }
}
