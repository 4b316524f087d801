//! The role registry, its configuration, counters and the STS call path.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::IdentityFuture;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::budget::StsBudget;
use super::clock::Clock;
use super::counter::StripedCounter;
use super::entry::{EXPIRY_MARGIN, RoleEntry};
use super::provider::RoleSigning;
use super::registry::Registry;
use super::scheduler::Scheduler;
use crate::error::CredentialError;
use crate::role::RoleSpec;

/// Settings of a factory's credential cache. The defaults suit a service with up to 100,000
/// role-signed tenants.
///
/// ```
/// use std::time::Duration;
/// use scoped_runtime::CredentialCacheConfig;
///
/// let config = CredentialCacheConfig::default()
///     .max_roles(10_000)
///     .max_concurrent_loads(8)
///     .load_timeout(Duration::from_secs(5))
///     // 40 processes share STS's 600 calls/s per account and Region.
///     .sts_rate_limit(15)
///     // Forget a role nobody has used for 20 minutes.
///     .role_time_to_idle(Duration::from_secs(20 * 60));
/// assert_eq!(config.get_max_roles(), 10_000);
/// assert_eq!(config.get_role_time_to_idle(), Duration::from_secs(1200));
/// assert_eq!(config.get_sts_rate_limit(), 15);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialCacheConfig {
    max_roles: u64,
    max_concurrent_loads: usize,
    load_timeout: Duration,
    negative_ttl: Duration,
    floor: Duration,
    sts_rate_limit: u32,
    spread_first_refresh: bool,
    role_time_to_idle: Duration,
}

/// `sts:AssumeRole` calls per second one cache makes at most, by default: a sixth of the
/// 600 per second that STS allows an account in a Region, for the whole fleet.
const DEFAULT_STS_RATE_LIMIT: u32 = 100;

/// How long a role nobody reads stays in the registry, by default: the default credential
/// lifetime. An unread role is not refreshed, so after an hour idle its credentials are
/// expired or about to be, and forgetting it costs at most the one STS call its next use would
/// mostly have made anyway; a shorter time would turn a tenant seen every 20 minutes into
/// three loads an hour instead of one refresh.
const DEFAULT_ROLE_TIME_TO_IDLE: Duration = Duration::from_secs(3600);

impl Default for CredentialCacheConfig {
    fn default() -> Self {
        Self {
            max_roles: 100_000,
            max_concurrent_loads: 16,
            load_timeout: Duration::from_secs(10),
            negative_ttl: Duration::from_secs(5),
            floor: Duration::from_secs(60),
            sts_rate_limit: DEFAULT_STS_RATE_LIMIT,
            spread_first_refresh: true,
            role_time_to_idle: DEFAULT_ROLE_TIME_TO_IDLE,
        }
    }
}

impl CredentialCacheConfig {
    /// How many roles the registry holds before evicting the least useful (default 100,000;
    /// [`CredentialStats::evicted_capacity`] counts the evictions).
    #[must_use]
    pub fn max_roles(mut self, max_roles: u64) -> Self {
        self.max_roles = max_roles;
        self
    }

    /// How many `sts:AssumeRole` calls may be in flight at once (default 16, at least 1).
    #[must_use]
    pub fn max_concurrent_loads(mut self, max: usize) -> Self {
        self.max_concurrent_loads = max.max(1);
        self
    }

