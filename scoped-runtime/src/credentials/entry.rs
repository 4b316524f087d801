//! One role's credentials: the lock-free read path, single-flight loads and refresh ahead.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use aws_smithy_runtime_api::client::identity::Identity;
use tokio::time::Instant;

use super::cache::{Loaded, Shared, bump};
use super::clock::{Clock, Tick};
use crate::error::CredentialError;
use crate::role::RoleSpec;

/// The advisory window's size as a share of the credential's lifetime, before jitter: the
/// refresh starts between 0.5× and 1× this much before the floor. Small on purpose: the
/// scheduler refreshes right at the window's start, and a later refresh means fewer STS calls
/// (15-minute credentials: 4.5–9 s above the floor, about 13 calls in 3 hours).
const ADVISORY_SHARE: f64 = 0.01;

/// Credentials handed out must stay valid at least this long, for signing and transit.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5);

/// Backoff between failed refreshes: doubling from the first, capped, with full jitter.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Credentials, as the identity the SDK signs with, and the deadlines that govern them.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// Built once per load: handing it out is a clone (two reference counts), where handing
    /// out `Credentials` would make the SDK build an `Identity` per request.
    identity: Identity,
    /// When the credentials expire.
    expires_at: Instant,
    /// From here a background refresh is due, as a clock tick: the hot path compares ticks
    /// without converting.
    refresh_tick: Tick,
    /// From here callers wait for fresh credentials.
    floor_tick: Tick,
}

impl Snapshot {
    /// The snapshot of credentials that just arrived, and when their advisory window opens.
    fn new(loaded: Loaded, clock: &Clock, floor: Duration) -> (Self, Instant) {
        let lifetime = loaded.valid_for;
        let floor = floor.min(lifetime / 4);
        let jitter = 0.5 + 0.5 * fastrand::f64();
        let lead = (floor + lifetime.mul_f64(ADVISORY_SHARE * jitter)).min(lifetime / 2);
        let expires_at = clock.now() + lifetime;
        let refresh_at = expires_at - lead;
        let snapshot = Self {
            identity: Identity::from(loaded.credentials),
            expires_at,
            refresh_tick: clock.tick_at(refresh_at),
            floor_tick: clock.tick_at(expires_at - floor),
        };
        (snapshot, refresh_at)
    }

    /// Whether the credentials may still be handed out at `now`.
    fn valid_at(&self, now: Instant) -> bool {
        now + EXPIRY_MARGIN < self.expires_at
    }
}

/// The last failed load and when to try again.
#[derive(Debug)]
struct Failure {
    permanent: bool,
    error: CredentialError,
    retry_at: Instant,
    attempt: u32,
}

/// One role's cached credentials.
#[derive(Debug)]
pub(crate) struct RoleEntry {
    spec: Arc<RoleSpec>,
    current: ArcSwapOption<Snapshot>,
    failure: ArcSwapOption<Failure>,
    /// Serializes loads of this role: concurrent cold callers share one STS call.
    loading: tokio::sync::Mutex<()>,
    /// A background refresh task is running.
    refreshing: AtomicBool,
    /// The credentials were read since they were loaded; idle roles are not refreshed.
    used: AtomicBool,
}

impl RoleEntry {
    pub(crate) fn new(spec: Arc<RoleSpec>) -> Self {
        Self {
            spec,
            current: ArcSwapOption::empty(),
            failure: ArcSwapOption::empty(),
            loading: tokio::sync::Mutex::new(()),
            refreshing: AtomicBool::new(false),
            used: AtomicBool::new(false),
        }
    }

    /// The hot path: current credentials if they are before the floor, starting a background
    /// refresh once they are inside the advisory window. One atomic load, no lock, no moka.
    pub(crate) fn try_hot(self: &Arc<Self>, shared: &Arc<Shared>) -> Option<Identity> {
        let now = shared.clock.tick();
        let guard = self.current.load();
        let snapshot = guard.as_ref()?;
        if now >= snapshot.floor_tick {
            return None;
        }
        if now >= snapshot.refresh_tick {
            self.refresh_in_background(shared);
        }
        if !self.used.load(Ordering::Relaxed) {
            self.used.store(true, Ordering::Relaxed);
        }
        shared.counters.hits.bump();
        Some(snapshot.identity.clone())
    }

