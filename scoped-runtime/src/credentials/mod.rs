//! The STS credential cache behind role-signed clients.
//!
//! Role-signed SDK clients use this cache in place of the SDK's identity cache: a role's own
//! client (`raw()` of a tenant with a role, an operator role's client) reads its role's entry;
//! a service's shared client, through which the typed operations of every scope send, reads
//! the entry of the role of the scope stamped on each request ([`RequestSigning`]). Per request
//! the SDK asks for the role's identity, which the cache builds once per load, so a request
//! neither goes through the SDK's cache nor makes the SDK convert `Credentials` into an
//! `Identity`.
//!
//! - **Keyed by everything that changes permissions**: role ARN, session name, external id,
//!   duration, session policy and policy ARNs (see `RoleSpec`). Each factory has its own
//!   cache, so region and endpoint are the factory's.
//! - **Registry**: moka, bounded by [`CredentialCacheConfig::max_roles`], holds one
//!   [`RoleEntry`](entry::RoleEntry) per role. A role client holds its entry directly, so a
//!   request reads credentials with one atomic load and a coarse clock read, never a moka
//!   lookup; a client shared by many roles looks the role up per request
//!   (`RoleCache::identity`). Roles nobody reads for
//!   [`CredentialCacheConfig::role_time_to_idle`] are swept out (`registry`); an entry evicted
//!   while a client still holds it comes back on its next lookup, so a role never has two.
//! - **Expiry** comes from each credential's real `Expiration`, turned into a monotonic
//!   deadline when it arrives.
//! - **Refresh ahead**: a scheduler refreshes a role that has been used since its last load at
//!   a random point of the last 8% of the credential's lifetime above the floor, and a cold
//!   load's first refresh at a random point of its whole life (`spread`), so no request waits
//!   on STS once a role is warm and processes that start together do not refresh together.
//! - **Past the floor** (60 s before expiry by default, [`CredentialCacheConfig::refresh_floor`])
//!   the hot path stops answering; the slow path hands the cached credentials out at once while
//!   they are valid for more than the 5-second safety margin, and makes sure a load is running.
//!   Only a caller within the margin waits. The floor is never below the margin, so neither
//!   path hands out credentials within it, whatever the configuration.
//! - **Loads**: a role has at most one load in flight. It runs on its own task (inline, still
//!   shared, when no Tokio runtime is current) and every caller waiting on it gets its outcome,
//!   credentials or error, through a `watch` channel: a caller that gives up never cancels it,
//!   and callers that arrive while it fails get its failure instead of calling STS again.
//! - **STS outages**: a failed refresh retries with jittered backoff; still-valid credentials
//!   keep being served; expired ones never are. Errors are not cached, except that a refusal
//!   retrying cannot fix (`AccessDenied`, a malformed policy…) is remembered for
//!   [`CredentialCacheConfig::negative_ttl`].
//! - **Limits**: at most [`CredentialCacheConfig::max_concurrent_loads`] STS calls at once, each
//!   bounded by [`CredentialCacheConfig::load_timeout`], and at most
//!   [`CredentialCacheConfig::sts_rate_limit`] a second (`budget`): loads a request waits on
//!   first, refreshes ahead with what is left; `Throttling` halves the rate.
//!
//! docs/credentials.md has the behaviour per state of the credentials and of STS, as a table.

#[cfg(feature = "test-util")]
pub(crate) mod bench;
mod budget;
mod cache;
mod clock;
mod counter;
mod entry;
#[cfg(any(test, feature = "test-util"))]
pub mod fleet;
mod provider;
mod registry;
mod request;
mod scheduler;
mod spread;
mod sts;

pub(crate) use cache::RoleCache;
pub use cache::{CredentialCacheConfig, CredentialStats};
pub(crate) use provider::{RoleSigning, SignAs, impl_sign_as};
pub(crate) use request::{RequestScope, RequestSigning};
pub(crate) use sts::StsLoader;

#[cfg(test)]
mod tests;
