//! The live sessions of this process, by interview id. A session is spawned on first use
//! and stops itself when idle; the next use spawns it again from the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::actor;
pub use super::actor::SessionContext;
use super::{SessionError, SessionHandle};

#[derive(Clone)]
pub struct SessionRegistry {
    inner: Arc<Mutex<HashMap<i64, SessionHandle>>>,
    ctx: SessionContext,
    tasks: TaskTracker,
    shutdown: CancellationToken,
}

impl SessionRegistry {
    pub fn new(ctx: SessionContext, tasks: TaskTracker, shutdown: CancellationToken) -> Self {
        Self {
            inner: Arc::default(),
            ctx,
            tasks,
            shutdown,
        }
    }

    /// The session of an interview, loading it from the database if it is not running.
    /// The database the sessions write to (for records beside the transcript).
    pub fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.ctx.db
    }

    pub async fn get(&self, interview_id: i64) -> Result<SessionHandle, SessionError> {
        if let Some(h) = self
            .lock()
            .get(&interview_id)
            .filter(|h| h.is_alive())
            .cloned()
        {
            return Ok(h);
        }
        // Load outside the lock: it reads the database.
        let loaded = actor::load(&self.ctx, interview_id).await?;
        let mut map = self.lock();
        if let Some(h) = map.get(&interview_id).filter(|h| h.is_alive()) {
            return Ok(h.clone());
        }
        let handle = actor::spawn(
            loaded,
            self.clone(),
            &self.tasks,
            self.shutdown.child_token(),
        );
        map.insert(interview_id, handle.clone());
        Ok(handle)
    }

    pub(super) fn remove_if_closed(&self, interview_id: i64) {
        let mut map = self.lock();
        if map.get(&interview_id).is_some_and(|h| !h.is_alive()) {
            map.remove(&interview_id);
        }
    }

    /// The queue that scores interviews in the background.
    pub fn scoring(&self) -> &crate::scoring::queue::ScoringQueue {
        &self.ctx.scoring
    }

    /// Whether interview `interview_id` has a session in this process now.
    pub fn is_running(&self, interview_id: i64) -> bool {
        self.lock().get(&interview_id).is_some_and(|h| h.is_alive())
    }

    pub fn running(&self) -> usize {
        self.lock().values().filter(|h| h.is_alive()).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, SessionHandle>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
