//! The fleet simulation at a size a unit test affords: what refresh spreading buys a fleet.

use std::time::Duration;

use super::super::fleet::{FleetConfig, simulate};

/// 30 processes × 400 tenants deployed within a minute, for 2.5 simulated hours. After the first
/// hour STS sees no wave: no minute has more than 1.5× the mean of calls, the calls per role
/// stay within 1.1× one per lifetime, and every request got valid credentials. (Before refreshes
/// were spread, the whole fleet refreshed in the same minute each hour: a peak of about 20×
/// the mean.)
#[tokio::test(start_paused = true)]
async fn a_deploy_wave_does_not_come_back_as_a_refresh_wave() {
    let config = FleetConfig {
        duration: Duration::from_secs(5 * 1800),
        // Minutes: 12,000 roles make ~210 calls a minute, so chance alone moves a minute's
        // count by about 7%.
        window: Duration::from_secs(60),
        ..FleetConfig::new(30, 400, 30)
    };
    let report = simulate(config).await;
    eprintln!("{report}");
    let after = report.rates_after(Duration::from_secs(3600));
    assert!(
        after.peak <= 1.5 * after.mean,
        "peak {:.1}/s, mean {:.1}/s",
        after.peak,
        after.mean
    );
    let per_lifetime = report.calls_per_lifetime_after(Duration::from_secs(3600));
    assert!(
        (0.95..=1.1).contains(&per_lifetime),
        "{per_lifetime:.3} calls per role and lifetime"
    );
    assert_eq!((report.failed, report.expired), (0, 0), "{report}");
    assert!(report.least_validity > Duration::from_secs(5), "{report}");
    assert_eq!(report.waited_after_first_lifetime, 0, "{report}");
    assert!(report.requests > 30 * 400 * 30, "{report}");
}
