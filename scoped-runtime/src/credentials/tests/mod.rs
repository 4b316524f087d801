//! The cache's behaviour over simulated time, with a scripted credential source standing in for
//! STS (the integration tests run the same cache against moto's real STS).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::ResolveCachedIdentity;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use tokio::time::Instant;

use super::cache::{LoadCredentials, LoadFailure, LoadFuture, Loaded};
use super::clock::Clock;
use super::entry::EXPIRY_MARGIN;
use super::provider::{RoleSigning, credentials_of};
use super::{CredentialCacheConfig, RoleCache};
use crate::error::CredentialError;
use crate::role::{RoleArn, RoleSpec, SessionName};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ok,
    Transient,
    /// `Throttling`: STS says to slow down.
    Throttled,
    Denied,
    Hang,
}

/// Answers like STS would, after `delay`, with credentials valid for `lifetime`, counting
/// calls and the most calls in flight at once.
#[derive(Debug)]
struct Scripted {
    delay: Duration,
    lifetime: Duration,
    mode: Mutex<Mode>,
    calls: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// When, on the simulated clock, each access key stops being valid.
    expires: Mutex<HashMap<String, Instant>>,
}

impl Scripted {
    fn new(delay: Duration, lifetime: Duration) -> Arc<Self> {
        Arc::new(Self {
            delay,
            lifetime,
            mode: Mutex::new(Mode::Ok),
            calls: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            expires: Mutex::new(HashMap::new()),
        })
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    /// Fails unless `credentials` are still valid on the simulated clock.
    fn assert_valid(&self, credentials: &Credentials) {
        let expires = self.expires.lock().unwrap()[credentials.access_key_id()];
        assert!(
            Instant::now() < expires,
            "expired credentials {} handed out",
            credentials.access_key_id()
        );
    }

    /// How long `credentials` stay valid from now on the simulated clock.
    fn valid_for(&self, credentials: &Credentials) -> Duration {
        let expires = self.expires.lock().unwrap()[credentials.access_key_id()];
        expires.saturating_duration_since(Instant::now())
    }
}

impl LoadCredentials for Arc<Scripted> {
    fn load<'a>(&'a self, spec: &'a RoleSpec) -> LoadFuture<'a> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_in_flight.fetch_max(now, Ordering::SeqCst);
            let mode = *self.mode.lock().unwrap();
            if mode == Mode::Hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(self.delay).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            let role_arn = spec.role_arn.to_string();
            match mode {
                Mode::Ok | Mode::Hang => Ok(Loaded {
                    credentials: Credentials::new(
                        {
                            let key = format!("AKIA{n}");
                            let expires = Instant::now() + self.lifetime;
                            self.expires.lock().unwrap().insert(key.clone(), expires);
                            key
                        },
                        "secret",
                        Some("token".to_owned()),
                        Some(SystemTime::now() + self.lifetime),
                        "scripted",
                    ),
                    valid_for: self.lifetime,
                }),
                Mode::Transient => Err(LoadFailure {
                    permanent: false,
                    throttled: false,
                    error: CredentialError::Unavailable {
                        role_arn,
                        message: "ServiceUnavailable".to_owned(),
                    },
                }),
                Mode::Throttled => Err(LoadFailure {
                    permanent: false,
                    throttled: true,
                    error: CredentialError::Unavailable {
                        role_arn,
                        message: "Throttling: Rate exceeded".to_owned(),
                    },
                }),
                Mode::Denied => Err(LoadFailure {
                    permanent: true,
                    throttled: false,
                    error: CredentialError::Refused {
                        role_arn,
                        code: "AccessDenied".to_owned(),
                        message: "not allowed".to_owned(),
                    },
                }),
            }
        })
    }
}

