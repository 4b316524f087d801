//! The clock the cache reads on every request.
//!
//! `Instant::now()` costs 25–50 ns on a typical cloud VM, a large share of a warm credential
//! read. The cache only compares against deadlines that are seconds to minutes away, so the
//! hot path reads `CLOCK_MONOTONIC_COARSE` (about 6 ns, resolution 1–4 ms; the 5-second expiry
//! margin dwarfs that) as a [`Tick`] and compares it with deadlines converted to ticks once,
//! when credentials arrive. Everything that schedules work keeps Tokio's `Instant`. Tests use
//! Tokio's own clock so that paused time drives the cache too.

use std::time::Duration;

use tokio::time::Instant;

/// The most the coarse clock lags real time: its resolution (1–4 ms), with room to spare.
/// Deadlines compared on it are moved this much to the safe side.
pub(crate) const COARSE_LAG: Duration = Duration::from_millis(10);

/// A reading of the cache's clock, for comparisons only: coarsetime's fixed-point count
/// (2⁻³² s units) since an arbitrary origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Tick(u64);

impl Tick {
    /// The whole second of this tick, modulo 2³² (compare with `wrapping_sub`): what idleness
    /// is judged by, coarse enough that a role read many times a second stores it once.
    #[inline]
    pub(crate) fn second(self) -> u32 {
        // The fixed-point count's integer part; truncation wraps every 136 years.
        (self.0 >> 32) as u32
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    /// The coarse monotonic clock, anchored at `base` when the cache was created.
    Coarse {
        base: Instant,
        coarse_base: coarsetime::Instant,
    },
    /// Tokio's clock, which `tokio::time::pause` stops and advances, anchored at `base`.
    #[cfg_attr(
        not(any(test, feature = "test-util")),
        allow(
            dead_code,
            reason = "used by the simulated-time tests and the fleet simulation"
        )
    )]
    Tokio { base: Instant },
}

impl Clock {
    pub(crate) fn coarse() -> Self {
        Self::Coarse {
            base: Instant::now(),
            // Not `coarsetime::Instant::now()`: that also stores into a process-wide atomic
            // that every thread would then write on every request.
            coarse_base: coarsetime::Instant::now_without_cache_update(),
        }
    }

    #[cfg(any(test, feature = "test-util"))]
    pub(crate) fn tokio() -> Self {
        Self::Tokio {
            base: Instant::now(),
        }
    }

    /// The current tick: the hot path's only clock read.
    #[inline]
    pub(crate) fn tick(&self) -> Tick {
        match *self {
            Self::Coarse { .. } => Tick(coarsetime::Instant::now_without_cache_update().as_u64()),
            Self::Tokio { base } => ticks_after(Tick(0), Instant::now() - base),
        }
    }

    /// `instant` on this clock's tick scale (instants before the anchor saturate to it).
    pub(crate) fn tick_at(&self, instant: Instant) -> Tick {
        match *self {
            Self::Coarse { base, coarse_base } => ticks_after(
                Tick(coarse_base.as_u64()),
                instant.saturating_duration_since(base),
            ),
            Self::Tokio { base } => ticks_after(Tick(0), instant.saturating_duration_since(base)),
        }
    }

    /// The current instant, for scheduling: Tokio's timers need `Instant`s.
    pub(crate) fn now(&self) -> Instant {
        match *self {
            Self::Coarse { base, coarse_base } => {
                let elapsed: Duration = coarsetime::Instant::now_without_cache_update()
                    .duration_since(coarse_base)
                    .into();
                base + elapsed
            }
            Self::Tokio { .. } => Instant::now(),
        }
    }
}

fn ticks_after(origin: Tick, elapsed: Duration) -> Tick {
    Tick(
        origin
            .0
            .saturating_add(coarsetime::Duration::from(elapsed).as_u64()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_time_follows_real_time_within_its_resolution() {
        let clock = Clock::coarse();
        std::thread::sleep(Duration::from_millis(50));
        let drift = Instant::now().saturating_duration_since(clock.now());
        assert!(
            drift < Duration::from_millis(20),
            "coarse clock lags by {drift:?}"
        );
        assert!(clock.now() <= Instant::now() + Duration::from_millis(20));
    }

    #[test]
    fn ticks_order_like_the_instants_they_stand_for() {
        let clock = Clock::coarse();
        let soon = Instant::now() + Duration::from_millis(100);
        let later = soon + Duration::from_secs(60);
        assert!(clock.tick() < clock.tick_at(soon));
        assert!(clock.tick_at(soon) < clock.tick_at(later));
        std::thread::sleep(Duration::from_millis(150));
        assert!(clock.tick() >= clock.tick_at(soon));
        assert!(clock.tick() < clock.tick_at(later));
    }

    #[tokio::test(start_paused = true)]
    async fn tokio_ticks_follow_paused_time() {
        let clock = Clock::tokio();
        let deadline = clock.tick_at(Instant::now() + Duration::from_secs(30));
        assert!(clock.tick() < deadline);
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(clock.tick() < deadline);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(clock.tick() >= deadline);
    }
}
