//! [`AwsClientFactory`]: the one place SDK clients are built.

use std::fmt;
use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};

use std::any::{Any, TypeId};

use crate::client::{
    ClientStats, GuardedClients, OperatorClient, ScopedClient, Service, ServiceSettings, Sts,
    sealed,
};
use crate::credentials::{CredentialCacheConfig, CredentialStats, RoleCache, StsLoader};
use crate::error::ConfigError;
use crate::role::{OperatorRole, RoleSpec};
use crate::scope::Scope;

/// How many role-signed SDK clients of each service the factory keeps before evicting the
/// least used. An evicted client is rebuilt on next use; its credentials stay cached.
const MAX_ROLE_CLIENTS: u64 = 10_000;

/// Builds scope-typed AWS clients from one shared configuration.
///
/// Create one per process and inject it (it is `Clone`, an `Arc` inside). It holds one
/// [`SdkConfig`], hence one HTTP client and connection pool shared by every SDK client it
/// builds; handing out a scoped client clones two `Arc`s and builds nothing. Each scope's
/// DynamoDB client, which carries the scope's [isolation guard](crate#5-the-isolation-guard), is
/// built on its first use and cached (up to 10,000 scopes, least used evicted first).
///
/// Endpoints follow the SDK's standard settings, so `AWS_ENDPOINT_URL` (or
/// `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_STS`) points every client at moto or
/// LocalStack with no code change.
///
/// ```no_run
/// use scoped_runtime::{AwsClientFactory, Capsule};
///
/// # async fn demo() -> Result<(), scoped_runtime::Error> {
/// let factory = AwsClientFactory::from_env().await?;
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// let crm = factory.capsule_dynamodb(&capsule);
/// assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
/// # Ok(()) }
/// ```
///
/// # Credentials
///
/// Platform, capsule and role-less tenant clients sign with the factory's own credentials.
/// Tenants with a role ([`Tenant::with_role_arn`](crate::Tenant::with_role_arn)) and operator roles ([`Self::operator`]) get
/// SDK clients built once per role, with the factory's credential cache in place of the SDK's
/// identity cache: credentials are cached until their real expiry, refreshed in
/// the background ahead of it, served through STS outages while still valid, and never
/// handed out expired. [`Self::credential_stats`] tells what it did; see
/// [`CredentialCacheConfig`] for its limits.
#[derive(Clone)]
pub struct AwsClientFactory {
    inner: Arc<Inner>,
}

struct Inner {
    /// The configuration, the credential cache and each scope's guarded clients: what scoped
    /// clients read.
    clients: Arc<GuardedClients>,
    sts: aws_sdk_sts::Client,
    /// Operator clients signing as a role, keyed by service (its marker's `TypeId`) and role;
    /// each value is that service's `Service::Client`.
    role_clients: moka::sync::Cache<(TypeId, Arc<RoleSpec>), Arc<dyn Any + Send + Sync>>,
}

impl AwsClientFactory {
    /// Loads the configuration the way every AWS SDK does (environment, profile, IMDS…) and
    /// builds the factory.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] if no region is configured.
    pub async fn from_env() -> Result<Self, ConfigError> {
        Self::from_conf(aws_config::defaults(BehaviorVersion::latest()).load().await)
    }

    /// Builds the factory from a configuration loaded elsewhere, with the default
    /// [`CredentialCacheConfig`].
    ///
    /// # Errors
    ///
    /// [`ConfigError`] if `config` has no region or no behavior version (the SDK would
    /// panic on the first client it builds).
    pub fn from_conf(config: SdkConfig) -> Result<Self, ConfigError> {
        Self::from_conf_with(config, CredentialCacheConfig::default())
    }

    /// Builds the factory from a configuration and credential cache settings.
    ///
    /// # Errors
    ///
    /// As [`Self::from_conf`].
    pub fn from_conf_with(
        config: SdkConfig,
        credentials: CredentialCacheConfig,
    ) -> Result<Self, ConfigError> {
        Self::builder(config).credentials(credentials).build()
    }

