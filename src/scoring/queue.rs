//! Scoring in the background, when an interview ends and again when a spoken
//! answer's verbatim transcript revises it afterwards. One scoring runs at a time (it takes
//! the CPU for about half a second per answer, and two replacing the same rows at once could
//! leave both sets), and requests for an interview already waiting its turn are merged: the
//! revisions that follow a live call arrive one per answer, and one run covers them all.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;
use tokio::sync::{OnceCell, Semaphore};

use super::interview::{ScoringError, score_interview};
use super::rubric_grade::RubricGrader;
use crate::embed::Embedder;

#[derive(Clone)]
pub struct ScoringQueue {
    db: DatabaseConnection,
    weights: PathBuf,
    /// The language model that grades against the rubric, when one is configured.
    grader: Option<RubricGrader>,
    /// Loaded on the first interview to score, not at start-up.
    model: Arc<OnceCell<Arc<Embedder>>>,
    running: Arc<Semaphore>,
    waiting: Arc<Mutex<HashSet<i64>>>,
}

impl ScoringQueue {
    pub fn new(db: DatabaseConnection, weights: PathBuf, grader: Option<RubricGrader>) -> Self {
        Self {
            db,
            weights,
            grader,
            model: Arc::new(OnceCell::new()),
            running: Arc::new(Semaphore::new(1)),
            waiting: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// Scores `interview_id` soon, unless a run for it is already waiting.
    pub fn request(&self, interview_id: i64) {
        if !self.lock().insert(interview_id) {
            return;
        }
        let queue = self.clone();
        tokio::spawn(async move {
            let Ok(_turn) = queue.running.acquire().await else {
                return;
            };
            // From here a new request queues a new run: it may bring words this one misses.
            queue.lock().remove(&interview_id);
            match queue.score(interview_id).await {
                Ok(n) => {
                    tracing::info!(interview_id, scores = n, "content scored");
                    crate::webhooks::announce(
                        &queue.db,
                        crate::webhooks::Event::ProfileReady,
                        interview_id,
                    )
                    .await;
                }
                Err(ScoringError::NoConsent(_)) => {
                    tracing::debug!(interview_id, "not scored: no consent")
                }
                Err(ScoringError::HumanReview(_)) => {
                    tracing::debug!(interview_id, "not scored: the alternative process")
                }
                Err(e @ ScoringError::Paused(_)) => {
                    tracing::info!(interview_id, "not scored: {e}; scored when it resumes")
                }
                Err(e) => tracing::warn!(interview_id, error = %e, "content scoring failed"),
            }
        });
    }

    async fn score(&self, interview_id: i64) -> Result<usize, ScoringError> {
        let weights = self.weights.clone();
        let model = self
            .model
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || Embedder::load(&weights))
                    .await
                    .map_err(|e| ScoringError::Stopped(e.to_string()))?
                    .map(Arc::new)
                    .map_err(ScoringError::from)
            })
            .await?
            .clone();
        let scored = score_interview(&self.db, model, self.grader.as_ref(), interview_id).await?;
        for why in &scored.unavailable {
            tracing::warn!(interview_id, %why, "a scorer could not run; its last rows stand");
        }
        Ok(scored.scores.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}
