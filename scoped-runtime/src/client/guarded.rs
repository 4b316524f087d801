//! [`GuardedClients`]: the SDK clients of one factory's scopes, built once per scope and
//! service.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use aws_config::SdkConfig;

use super::Service;
use crate::credentials::{RequestSigning, RoleCache, RoleSigning};
use crate::scope::{AnyScope, Scope};

/// At most this many guarded clients (one per scope and service, for callers of `raw()`) stay
/// cached; the least used are rebuilt (~70 µs) when needed again. Typed operations never use
/// them: they send through the service's shared client.
const MAX_GUARDED_CLIENTS: u64 = 10_000;

/// What a service needs to build a scope's client: the factory's SDK configuration (one HTTP
/// client for all) and its credential cache.
#[cfg_attr(
    not(feature = "s3"),
    allow(dead_code, reason = "only services with settings read them")
)]
pub struct ServiceConfig<'a> {
    config: &'a SdkConfig,
    credentials: &'a RoleCache,
    settings: &'a ServiceSettings,
}

impl ServiceConfig<'_> {
    /// The settings of type `T` a service was given on the factory's builder, if any.
    #[cfg_attr(
        not(feature = "s3"),
        allow(dead_code, reason = "only services with settings read them")
    )]
    pub(crate) fn settings<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.settings.get::<T>()
    }

    /// The factory's SDK configuration.
    pub(crate) fn sdk_config(&self) -> &SdkConfig {
        self.config
    }

    /// How a client of `scope` signs: as the scope's role from the credential cache, or `None`
    /// for the factory's own credentials.
    pub(crate) fn signing(&self, scope: &AnyScope) -> Option<RoleSigning> {
        scope
            .signing_role()
            .map(|role| self.credentials.signing(role))
    }

    /// How a shared client signs: each request as the role of the scope stamped on it, or
    /// with the factory's own credentials.
    pub(crate) fn request_signing(&self) -> RequestSigning {
        let base_cache = self
            .config
            .identity_cache()
            .unwrap_or_else(|| aws_smithy_runtime::client::identity::IdentityCache::lazy().build());
        RequestSigning::new(
            self.credentials.clone(),
            self.config.credentials_provider(),
            base_cache,
        )
    }
}

/// The factory's shared state that scoped clients read: its SDK configuration, its credential
/// cache and the guarded SDK client of each scope and service.
pub(crate) struct GuardedClients {
    config: SdkConfig,
    credentials: RoleCache,
    settings: ServiceSettings,
    /// Keyed by service (its marker's `TypeId`) and scope; each value is that service's
    /// `Service::Client`.
    clients: moka::sync::Cache<(TypeId, AnyScope), Arc<dyn Any + Send + Sync>>,
    /// One shared client per service (its marker's `TypeId`), built on first use: the client
    /// every typed operation of every scope sends through.
    shared: RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    /// SDK clients built so far, shared and per scope.
    builds: AtomicU64,
}

/// What the factory's SDK clients cost so far, read with
/// [`AwsClientFactory::client_stats`](crate::AwsClientFactory::client_stats).
///
/// Typed operations of every scope send through one shared client per service, so
/// `client_builds` stays at the number of services used however many scopes a process serves;
/// each scope whose `raw()` client is asked for adds one build (and one more after that client
/// was evicted, past 10,000 scopes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// SDK clients built: one shared client per service used, plus every `raw()` client.
    pub client_builds: u64,
    /// Shared clients now held, one per service used.
    pub shared_clients: u64,
    /// `raw()` clients now cached, one per scope and service (at most 10,000).
    pub scope_clients: u64,
}

impl GuardedClients {
    pub(crate) fn new(
        config: SdkConfig,
        credentials: RoleCache,
        settings: ServiceSettings,
    ) -> Self {
        Self {
            config,
            credentials,
            settings,
            clients: moka::sync::Cache::new(MAX_GUARDED_CLIENTS),
            shared: RwLock::default(),
            builds: AtomicU64::new(0),
        }
    }

