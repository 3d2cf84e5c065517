//! Login rate limiting: a fixed budget of failures per key (an e-mail or a client address) in
//! a sliding window. Sans I/O: the caller passes the time.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys tracked at most; the oldest entries go first, so memory stays bounded under attack.
const MAX_KEYS: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long until `key` may try again, if it is over budget now.
    pub fn retry_after(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let q = map.get_mut(key)?;
        prune(q, now, self.window);
        if q.len() >= self.limit {
            q.front()
                .map(|first| self.window.saturating_sub(now.duration_since(*first)))
        } else {
            None
        }
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS && !map.contains_key(key) {
            let window = self.window;
            map.retain(|_, q| {
                prune(q, now, window);
                !q.is_empty()
            });
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let q = map.entry(key.to_string()).or_default();
        prune(q, now, self.window);
        q.push_back(now);
    }

    pub fn reset(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

fn prune(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_limit_and_recovers_after_window() {
        let rl = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(rl.retry_after("a", t0), None);
            rl.record_failure("a", t0 + Duration::from_secs(i));
        }
        let wait = rl.retry_after("a", t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert_eq!(rl.retry_after("b", t0), None);
        assert_eq!(rl.retry_after("a", t0 + Duration::from_secs(61)), None);
        rl.record_failure("a", t0);
        rl.reset("a");
        assert_eq!(rl.retry_after("a", t0), None);
    }
}
