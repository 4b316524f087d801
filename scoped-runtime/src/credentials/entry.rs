//! One role's credentials: the lock-free read path, shared loads detached from their callers,
//! and refresh ahead.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use aws_smithy_runtime_api::client::identity::Identity;
use tokio::sync::watch;
use tokio::time::Instant;

use super::cache::{Loaded, Shared, bump};
use super::clock::{COARSE_LAG, Clock, Tick};
use super::spread::{effective_floor, refresh_lead};
use crate::error::CredentialError;
use crate::role::RoleSpec;

/// Credentials handed out must stay valid at least this long, for signing and transit. No
/// setting lowers it: a refresh floor below it is raised to it.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(5);

/// Backoff between failed refreshes: doubling from the first, capped, with full jitter.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// How many loads in a row a caller waits for when each is dropped before it ends (only when
/// runtimes shut down) before it gives up.
const MAX_RESTARTS: usize = 3;

/// Credentials, as the identity the SDK signs with, and the deadlines that govern them.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// Built once per load: handing it out is a clone (two reference counts), where handing
    /// out `Credentials` would make the SDK build an `Identity` per request.
    identity: Identity,
    /// When the credentials expire, less the coarse clock's greatest lag, so that comparisons
    /// on that clock stay on the safe side.
    expires_at: Instant,
    /// From here a background refresh is due, as a clock tick: the hot path compares ticks
    /// without converting.
    refresh_tick: Tick,
    /// From here the hot path no longer answers: callers go to the slow path, which hands
    /// the credentials out while they are valid past the margin and makes sure a load runs.
    /// Never later than the margin before expiry.
    floor_tick: Tick,
}

