//! The registry of roles: one entry per role, bounded in size, with roles nobody reads
//! removed after the time-to-idle.
//!
//! - **Idle is judged by reads**, wherever they come from: a read through a client that holds
//!   the role's entry never touches the registry, so each entry records the second of its last
//!   read ([`RoleEntry::touch`]) and a sweep of the registry removes the entries whose last
//!   read is older than the time-to-idle. moka's own time-to-idle would count registry
//!   lookups only (and run on its own clock, not the cache's simulated one).
//! - **Sweeps** run at most every quarter of the time-to-idle (at least a second apart),
//!   claimed by whoever notices one is due: a registry lookup (which runs it on its own task),
//!   the refresh scheduler's task, or the statistics. No request pays for one.
//! - **Evicted but still held**: a client may still hold an entry the registry evicted (for
//!   size, or idle while the client read it rarely). The eviction keeps a weak reference to it,
//!   and the next lookup of the role takes that entry back instead of creating a second one,
//!   so the role keeps one entry and one load in flight. An entry nobody holds any more is
//!   dropped with its credentials (moka frees removed entries lazily, so a lookup soon after
//!   the eviction may still take it back: the same role's entry, so no harm); its role's next
//!   lookup then creates a fresh one, which loads once however many callers want it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use moka::notification::RemovalCause;
use moka::ops::compute::{CompResult, Op};

use super::cache::CredentialCacheConfig;
use super::clock::{Clock, Tick};
use super::entry::RoleEntry;
use crate::role::RoleSpec;

/// At least this many evicted entries are kept (weakly) before dead ones are pruned.
const MIN_ORPHANS: usize = 1024;

/// Entries the registry evicted, weakly, by role: a client may still hold one.
#[derive(Debug)]
struct Orphans {
    entries: HashMap<Arc<RoleSpec>, Weak<RoleEntry>>,
    /// Prune dead entries when there are this many: twice the live ones after the last prune,
    /// so pruning costs O(1) per eviction on average.
    prune_at: usize,
}

/// What evictions did, shared with moka's eviction listener.
#[derive(Debug)]
struct Evictions {
    capacity: AtomicU64,
    idle: AtomicU64,
    orphans: Mutex<Orphans>,
}

impl Evictions {
    /// Nothing panics while holding the lock, so a poisoned one is as good as any.
    fn orphans(&self) -> MutexGuard<'_, Orphans> {
        self.orphans.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called by moka for every entry it removes, whatever the cause.
    fn removed(&self, spec: &Arc<RoleSpec>, entry: &Arc<RoleEntry>, cause: RemovalCause) {
        if cause == RemovalCause::Size {
            self.capacity.fetch_add(1, Ordering::Relaxed);
        }
        let mut orphans = self.orphans();
        orphans
            .entries
            .insert(Arc::clone(spec), Arc::downgrade(entry));
        if orphans.entries.len() >= orphans.prune_at {
            orphans.prune();
        }
    }

    /// The entry of `spec` the registry evicted, if a client still holds it.
    fn adopt(&self, spec: &Arc<RoleSpec>) -> Option<Arc<RoleEntry>> {
        self.orphans().entries.remove(spec)?.upgrade()
    }
}

impl Orphans {
    fn prune(&mut self) {
        self.entries.retain(|_, entry| entry.strong_count() > 0);
        self.prune_at = (self.entries.len() * 2).max(MIN_ORPHANS);
    }
}

/// The registry: `RoleSpec` -> its entry.
#[derive(Debug)]
pub(crate) struct Registry {
    roles: moka::sync::Cache<Arc<RoleSpec>, Arc<RoleEntry>>,
    evictions: Arc<Evictions>,
    /// The time-to-idle, in whole seconds.
    idle_seconds: u32,
    /// Seconds between sweeps.
    sweep_every: u32,
    /// The clock's second from which the next sweep is due.
    next_sweep: AtomicU32,
}

/// Whether second `now` is at or after second `at`, both modulo 2³².
fn reached(now: u32, at: u32) -> bool {
    now.wrapping_sub(at) < 1 << 31
}

