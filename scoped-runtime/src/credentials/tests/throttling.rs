//! STS throttling the whole cache at the worst time: every role in its refresh window.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::time::Instant;

use super::{FIFTEEN_MINUTES, Mode, Scripted, cache, resolve, spec};
use crate::credentials::CredentialCacheConfig;
use crate::credentials::provider::{RoleSigning, credentials_of};

/// What the requests of the test got.
#[derive(Debug, Default)]
struct Outcomes {
    served: AtomicU64,
    waited: AtomicU64,
    /// Requests that waited once every role was warm (after the first 10 s).
    waited_warm: AtomicU64,
    failed: AtomicU64,
}

/// One request: answered at once when warm, else by a task that waits for the load.
fn request(signing: &RoleSigning, warm: bool, loader: &Arc<Scripted>, outcomes: &Arc<Outcomes>) {
    let check = |result: Result<aws_credential_types::Credentials, String>,
                 loader: &Scripted,
                 outcomes: &Outcomes| match result {
        Ok(credentials) => {
            loader.assert_valid(&credentials);
            assert!(loader.valid_for(&credentials) > Duration::from_secs(5));
            outcomes.served.fetch_add(1, Ordering::Relaxed);
        }
        Err(_) => {
            outcomes.failed.fetch_add(1, Ordering::Relaxed);
        }
    };
    let direct = signing.identity().now_or_never().map(|result| {
        result
            .map(|identity| credentials_of(&identity).unwrap().clone())
            .map_err(|err| format!("{err:?}"))
    });
    match direct {
        Some(result) => check(result, loader, outcomes),
        None => {
            outcomes.waited.fetch_add(1, Ordering::Relaxed);
            if warm {
                outcomes.waited_warm.fetch_add(1, Ordering::Relaxed);
            }
            let (signing, loader, outcomes) =
                (signing.clone(), Arc::clone(loader), Arc::clone(outcomes));
            tokio::spawn(async move { check(resolve(&signing).await, &loader, &outcomes) });
        }
    }
}

/// 500 roles, each requested every second, with 15-minute credentials all refreshed in the
/// same window (first refreshes not spread: the worst case). STS throttles every call for
/// the 60 s from just before the window opens until 10 s before the credentials leave the
/// margin. No request fails: each is served its role's still-valid credentials while
/// refreshes back off; the budget falls to about one call a second instead of each role
/// retrying on its own (which would send thousands of calls into the throttling); and when
/// STS recovers every role is refreshed.
#[tokio::test(start_paused = true)]
async fn sixty_seconds_of_throttling_fail_no_request_of_500_warm_roles() {
    const ROLES: usize = 500;
    let loader = Scripted::new(Duration::from_millis(50), FIFTEEN_MINUTES);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().spread_first_refresh(false),
    );
    let signings: Vec<_> = (0..ROLES).map(|n| cache.signing(&spec(n))).collect();
    let outcomes = Arc::new(Outcomes::default());
    let start = Instant::now();
    let throttle_from = start + Duration::from_secs(825);
    let throttle_until = throttle_from + Duration::from_secs(60);
    let mut calls_at_throttle = None;
    let mut calls_throttled = 0;
    let mut second = start;
    while second < start + Duration::from_secs(1000) {
        if second >= throttle_from && calls_at_throttle.is_none() {
            loader.set(Mode::Throttled);
            calls_at_throttle = Some(loader.calls());
        }
        if second >= throttle_until && calls_throttled == 0 {
            loader.set(Mode::Ok);
            calls_throttled = loader.calls() - calls_at_throttle.unwrap_or_default();
        }
        let warm = second >= start + Duration::from_secs(10);
        for signing in &signings {
            request(signing, warm, &loader, &outcomes);
        }
        second += Duration::from_secs(1);
        tokio::time::sleep_until(second).await;
    }
    // The last requests that waited get their answers.
    tokio::time::sleep(Duration::from_secs(30)).await;
    let stats = cache.stats();
    let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    let (served, waited, waited_warm, failed) = (
        read(&outcomes.served),
        read(&outcomes.waited),
        read(&outcomes.waited_warm),
        read(&outcomes.failed),
    );
    eprintln!(
        "credentials/throttling: 500 warm roles, 60 s of throttling: {served} requests served, \
         {failed} failed, \
         {waited} waited for a load ({waited_warm} once warm); {calls_throttled} AssumeRole \
         calls during the throttling; {stats:?}"
    );
    assert_eq!(failed, 0, "{stats:?}");
    assert_eq!(
        waited_warm, 0,
        "a warm role's request waited for STS: {stats:?}"
    );
    assert_eq!(served, 1000 * ROLES as u64);
    assert!(stats.throttled > 0, "STS never throttled: {stats:?}");
    // A full bucket (100) when the throttling starts, then halving once a second down to one
    // call a second: a few hundred calls. Each role retrying on its own: thousands.
    assert!(
        calls_throttled <= 400,
        "{calls_throttled} AssumeRole calls into 60 s of throttling"
    );
    // Every role was refreshed after STS recovered: two successful loads each (the cold one and
    // the refresh), and none expired.
    assert!(
        stats.sts_calls - stats.failures >= 2 * ROLES as u64,
        "{stats:?}"
    );
}
