//! What a service's shared SDK client signs with: per request, as the role of the scope stamped
//! on the request, or with the factory's own credentials.
//!
//! A scoped client's typed operations send through one SDK client per service and factory
//! (`client::GuardedClients::shared`), so the role cannot be fixed when that client is built.
//! Its identity cache reads the request's [`RequestScope`] from the config bag instead: a scope
//! with a role gets the role's identity from the registry ([`RoleCache::identity`], one moka
//! lookup and the same warm read as a role client's); any other request goes to the SDK's
//! own identity cache with the factory's credentials provider, as an unscoped client would.

use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::identity::{
    IdentityCachePartition, IdentityFuture, ResolveCachedIdentity, ResolveIdentity,
    SharedIdentityCache, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::cache::RoleCache;
use crate::scope::AnyScope;

/// The scope of one request sent through a service's shared SDK client, stamped into the
/// request's config bag by the typed operation that sends it (`client::StampScope`). The
/// shared client's isolation guard checks the request against it and its identity cache signs
/// as its role; a request without one is rejected.
///
/// Only this crate can build one, so only this crate's operations can stamp a scope.
#[derive(Debug, Clone)]
pub(crate) struct RequestScope(pub(crate) AnyScope);

impl aws_smithy_types::config_bag::Storable for RequestScope {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

/// The credentials provider and identity cache of a shared client.
#[derive(Debug, Clone)]
pub(crate) struct RequestSigning {
    /// Set as the client's credentials provider, the SigV4 identity resolver: the factory's
    /// own credentials.
    pub(crate) credentials: SharedCredentialsProvider,
    /// Set as the client's identity cache, in place of the SDK's.
    pub(crate) identity_cache: RequestIdentityCache,
}

impl RequestSigning {
    /// Signs with `roles` for requests of role-carrying scopes and with `base` (the factory's
    /// credentials provider, through the factory's identity cache `base_cache`) for the rest.
    pub(crate) fn new(
        roles: RoleCache,
        base: Option<SharedCredentialsProvider>,
        base_cache: SharedIdentityCache,
    ) -> Self {
        let credentials = SharedCredentialsProvider::new(BaseCredentials(base));
        let partition = ResolveIdentity::cache_partition(&credentials);
        Self {
            credentials,
            identity_cache: RequestIdentityCache {
                roles,
                base_cache,
                partition,
            },
        }
    }
}

/// The factory's own credentials provider, or, if it has none, an error naming what to
/// configure.
#[derive(Debug)]
struct BaseCredentials(Option<SharedCredentialsProvider>);

impl ProvideCredentials for BaseCredentials {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match &self.0 {
            Some(base) => base.provide_credentials(),
            None => provider::future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                "the factory's SDK configuration has no credentials provider, and the \
                     request's scope carries no role to sign as",
            ))),
        }
    }
}

/// The identity cache of a shared client: the role of the request's scope from the role
/// registry, or the SDK's cache for everything else.
#[derive(Clone)]
pub(crate) struct RequestIdentityCache {
    roles: RoleCache,
    base_cache: SharedIdentityCache,
    /// The SigV4 resolver's partition: only its identities are replaced by a role's.
    partition: Option<IdentityCachePartition>,
}

impl fmt::Debug for RequestIdentityCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestIdentityCache")
            .field("partition", &self.partition)
            .finish_non_exhaustive()
    }
}

impl ResolveCachedIdentity for RequestIdentityCache {
    fn resolve_cached_identity<'a>(
        &'a self,
        resolver: SharedIdentityResolver,
        runtime_components: &'a RuntimeComponents,
        config_bag: &'a ConfigBag,
    ) -> IdentityFuture<'a> {
        let role = config_bag
            .load::<RequestScope>()
            .and_then(|scope| scope.0.signing_role());
        match role {
            Some(role) if Some(resolver.cache_partition()) == self.partition => {
                self.roles.identity(role)
            }
            _ => self
                .base_cache
                .resolve_cached_identity(resolver, runtime_components, config_bag),
        }
    }
}
