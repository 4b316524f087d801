//! The clock the cache reads on every request.
//!
//! `Instant::now()` costs about 50 ns on a typical cloud VM, half the cost of a warm credential
//! read. The cache only compares against deadlines that are seconds to minutes away, so it
//! reads `CLOCK_MONOTONIC_COARSE` (a few ns, resolution 1–4 ms; the 5-second expiry margin
//! dwarfs that) and maps it onto Tokio's `Instant`, which schedules refreshes. Tests use
//! Tokio's own clock so that paused time drives the cache too.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    /// The coarse monotonic clock, anchored at `base` when the cache was created.
    Coarse {
        base: Instant,
        coarse_base: coarsetime::Instant,
    },
    /// Tokio's clock, which `tokio::time::pause` stops and advances.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "used by the simulated-time tests")
    )]
    Tokio,
}

impl Clock {
    pub(crate) fn coarse() -> Self {
        Self::Coarse {
            base: Instant::now(),
            coarse_base: coarsetime::Instant::now(),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        match *self {
            Self::Coarse { base, coarse_base } => {
                let elapsed: Duration = coarsetime::Instant::now()
                    .duration_since(coarse_base)
                    .into();
                base + elapsed
            }
            Self::Tokio => Instant::now(),
        }
    }
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
}
