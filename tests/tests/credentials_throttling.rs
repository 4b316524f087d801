//! STS throttling a factory whose roles are all warm and due for refresh, through the tap in
//! front of moto's real STS, on real time scaled down (credentials of 36 s instead of an hour;
//! `scoped-runtime`'s unit test `sixty_seconds_of_throttling_fail_no_request_of_500_warm_roles`
//! runs the full 60 s on a simulated clock).
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is the test failing"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use scoped_runtime::{CredentialCacheConfig, Tenant};
use scoped_tests::{Fault, StsTap, factory_with_tap, ping, unique};

const ROLES: usize = 500;

/// 500 role tenants, warm, with 36-second credentials whose refreshes all fall due together
/// (24 s after their load: first refreshes not spread, floor 12 s). STS throttles every
/// `AssumeRole` from 22 s to 28 s after the warm-up began, across every refresh's start;
/// requests keep going to every tenant meanwhile. No request fails: each is signed with its
/// role's cached credentials, still valid, while refreshes back off; the budget sends a few
/// hundred requests into the throttling where each role retrying alone sent thousands; after
/// it every role is refreshed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_sts_fails_no_request_of_500_warm_roles() {
    let tap = StsTap::new();
    tap.set_lifetime(Some(Duration::from_secs(36)));
    let factory = factory_with_tap(
        &tap,
        CredentialCacheConfig::default()
            .refresh_floor(Duration::from_secs(12))
            .spread_first_refresh(false),
    )
    .await;
    let run = unique();
    let clients: Vec<_> = (0..ROLES)
        .map(|n| {
            let tenant = Tenant::new(format!("tenant-{run}-{n}"), "Acme")
                .unwrap()
                .with_role_arn(format!("arn:aws:iam::161616161616:role/tenant-{run}-{n}"))
                .unwrap();
            factory.tenant_dynamodb(&tenant)
        })
        .collect();
    let started = Instant::now();
    let failed = Arc::new(AtomicU64::new(0));
    let served = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // 25 workers, 20 tenants each, one request after another: the first round warms them.
    let workers: Vec<_> = clients
        .chunks(ROLES / 25)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            let (failed, served, stop) =
                (Arc::clone(&failed), Arc::clone(&served), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut errors = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    for client in &chunk {
                        let table = client.table_name("ping").unwrap();
                        match ping(client.raw(), table.as_str()).await {
                            Ok(()) => served.fetch_add(1, Ordering::Relaxed),
                            Err(err) => {
                                errors.push(format!("{err:?}"));
                                failed.fetch_add(1, Ordering::Relaxed)
                            }
                        };
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                errors
            })
        })
        .collect();
    let warm = factory.credential_stats();
    tokio::time::sleep_until((started + Duration::from_secs(22)).into()).await;
    let warmed = tap.assume_role_calls();
    tap.set_fault(Some(Fault::Throttling));
    tokio::time::sleep_until((started + Duration::from_secs(28)).into()).await;
    tap.set_fault(None);
    let into_throttling = tap.assume_role_calls() - warmed;
    let served_by_then = served.load(Ordering::Relaxed);
    // Past every role's margin (31 s after its load at the earliest) and its refresh.
    tokio::time::sleep_until((started + Duration::from_secs(45)).into()).await;
    stop.store(true, Ordering::Relaxed);
    let mut errors = Vec::new();
    for worker in workers {
        errors.extend(worker.await.unwrap());
    }
    let stats = factory.credential_stats();
    let served = served.load(Ordering::Relaxed);
    eprintln!(
        "500 warm roles, STS throttling for 6 s: {served} requests served, {} failed; \
         {warmed} AssumeRole requests to warm, {into_throttling} into the throttling, {} in \
         all; {stats:?} (at the start: {warm:?})",
        failed.load(Ordering::Relaxed),
        tap.assume_role_calls(),
    );
    assert!(
        errors.is_empty(),
        "{} failed requests: {:?}",
        errors.len(),
        errors.first()
    );
    assert!(stats.throttled > 0, "STS never throttled: {stats:?}");
    assert!(
        served_by_then >= 2 * ROLES as u64,
        "{served_by_then} requests served by the end of the throttling"
    );
    // The bucket's 100 calls when the throttling starts, then halving each second, each call
    // up to 3 requests (the SDK's attempts): a few hundred. Each role on its own: thousands.
    assert!(
        into_throttling <= 700,
        "{into_throttling} AssumeRole requests into 6 s of throttling"
    );
    // Every role was refreshed: at least two successful loads each.
    assert!(
        stats.sts_calls - stats.failures >= 2 * ROLES as u64,
        "not every role was refreshed: {stats:?}"
    );
}