    /// A builder for a factory with settings beyond the SDK configuration: the credential
    /// cache's, and each service's (`s3_buckets(..)` with the `s3` feature, …).
    ///
    /// ```no_run
    /// use scoped_runtime::{AwsClientFactory, CredentialCacheConfig};
    ///
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// let config = aws_config::load_from_env().await;
    /// let factory = AwsClientFactory::builder(config)
    ///     .credentials(CredentialCacheConfig::default())
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn builder(config: SdkConfig) -> FactoryBuilder {
        FactoryBuilder {
            config,
            credentials: CredentialCacheConfig::default(),
            settings: ServiceSettings::default(),
        }
    }

    /// The configuration every client is built from.
    #[must_use]
    pub fn sdk_config(&self) -> &SdkConfig {
        self.inner.clients.sdk_config()
    }

    /// A client of `Svc` for `scope`: the generic form of `capsule_dynamodb(&capsule)` and the
    /// other per-service constructors, for code generic over scopes or services.
    ///
    /// Handing it out clones two `Arc`s; its guarded SDK client is looked up (and built, once
    /// per scope and service) on first use.
    ///
    /// ```no_run
    /// use scoped_runtime::{AwsClientFactory, Capsule, CapsuleClient, DynamoDb};
    ///
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// let factory = AwsClientFactory::from_env().await?;
    /// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    /// let crm: CapsuleClient<DynamoDb> = factory.scoped(&capsule);
    /// assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn scoped<Sc: Scope, Svc: Service>(&self, scope: &Sc) -> ScopedClient<Sc, Svc> {
        ScopedClient::new(scope.clone(), Arc::clone(&self.inner.clients))
    }
    /// An STS client for operator work, signing with the factory's own credentials.
    #[must_use]
    pub fn operator_sts(&self) -> OperatorClient<Sts> {
        OperatorClient::new(None, self.inner.sts.clone())
    }

    /// Clients that sign as `role`, usually in another account, with cached credentials.
    ///
    /// ```no_run
    /// use scoped_runtime::{AwsClientFactory, OperatorRole};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let factory = AwsClientFactory::from_env().await?;
    /// let role = OperatorRole::new("arn:aws:iam::210987654321:role/org-operator", "inventory")?;
    /// let operator = factory.operator(&role);
    /// let identity = operator.sts().raw().get_caller_identity().send().await?;
    /// assert_eq!(identity.account(), Some("210987654321"));
    /// let tables = operator.dynamodb().raw().list_tables().send().await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn operator(&self, role: &OperatorRole) -> OperatorClients {
        OperatorClients {
            factory: self.clone(),
            role: role.clone(),
        }
    }

    /// What the credential cache has done so far.
    #[must_use]
    pub fn credential_stats(&self) -> CredentialStats {
        self.inner.clients.credentials().stats()
    }

    /// What the factory's SDK clients cost so far: how many were built, and how many are held.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// use scoped_runtime::{AwsClientFactory, Capsule};
    ///
    /// let factory = AwsClientFactory::from_env().await?;
    /// for n in 0..1_000 {
    ///     let capsule = Capsule::new("tenant-123", format!("caps-{n}"), "PRODUS")?;
    ///     let _crm = factory.capsule_dynamodb(&capsule); // builds nothing
    /// }
    /// assert_eq!(factory.client_stats().scope_clients, 0);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn client_stats(&self) -> ClientStats {
        self.inner.clients.stats()
    }

    /// `Svc`'s client signing as `role`, built once per role and service.
    fn role_client<Svc: Service>(&self, role: &Arc<RoleSpec>) -> Svc::Client {
        let clients = &self.inner.clients;
        let build = || {
            let signing = clients.credentials().signing(role);
            <Svc as sealed::Sealed>::signed(clients.sdk_config(), Some(signing))
        };
        let key = (TypeId::of::<Svc>(), Arc::clone(role));
        let client = self
            .inner
            .role_clients
            .get_with_by_ref(&key, || Arc::new(build()));
        match client.downcast_ref::<Svc::Client>() {
            Some(client) => client.clone(),
            // Keyed by the service's `TypeId`, so the value is that service's client.
            None => build(),
        }
    }
}

