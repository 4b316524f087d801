//! Not public API: a fleet of processes, each with its own credential cache, on Tokio's paused
//! clock, to measure what a fleet asks of STS (`examples/fleet.rs`, docs/scale.md).
//!
//! Each simulated process is the real cache (`RoleCache` with its entries, scheduler,
//! budget and single-flight loads) on the simulated clock, with a stand-in STS that answers
//! after a latency with credentials of a fixed lifetime and counts calls per window. The
//! processes start within the deploy window, each serves every tenant (full mesh) at once
//! and then one request per tenant every request period (a tenant whose request waited for
//! a load sends another as soon as it is answered), and every request's credentials are
//! checked against the simulated clock.
//!
//! Processes share nothing but STS, so a sample of them stands for the fleet: call counts are
//! multiplied by `processes / sampled_processes` (the mean is exact; peaks and percentiles of
//! the sample are noisier than the fleet's, so on the safe side).
#![cfg_attr(
    not(feature = "test-util"),
    allow(
        unreachable_pub,
        reason = "public under `test-util` (for the example); the unit tests use it in-crate"
    )
)]

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::Identity;
use futures_util::FutureExt;
use tokio::time::Instant;

use super::cache::{LoadCredentials, LoadFuture, Loaded};
use super::clock::Clock;
use super::provider::{RoleSigning, credentials_of};
use super::{CredentialCacheConfig, RoleCache};
use crate::role::{RoleArn, RoleSpec, SessionName};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct FleetConfig {
    /// Processes in the fleet.
    pub processes: usize,
    /// Processes simulated: a sample of the fleet (at most `processes`).
    pub sampled_processes: usize,
    /// Tenants, each with its own role, served by every process.
    pub tenants: usize,
    /// How long the simulation runs.
    pub duration: Duration,
    /// Every process starts within this long of the first (a deploy).
    pub deploy_window: Duration,
    /// Each process sends each tenant one request this often (after one at its start).
    pub request_period: Duration,
    /// The credentials' lifetime, as STS grants it.
    pub lifetime: Duration,
    /// How long STS takes to answer.
    pub sts_latency: Duration,
    /// The windows calls are counted in.
    pub window: Duration,
    /// Each process's cache settings.
    pub cache: CredentialCacheConfig,
}

impl FleetConfig {
    /// `processes` × `tenants` for 6 hours, `sampled_processes` of them simulated, with 1-hour
    /// credentials, a 60-second deploy, a request per tenant and process every 5 minutes, STS
    /// answering in 50 ms, counted in 10-second windows.
    #[must_use]
    pub fn new(processes: usize, tenants: usize, sampled_processes: usize) -> Self {
        Self {
            processes,
            sampled_processes: sampled_processes.clamp(1, processes.max(1)),
            tenants,
            duration: Duration::from_secs(6 * 3600),
            deploy_window: Duration::from_secs(60),
            request_period: Duration::from_secs(300),
            lifetime: Duration::from_secs(3600),
            sts_latency: Duration::from_millis(50),
            window: Duration::from_secs(10),
            cache: CredentialCacheConfig::default(),
        }
    }
}

/// Calls per second over a span of windows, for the whole fleet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Mean calls per second.
    pub mean: f64,
    /// The busiest window's calls per second.
    pub peak: f64,
    /// The 99th percentile of the windows' calls per second.
    pub p99: f64,
}

/// What the simulation saw.
#[derive(Debug, Clone)]
pub struct FleetReport {
    /// What was simulated.
    pub config: FleetConfig,
    /// `AssumeRole` calls the sample made, per window.
    pub calls: Vec<u64>,
    /// Requests the sample served.
    pub requests: u64,
    /// Requests that had to wait for a load (cold roles), and those of them after the first
    /// lifetime.
    pub waited: u64,
    /// Requests after the first lifetime that waited for a load.
    pub waited_after_first_lifetime: u64,
    /// Requests answered with an error.
    pub failed: u64,
    /// Requests answered with credentials that had expired.
    pub expired: u64,
    /// The least validity any request's credentials had left.
    pub least_validity: Duration,
    /// `Throttling` answers (none: the simulated STS does not throttle).
    pub throttled: u64,
}

impl FleetReport {
    fn scale(&self) -> f64 {
        self.config.processes as f64 / self.config.sampled_processes as f64
    }

