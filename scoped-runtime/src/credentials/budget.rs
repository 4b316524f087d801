//! The factory's budget of `sts:AssumeRole` calls.
//!
//! STS allows 600 `AssumeRole` requests per second per account and Region, shared by every
//! process of a fleet. Each cache spends at most [`CredentialCacheConfig::sts_rate_limit`]
//! (a token bucket holding one second's worth), so a process warming thousands of roles at
//! once cannot take the whole quota.
//!
//! - **Requests first**: a load that a request waits on (a cold role, credentials within the
//!   margin) takes the next token; a refresh ahead of expiry takes one only while no such load
//!   waits. A refresh that a request starts waiting on is promoted at its next wake-up.
//! - **Throttling**: a `Throttling` answer halves the rate (at most once a second, never below
//!   one call per second); each successful call gives back 1/32 of the limit. The role whose
//!   load was throttled retries with its own jittered backoff, serving its valid credentials
//!   meanwhile.
//! - **No herd**: loads queue first come first served, one queue for each kind; only the
//!   head of a queue watches the clock, so a token wakes one waiter, not all of them.
//!
//! [`CredentialCacheConfig::sts_rate_limit`]: super::CredentialCacheConfig::sts_rate_limit

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::clock::Clock;

/// Throttling cuts the rate at most this often: the loads in flight when STS starts throttling
/// all fail together, and count as one signal.
const CUT_INTERVAL: Duration = Duration::from_secs(1);

/// The rate is never cut below this many calls per second.
const MIN_RATE: f64 = 1.0;

/// Each successful call gives back this share of the configured limit.
const RECOVERY_SHARE: f64 = 1.0 / 32.0;

/// How often the head of a queue re-reads the bucket, whose rate throttling changes.
const RECHECK: Duration = Duration::from_millis(100);

/// How often a queued refresh checks whether a request now waits on it.
const PROMOTION_CHECK: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Bucket {
    /// Calls per second now: the limit, or less after throttling.
    rate: f64,
    tokens: f64,
    refilled: Instant,
    last_cut: Option<Instant>,
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate.max(1.0));
        self.refilled = now;
    }
}

/// A token bucket of `AssumeRole` calls, shared by every role of one cache.
#[derive(Debug)]
pub(crate) struct StsBudget {
    limit: f64,
    bucket: Mutex<Bucket>,
    /// The queues, first come first served: only the head of each watches the clock.
    urgent_gate: Semaphore,
    ahead_gate: Semaphore,
    /// Loads a request waits on, queued or at the head.
    urgent_waiting: AtomicUsize,
}