    /// The factory's SDK configuration.
    pub(crate) fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The settings of type `T` a service was given on the factory's builder, if any.
    #[cfg_attr(
        not(feature = "s3"),
        allow(dead_code, reason = "only services with settings read them")
    )]
    pub(crate) fn settings<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.settings.get::<T>()
    }

    /// The factory's credential cache.
    pub(crate) fn credentials(&self) -> &RoleCache {
        &self.credentials
    }

    fn service_config(&self) -> ServiceConfig<'_> {
        ServiceConfig {
            config: &self.config,
            credentials: &self.credentials,
            settings: &self.settings,
        }
    }

    /// `Svc`'s client for `scope`, carrying `Svc`'s isolation guard: built on first use, then
    /// shared by every scoped client of that scope and service.
    pub(crate) fn guarded<Svc: Service>(&self, scope: &impl Scope) -> Svc::Client {
        self.guarded_any::<Svc>(&scope.any_scope())
    }

    /// [`guarded`](Self::guarded) for a scope as a value.
    pub(crate) fn guarded_any<Svc: Service>(&self, scope: &AnyScope) -> Svc::Client {
        let key = (TypeId::of::<Svc>(), scope.clone());
        let client = self.clients.get_with_by_ref(&key, || {
            self.builds.fetch_add(1, Ordering::Relaxed);
            Arc::new(<Svc as super::sealed::Sealed>::guarded(
                &self.service_config(),
                scope,
            ))
        });
        match client.downcast_ref::<Svc::Client>() {
            Some(client) => client.clone(),
            // The cache is keyed by the service's `TypeId`, so its value is that service's
            // client; should it ever not be, build one rather than fail.
            None => <Svc as super::sealed::Sealed>::guarded(&self.service_config(), scope),
        }
    }

    /// What the SDK clients cost so far.
    pub(crate) fn stats(&self) -> ClientStats {
        self.clients.run_pending_tasks();
        ClientStats {
            client_builds: self.builds.load(Ordering::Relaxed),
            shared_clients: self.shared.read().map_or(0, |shared| shared.len() as u64),
            scope_clients: self.clients.entry_count(),
        }
    }

    /// `Svc`'s shared client: the one SDK client all typed operations of `Svc` send through,
    /// whatever their scope, each request stamped with its scope (see [`super::request`]).
    /// Built once per factory and service.
    pub(crate) fn shared<Svc: Service>(&self) -> Svc::Client {
        let id = TypeId::of::<Svc>();
        let found = self
            .shared
            .read()
            .ok()
            .and_then(|shared| shared.get(&id).cloned());
        if let Some(client) = found.as_ref().and_then(|c| c.downcast_ref::<Svc::Client>()) {
            return client.clone();
        }
        self.builds.fetch_add(1, Ordering::Relaxed);
        let client = <Svc as super::sealed::Sealed>::shared(&self.service_config());
        // A poisoned lock only loses the cache: the client just built is still right.
        if let Ok(mut shared) = self.shared.write() {
            let stored = shared.entry(id).or_insert_with(|| Arc::new(client.clone()));
            if let Some(stored) = stored.downcast_ref::<Svc::Client>() {
                return stored.clone();
            }
        }
        client
    }
}

/// Per-service settings given to the factory's builder (an S3 service's buckets, …), one value
/// per type.
#[derive(Default)]
pub(crate) struct ServiceSettings {
    values: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl ServiceSettings {
    /// Sets the value of type `T`, replacing an earlier one.
    pub(crate) fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.values.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`, if one was set.
    #[cfg_attr(
        not(feature = "s3"),
        allow(dead_code, reason = "only services with settings read them")
    )]
    pub(crate) fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.values.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }
}

impl fmt::Debug for ServiceSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceSettings")
            .field("values", &self.values.len())
            .finish()
    }
}