fn spec(n: usize) -> Arc<RoleSpec> {
    Arc::new(RoleSpec::new(
        RoleArn::new(format!("arn:aws:iam::111111111111:role/r{n}")).unwrap(),
        SessionName::new("test-session").unwrap(),
    ))
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

fn cache(loader: &Arc<Scripted>, config: CredentialCacheConfig) -> RoleCache {
    RoleCache::with_clock(config, Arc::clone(loader), Clock::tokio())
}

/// What the SDK's orchestrator does per request: asks the identity cache for the SigV4
/// resolver's identity, then signs with its credentials.
async fn resolve(signing: &RoleSigning) -> Result<Credentials, String> {
    let components: RuntimeComponents = RuntimeComponentsBuilder::for_tests().build().unwrap();
    let identity = signing
        .identity_cache
        .resolve_cached_identity(signing.resolver(), &components, &ConfigBag::base())
        .await
        .map_err(|err| format!("{err:?}"))?;
    Ok(credentials_of(&identity).unwrap().clone())
}

async fn read(cache: &RoleCache, role: &Arc<RoleSpec>) -> Result<Credentials, String> {
    resolve(&cache.signing(role)).await
}

#[tokio::test(start_paused = true)]
async fn concurrent_cold_callers_share_one_load() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let role = spec(0);
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let (cache, role) = (cache.clone(), Arc::clone(&role));
            tokio::spawn(async move { read(&cache, &role).await })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap().access_key_id(), "AKIA1");
    }
    assert_eq!(loader.calls(), 1);
    let stats = cache.stats();
    assert_eq!(stats.sts_calls, 1);
    assert_eq!(stats.roles, 1);
}

#[tokio::test(start_paused = true)]
async fn one_load_per_role_and_at_most_the_cap_in_flight() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().max_concurrent_loads(4),
    );
    let callers: Vec<_> = (0..1000)
        .map(|i| {
            let (cache, role) = (cache.clone(), spec(i % 100));
            tokio::spawn(async move { read(&cache, &role).await })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(loader.calls(), 100);
    assert_eq!(loader.max_in_flight.load(Ordering::SeqCst), 4);
}

/// Three simulated hours of one request per second on a role with 15-minute credentials and
/// an STS that takes 300 ms: after the first load no request waits, and STS sees at most
/// 1.1 × 12 calls. (With the first refresh at a random point, which `spread::tests` and
/// `tests::fleet` cover, a cold start costs half a call more on average.)
#[tokio::test(start_paused = true)]
async fn refresh_ahead_keeps_requests_off_sts() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().spread_first_refresh(false),
    );
    let role = spec(0);
    let signing = cache.signing(&role);
    let start = Instant::now();
    let mut slow = 0;
    let mut seen = std::collections::BTreeSet::new();
    while start.elapsed() < Duration::from_secs(3 * 3600) {
        let before = Instant::now();
        let credentials = resolve(&signing).await.unwrap();
        if before.elapsed() > Duration::ZERO {
            slow += 1;
        }
        loader.assert_valid(&credentials);
        seen.insert(credentials.access_key_id().to_owned());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(slow, 1, "only the cold load may wait");
    let calls = loader.calls();
    assert!(calls <= 13, "{calls} STS calls in 3 h, more than 1.1 × 12");
    assert!(
        calls >= 12,
        "{calls} STS calls cannot cover 3 h of 15-minute credentials"
    );
    let stats = cache.stats();
    assert_eq!(stats.misses, 1);
    assert_eq!(stats.refreshes, calls - 1);
    assert_eq!(seen.len() as u64, calls);
}

#[tokio::test(start_paused = true)]
async fn idle_roles_are_not_refreshed() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let role = spec(0);
    read(&cache, &role).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(
        loader.calls(),
        1,
        "nobody used the role, so nobody refreshed it"
    );
    read(&cache, &role).await.unwrap();
    assert_eq!(loader.calls(), 2);
}

/// STS fails from the advisory window on: still-valid credentials keep being served, refreshes
/// retry with backoff, expired credentials are never handed out, and service resumes with STS.
#[tokio::test(start_paused = true)]
async fn outage_serves_valid_credentials_and_never_expired_ones() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let role = spec(0);
    read(&cache, &role).await.unwrap();
    let loaded_at = Instant::now();
    loader.set(Mode::Transient);
    let mut served_after_window = 0;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        match read(&cache, &role).await {
            Ok(credentials) => {
                assert_eq!(credentials.access_key_id(), "AKIA1");
                loader.assert_valid(&credentials);
                served_after_window += 1;
            }
            Err(error) => {
                assert!(error.contains("ServiceUnavailable"), "{error}");
                break;
            }
        }
    }
    assert!(
        loaded_at.elapsed() >= FIFTEEN_MINUTES - Duration::from_secs(6),
        "gave up {:?} after the load, before the credentials expired",
        loaded_at.elapsed()
    );
    assert!(served_after_window > 800);
    let stats = cache.stats();
    assert!(stats.stale_served > 0, "{stats:?}");
    let retries = loader.calls() - 1;
    assert!(
        (3..100).contains(&retries),
        "{retries} retries: backoff missing or stuck"
    );
    // Errors are not cached: as soon as STS answers again, so does the cache.
    loader.set(Mode::Ok);
    let fresh = read(&cache, &role).await.unwrap();
    assert_ne!(fresh.access_key_id(), "AKIA1");
}