    /// The fleet's calls per second after `skip` (the deploy's own wave is in the first hour).
    #[must_use]
    pub fn rates_after(&self, skip: Duration) -> Rates {
        let first = window_index(skip, self.config.window);
        let mut per_second: Vec<f64> = self
            .calls
            .iter()
            .skip(first)
            .map(|&n| n as f64 * self.scale() / self.config.window.as_secs_f64())
            .collect();
        if per_second.is_empty() {
            return Rates {
                mean: 0.0,
                peak: 0.0,
                p99: 0.0,
            };
        }
        let mean = per_second.iter().sum::<f64>() / per_second.len() as f64;
        per_second.sort_by(f64::total_cmp);
        let rank = (per_second.len() * 99).div_ceil(100).saturating_sub(1);
        Rates {
            mean,
            peak: per_second[per_second.len() - 1],
            p99: per_second[rank],
        }
    }

    /// The fleet's calls per second with every role refreshed exactly once per lifetime.
    #[must_use]
    pub fn ideal_rate(&self) -> f64 {
        (self.config.processes * self.config.tenants) as f64 / self.config.lifetime.as_secs_f64()
    }

    /// Calls per role and lifetime after `skip`, against the ideal of one.
    #[must_use]
    pub fn calls_per_lifetime_after(&self, skip: Duration) -> f64 {
        self.rates_after(skip).mean / self.ideal_rate()
    }
}

impl fmt::Display for FleetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let hour = Duration::from_secs(3600);
        let after = self.rates_after(hour);
        let all = self.rates_after(Duration::ZERO);
        writeln!(
            f,
            "{} processes × {} tenants ({} processes simulated, counts × {:.0}), {:.1} h, \
             {:.0}-min credentials, deploy within {:?}, a request per tenant and process every \
             {:?}, STS budget {}/s per process",
            c.processes,
            c.tenants,
            c.sampled_processes,
            self.scale(),
            c.duration.as_secs_f64() / 3600.0,
            c.lifetime.as_secs_f64() / 60.0,
            c.deploy_window,
            c.request_period,
            c.cache.get_sts_rate_limit(),
        )?;
        writeln!(
            f,
            "  AssumeRole/s after the first hour, per {:?} window: mean {:.1}, peak {:.1} \
             ({:.2}× mean), p99 {:.1} ({:.2}× mean); ideal {:.1}",
            c.window,
            after.mean,
            after.peak,
            after.peak / after.mean,
            after.p99,
            after.p99 / after.mean,
            self.ideal_rate(),
        )?;
        writeln!(
            f,
            "  calls per role-lifetime after the first hour: {:.3}× the ideal; whole run \
             peak {:.0}/s (the deploy)",
            self.calls_per_lifetime_after(hour),
            all.peak,
        )?;
        write!(
            f,
            "  {} requests simulated: {} failed, {} with expired credentials, least validity \
             handed out {:?}; {} waited for a load ({} after the first lifetime); {} throttled",
            self.requests,
            self.failed,
            self.expired,
            self.least_validity,
            self.waited,
            self.waited_after_first_lifetime,
            self.throttled,
        )
    }
}

fn window_index(since_start: Duration, window: Duration) -> usize {
    usize::try_from(since_start.as_nanos() / window.as_nanos().max(1)).unwrap_or(usize::MAX)
}

/// STS as the fleet sees it: counts calls per window, answers after a latency.
#[derive(Debug)]
struct SimulatedSts {
    start: Instant,
    window: Duration,
    latency: Duration,
    lifetime: Duration,
    calls: Vec<AtomicU64>,
}

#[derive(Debug, Clone)]
struct Sts(Arc<SimulatedSts>);

impl LoadCredentials for Sts {
    fn load<'a>(&'a self, _spec: &'a RoleSpec) -> LoadFuture<'a> {
        let sts = &self.0;
        let index = window_index(Instant::now() - sts.start, sts.window);
        if let Some(count) = sts.calls.get(index) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        Box::pin(async move {
            tokio::time::sleep(sts.latency).await;
            // The expiry on the simulated clock, as time since the simulation's start.
            let expires = SystemTime::UNIX_EPOCH + (Instant::now() - sts.start) + sts.lifetime;
            Ok(Loaded {
                credentials: Credentials::new("ASIASIMULATED", "s", None, Some(expires), "fleet"),
                valid_for: sts.lifetime,
            })
        })
    }
}

/// What every process's requests saw.
#[derive(Debug, Default)]
struct Tally {
    requests: AtomicU64,
    waited: AtomicU64,
    waited_late: AtomicU64,
    failed: AtomicU64,
    expired: AtomicU64,
    least_validity_ms: AtomicU64,
}

impl Tally {
    fn check(&self, start: Instant, identity: &Identity) {
        let now = SystemTime::UNIX_EPOCH + (Instant::now() - start);
        let left = credentials_of(identity)
            .and_then(Credentials::expiry)
            .and_then(|expiry| expiry.duration_since(now).ok())
            .unwrap_or_default();
        if left.is_zero() {
            self.expired.fetch_add(1, Ordering::Relaxed);
        }
        let left_ms = u64::try_from(left.as_millis()).unwrap_or(u64::MAX);
        self.least_validity_ms.fetch_min(left_ms, Ordering::Relaxed);
    }
}