/// Counts a waiter while it waits, and uncounts it however its wait ends.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl StsBudget {
    /// A full bucket of `limit` calls per second.
    pub(crate) fn new(limit: u32, now: Instant) -> Self {
        let limit = f64::from(limit.max(1));
        Self {
            limit,
            bucket: Mutex::new(Bucket {
                rate: limit,
                tokens: limit,
                refilled: now,
                last_cut: None,
            }),
            urgent_gate: Semaphore::new(1),
            ahead_gate: Semaphore::new(1),
            urgent_waiting: AtomicUsize::new(0),
        }
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, Bucket> {
        // Nothing panics while holding the lock, so a poisoned one is as good as any.
        self.bucket.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for one call's token. A refresh (`urgent` false) queues behind other refreshes
    /// and takes a token only while no load a request waits on is queued; `urgent` is read
    /// again at least every [`PROMOTION_CHECK`], so a refresh that a request starts waiting on
    /// moves to the requests' queue.
    pub(crate) async fn acquire(&self, clock: &Clock, urgent: &AtomicBool) {
        if !urgent.load(Ordering::Relaxed) {
            let queued = self.ahead_gate.acquire();
            tokio::pin!(queued);
            loop {
                tokio::select! {
                    permit = &mut queued => {
                        // The gate is never closed; were it, the refresh would go unqueued.
                        let _permit = permit.ok();
                        if self.take_token(clock, Some(urgent)).await {
                            return;
                        }
                        break;
                    }
                    () = tokio::time::sleep(PROMOTION_CHECK) => {
                        if urgent.load(Ordering::Relaxed) {
                            break;
                        }
                    }
                }
            }
        }
        let _waiting = Waiting::new(&self.urgent_waiting);
        let _permit = self.urgent_gate.acquire().await.ok();
        self.take_token(clock, None).await;
    }

    /// Run by the head of a queue: waits until a token is there and takes it. A refresh
    /// (`refresh` is its `urgent` flag) waits while requests' loads are queued, and gives up
    /// (`false`) when it is promoted. Re-reads the bucket at least every [`RECHECK`], since
    /// throttling and recovery change the rate.
    async fn take_token(&self, clock: &Clock, refresh: Option<&AtomicBool>) -> bool {
        loop {
            let wait = {
                let mut bucket = self.bucket();
                bucket.refill(clock.now());
                if refresh.is_some_and(|urgent| urgent.load(Ordering::Relaxed)) {
                    return false;
                }
                let yields = refresh.is_some() && self.urgent_waiting.load(Ordering::Relaxed) > 0;
                if !yields && bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return true;
                }
                if yields {
                    RECHECK
                } else {
                    Duration::from_secs_f64((1.0 - bucket.tokens) / bucket.rate).min(RECHECK)
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// STS answered `Throttling`: halve the rate, at most once per [`CUT_INTERVAL`].
    pub(crate) fn throttled(&self, now: Instant) {
        let mut bucket = self.bucket();
        if bucket
            .last_cut
            .is_some_and(|cut| now.saturating_duration_since(cut) < CUT_INTERVAL)
        {
            return;
        }
        bucket.refill(now);
        bucket.rate = (bucket.rate / 2.0).max(MIN_RATE);
        bucket.tokens = bucket.tokens.min(bucket.rate.max(1.0));
        bucket.last_cut = Some(now);
        tracing::warn!(
            calls_per_second = bucket.rate,
            "STS is throttling AssumeRole: budget cut"
        );
    }

    /// A call succeeded: give back part of the rate that throttling took.
    pub(crate) fn succeeded(&self) {
        let mut bucket = self.bucket();
        if bucket.rate < self.limit {
            bucket.rate = (bucket.rate + self.limit * RECOVERY_SHARE).min(self.limit);
        }
    }

    /// Calls per second now.
    #[cfg(test)]
    pub(crate) fn rate(&self) -> f64 {
        self.bucket().rate
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Starts `count` loads of the given urgency at once; each records when it got its token.
    fn start(
        budget: &Arc<StsBudget>,
        count: usize,
        urgent: bool,
        log: &Arc<Mutex<Vec<(bool, Instant)>>>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..count)
            .map(|_| {
                let (budget, log) = (Arc::clone(budget), Arc::clone(log));
                tokio::spawn(async move {
                    let flag = AtomicBool::new(urgent);
                    budget.acquire(&Clock::tokio(), &flag).await;
                    log.lock().unwrap().push((urgent, Instant::now()));
                })
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_per_second() {
        let begin = Instant::now();
        let budget = Arc::new(StsBudget::new(10, begin));
        let log = Arc::new(Mutex::new(Vec::new()));
        for task in start(&budget, 100, true, &log) {
            task.await.unwrap();
        }
        let times: Vec<_> = log.lock().unwrap().iter().map(|(_, at)| *at).collect();
        // A full bucket (10) at once, then 10 a second: the 100th after 9 s, not sooner.
        let last = times.iter().max().unwrap().duration_since(begin);
        assert!(last >= Duration::from_secs(9), "100 calls in {last:?}");
        assert!(last < Duration::from_secs(12), "100 calls took {last:?}");
        for window in 0..12 {
            let from = begin + Duration::from_secs(window);
            let calls = times
                .iter()
                .filter(|at| **at >= from && **at < from + Duration::from_secs(1))
                .count();
            assert!(calls <= 20, "{calls} calls in second {window}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn loads_a_request_waits_on_go_before_refreshes_ahead() {
        let begin = Instant::now();
        let budget = Arc::new(StsBudget::new(10, begin));
        let log = Arc::new(Mutex::new(Vec::new()));
        // 50 refreshes ahead queue first; 30 cold loads arrive 100 ms later.
        let mut tasks = start(&budget, 50, false, &log);
        tokio::time::sleep(Duration::from_millis(100)).await;
        tasks.extend(start(&budget, 30, true, &log));
        for task in tasks {
            task.await.unwrap();
        }
        let log = log.lock().unwrap();
        let last_urgent = log
            .iter()
            .filter(|(u, _)| *u)
            .map(|(_, at)| *at)
            .max()
            .unwrap();
        let ahead_before = log
            .iter()
            .filter(|(u, at)| !*u && *at <= last_urgent)
            .count();
        // The first bucket went to refreshes before the cold loads came; after that, at most a
        // token or two slips to a refresh before the cold loads have drained.
        assert!(
            ahead_before <= 12,
            "{ahead_before} refreshes went before cold loads"
        );
        assert!(
            last_urgent.duration_since(begin) <= Duration::from_millis(3300),
            "30 cold loads at 10/s took {:?}",
            last_urgent.duration_since(begin)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_halves_the_rate_once_a_second_and_successes_restore_it() {
        let now = Instant::now();
        let budget = StsBudget::new(100, now);
        budget.throttled(now);
        budget.throttled(now + Duration::from_millis(500));
        assert_eq!(budget.rate(), 50.0, "two cuts within a second count as one");
        for i in 1..=10 {
            budget.throttled(now + Duration::from_secs(i));
        }
        assert_eq!(budget.rate(), MIN_RATE);
        for _ in 0..32 {
            budget.succeeded();
        }
        assert_eq!(budget.rate(), 100.0);
    }
}