/// Whole seconds of `duration`, rounded up, at least one and at most 2³⁰ (34 years: longer
/// means never).
fn whole_seconds(duration: Duration) -> u32 {
    let seconds = duration
        .as_secs()
        .saturating_add(u64::from(duration.subsec_nanos() > 0));
    u32::try_from(seconds.clamp(1, 1 << 30)).unwrap_or(1 << 30)
}

impl Registry {
    pub(crate) fn new(config: &CredentialCacheConfig, now: Tick) -> Self {
        let evictions = Arc::new(Evictions {
            capacity: AtomicU64::new(0),
            idle: AtomicU64::new(0),
            orphans: Mutex::new(Orphans {
                entries: HashMap::new(),
                prune_at: MIN_ORPHANS,
            }),
        });
        let listener = Arc::clone(&evictions);
        let roles = moka::sync::Cache::builder()
            .max_capacity(config.get_max_roles())
            .eviction_listener(move |spec: Arc<Arc<RoleSpec>>, entry, cause| {
                listener.removed(&spec, &entry, cause);
            })
            .build();
        let idle_seconds = whole_seconds(config.get_role_time_to_idle());
        let sweep_every = (idle_seconds / 4).max(1);
        Self {
            roles,
            evictions,
            idle_seconds,
            sweep_every,
            next_sweep: AtomicU32::new(now.second().wrapping_add(sweep_every)),
        }
    }

    /// The role's entry: the one in the registry, else the one a client still holds after
    /// an eviction, else a new one. Concurrent lookups of a missing role agree on one.
    pub(crate) fn entry(&self, spec: &Arc<RoleSpec>, clock: &Clock) -> Arc<RoleEntry> {
        self.roles.get_with_by_ref(spec, || {
            let now = clock.tick();
            match self.evictions.adopt(spec) {
                Some(entry) => {
                    entry.touch(now);
                    entry
                }
                None => Arc::new(RoleEntry::new(Arc::clone(spec), now)),
            }
        })
    }

    /// Claims the sweep due at `now`, if one is: one relaxed load when none is.
    pub(crate) fn claim_sweep(&self, now: Tick) -> bool {
        let due = self.next_sweep.load(Ordering::Relaxed);
        let second = now.second();
        reached(second, due)
            && self
                .next_sweep
                .compare_exchange(
                    due,
                    second.wrapping_add(self.sweep_every),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    /// Removes every role nobody has read for longer than the time-to-idle: one pass over the
    /// registry. An entry read while the sweep looks at it stays.
    pub(crate) fn sweep(&self, clock: &Clock) {
        for (spec, entry) in self.roles.iter() {
            if !entry.idle_longer_than(self.idle_seconds, clock.tick()) {
                continue;
            }
            // Under the role's lock, so no lookup hands the entry out while it goes; moka
            // tells the eviction listener before this returns, so the next lookup finds it
            // among the orphans if a client still holds it.
            let removed = self
                .roles
                .entry_by_ref(spec.as_ref())
                .and_compute_with(|current| match current {
                    Some(current)
                        if Arc::ptr_eq(current.value(), &entry)
                            && entry.idle_longer_than(self.idle_seconds, clock.tick()) =>
                    {
                        Op::Remove
                    }
                    _ => Op::Nop,
                });
            if matches!(removed, CompResult::Removed(_)) {
                self.evictions.idle.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.evictions.orphans().prune();
    }

    /// Roles in the registry, after moka's pending evictions.
    pub(crate) fn len(&self) -> u64 {
        self.roles.run_pending_tasks();
        self.roles.entry_count()
    }

    /// Roles removed for their idleness, and to make room.
    pub(crate) fn evicted(&self) -> (u64, u64) {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        (read(&self.evictions.idle), read(&self.evictions.capacity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_compare_across_the_wrap() {
        assert!(reached(5, 5));
        assert!(reached(6, 5));
        assert!(!reached(4, 5));
        assert!(reached(3, u32::MAX - 2));
        assert!(!reached(u32::MAX - 2, 3));
    }

    #[test]
    fn time_to_idle_rounds_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(3600)), 3600);
        assert_eq!(whole_seconds(Duration::MAX), 1 << 30);
    }
}