    /// How long one `sts:AssumeRole` call may take before it counts as failed (default 10 s).
    #[must_use]
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// How long a refusal that retrying cannot fix (`AccessDenied`…) is remembered (default
    /// 5 s).
    #[must_use]
    pub fn negative_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = ttl;
        self
    }

    /// How long before expiry a request makes sure a refresh is running, even if nothing
    /// refreshed the role ahead (default 60 s; half the lifetime for credentials shorter than
    /// twice the floor). Past the floor, requests are still answered at once with the cached
    /// credentials while those stay valid for more than 5 seconds (the safety margin, which no
    /// setting lowers); only within the margin do they wait for fresh ones.
    ///
    /// A floor below the margin is raised to it:
    ///
    /// ```
    /// use std::time::Duration;
    /// use scoped_runtime::CredentialCacheConfig;
    ///
    /// let config = CredentialCacheConfig::default().refresh_floor(Duration::from_secs(1));
    /// assert_eq!(config.get_refresh_floor(), Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn refresh_floor(mut self, floor: Duration) -> Self {
        self.floor = floor.max(EXPIRY_MARGIN);
        self
    }

    /// How many `sts:AssumeRole` calls per second this cache makes at most (default 100, at
    /// least 1).
    ///
    /// STS allows 600 `AssumeRole` requests per second per account and Region (a quota you
    /// can ask to raise), and every process of a fleet draws on the same 600. The default
    /// leaves five sixths of it to the rest of the fleet, so up to six processes can warm at
    /// full speed at once; past that, set it to your quota divided by the processes that
    /// may warm at once (a deploy starts them all). Loads that a request waits on get the
    /// budget first; refreshes ahead of expiry take what they leave. A `Throttling` answer
    /// halves the rate for a while (docs/scale.md).
    ///
    /// One call here is one load: the SDK retries a failed request up to twice more within it.
    #[must_use]
    pub fn sts_rate_limit(mut self, calls_per_second: u32) -> Self {
        self.sts_rate_limit = calls_per_second.max(1);
        self
    }

    /// Whether a cold load's credentials (a role's first in this process, or after it went
    /// idle) are refreshed at a random point of their life rather than near its end (default
    /// `true`).
    ///
    /// Processes that start together load their roles together; refreshed near the end of
    /// their life, their credentials would be refreshed together every hour, all in one
    /// minute. A random first refresh spreads them over the hour for good, at the cost of half
    /// an STS call per role and cold start on average. A single process, or a test that needs
    /// the first refresh at a predictable time, can turn it off.
    #[must_use]
    pub fn spread_first_refresh(mut self, spread: bool) -> Self {
        self.spread_first_refresh = spread;
        self
    }

    /// How long a role nobody reads stays cached (default 1 hour, at least 1 second): after
    /// it, the role's entry and credentials leave the registry, and its next use loads it
    /// again, once. Reads through any client count, including clients that hold the role's
    /// entry and never look it up; a role is removed within a quarter of this time after it
    /// went idle (the registry is swept that often while it is in use).
    ///
    /// The default is the default credential lifetime: an unread role is not refreshed, so
    /// after an hour idle its credentials are expired or about to be, and forgetting it costs
    /// at most the STS call its next use would mostly have made anyway. A shorter time saves
    /// memory and costs STS calls (a tenant seen every 20 minutes would load three times an
    /// hour instead of being refreshed once); `Duration::MAX` keeps roles until the registry
    /// is full. [`CredentialStats::evicted_idle`] counts the roles removed.
    #[must_use]
    pub fn role_time_to_idle(mut self, time_to_idle: Duration) -> Self {
        self.role_time_to_idle = time_to_idle.max(Duration::from_secs(1));
        self
    }

    /// The time-to-idle of roles, after raising it to one second.
    #[must_use]
    pub fn get_role_time_to_idle(&self) -> Duration {
        self.role_time_to_idle
    }

    /// The STS call budget, in calls per second.
    #[must_use]
    pub fn get_sts_rate_limit(&self) -> u32 {
        self.sts_rate_limit
    }

    pub(crate) fn spreads_first_refresh(&self) -> bool {
        self.spread_first_refresh
    }

    /// The registry's capacity.
    #[must_use]
    pub fn get_max_roles(&self) -> u64 {
        self.max_roles
    }

    /// The refresh floor, after raising it to the 5-second safety margin.
    #[must_use]
    pub fn get_refresh_floor(&self) -> Duration {
        self.floor
    }

    pub(crate) fn floor(&self) -> Duration {
        self.floor
    }

    pub(crate) fn negative_ttl_value(&self) -> Duration {
        self.negative_ttl
    }
}