#[tokio::test(start_paused = true)]
async fn refusals_are_cached_briefly_and_transient_errors_not_at_all() {
    let loader = Scripted::new(Duration::from_millis(10), FIFTEEN_MINUTES);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().negative_ttl(Duration::from_secs(5)),
    );
    let role = spec(0);
    loader.set(Mode::Denied);
    for _ in 0..50 {
        let error = read(&cache, &role).await.unwrap_err();
        assert!(error.contains("AccessDenied"), "{error}");
    }
    assert_eq!(loader.calls(), 1);
    tokio::time::sleep(Duration::from_secs(6)).await;
    read(&cache, &role).await.unwrap_err();
    assert_eq!(loader.calls(), 2);

    let other = spec(1);
    loader.set(Mode::Transient);
    for _ in 0..5 {
        read(&cache, &other).await.unwrap_err();
    }
    assert_eq!(
        loader.calls(),
        7,
        "each cold caller retries a transient failure"
    );
}

#[tokio::test(start_paused = true)]
async fn loads_time_out() {
    let loader = Scripted::new(Duration::ZERO, FIFTEEN_MINUTES);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().load_timeout(Duration::from_secs(2)),
    );
    loader.set(Mode::Hang);
    let before = Instant::now();
    let error = read(&cache, &spec(0)).await.unwrap_err();
    assert!(error.contains("Timeout"), "{error}");
    assert_eq!(before.elapsed(), Duration::from_secs(2));
}

/// The identity cache serves only the role's own resolver; any other (the no-auth resolver of
/// unsigned STS operations) is asked directly, every time, as `IdentityCache::no_cache()` would.
#[tokio::test(start_paused = true)]
async fn other_resolvers_pass_through_the_identity_cache() {
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_smithy_runtime_api::client::identity::SharedIdentityResolver;

    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let signing = cache.signing(&spec(0));
    let other = SharedIdentityResolver::new(SharedCredentialsProvider::new(Credentials::new(
        "AKIDOTHER",
        "secret",
        None,
        None,
        "other",
    )));
    let components = RuntimeComponentsBuilder::for_tests().build().unwrap();
    for _ in 0..3 {
        let identity = signing
            .identity_cache
            .resolve_cached_identity(other.clone(), &components, &ConfigBag::base())
            .await
            .unwrap();
        assert_eq!(
            credentials_of(&identity).unwrap().access_key_id(),
            "AKIDOTHER"
        );
    }
    assert_eq!(loader.calls(), 0, "the role was never asked for");
    assert_eq!(resolve(&signing).await.unwrap().access_key_id(), "AKIA1");
    assert_eq!(loader.calls(), 1);
}

/// A caller that asks the role's credentials provider directly gets the same cached
/// credentials as the identity cache serves.
#[tokio::test(start_paused = true)]
async fn the_credentials_provider_shares_the_roles_entry() {
    use aws_credential_types::provider::ProvideCredentials;

    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let signing = cache.signing(&spec(0));
    let direct = signing.credentials.provide_credentials().await.unwrap();
    let via_cache = resolve(&cache.signing(&spec(0))).await.unwrap();
    assert_eq!(direct, via_cache);
    assert_eq!(loader.calls(), 1);
    assert_eq!(cache.provider_reads(), 1);
    loader.assert_valid(&direct);
}

