//! [`GuardedClients`]: the SDK clients of one factory's scopes, built once per scope and
//! service.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use aws_config::SdkConfig;

use super::Service;
use crate::credentials::{RoleCache, RoleSigning};
use crate::scope::{AnyScope, Scope};

/// At most this many guarded clients (one per scope and service) stay cached; the least used
/// are rebuilt (~70 µs) when needed again.
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

    /// `Svc`'s client for `scope`, carrying `Svc`'s isolation guard: built on first use, then
    /// shared by every scoped client of that scope and service.
    pub(crate) fn guarded<Svc: Service>(&self, scope: &impl Scope) -> Svc::Client {
        let scope = scope.any_scope();
        let key = (TypeId::of::<Svc>(), scope);
        let client = self.clients.get_with_by_ref(&key, || {
            let config = ServiceConfig {
                config: &self.config,
                credentials: &self.credentials,
                settings: &self.settings,
            };
            Arc::new(<Svc as super::sealed::Sealed>::guarded(&config, &key.1))
        });
        match client.downcast_ref::<Svc::Client>() {
            Some(client) => client.clone(),
            // The cache is keyed by the service's `TypeId`, so its value is that service's
            // client; should it ever not be, build one rather than fail.
            None => <Svc as super::sealed::Sealed>::guarded(
                &ServiceConfig {
                    config: &self.config,
                    credentials: &self.credentials,
                    settings: &self.settings,
                },
                &key.1,
            ),
        }
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