/// What the credential cache has done so far, read with
/// [`AwsClientFactory::credential_stats`](crate::AwsClientFactory::credential_stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialStats {
    /// Requests served from cached credentials without waiting.
    pub hits: u64,
    /// Requests that waited for a load: cold roles, or credentials within the 5-second margin
    /// of expiry.
    pub misses: u64,
    /// Loads that replaced still-valid credentials (refreshes ahead of expiry).
    pub refreshes: u64,
    /// `sts:AssumeRole` calls that failed or timed out.
    pub failures: u64,
    /// `sts:AssumeRole` calls made.
    pub sts_calls: u64,
    /// Requests past the refresh floor served still-valid credentials at once, while a
    /// refresh was running or backing off after a failure.
    pub stale_served: u64,
    /// `sts:AssumeRole` calls that STS answered with `Throttling` (each cut the call
    /// budget, at most once a second).
    pub throttled: u64,
    /// Roles in the registry now.
    pub roles: u64,
    /// Roles removed from the registry because nobody read them for the time-to-idle
    /// ([`CredentialCacheConfig::role_time_to_idle`]).
    pub evicted_idle: u64,
    /// Roles removed from the registry to stay within its capacity
    /// ([`CredentialCacheConfig::max_roles`]), or never admitted to it when it was full. A
    /// steady rise means the registry is too small for the roles in use: each eviction of a
    /// role still in use costs an STS call later.
    pub evicted_capacity: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Bumped by every warm read, on every core: striped.
    pub(crate) hits: StripedCounter,
    pub(crate) misses: AtomicU64,
    pub(crate) refreshes: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) sts_calls: AtomicU64,
    pub(crate) stale_served: AtomicU64,
    pub(crate) throttled: AtomicU64,
    /// Reads through the credentials provider instead of the identity cache.
    #[cfg(test)]
    pub(crate) provider_reads: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Credentials and how long they stay valid, measured when they arrived.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub(crate) credentials: Credentials,
    pub(crate) valid_for: Duration,
}

/// A failed load, classified.
#[derive(Debug, Clone)]
pub(crate) struct LoadFailure {
    /// Retrying cannot fix it (access denied, malformed policy…).
    pub(crate) permanent: bool,
    /// STS said to slow down (`Throttling`): the budget is cut.
    pub(crate) throttled: bool,
    pub(crate) error: CredentialError,
}

pub(crate) type LoadFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Loaded, LoadFailure>> + Send + 'a>>;

/// Where credentials come from: STS in production, a scripted source in the cache's own tests.
pub(crate) trait LoadCredentials: fmt::Debug + Send + Sync + 'static {
    fn load<'a>(&'a self, spec: &'a RoleSpec) -> LoadFuture<'a>;
}

/// State shared by every entry of one cache.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: CredentialCacheConfig,
    loader: Box<dyn LoadCredentials>,
    budget: StsBudget,
    permits: Semaphore,
    pub(crate) counters: Counters,
    pub(crate) scheduler: Scheduler,
    pub(crate) clock: Clock,
    pub(crate) registry: Registry,
}