/// Builds an [`AwsClientFactory`] with settings beyond the SDK configuration; from
/// [`AwsClientFactory::builder`].
#[derive(Debug)]
pub struct FactoryBuilder {
    config: SdkConfig,
    credentials: CredentialCacheConfig,
    settings: ServiceSettings,
}

impl FactoryBuilder {
    /// The credential cache's limits and timings (the default: [`CredentialCacheConfig::default`]).
    #[must_use]
    pub fn credentials(mut self, credentials: CredentialCacheConfig) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets a service's settings: what the service modules' own builder methods call.
    #[cfg_attr(
        not(feature = "s3"),
        allow(dead_code, reason = "only services with settings call it")
    )]
    pub(crate) fn service_settings<T: std::any::Any + Send + Sync>(mut self, value: T) -> Self {
        self.settings.insert(value);
        self
    }

    /// Builds the factory.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] if the configuration has no region or no behavior version (the SDK
    /// would panic on the first client it builds).
    pub fn build(self) -> Result<AwsClientFactory, ConfigError> {
        let Self {
            config,
            credentials,
            settings,
        } = self;
        if config.region().is_none() {
            return Err(ConfigError::NoRegion);
        }
        if config.behavior_version().is_none() {
            return Err(ConfigError::NoBehaviorVersion);
        }
        let config = with_shared_http_client(config);
        let sts = aws_sdk_sts::Client::new(&config);
        let credentials = RoleCache::new(credentials, StsLoader::new(sts.clone()));
        Ok(AwsClientFactory {
            inner: Arc::new(Inner {
                clients: Arc::new(GuardedClients::new(config, credentials, settings)),
                sts,
                role_clients: moka::sync::Cache::new(MAX_ROLE_CLIENTS),
            }),
        })
    }
}

/// The clients of one operator role, from [`AwsClientFactory::operator`].
///
/// The SDK clients are built on first use per role and service, then reused by every
/// `OperatorClients` of the same role.
#[derive(Clone)]
pub struct OperatorClients {
    factory: AwsClientFactory,
    role: OperatorRole,
}

impl OperatorClients {
    /// A client of `Svc` signing as the role: the generic form of [`Self::sts`] and
    /// `dynamodb()`. It has no scoped accessors: operator work is outside the data scopes.
    #[must_use]
    pub fn client<Svc: Service>(&self) -> OperatorClient<Svc> {
        let client = self.factory.role_client::<Svc>(self.role.spec());
        OperatorClient::new(Some(self.role.clone()), client)
    }

    /// An STS client signing as the role.
    #[must_use]
    pub fn sts(&self) -> OperatorClient<Sts> {
        self.client::<Sts>()
    }

    /// The role.
    #[must_use]
    pub fn role(&self) -> &OperatorRole {
        &self.role
    }
}

impl fmt::Debug for OperatorClients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorClients")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `config`, carrying one HTTP client (one connection pool) for every client built from it.
///
/// An `SdkConfig` from `aws_config` has no HTTP client: each SDK client would create its own
/// default one, so every role-signed client would open its own connections. This builds the
/// SDK's default client once, the way the SDK does (rustls with aws-lc, proxy settings from the
/// environment): <https://github.com/smithy-lang/smithy-rs/blob/main/rust-runtime/aws-smithy-runtime/src/client/http.rs>.
fn with_shared_http_client(config: SdkConfig) -> SdkConfig {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::{Builder, ConnectorBuilder, tls};

    if config.http_client().is_some() {
        return config;
    }
    let client = Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    config.into_builder().http_client(client).build()
}

impl fmt::Debug for AwsClientFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsClientFactory")
            .field("region", &self.inner.clients.sdk_config().region())
            .finish_non_exhaustive()
    }
}
