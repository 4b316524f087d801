//! The credential cache's read path against its baselines, measured in the same run:
//! a moka `get` on the same key, and the AWS SDK's lazy identity cache on a warm hit.
//! Then the registry at scale: heap bytes per cached role (and resident memory, which adds
//! the allocator's own overhead) and no eviction churn.
//!
//! `cargo bench -p scoped-runtime --bench credentials`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod heap;

use std::time::Duration;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_dynamodb::config::{ConfigBag, IdentityCache, RuntimeComponentsBuilder};
use aws_smithy_runtime_api::client::identity::{
    Identity, ResolveCachedIdentity, SharedIdentityResolver,
};
use criterion::{Criterion, criterion_group, criterion_main};
use heap::{TOKEN_LEN, heap_per_item, sts_like_credentials};
use scoped_runtime::test_util::WarmRoles;

/// Resident memory of this process in bytes, from `/proc/self/statm` (Linux).
fn resident_bytes() -> Option<i64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The value of a future that is ready on its first poll.
fn poll_once<T, E: std::fmt::Debug>(future: impl Future<Output = Result<T, E>>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(result) => result.expect("warm credentials"),
        std::task::Poll::Pending => panic!("a warm read must not wait"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// Per request the SDK's orchestrator asks its identity cache for the identity of the SigV4
/// resolver: `identity_cache.resolve_cached_identity(resolver.clone(), &components, &bag)`.
/// Every contender answers that call, or a moka `get` of the same `Identity` on the same key.
fn warm_read(c: &mut Criterion) {
    let rt = runtime();
    let roles = rt
        .block_on(WarmRoles::new(1, TOKEN_LEN))
        .expect("warm role");
    let (our_resolver, ours) = roles.client_identity(0);

    let credentials = sts_like_credentials(0);
    let identity = Identity::from(credentials.clone());
    let key = "arn:aws:iam::123456789012:role/tenant-000000".to_owned();
    let moka_sync = moka::sync::Cache::new(100);
    moka_sync.insert(key.clone(), identity.clone());
    let moka_future = moka::future::Cache::new(100);
    rt.block_on(moka_future.insert(key.clone(), identity));

    let sdk_cache = IdentityCache::lazy().build();
    let resolver = SharedIdentityResolver::new(SharedCredentialsProvider::new(credentials));
    let components = RuntimeComponentsBuilder::for_tests()
        .with_time_source(Some(aws_smithy_async::time::SystemTimeSource::new()))
        .with_sleep_impl(Some(aws_smithy_async::rt::sleep::TokioSleep::new()))
        .build()
        .expect("runtime components");
    let bag = ConfigBag::base();
    // The lazy cache arms its load timeout when the future is created: create it in the runtime.
    rt.block_on(async {
        sdk_cache
            .resolve_cached_identity(resolver.clone(), &components, &bag)
            .await
    })
    .expect("warm SDK cache");

    // Synchronous reads: a warm read's future is ready at once, so poll it once, as the SDK's
    // orchestrator does, against a moka `get` of the same key.
    let mut group = c.benchmark_group("credentials/warm_read");
    group.bench_function("scoped_role_cache", |b| {
        b.iter(|| poll_once(ours.resolve_cached_identity(our_resolver.clone(), &components, &bag)));
    });
    group.bench_function("moka_sync_get", |b| {
        b.iter(|| moka_sync.get(&key).expect("present"));
    });
    // A client shared by many roles looks the request's role up in the registry first: a moka
    // lookup hashing the role's spec, without and with a tenant-sized session policy.
    group.bench_function("scoped_registry_lookup", |b| {
        b.iter(|| poll_once(roles.registry_identity(0)));
    });
    let with_policy = rt
        .block_on(WarmRoles::with_session_policy(1, TOKEN_LEN, 900))
        .expect("warm role");
    group.bench_function("scoped_registry_lookup_900_char_policy", |b| {
        b.iter(|| poll_once(with_policy.registry_identity(0)));
    });
    // Through an async runtime, as a request sees it, against moka's async cache and the SDK's.
    group.bench_function("scoped_role_cache_async", |b| {
        b.to_async(&rt).iter(|| async {
            ours.resolve_cached_identity(our_resolver.clone(), &components, &bag)
                .await
                .expect("warm")
        });
    });
    group.bench_function("moka_future_get", |b| {
        b.to_async(&rt)
            .iter(|| async { moka_future.get(&key).await.expect("present") });
    });
    group.bench_function("sdk_lazy_identity_cache", |b| {
        b.to_async(&rt).iter(|| async {
            sdk_cache
                .resolve_cached_identity(resolver.clone(), &components, &bag)
                .await
                .expect("warm")
        });
    });
    group.finish();
}

/// Reads on two threads at once, each on its own role, against moka `get`s of two keys: what
/// the cache's shared state (its hit counter) costs when cores read concurrently. Time per
/// read on each thread.
fn warm_read_threads(c: &mut Criterion) {
    const THREADS: usize = 2;
    let rt = runtime();
    let roles = rt
        .block_on(WarmRoles::new(THREADS, TOKEN_LEN))
        .expect("warm roles");
    let components = RuntimeComponentsBuilder::for_tests()
        .build()
        .expect("runtime components");
    let bag = ConfigBag::base();
    let keys: Vec<String> = (0..THREADS).map(|n| format!("role-{n}")).collect();
    let moka_sync = moka::sync::Cache::new(100);
    for (n, key) in keys.iter().enumerate() {
        moka_sync.insert(key.clone(), Identity::from(sts_like_credentials(n)));
    }

    let mut group = c.benchmark_group("credentials/warm_read_2_threads");
    group.bench_function("scoped_role_cache", |b| {
        b.iter_custom(|iters| {
            let start = std::time::Instant::now();
            std::thread::scope(|scope| {
                for n in 0..THREADS {
                    let (resolver, cache) = roles.client_identity(n);
                    let (components, bag) = (&components, &bag);
                    scope.spawn(move || {
                        for _ in 0..iters {
                            poll_once(cache.resolve_cached_identity(
                                resolver.clone(),
                                components,
                                bag,
                            ));
                        }
                    });
                }
            });
            start.elapsed()
        });
    });
    group.bench_function("moka_sync_get", |b| {
        b.iter_custom(|iters| {
            let start = std::time::Instant::now();
            std::thread::scope(|scope| {
                for key in &keys {
                    let moka_sync = &moka_sync;
                    scope.spawn(move || {
                        for _ in 0..iters {
                            moka_sync.get(key).expect("present");
                        }
                    });
                }
            });
            start.elapsed()
        });
    });
    group.finish();
}

/// 100,000 warm roles: heap bytes per role, against the same credentials held alone and held
/// in the source design's moka cache with a fixed TTL; and a second pass over all roles loads
/// nothing (no eviction churn).
fn scale(_: &mut Criterion) {
    const ROLES: usize = 100_000;
    let rt = runtime();

    // Ours first, while the heap is fresh: resident memory then grows by what it keeps.
    let rss_before = resident_bytes();
    let (ours, roles) = heap_per_item(ROLES, || {
        rt.block_on(WarmRoles::new(ROLES, TOKEN_LEN))
            .expect("warm roles")
    });
    let rss = resident_bytes()
        .zip(rss_before)
        .map_or(0, |(after, before)| after - before);
    let components = RuntimeComponentsBuilder::for_tests()
        .build()
        .expect("runtime components");
    let bag = ConfigBag::base();
    rt.block_on(async {
        for n in 0..ROLES {
            let (resolver, cache) = roles.client_identity(n);
            cache
                .resolve_cached_identity(resolver, &components, &bag)
                .await
                .expect("warm");
        }
    });
    // What the credentials themselves take: the SDK's `Credentials`, its strings and its shared
    // inner struct. Every cache of them holds at least this.
    let (alone, kept) = heap_per_item(ROLES, || {
        (0..ROLES).map(sts_like_credentials).collect::<Vec<_>>()
    });
    drop(kept);
    // The source design: moka keyed by role ARN, a fixed 55-minute TTL, no refresh ahead.
    let (moka_ttl, kept) = heap_per_item(ROLES, || {
        let cache = moka::sync::Cache::builder()
            .max_capacity(ROLES as u64)
            .time_to_live(Duration::from_secs(55 * 60))
            .build();
        for n in 0..ROLES {
            cache.insert(
                format!("arn:aws:iam::123456789012:role/tenant-{n:06}"),
                sts_like_credentials(n),
            );
        }
        cache.run_pending_tasks();
        cache
    });
    drop(kept);
    println!(
        "credentials/scale/baselines: {ROLES} roles, the credentials alone {alone:.0} heap bytes \
         each; in moka with a fixed TTL {moka_ttl:.0} heap bytes per role ({:.0} over the \
         credentials)",
        moka_ttl - alone
    );

    println!(
        "credentials/scale: {ROLES} roles, {ours:.0} heap bytes per role, {:.0} of them the \
         cache's own over the credentials alone; {:.0} bytes of resident memory per role; \
         {} loads after a second pass over all roles, {} roles in the registry",
        ours - alone,
        rss as f64 / ROLES as f64,
        roles.loads(),
        roles.roles(),
    );
    assert_eq!(
        roles.loads(),
        ROLES as u64,
        "eviction churn: roles were reloaded"
    );
}

criterion_group!(benches, warm_read, warm_read_threads, scale);
criterion_main!(benches);