impl Shared {
    /// One `sts:AssumeRole` call: waits for its turn in the budget (`urgent`: a request
    /// waits on it) and for a permit, then bounds the call by the load timeout.
    pub(crate) async fn load(
        &self,
        spec: &RoleSpec,
        urgent: &AtomicBool,
    ) -> Result<Loaded, LoadFailure> {
        let span = tracing::info_span!(
            "sts.assume_role",
            role_arn = %spec.role_arn,
            session_name = %spec.session_name,
        );
        async {
            self.budget.acquire(&self.clock, urgent).await;
            let _permit = self.permits.acquire().await.map_err(|_| LoadFailure {
                permanent: false,
                throttled: false,
                error: CredentialError::Unavailable {
                    role_arn: spec.role_arn.to_string(),
                    message: "the credential cache is shutting down".to_owned(),
                },
            })?;
            bump(&self.counters.sts_calls);
            let timeout = self.config.load_timeout;
            let result = match tokio::time::timeout(timeout, self.loader.load(spec)).await {
                Ok(result) => result,
                Err(_) => Err(LoadFailure {
                    permanent: false,
                    throttled: false,
                    error: CredentialError::Timeout {
                        role_arn: spec.role_arn.to_string(),
                        timeout,
                    },
                }),
            };
            match &result {
                Ok(loaded) => {
                    self.budget.succeeded();
                    tracing::debug!(valid_for = ?loaded.valid_for, "assumed role");
                }
                Err(failure) => {
                    bump(&self.counters.failures);
                    if failure.throttled {
                        bump(&self.counters.throttled);
                        self.budget.throttled(self.clock.now());
                    }
                    tracing::warn!(error = %failure.error, permanent = failure.permanent, "AssumeRole failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }
}

impl Shared {
    /// Runs the idle sweep here if one is due: for the scheduler's task and the statistics.
    pub(crate) fn sweep_if_due(&self) {
        if self.registry.claim_sweep(self.clock.tick()) {
            self.registry.sweep(&self.clock);
        }
    }
}

/// The cache: one [`RoleEntry`] per distinct [`RoleSpec`] in its registry.
#[derive(Debug, Clone)]
pub(crate) struct RoleCache {
    shared: Arc<Shared>,
}

impl RoleCache {
    pub(crate) fn new(config: CredentialCacheConfig, loader: impl LoadCredentials) -> Self {
        Self::with_clock(config, loader, Clock::coarse())
    }

    pub(crate) fn with_clock(
        config: CredentialCacheConfig,
        loader: impl LoadCredentials,
        clock: Clock,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                budget: StsBudget::new(config.sts_rate_limit, clock.now()),
                permits: Semaphore::new(config.max_concurrent_loads),
                registry: Registry::new(&config, clock.tick()),
                config,
                loader: Box::new(loader),
                counters: Counters::default(),
                scheduler: Scheduler::default(),
                clock,
            }),
        }
    }

    /// What a client signing as role `spec` is built with, sharing the role's entry with every
    /// other client of the role. Loads nothing: the first request does.
    pub(crate) fn signing(&self, spec: &Arc<RoleSpec>) -> RoleSigning {
        RoleSigning::new(self.entry(spec), Arc::clone(&self.shared))
    }

    /// The identity of role `spec` for one request, looked up in the registry: what a shared
    /// client's identity cache (`RequestIdentityCache`) answers a request of a role-carrying
    /// scope with. Answers as a role's own clients do (`RoleSigning`), from the same entry: a
    /// warm read's future is ready at once and boxes nothing; a cold or slow one owns what it
    /// needs, so it outlives `self`.
    ///
    /// Costs a moka lookup (hashing the whole `RoleSpec`, session policy included) on top of
    /// the read that a role's own client makes directly.
    pub(crate) fn identity(&self, spec: &Arc<RoleSpec>) -> IdentityFuture<'static> {
        let entry = self.entry(spec);
        if let Some(identity) = entry.try_hot(&self.shared) {
            return IdentityFuture::ready(Ok(identity));
        }
        let shared = Arc::clone(&self.shared);
        IdentityFuture::new(async move { entry.load_now(&shared).await.map_err(Into::into) })
    }

    /// The role's entry in the registry (creating it if absent), starting an idle sweep on its
    /// own task if one is due.
    fn entry(&self, spec: &Arc<RoleSpec>) -> Arc<RoleEntry> {
        let shared = &self.shared;
        if shared.registry.claim_sweep(shared.clock.tick()) {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    let shared = Arc::clone(shared);
                    runtime.spawn(async move { shared.registry.sweep(&shared.clock) });
                }
                Err(_) => shared.registry.sweep(&shared.clock),
            }
        }
        shared.registry.entry(spec, &shared.clock)
    }

    /// Reads that went through the credentials provider, not the identity cache.
    #[cfg(test)]
    pub(crate) fn provider_reads(&self) -> u64 {
        self.shared.counters.provider_reads.load(Ordering::Relaxed)
    }

    pub(crate) fn stats(&self) -> CredentialStats {
        let c = &self.shared.counters;
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        self.shared.sweep_if_due();
        let roles = self.shared.registry.len();
        let (evicted_idle, evicted_capacity) = self.shared.registry.evicted();
        CredentialStats {
            hits: c.hits.get(),
            misses: read(&c.misses),
            refreshes: read(&c.refreshes),
            failures: read(&c.failures),
            sts_calls: read(&c.sts_calls),
            stale_served: read(&c.stale_served),
            throttled: read(&c.throttled),
            roles,
            evicted_idle,
            evicted_capacity,
        }
    }
}