    /// The slow path: the caller waits for a load, shared with every concurrent caller.
    pub(crate) async fn load_now(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
    ) -> Result<Identity, CredentialError> {
        if let Some(identity) = self.try_hot(shared) {
            return Ok(identity);
        }
        let _loading = self.loading.lock().await;
        let (now, tick) = (shared.clock.now(), shared.clock.tick());
        let current = self.current.load_full();
        // Another caller loaded while this one waited for the lock.
        if let Some(snapshot) = current.as_ref().filter(|s| tick < s.floor_tick) {
            shared.counters.hits.bump();
            return Ok(snapshot.identity.clone());
        }
        if let Some(failure) = self.failure.load().as_ref().filter(|f| now < f.retry_at) {
            if let Some(snapshot) = current.as_ref().filter(|s| s.valid_at(now)) {
                bump(&shared.counters.stale_served);
                return Ok(snapshot.identity.clone());
            }
            if failure.permanent {
                return Err(failure.error.clone());
            }
        }
        bump(&shared.counters.misses);
        match self.fetch(shared).await {
            Ok(identity) => Ok(identity),
            Err(error) => match current.as_ref().filter(|s| s.valid_at(shared.clock.now())) {
                Some(snapshot) => {
                    bump(&shared.counters.stale_served);
                    Ok(snapshot.identity.clone())
                }
                None => Err(error),
            },
        }
    }

    /// One load, with the `loading` lock held by the caller: stores the result and schedules
    /// the next refresh, or records the failure.
    async fn fetch(self: &Arc<Self>, shared: &Arc<Shared>) -> Result<Identity, CredentialError> {
        match shared.load(&self.spec).await {
            Ok(loaded) => {
                let (snapshot, refresh_at) =
                    Snapshot::new(loaded, &shared.clock, shared.config.floor());
                let identity = snapshot.identity.clone();
                self.current.store(Some(Arc::new(snapshot)));
                self.failure.store(None);
                self.used.store(false, Ordering::Relaxed);
                shared.scheduler.schedule(self, shared, refresh_at);
                Ok(identity)
            }
            Err(failure) => {
                let attempt = self.failure.load().as_ref().map_or(1, |f| f.attempt + 1);
                let wait = if failure.permanent {
                    shared.config.negative_ttl_value()
                } else {
                    backoff(attempt)
                };
                self.failure.store(Some(Arc::new(Failure {
                    permanent: failure.permanent,
                    error: failure.error.clone(),
                    retry_at: shared.clock.now() + wait,
                    attempt,
                })));
                Err(failure.error)
            }
        }
    }

    /// Called by the scheduler when the advisory window opens.
    pub(crate) fn refresh_if_used(self: &Arc<Self>, shared: &Arc<Shared>) {
        if self.used.load(Ordering::Relaxed) {
            self.refresh_in_background(shared);
        }
    }

    /// Starts one refresh task unless one is running or no runtime is available (then the
    /// first caller past the floor loads in the foreground).
    fn refresh_in_background(self: &Arc<Self>, shared: &Arc<Shared>) {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.refreshing.store(false, Ordering::Release);
            return;
        };
        let (entry, shared) = (Arc::clone(self), Arc::clone(shared));
        runtime.spawn(async move {
            entry.refresh(&shared).await;
            entry.refreshing.store(false, Ordering::Release);
        });
    }

    /// Refreshes until it succeeds, the failure is permanent, or the floor is reached (from
    /// there callers load in the foreground), backing off between attempts.
    async fn refresh(self: &Arc<Self>, shared: &Arc<Shared>) {
        loop {
            let outcome = {
                let _loading = self.loading.lock().await;
                let now = shared.clock.tick();
                let fresh = self
                    .current
                    .load()
                    .as_ref()
                    .is_some_and(|s| now < s.refresh_tick);
                if fresh {
                    return;
                }
                self.fetch(shared).await
            };
            if outcome.is_ok() {
                bump(&shared.counters.refreshes);
                return;
            }
            let failure = self.failure.load_full();
            let Some(failure) = failure.filter(|f| !f.permanent) else {
                return;
            };
            let floor = self.current.load().as_ref().map(|s| s.floor_tick);
            if floor.is_none_or(|floor| shared.clock.tick_at(failure.retry_at) >= floor) {
                return;
            }
            tokio::time::sleep_until(failure.retry_at).await;
        }
    }
}

/// Full-jitter exponential backoff for attempt `attempt` (1-based).
fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_FIRST.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    exp.min(BACKOFF_MAX).mul_f64(0.5 + 0.5 * fastrand::f64())
}