/// One request of one tenant: answered at once if warm, else by a task that waits and then
/// sends the tenant's next request (a tenant busy enough to be served by every process sends
/// more than one per load; it marks the role in use, so its refresh is not skipped).
fn request(signing: &RoleSigning, start: Instant, late: bool, tally: &Arc<Tally>) {
    tally.requests.fetch_add(1, Ordering::Relaxed);
    match signing.identity().now_or_never() {
        Some(Ok(identity)) => tally.check(start, &identity),
        Some(Err(_)) => {
            tally.failed.fetch_add(1, Ordering::Relaxed);
        }
        None => {
            tally.waited.fetch_add(1, Ordering::Relaxed);
            if late {
                tally.waited_late.fetch_add(1, Ordering::Relaxed);
            }
            let (signing, tally) = (signing.clone(), Arc::clone(tally));
            tokio::spawn(async move {
                match signing.identity().await {
                    Ok(identity) => tally.check(start, &identity),
                    Err(_) => {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                request(&signing, start, late, &tally);
            });
        }
    }
}

/// One process: starts at `offset`, serves every tenant at once, then each once per period.
async fn process(
    offset: Duration,
    roles: Arc<[Arc<RoleSpec>]>,
    sts: Sts,
    config: Arc<FleetConfig>,
    tally: Arc<Tally>,
) -> u64 {
    let start = sts.0.start;
    let end = start + config.duration;
    tokio::time::sleep_until(start + offset).await;
    let cache = RoleCache::with_clock(
        config.cache.clone().max_roles(roles.len() as u64),
        sts.clone(),
        Clock::tokio(),
    );
    let signings: Vec<RoleSigning> = roles.iter().map(|role| cache.signing(role)).collect();
    for signing in &signings {
        request(signing, start, false, &tally);
    }
    // The rest of the tenants' requests, a slice every second, on whole seconds of the
    // simulation: every process wakes at the same instants, which keeps the paused clock's
    // steps few.
    let tick = Duration::from_secs(1);
    let per_tick = signings
        .len()
        .div_ceil(usize::try_from(config.request_period.as_secs().max(1)).unwrap_or(1));
    let mut cursor = 0;
    let mut next = start + tick * (u32::try_from(offset.as_secs()).unwrap_or(0) + 1);
    while next < end {
        tokio::time::sleep_until(next).await;
        let late = next - start > config.lifetime;
        for _ in 0..per_tick {
            request(&signings[cursor], start, late, &tally);
            cursor = (cursor + 1) % signings.len();
        }
        next += tick;
    }
    cache.stats().throttled
}

/// Runs the simulation. Must run on a current-thread Tokio runtime with paused time
/// (`tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true)`), or it
/// takes as long as it simulates.
pub async fn simulate(config: FleetConfig) -> FleetReport {
    let start = Instant::now();
    let windows = window_index(config.duration, config.window) + 1;
    let sts = Sts(Arc::new(SimulatedSts {
        start,
        window: config.window,
        latency: config.sts_latency,
        lifetime: config.lifetime,
        calls: (0..windows).map(|_| AtomicU64::new(0)).collect(),
    }));
    let roles: Arc<[Arc<RoleSpec>]> = (0..config.tenants.max(1)).map(role).collect();
    let tally = Arc::new(Tally {
        least_validity_ms: AtomicU64::new(u64::MAX),
        ..Tally::default()
    });
    let shared = Arc::new(config.clone());
    let processes: Vec<_> = (0..config.sampled_processes)
        .map(|_| {
            let offset = config.deploy_window.mul_f64(fastrand::f64());
            tokio::spawn(process(
                offset,
                Arc::clone(&roles),
                sts.clone(),
                Arc::clone(&shared),
                Arc::clone(&tally),
            ))
        })
        .collect();
    let mut throttled = 0;
    for process in processes {
        throttled += process.await.unwrap_or_default();
    }
    let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    FleetReport {
        calls: sts.0.calls.iter().map(read).collect(),
        requests: read(&tally.requests),
        waited: read(&tally.waited),
        waited_after_first_lifetime: read(&tally.waited_late),
        failed: read(&tally.failed),
        expired: read(&tally.expired),
        least_validity: Duration::from_millis(read(&tally.least_validity_ms)),
        throttled,
        config,
    }
}

/// Tenant `n`'s role.
fn role(n: usize) -> Arc<RoleSpec> {
    Arc::new(RoleSpec::new(
        RoleArn::from_trusted(format!("arn:aws:iam::123456789012:role/tenant-{n:06}")),
        SessionName::from_trusted(format!("tenant-{n:06}")),
    ))
}
