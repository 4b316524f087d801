//! When credentials get refreshed: late enough that STS sees about one call per lifetime,
//! spread enough that a fleet does not call it all at once.
//!
//! Processes that start together (a deploy) load every role in the same minute. If each then
//! refreshed a fixed time before expiry, they would refresh them all in one minute an hour
//! later, and again every hour. Two draws keep them apart:
//!
//! - **Every refresh** starts at a uniformly random point of the window between the last
//!   [`SPREAD_SHARE`] of the lifetime and the floor (1-hour credentials: 4.8 to 1 minutes
//!   before expiry), so a role refreshes on average 2.9 minutes early: 1.05 calls per
//!   lifetime.
//! - **A cold load's credentials** (nothing valid was cached: the role's first load in the
//!   process, or after it went idle) are refreshed at a uniformly random point of their usable
//!   life instead, which sets the role's phase in this process to a random one: refreshes of
//!   roles loaded in the same minute land anywhere in the following hour, and stay apart. It
//!   costs half a credential lifetime per cold start on average, and nothing after.
//!
//! `docs/scale.md` has what this does to a fleet's STS traffic, simulated.

use std::time::Duration;

use super::entry::EXPIRY_MARGIN;

/// The share of the lifetime before expiry within which a refresh of warm credentials starts
/// (the floor included): 8% keeps STS calls at 1.05 per lifetime of 1-hour credentials and
/// 1.08 per lifetime of 15-minute ones (where the 60-second floor alone is 6.7%).
pub(crate) const SPREAD_SHARE: f64 = 0.08;

/// The refresh floor credentials of `lifetime` get: the configured one, at most half the
/// lifetime (so fresh credentials start on the hot path), and never below the margin, so the
/// hot path stops before the margin whatever the configuration and lifetime.
pub(crate) fn effective_floor(configured: Duration, lifetime: Duration) -> Duration {
    configured.min(lifetime / 2).max(EXPIRY_MARGIN)
}

/// How long before expiry the refresh of credentials of `lifetime` starts, given the
/// effective `floor` and two uniform draws in `[0, 1)`: `draw` places a refresh in the
/// window, `phase` (only for a cold load whose first refresh is spread) places it in the
/// credentials' usable life. Never less than the floor, never more than the lifetime.
pub(crate) fn refresh_lead(
    lifetime: Duration,
    floor: Duration,
    draw: f64,
    phase: Option<f64>,
) -> Duration {
    let window_start = lifetime
        .mul_f64(SPREAD_SHARE)
        .max(floor)
        .min(lifetime / 2)
        .max(floor);
    let lead = floor + (window_start - floor).mul_f64(draw.clamp(0.0, 1.0));
    match phase {
        None => lead,
        // Refresh `phase` of the way through the usable life: uniform over one refresh cycle.
        Some(phase) => lifetime - lifetime.saturating_sub(lead).mul_f64(phase.clamp(0.0, 1.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn warm_refreshes_spread_over_the_last_share_above_the_floor() {
        assert_eq!(refresh_lead(HOUR, MINUTE, 0.0, None), MINUTE);
        assert_eq!(
            refresh_lead(HOUR, MINUTE, 0.5, None),
            Duration::from_secs(174)
        );
        assert_eq!(
            refresh_lead(HOUR, MINUTE, 0.999_999, None).as_secs(),
            287,
            "the window opens at 8% of the lifetime"
        );
        // 15 minutes: the window is 72 s to 60 s before expiry.
        let quarter = Duration::from_secs(900);
        assert_eq!(
            refresh_lead(quarter, MINUTE, 1.0, None),
            Duration::from_secs(72)
        );
    }

    #[test]
    fn a_floor_past_the_window_leaves_no_spread_and_stays_the_floor() {
        let lifetime = Duration::from_secs(26);
        let floor = effective_floor(Duration::from_millis(6500), lifetime);
        for draw in [0.0, 0.5, 1.0] {
            assert_eq!(refresh_lead(lifetime, floor, draw, None), floor);
        }
        // A floor longer than half the lifetime is cut to half of it.
        let short = Duration::from_secs(12);
        let floor = effective_floor(MINUTE, short);
        assert_eq!(floor, Duration::from_secs(6));
        assert_eq!(refresh_lead(short, floor, 1.0, None), floor);
    }

    #[test]
    fn a_cold_loads_refresh_lands_anywhere_in_the_usable_life() {
        let lead = refresh_lead(HOUR, MINUTE, 0.5, None);
        // phase 0: right after the load; phase → 1: where a warm refresh would start.
        assert_eq!(refresh_lead(HOUR, MINUTE, 0.5, Some(0.0)), HOUR);
        assert_eq!(
            refresh_lead(HOUR, MINUTE, 0.5, Some(0.5)),
            HOUR - (HOUR - lead) / 2
        );
        assert!(refresh_lead(HOUR, MINUTE, 0.5, Some(0.999_999)) >= lead);
    }

    /// The mean lead, over evenly spaced draws: STS calls per lifetime stay ≤ 1.1 for the
    /// lifetimes STS grants with the default floor.
    #[test]
    fn warm_refreshes_cost_at_most_a_tenth_more_than_one_call_per_lifetime() {
        for minutes in [15_u64, 60, 720] {
            let lifetime = Duration::from_secs(minutes * 60);
            let floor = effective_floor(MINUTE, lifetime);
            let mean: f64 = (0..1000)
                .map(|i| refresh_lead(lifetime, floor, f64::from(i) / 1000.0, None).as_secs_f64())
                .sum::<f64>()
                / 1000.0;
            let calls_per_lifetime = lifetime.as_secs_f64() / (lifetime.as_secs_f64() - mean);
            assert!(
                calls_per_lifetime <= 1.1,
                "{minutes} min: {calls_per_lifetime:.3} calls per lifetime"
            );
        }
    }
}