impl Snapshot {
    /// The snapshot of credentials that just arrived, and when their refresh is due.
    /// `spread_phase`: the load was cold, and its first refresh goes to a random point of
    /// the credentials' life (see [`super::spread`]).
    fn new(loaded: Loaded, clock: &Clock, floor: Duration, spread_phase: bool) -> (Self, Instant) {
        let lifetime = loaded.valid_for;
        let floor = effective_floor(floor, lifetime);
        let phase = spread_phase.then(fastrand::f64);
        let lead = refresh_lead(lifetime, floor, fastrand::f64(), phase);
        let now = clock.now();
        let expires_at = now + lifetime.saturating_sub(COARSE_LAG);
        let before_expiry = |lead: Duration| expires_at.checked_sub(lead).unwrap_or(now);
        let refresh_at = before_expiry(lead);
        let snapshot = Self {
            identity: Identity::from(loaded.credentials),
            expires_at,
            refresh_tick: clock.tick_at(refresh_at),
            floor_tick: clock.tick_at(before_expiry(floor)),
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

/// What one load ends with, as every caller waiting on it receives it.
type Outcome = Result<Identity, CredentialError>;

/// The load in flight, as its waiters hold it: `None` until the load ends. A load whose task
/// was dropped before it ended (its runtime shut down, or the caller loading it inline gave
/// up) leaves the channel closed with `None` in it.
type Attempt = watch::Receiver<Option<Outcome>>;

/// What the slow path does for one caller.
enum Step {
    /// Answer the caller now.
    Answer(Outcome),
    /// Wait for the load in flight.
    Wait(Attempt),
    /// No Tokio runtime to run the load on: the caller runs it, and shares it all the same.
    LoadInline(Attempt, watch::Sender<Option<Outcome>>),
}

/// One role's cached credentials.
#[derive(Debug)]
pub(crate) struct RoleEntry {
    spec: Arc<RoleSpec>,
    current: ArcSwapOption<Snapshot>,
    failure: ArcSwapOption<Failure>,
    /// The load in flight, shared by every caller that needs it: concurrent callers share one
    /// STS attempt sequence and its outcome, success or failure. Locked only by the slow path,
    /// never across an `await`.
    in_flight: Mutex<Option<Attempt>>,
    /// A background refresh task is running.
    refreshing: AtomicBool,
    /// The credentials were read since they were loaded; idle roles are not refreshed.
    used: AtomicBool,
    /// A request waits on the load in flight: it goes before refreshes ahead in the STS
    /// budget. Written under the `in_flight` lock.
    awaited: AtomicBool,
    /// The clock's second ([`Tick::second`]) of the last read, hot or slow, through any
    /// client or the registry: what the registry's time-to-idle judges. Stored only when the
    /// second changes, so a busy role's reads only load it.
    last_used: AtomicU32,
}

impl RoleEntry {
    /// A role's entry, counted as used at `now`.
    pub(crate) fn new(spec: Arc<RoleSpec>, now: Tick) -> Self {
        Self {
            spec,
            current: ArcSwapOption::empty(),
            failure: ArcSwapOption::empty(),
            in_flight: Mutex::new(None),
            refreshing: AtomicBool::new(false),
            used: AtomicBool::new(false),
            awaited: AtomicBool::new(false),
            last_used: AtomicU32::new(now.second()),
        }
    }

    /// Records a read at `now`: one relaxed load, and a store once a second at most.
    #[inline]
    pub(crate) fn touch(&self, now: Tick) {
        let second = now.second();
        if self.last_used.load(Ordering::Relaxed) != second {
            self.last_used.store(second, Ordering::Relaxed);
        }
    }

    /// Whether nobody has read the role for more than `seconds` whole seconds at `now` (a
    /// read recorded after `now` was taken is not idle).
    pub(crate) fn idle_longer_than(&self, seconds: u32, now: Tick) -> bool {
        let idle = now
            .second()
            .wrapping_sub(self.last_used.load(Ordering::Relaxed));
        idle > seconds && idle < 1 << 31
    }

    /// The hot path: current credentials if they are before the floor, starting a background
    /// refresh once they are inside the advisory window. One atomic load (and the `last_used`
    /// second's), no lock, no moka.
    pub(crate) fn try_hot(self: &Arc<Self>, shared: &Arc<Shared>) -> Option<Identity> {
        let now = shared.clock.tick();
        // Every read, hot or on its way to the slow path (which starts here), keeps the
        // role from going idle.
        self.touch(now);
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

    /// The slow path, for a caller the hot path could not answer (a cold role, credentials past
    /// the floor or within the margin). Credentials valid past the margin are handed out at once,
    /// with a load started behind them; otherwise the caller waits for the load in flight, or
    /// starts one, and gets its outcome. Loads run on their own task: a caller that gives up
    /// abandons its wait, never the load.
    pub(crate) async fn load_now(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
    ) -> Result<Identity, CredentialError> {
        if let Some(identity) = self.try_hot(shared) {
            return Ok(identity);
        }
        for _ in 0..MAX_RESTARTS {
            let mut attempt = match self.next_step(shared) {
                Step::Answer(outcome) => return outcome,
                Step::Wait(attempt) => attempt,
                Step::LoadInline(attempt, done) => {
                    self.run_attempt(shared, done).await;
                    attempt
                }
            };
            if let Some(outcome) = outcome_of(&mut attempt).await {
                return outcome;
            }
            // The load was dropped before it ended: start over.
        }
        Err(CredentialError::Unavailable {
            role_arn: self.spec.role_arn.to_string(),
            message: format!(
                "{MAX_RESTARTS} loads in a row were dropped before they ended (is the Tokio \
                 runtime shutting down?)"
            ),
        })
    }

    /// The load in flight. Nothing panics while holding the lock, so a poisoned one is as
    /// good as any.
    fn lock_in_flight(&self) -> MutexGuard<'_, Option<Attempt>> {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides, under the `in_flight` lock, whether the caller is answered now or waits for a
    /// load, and starts that load if none is running.
    fn next_step(self: &Arc<Self>, shared: &Arc<Shared>) -> Step {
        let mut in_flight = self.lock_in_flight();
        let (now, tick) = (shared.clock.now(), shared.clock.tick());
        let current = self.current.load_full();
        if let Some(snapshot) = current.as_ref().filter(|s| tick < s.floor_tick) {
            // A load ended since the hot path looked.
            shared.counters.hits.bump();
            return Step::Answer(Ok(snapshot.identity.clone()));
        }
        let running = in_flight.as_ref().filter(|a| !a.is_closed()).cloned();
        let failure = self.failure.load_full();
        if let Some(snapshot) = current.as_ref().filter(|s| s.valid_at(now)) {
            // Past the floor but valid past the margin: answer now, refresh behind the answer
            // unless a load is running or a failed one is backing off.
            let backing_off = failure.as_ref().is_some_and(|f| now < f.retry_at);
            if running.is_none() && !backing_off {
                self.spawn_attempt(shared, &mut in_flight);
            }
            bump(&shared.counters.stale_served);
            return Step::Answer(Ok(snapshot.identity.clone()));
        }
        if let Some(attempt) = running {
            bump(&shared.counters.misses);
            self.awaited.store(true, Ordering::Relaxed);
            return Step::Wait(attempt);
        }
        // A refusal is remembered for the negative TTL; other failures are not cached.
        if let Some(failure) = failure.filter(|f| f.permanent && now < f.retry_at) {
            return Step::Answer(Err(failure.error.clone()));
        }
        bump(&shared.counters.misses);
        self.awaited.store(true, Ordering::Relaxed);
        if let Some(attempt) = self.spawn_attempt(shared, &mut in_flight) {
            return Step::Wait(attempt);
        }
        let (done, attempt) = watch::channel(None);
        *in_flight = Some(attempt.clone());
        Step::LoadInline(attempt, done)
    }

    /// Starts a load on its own task, recording it as the one in flight; `None` when no Tokio
    /// runtime is current.
    fn spawn_attempt(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        in_flight: &mut Option<Attempt>,
    ) -> Option<Attempt> {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (done, attempt) = watch::channel(None);
        *in_flight = Some(attempt.clone());
        let (entry, shared) = (Arc::clone(self), Arc::clone(shared));
        runtime.spawn(async move { entry.run_attempt(&shared, done).await });
        Some(attempt)
    }

    /// Runs one load and hands its outcome to every waiter. The outcome is stored (credentials
    /// or failure) before the load stops being in flight, so a caller that finds no load
    /// running sees it.
    async fn run_attempt(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        done: watch::Sender<Option<Outcome>>,
    ) {
        let refreshing = self
            .current
            .load()
            .as_ref()
            .is_some_and(|s| s.valid_at(shared.clock.now()));
        let outcome = self.fetch(shared, !refreshing).await;
        if refreshing && outcome.is_ok() {
            bump(&shared.counters.refreshes);
        }
        {
            let mut in_flight = self.lock_in_flight();
            *in_flight = None;
            self.awaited.store(false, Ordering::Relaxed);
        }
        done.send_replace(Some(outcome));
    }

    /// One load: stores the result and schedules the next refresh, or records the failure.
    /// `cold`: nothing valid was cached when it started.
    async fn fetch(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        cold: bool,
    ) -> Result<Identity, CredentialError> {
        match shared.load(&self.spec, &self.awaited).await {
            Ok(loaded) => {
                let spread_phase = cold && shared.config.spreads_first_refresh();
                let (snapshot, refresh_at) =
                    Snapshot::new(loaded, &shared.clock, shared.config.floor(), spread_phase);
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
    /// first caller past the floor starts the load).
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

    /// Refreshes until it succeeds, the failure is permanent, or the credentials would no
    /// longer be valid at the next retry (from there callers start loads), backing off
    /// between attempts. Shares the load in flight with callers, so a refresh never runs
    /// beside a caller's load.
    async fn refresh(self: &Arc<Self>, shared: &Arc<Shared>) {
        loop {
            let mut attempt = {
                let mut in_flight = self.lock_in_flight();
                let now = shared.clock.tick();
                let fresh = self
                    .current
                    .load()
                    .as_ref()
                    .is_some_and(|s| now < s.refresh_tick);
                if fresh {
                    return;
                }
                let running = in_flight.as_ref().filter(|a| !a.is_closed()).cloned();
                match running.or_else(|| self.spawn_attempt(shared, &mut in_flight)) {
                    Some(attempt) => attempt,
                    None => return,
                }
            };
            match outcome_of(&mut attempt).await {
                Some(Ok(_)) | None => return,
                Some(Err(_)) => {}
            }
            let failure = self.failure.load_full();
            let Some(failure) = failure.filter(|f| !f.permanent) else {
                return;
            };
            let valid_then = self
                .current
                .load()
                .as_ref()
                .is_some_and(|s| s.valid_at(failure.retry_at));
            if !valid_then {
                return;
            }
            tokio::time::sleep_until(failure.retry_at).await;
        }
    }
}

/// The outcome of a load, once it ends; `None` if it was dropped before it ended.
async fn outcome_of(attempt: &mut Attempt) -> Option<Outcome> {
    attempt
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|outcome| outcome.clone())
}

/// Full-jitter exponential backoff for attempt `attempt` (1-based).
fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_FIRST.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    exp.min(BACKOFF_MAX).mul_f64(0.5 + 0.5 * fastrand::f64())
}