/// A real SDK client built with `sign_as`: its requests are signed with the role's credentials,
/// which the SDK takes from our identity cache, never from the provider it was also given.
#[tokio::test(start_paused = true)]
async fn sdk_clients_sign_through_the_identity_cache() {
    use aws_config::{BehaviorVersion, Region, SdkConfig};
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_smithy_runtime_api::client::http::{
        HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;

    use super::SignAs;

    /// Records each request's `Authorization` header and answers `{}`.
    #[derive(Debug, Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl HttpConnector for Recorder {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let authorization = request.headers().get("authorization").unwrap_or_default();
            self.0.lock().unwrap().push(authorization.to_owned());
            let ok = Response::new(StatusCode::try_from(200).unwrap(), SdkBody::from("{}"));
            HttpConnectorFuture::ready(Ok(ok))
        }
    }

    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let recorder = Recorder::default();
    let connector = recorder.clone();
    let base = SdkConfig::builder()
        .region(Region::from_static("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDBASE",
            "base-secret",
            None,
            None,
            "base",
        )))
        .http_client(http_client_fn(move |_, _| {
            SharedHttpConnector::new(connector.clone())
        }))
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&base)
            .sign_as(cache.signing(&spec(0)))
            .build(),
    );
    for _ in 0..3 {
        client.list_tables().send().await.unwrap();
    }
    let signed = recorder.0.lock().unwrap().clone();
    assert_eq!(signed.len(), 3);
    for authorization in &signed {
        assert!(
            authorization.contains("Credential=AKIA1/"),
            "not signed as the role: {authorization}"
        );
    }
    let stats = cache.stats();
    assert_eq!((stats.misses, stats.hits), (1, 2));
    assert_eq!(cache.provider_reads(), 0);
}

/// Ten callers of a cold role arrive while one load is failing (STS answering 503 after
/// 300 ms): all get that load's error when it ends, and STS sees one load, not ten in a row.
#[tokio::test(start_paused = true)]
async fn a_failed_load_reaches_every_caller_waiting_on_it() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    loader.set(Mode::Transient);
    let role = spec(0);
    let start = Instant::now();
    let callers: Vec<_> = (0..10_u32)
        .map(|i| {
            let (cache, role) = (cache.clone(), Arc::clone(&role));
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(25) * i).await;
                (read(&cache, &role).await, start.elapsed())
            })
        })
        .collect();
    for caller in callers {
        let (result, answered_after) = caller.await.unwrap();
        let error = result.unwrap_err();
        assert!(error.contains("ServiceUnavailable"), "{error}");
        assert_eq!(answered_after, Duration::from_millis(300));
    }
    assert_eq!(loader.calls(), 1);
    assert_eq!(cache.stats().misses, 10);
}

/// STS hangs: ten cold callers arriving over a second share one load and all get its timeout
/// when it ends, within one load timeout of the first.
#[tokio::test(start_paused = true)]
async fn cold_callers_of_a_hung_sts_are_answered_within_one_load_timeout() {
    let loader = Scripted::new(Duration::ZERO, FIFTEEN_MINUTES);
    let timeout = Duration::from_secs(2);
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().load_timeout(timeout),
    );
    loader.set(Mode::Hang);
    let role = spec(0);
    let start = Instant::now();
    let callers: Vec<_> = (0..10_u32)
        .map(|i| {
            let (cache, role) = (cache.clone(), Arc::clone(&role));
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100) * i).await;
                (read(&cache, &role).await, start.elapsed())
            })
        })
        .collect();
    for caller in callers {
        let (result, answered_after) = caller.await.unwrap();
        let error = result.unwrap_err();
        assert!(error.contains("Timeout"), "{error}");
        assert_eq!(answered_after, timeout);
    }
    assert_eq!(loader.calls(), 1);
}

/// STS answers in 1.52 s (off the callers' 100 ms grid, so no timeout ties with the answer);
/// callers give up after 1 s, one every 100 ms. The load the first one
/// started runs on: the role warms once, callers from then on are answered, and STS sees one
/// call.
#[tokio::test(start_paused = true)]
async fn a_caller_that_gives_up_does_not_cancel_the_load() {
    let loader = Scripted::new(Duration::from_millis(1520), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let role = spec(0);
    let mut callers = Vec::new();
    for _ in 0..30 {
        let (cache, role) = (cache.clone(), Arc::clone(&role));
        callers.push(tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(1), read(&cache, &role)).await
        }));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut answered = 0;
    for caller in callers {
        if let Ok(result) = caller.await.unwrap() {
            assert_eq!(result.unwrap().access_key_id(), "AKIA1");
            answered += 1;
        }
    }
    // Callers from 0.6 s on wait less than 1 s for the load to end at 1.52 s.
    assert_eq!(answered, 24);
    assert_eq!(loader.calls(), 1);
    let before = Instant::now();
    assert_eq!(read(&cache, &role).await.unwrap().access_key_id(), "AKIA1");
    assert_eq!(before.elapsed(), Duration::ZERO, "the role is warm");
}

