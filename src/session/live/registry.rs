//! The live sessions of this process, by interview id: spawned on the first offer, gone
//! when their interview ends or their connection stays lost past `live.reconnect_secs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::{LiveError, LiveHandle, actor};
use crate::config::Config;
use crate::render::Avatar;
use crate::session::SessionRegistry;
use crate::voice::Voice;

/// What every live session borrows from the process.
#[derive(Clone)]
pub struct LiveContext {
    pub config: Arc<Config>,
    pub voice: Voice,
    pub avatar: Arc<Avatar>,
    pub sessions: SessionRegistry,
}

#[derive(Clone)]
pub struct LiveRegistry {
    inner: Arc<Mutex<HashMap<i64, LiveHandle>>>,
    ctx: LiveContext,
    tasks: TaskTracker,
    shutdown: CancellationToken,
}

impl LiveRegistry {
    pub fn new(ctx: LiveContext, tasks: TaskTracker, shutdown: CancellationToken) -> Self {
        Self {
            inner: Arc::default(),
            ctx,
            tasks,
            shutdown,
        }
    }

    /// The live session of an interview, started if it has none.
    pub async fn get(&self, interview_id: i64) -> Result<LiveHandle, LiveError> {
        if let Some(h) = self.running(interview_id) {
            return Ok(h);
        }
        // Subscribing reads the database: outside the lock.
        let started = actor::start(self.ctx.clone(), interview_id).await?;
        let mut map = self.lock();
        if let Some(h) = map.get(&interview_id).filter(|h| h.is_alive()) {
            return Ok(h.clone());
        }
        let handle = actor::spawn(
            started,
            self.clone(),
            &self.tasks,
            self.shutdown.child_token(),
        );
        map.insert(interview_id, handle.clone());
        Ok(handle)
    }

    /// The running session of an interview, if any.
    pub fn running(&self, interview_id: i64) -> Option<LiveHandle> {
        self.lock()
            .get(&interview_id)
            .filter(|h| h.is_alive())
            .cloned()
    }

    pub fn count(&self) -> usize {
        self.lock().values().filter(|h| h.is_alive()).count()
    }

    pub(super) fn remove_if_closed(&self, interview_id: i64) {
        let mut map = self.lock();
        if map.get(&interview_id).is_some_and(|h| !h.is_alive()) {
            map.remove(&interview_id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, LiveHandle>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
