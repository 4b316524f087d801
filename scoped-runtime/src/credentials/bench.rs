//! Not public API: a warm credential cache with a static credential source, for the
//! benchmarks in `benches/credentials.rs` (they must not need STS to time the read path).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::identity::{
    IdentityFuture, ResolveCachedIdentity, SharedIdentityResolver,
};

use super::cache::{LoadCredentials, LoadFuture, Loaded};
use super::{CredentialCacheConfig, RoleCache};
use crate::role::{RoleArn, RoleSpec, SessionName};

/// Answers every load at once with credentials shaped like STS's (20-character key id,
/// 40-character secret, a session token of the given length), valid for an hour.
#[derive(Debug)]
struct Static {
    token_len: usize,
}

impl LoadCredentials for Static {
    fn load<'a>(&'a self, spec: &'a RoleSpec) -> LoadFuture<'a> {
        let valid_for = Duration::from_secs(3600);
        let key = format!("ASIA{:016}", spec.role_arn.as_str().len());
        let credentials = Credentials::new(
            key,
            "s".repeat(40),
            Some("t".repeat(self.token_len)),
            Some(SystemTime::now() + valid_for),
            "bench",
        );
        Box::pin(async move {
            Ok(Loaded {
                credentials,
                valid_for,
            })
        })
    }
}

/// A credential cache of warm roles.
#[derive(Debug)]
pub struct WarmRoles {
    cache: RoleCache,
    roles: Vec<Arc<RoleSpec>>,
}

/// The role spec of role number `n`, as a tenant role would have it, with a session policy
/// of `policy_chars` characters if that is not zero.
fn role(n: usize, policy_chars: usize) -> Arc<RoleSpec> {
    let mut spec = RoleSpec::new(
        RoleArn::from_trusted(format!("arn:aws:iam::123456789012:role/tenant-{n:06}")),
        SessionName::from_trusted(format!("tenant-{n:06}")),
    );
    if policy_chars > 0 {
        let mut policy = format!("{{\"tenant\":\"{n:06}\"}}");
        policy.extend(std::iter::repeat_n(
            ' ',
            policy_chars.saturating_sub(policy.len()),
        ));
        spec.policy = Some(policy.into());
    }
    Arc::new(spec)
}

impl WarmRoles {
    /// `count` roles, each loaded once, with session tokens of `token_len` bytes. Must run on
    /// a Tokio runtime.
    ///
    /// # Errors
    ///
    /// A role that could not be loaded, as text.
    pub async fn new(count: usize, token_len: usize) -> Result<Self, String> {
        Self::with_session_policy(count, token_len, 0).await
    }

    /// [`Self::new`], each role with a session policy of `policy_chars` characters (a tenant's
    /// generated policy is 700–900), which a registry lookup hashes.
    ///
    /// # Errors
    ///
    /// A role that could not be loaded, as text.
    pub async fn with_session_policy(
        count: usize,
        token_len: usize,
        policy_chars: usize,
    ) -> Result<Self, String> {
        let config = CredentialCacheConfig::default().max_roles(count.max(1) as u64);
        let cache = RoleCache::new(config, Static { token_len });
        let roles: Vec<_> = (0..count).map(|n| role(n, policy_chars)).collect();
        for spec in &roles {
            cache
                .signing(spec)
                .identity()
                .await
                .map_err(|err| err.to_string())?;
        }
        Ok(Self { cache, roles })
    }

    /// What a client signing as role `n` holds: its SigV4 identity resolver and its identity
    /// cache, which the SDK calls per request with that resolver.
    #[must_use]
    pub fn client_identity(
        &self,
        n: usize,
    ) -> (
        SharedIdentityResolver,
        impl ResolveCachedIdentity + Clone + use<>,
    ) {
        let signing = self.cache.signing(&self.roles[n % self.roles.len()]);
        (signing.resolver(), signing.identity_cache)
    }

    /// Role `n`'s identity as a client shared by many roles reads it per request: looked up
    /// in the registry, then read from the role's entry.
    #[must_use]
    pub fn registry_identity(&self, n: usize) -> IdentityFuture<'static> {
        self.cache.identity(&self.roles[n % self.roles.len()])
    }

    /// `sts:AssumeRole` calls so far.
    #[must_use]
    pub fn loads(&self) -> u64 {
        self.cache.stats().sts_calls
    }

    /// Roles in the registry.
    #[must_use]
    pub fn roles(&self) -> u64 {
        self.cache.stats().roles
    }
}