/// A busy role past its refresh floor while STS hangs: each request is answered at once with
/// the cached credentials, valid for tens of seconds more, while the refresh waits on STS.
#[tokio::test(start_paused = true)]
async fn past_the_floor_valid_credentials_are_served_at_once_while_sts_hangs() {
    let loader = Scripted::new(Duration::from_millis(300), FIFTEEN_MINUTES);
    // The first refresh near the floor, where the test hangs STS.
    let cache = cache(
        &loader,
        CredentialCacheConfig::default().spread_first_refresh(false),
    );
    let role = spec(0);
    let signing = cache.signing(&role);
    resolve(&signing).await.unwrap();
    let expires = Instant::now() + FIFTEEN_MINUTES;
    // A second read marks the role as in use, so its advisory window starts a refresh.
    resolve(&signing).await.unwrap();
    loader.set(Mode::Hang);
    tokio::time::sleep_until(expires - Duration::from_secs(60) + Duration::from_millis(100)).await;
    let mut served = 0;
    for _ in 0..90 {
        let before = Instant::now();
        let credentials = resolve(&signing).await.unwrap();
        assert_eq!(
            before.elapsed(),
            Duration::ZERO,
            "request {served} past the floor waited on STS"
        );
        assert_eq!(credentials.access_key_id(), "AKIA1");
        assert!(loader.valid_for(&credentials) > Duration::from_secs(50));
        served += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(served, 90);
    assert!(cache.stats().stale_served >= 90, "{:?}", cache.stats());
    // One load at a time, timing out and backing off: a handful of calls, not one per request.
    let calls = loader.calls();
    assert!((2..=4).contains(&calls), "{calls} STS calls");
}

/// Whatever the floor and the lifetime, no credentials within 5 s of expiry are handed out:
/// STS hangs after the first load, and every read until the first error is checked.
#[tokio::test(start_paused = true)]
async fn no_configuration_hands_out_credentials_within_the_margin() {
    let cases = [
        (Duration::from_secs(1), FIFTEEN_MINUTES),
        (Duration::ZERO, FIFTEEN_MINUTES),
        (Duration::from_secs(60), Duration::from_secs(12)),
        (Duration::from_secs(1), Duration::from_secs(8)),
    ];
    for (floor, lifetime) in cases {
        let loader = Scripted::new(Duration::from_millis(10), lifetime);
        let cache = cache(
            &loader,
            CredentialCacheConfig::default()
                .refresh_floor(floor)
                .load_timeout(Duration::from_secs(2)),
        );
        let signing = cache.signing(&spec(0));
        resolve(&signing).await.unwrap();
        let expires = Instant::now() + lifetime;
        loader.set(Mode::Hang);
        tokio::time::sleep_until(expires - lifetime.min(Duration::from_secs(10))).await;
        let mut served = 0;
        while let Ok(credentials) = resolve(&signing).await {
            let left = loader.valid_for(&credentials);
            assert!(
                left > EXPIRY_MARGIN,
                "floor {floor:?}, lifetime {lifetime:?}: handed out {left:?} before expiry"
            );
            served += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(served > 0, "floor {floor:?}, lifetime {lifetime:?}");
    }
}

/// A load runs on the runtime of the caller that started it. When that runtime shuts down with
/// the load in flight, the load is gone: a caller on another runtime starts a new one instead
/// of waiting forever on the dropped one.
#[test]
fn a_load_dropped_with_its_runtime_is_started_again() {
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    };
    let loader = Scripted::new(Duration::from_millis(10), FIFTEEN_MINUTES);
    let cache = cache(&loader, CredentialCacheConfig::default());
    let role = spec(0);
    loader.set(Mode::Hang);
    let first = runtime();
    let gave_up = first.block_on(async {
        tokio::time::timeout(Duration::from_millis(50), read(&cache, &role)).await
    });
    assert!(gave_up.is_err(), "the hung load answered");
    drop(first);
    loader.set(Mode::Ok);
    let second = runtime();
    let credentials = second
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), read(&cache, &role)).await })
        .expect("waited on the load of a runtime that is gone")
        .unwrap();
    assert_eq!(credentials.access_key_id(), "AKIA2");
    assert_eq!(loader.calls(), 2);
}

mod fleet;
mod idle;
mod throttling;
