//! The registry over simulated time: per-request identity lookups, roles that go idle, and
//! evictions (for idleness or size) of roles that clients still hold.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::join_all;
use tokio::time::Instant;

use super::super::CredentialCacheConfig;
use super::super::provider::credentials_of;
use super::{FIFTEEN_MINUTES, Scripted, cache, resolve, spec};

const MINUTE: Duration = Duration::from_secs(60);

/// First refreshes near the end of the credentials' life, not at a random point: the tests
/// count STS calls, and a refresh falling due early would add one.
fn config() -> CredentialCacheConfig {
    CredentialCacheConfig::default().spread_first_refresh(false)
}

/// The access key of the identity `RoleCache::identity` answers with.
async fn key_of(cache: &super::RoleCache, role: &Arc<crate::role::RoleSpec>) -> String {
    let identity = cache.identity(role).await.unwrap();
    credentials_of(&identity)
        .unwrap()
        .access_key_id()
        .to_owned()
}

/// A client shared by many roles reads each request's role from the registry: two cold
/// lookups share one load, a warm one is answered at once without STS, and a role's own
/// client (`signing`) reads the same entry.
#[tokio::test(start_paused = true)]
async fn registry_lookups_share_one_entry_per_role() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, config());
    let role = spec(0);
    let (first, second) = tokio::join!(cache.identity(&role), cache.identity(&role));
    for identity in [first.unwrap(), second.unwrap()] {
        assert_eq!(credentials_of(&identity).unwrap().access_key_id(), "AKIA1");
    }
    assert_eq!(loader.calls(), 1, "two cold lookups, one load");
    let stats = cache.stats();
    assert_eq!((stats.misses, stats.hits), (2, 0), "{stats:?}");

    let warm = cache
        .identity(&role)
        .now_or_never()
        .expect("a warm read is answered on its first poll")
        .unwrap();
    assert_eq!(credentials_of(&warm).unwrap().access_key_id(), "AKIA1");
    assert_eq!(
        resolve(&cache.signing(&role))
            .await
            .unwrap()
            .access_key_id(),
        "AKIA1"
    );
    assert_eq!(loader.calls(), 1, "the role's client reads the same entry");
    let stats = cache.stats();
    assert_eq!(
        (stats.misses, stats.hits, stats.roles),
        (2, 2, 1),
        "{stats:?}"
    );
}

/// A role nobody reads leaves the registry within a quarter of the time-to-idle after it,
/// counted in `evicted_idle`; a role read every 10 s through the registry stays.
#[tokio::test(start_paused = true)]
async fn an_idle_role_leaves_the_registry_after_the_time_to_idle() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let tti = 10 * MINUTE;
    let cache = cache(&loader, config().role_time_to_idle(tti));
    let (idle, busy) = (spec(0), spec(1));
    key_of(&cache, &idle).await;
    let start = Instant::now();
    while start.elapsed() < tti - Duration::from_secs(10) {
        key_of(&cache, &busy).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let stats = cache.stats();
    assert_eq!((stats.roles, stats.evicted_idle), (2, 0), "{stats:?}");
    // Swept within a quarter of the time-to-idle (and a second of rounding) after it.
    while start.elapsed() < tti + tti / 4 + Duration::from_secs(2) {
        key_of(&cache, &busy).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let stats = cache.stats();
    assert_eq!((stats.roles, stats.evicted_idle), (1, 1), "{stats:?}");
    assert_eq!(stats.evicted_capacity, 0);
}

/// Two roles read every 5 s for two hours, one through a client that holds its entry (and
/// never looks it up), one through registry lookups, with a one-minute time-to-idle: neither
/// is ever removed, and STS sees only their refreshes.
#[tokio::test(start_paused = true)]
async fn roles_read_continuously_never_go_idle() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, config().role_time_to_idle(MINUTE));
    let (held, looked_up) = (spec(0), spec(1));
    let client = cache.signing(&held);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2 * 3600) {
        loader.assert_valid(&resolve(&client).await.unwrap());
        key_of(&cache, &looked_up).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let stats = cache.stats();
    assert_eq!((stats.roles, stats.evicted_idle), (2, 0), "{stats:?}");
    assert_eq!(stats.misses, 2, "only the cold loads waited: {stats:?}");
    // 8 lifetimes each, plus a spread first refresh.
    assert!(loader.calls() <= 2 * 9 + 2, "{} STS calls", loader.calls());
}

/// A registry of 10 roles asked for 40: the 30 it cannot keep are counted as evicted for
/// capacity, none for idleness.
#[tokio::test(start_paused = true)]
async fn evictions_for_capacity_are_counted() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, config().max_roles(10));
    for n in 0..40 {
        drop(cache.signing(&spec(n)));
    }
    let stats = cache.stats();
    assert!(stats.roles <= 10, "{stats:?}");
    assert_eq!(stats.roles + stats.evicted_capacity, 40, "{stats:?}");
    assert_eq!(stats.evicted_idle, 0, "{stats:?}");
}

/// A role evicted for idleness (nobody holds it) and then wanted by 20 requests at once loads
/// once. (Its credentials have expired by then: moka frees removed entries lazily, so a role
/// used again soon after its eviction may take its old entry back, valid credentials and all.)
#[tokio::test(start_paused = true)]
async fn an_idle_evicted_role_used_again_loads_once() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, config().role_time_to_idle(MINUTE));
    let role = spec(0);
    assert_eq!(key_of(&cache, &role).await, "AKIA1");
    tokio::time::sleep(FIFTEEN_MINUTES + MINUTE).await;
    let stats = cache.stats();
    assert_eq!((stats.roles, stats.evicted_idle), (0, 1), "{stats:?}");
    let keys = join_all((0..20).map(|_| key_of(&cache, &role))).await;
    assert!(keys.iter().all(|key| key == "AKIA2"), "{keys:?}");
    assert_eq!(loader.calls(), 2);
    assert_eq!(cache.stats().roles, 1);
}

/// A client still holds a role's entry when the registry evicts it, for idleness (the client
/// read it once) or for size: the role's next lookup takes that entry back, with its valid
/// credentials, instead of loading the role a second time into a second entry.
#[tokio::test(start_paused = true)]
async fn an_evicted_role_that_a_client_holds_comes_back_without_a_load() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, config().role_time_to_idle(MINUTE).max_roles(10));
    // Idle while held.
    let role = spec(0);
    let client = cache.signing(&role);
    resolve(&client).await.unwrap();
    tokio::time::sleep(2 * MINUTE).await;
    assert_eq!(cache.stats().evicted_idle, 1);
    assert_eq!(key_of(&cache, &role).await, "AKIA1");
    assert_eq!(loader.calls(), 1, "the held entry came back, warm");

    // Evicted for size while held: 30 roles, each with a client, in a registry of 10.
    let clients: Vec<_> = (1..=30).map(|n| cache.signing(&spec(n))).collect();
    for client in &clients {
        resolve(client).await.unwrap();
    }
    assert_eq!(loader.calls(), 31);
    assert!(cache.stats().evicted_capacity >= 20, "{:?}", cache.stats());
    for n in 1..=30 {
        key_of(&cache, &spec(n)).await;
    }
    assert_eq!(loader.calls(), 31, "every evicted role came back warm");
    // The clients still read their roles, from the same entries.
    for client in &clients {
        resolve(client).await.unwrap();
    }
    assert_eq!(loader.calls(), 31);
}
