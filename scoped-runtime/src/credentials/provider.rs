//! What a role-signed SDK client is built with: a credentials provider and an identity cache,
//! both reading the role's entry.
//!
//! Per request the SDK asks its identity cache for the identity of the SigV4 resolver. Ours
//! answers from the role's entry with an `Identity` built once per load. A credentials
//! provider alone would not do: the SDK turns every `Credentials` a provider returns into a
//! fresh `Identity` (an allocation and a property map, about 50 ns per request).

use std::sync::Arc;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::identity::{
    Identity, IdentityCachePartition, IdentityFuture, ResolveCachedIdentity, ResolveIdentity,
    SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::cache::Shared;
use super::entry::RoleEntry;

/// Makes an SDK config builder sign as a role: our credentials provider as its SigV4 identity
/// resolver and our identity cache in place of the SDK's, so this cache is the only one.
pub(crate) trait SignAs {
    #[must_use]
    fn sign_as(self, signing: RoleSigning) -> Self;

    /// Signs each request as the role of its stamped scope, or with the factory's own
    /// credentials: a service's shared client ([`RequestSigning`](super::RequestSigning)).
    #[must_use]
    fn sign_per_request(self, signing: super::RequestSigning) -> Self;
}

/// One `impl` per SDK: each generates its own config builder with the same two setters.
macro_rules! impl_sign_as {
    ($($builder:ty),+) => {$(
        impl $crate::credentials::SignAs for $builder {
            fn sign_as(mut self, signing: $crate::credentials::RoleSigning) -> Self {
                // Not `credentials_provider(..)`: it would wrap the provider in a new
                // `SharedCredentialsProvider` with a partition the identity cache can't know.
                self.set_credentials_provider(Some(signing.credentials));
                self.set_identity_cache(signing.identity_cache);
                self
            }

            fn sign_per_request(
                mut self,
                signing: $crate::credentials::RequestSigning,
            ) -> Self {
                self.set_credentials_provider(Some(signing.credentials));
                self.set_identity_cache(signing.identity_cache);
                self
            }
        }
    )+};
}

pub(crate) use impl_sign_as;

impl_sign_as!(aws_sdk_sts::config::Builder);

/// One role's reader of the cache.
#[derive(Debug, Clone)]
struct RoleReader {
    entry: Arc<RoleEntry>,
    shared: Arc<Shared>,
}

impl RoleReader {
    /// The identity, without waiting if the role is warm: the future of a warm read is ready
    /// on its first poll and boxes nothing.
    fn identity(&self) -> IdentityFuture<'_> {
        if let Some(identity) = self.entry.try_hot(&self.shared) {
            return IdentityFuture::ready(Ok(identity));
        }
        IdentityFuture::new(
            async move { self.entry.load_now(&self.shared).await.map_err(Into::into) },
        )
    }
}

/// The credentials provider and identity cache of one role's SDK clients.
#[derive(Debug, Clone)]
pub struct RoleSigning {
    /// Set as the client's credentials provider, the SigV4 identity resolver.
    pub(crate) credentials: SharedCredentialsProvider,
    /// Set as the client's identity cache, in place of the SDK's.
    pub(crate) identity_cache: RoleIdentityCache,
}

impl RoleSigning {
    pub(crate) fn new(entry: Arc<RoleEntry>, shared: Arc<Shared>) -> Self {
        let reader = RoleReader { entry, shared };
        let credentials = SharedCredentialsProvider::new(RoleCredentials(reader.clone()));
        // Registered through `set_credentials_provider`, the provider keeps this partition as
        // the SigV4 resolver's, which is how the identity cache recognises it.
        let partition = ResolveIdentity::cache_partition(&credentials);
        Self {
            credentials,
            identity_cache: RoleIdentityCache { reader, partition },
        }
    }

    /// The role's identity, read as the identity cache reads it.
    #[cfg(any(test, feature = "test-util"))]
    pub(crate) fn identity(&self) -> IdentityFuture<'_> {
        self.identity_cache.reader.identity()
    }

    /// The SigV4 identity resolver, as a client's runtime components hold it.
    #[cfg(any(test, feature = "test-util"))]
    pub(crate) fn resolver(&self) -> SharedIdentityResolver {
        SharedIdentityResolver::new(self.credentials.clone())
    }
}

/// The role's `Credentials`, for a caller that asks the provider directly. Role clients never
/// do: their identity cache answers first.
#[derive(Debug)]
struct RoleCredentials(RoleReader);

impl ProvideCredentials for RoleCredentials {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        #[cfg(test)]
        super::cache::bump(&self.0.shared.counters.provider_reads);
        provider::future::ProvideCredentials::new(async move {
            let identity = self
                .0
                .identity()
                .await
                .map_err(CredentialsError::provider_error)?;
            credentials_of(&identity)
                .cloned()
                .ok_or_else(|| CredentialsError::unhandled("a role identity without credentials"))
        })
    }
}

/// The identity cache of a role's SDK clients: serves the role's own resolver from the role's
/// entry and passes any other (the no-auth resolver of unsigned STS operations) through
/// uncached, as the SDK's `IdentityCache::no_cache()` would.
#[derive(Debug, Clone)]
pub(crate) struct RoleIdentityCache {
    reader: RoleReader,
    partition: Option<IdentityCachePartition>,
}

impl ResolveCachedIdentity for RoleIdentityCache {
    fn resolve_cached_identity<'a>(
        &'a self,
        resolver: SharedIdentityResolver,
        runtime_components: &'a RuntimeComponents,
        config_bag: &'a ConfigBag,
    ) -> IdentityFuture<'a> {
        if Some(resolver.cache_partition()) == self.partition {
            return self.reader.identity();
        }
        IdentityFuture::new(async move {
            resolver
                .resolve_identity(runtime_components, config_bag)
                .await
        })
    }
}

/// The `Credentials` inside an identity this cache built.
pub(crate) fn credentials_of(identity: &Identity) -> Option<&Credentials> {
    identity.data::<Credentials>()
}
