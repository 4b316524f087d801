//! [`AwsClientFactory`]: the one place SDK clients are built.

use std::fmt;
use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};

use crate::client::{CapsuleClient, DynamoDb, OperatorClient, PlatformClient, Sts, TenantClient};
use crate::credentials::{CredentialCacheConfig, CredentialStats, RoleCache, SignAs, StsLoader};
use crate::error::Error;
use crate::guard::{GuardKey, GuardedScope, IsolationGuard};
use crate::role::{OperatorRole, RoleSpec};
use crate::scope::{Capsule, Platform, Tenant};

/// How many role-signed SDK clients of each service the factory keeps before evicting the
/// least used. An evicted client is rebuilt on next use; its credentials stay cached.
const MAX_ROLE_CLIENTS: u64 = 10_000;

/// How many scopes' guarded DynamoDB clients the factory keeps before evicting the least used.
/// Each takes about 20 KB; an evicted one is rebuilt (about 70 µs) the next time its scope's
/// client is used. The same bound as the role clients', which are the same kind of object.
const MAX_GUARDED_CLIENTS: u64 = 10_000;

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
/// Tenants with a role ([`Tenant::with_role_arn`]) and operator roles ([`Self::operator`]) get
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
    config: SdkConfig,
    sts: aws_sdk_sts::Client,
    credentials: RoleCache,
    role_dynamodb: moka::sync::Cache<Arc<RoleSpec>, aws_sdk_dynamodb::Client>,
    role_sts: moka::sync::Cache<Arc<RoleSpec>, aws_sdk_sts::Client>,
    /// Each scope's DynamoDB client carrying its isolation guard (and its role's credentials).
    guarded: moka::sync::Cache<GuardKey, aws_sdk_dynamodb::Client>,
}

impl AwsClientFactory {
    /// Loads the configuration the way every AWS SDK does (environment, profile, IMDS…) and
    /// builds the factory.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if no region is configured.
    pub async fn from_env() -> Result<Self, Error> {
        Self::from_conf(aws_config::defaults(BehaviorVersion::latest()).load().await)
    }

    /// Builds the factory from a configuration loaded elsewhere, with the default
    /// [`CredentialCacheConfig`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if `config` has no region or no behavior version (the SDK would
    /// panic on the first client it builds).
    pub fn from_conf(config: SdkConfig) -> Result<Self, Error> {
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
    ) -> Result<Self, Error> {
        if config.region().is_none() {
            return Err(Error::Config(
                "no region: set AWS_REGION, a profile region, or SdkConfig::builder().region(..)",
            ));
        }
        if config.behavior_version().is_none() {
            return Err(Error::Config(
                "no behavior version: load it with aws_config::defaults(BehaviorVersion::latest()) \
                 or set SdkConfig::builder().behavior_version(..)",
            ));
        }
        let config = with_shared_http_client(config);
        let sts = aws_sdk_sts::Client::new(&config);
        Ok(Self {
            inner: Arc::new(Inner {
                credentials: RoleCache::new(credentials, StsLoader::new(sts.clone())),
                sts,
                role_dynamodb: moka::sync::Cache::new(MAX_ROLE_CLIENTS),
                role_sts: moka::sync::Cache::new(MAX_ROLE_CLIENTS),
                guarded: moka::sync::Cache::new(MAX_GUARDED_CLIENTS),
                config,
            }),
        })
    }

    /// The configuration every client is built from.
    #[must_use]
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.inner.config
    }

    /// A DynamoDB client for the platform scope.
    ///
    /// Handing it out clones two `Arc`s; its guarded SDK client is looked up (and built, once
    /// per scope) on first use. The same holds for tenant and capsule clients.
    #[must_use]
    pub fn platform_dynamodb(&self) -> PlatformClient<DynamoDb> {
        PlatformClient::new(Platform::new(), self.clone())
    }

    /// A DynamoDB client for `tenant`.
    ///
    /// A tenant with a role gets a client that signs with that role's cached credentials (see
    /// "Credentials" above); one without signs with the factory's own.
    #[must_use]
    pub fn tenant_dynamodb(&self, tenant: &Tenant) -> TenantClient<DynamoDb> {
        TenantClient::new(tenant.clone(), self.clone())
    }

    /// A DynamoDB client for `capsule`, signing with the capsule's role when it has one
    /// ([`Capsule::with_role_arn`]).
    #[must_use]
    pub fn capsule_dynamodb(&self, capsule: &Capsule) -> CapsuleClient<DynamoDb> {
        CapsuleClient::new(capsule.clone(), self.clone())
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
        self.inner.credentials.stats()
    }

    fn role_dynamodb(&self, role: &Arc<RoleSpec>) -> aws_sdk_dynamodb::Client {
        self.inner.role_dynamodb.get_with_by_ref(role, || {
            let config = aws_sdk_dynamodb::config::Builder::from(&self.inner.config)
                .sign_as(self.inner.credentials.signing(role))
                .build();
            aws_sdk_dynamodb::Client::from_conf(config)
        })
    }

    /// The DynamoDB client of `scope`: built once per scope with the scope's isolation guard
    /// (and its role's credentials, if it has one), then cached.
    pub(crate) fn guarded_dynamodb<S: GuardedScope>(&self, scope: &S) -> aws_sdk_dynamodb::Client {
        self.inner.guarded.get_with(scope.guard_key(), || {
            let mut config = aws_sdk_dynamodb::config::Builder::from(&self.inner.config)
                .interceptor(IsolationGuard::new(scope.clone()));
            if let Some(role) = scope.signing_role() {
                config = config.sign_as(self.inner.credentials.signing(role));
            }
            aws_sdk_dynamodb::Client::from_conf(config.build())
        })
    }

    fn role_sts(&self, role: &Arc<RoleSpec>) -> aws_sdk_sts::Client {
        self.inner.role_sts.get_with_by_ref(role, || {
            let config = aws_sdk_sts::config::Builder::from(&self.inner.config)
                .sign_as(self.inner.credentials.signing(role))
                .build();
            aws_sdk_sts::Client::from_conf(config)
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
    /// A DynamoDB client signing as the role. It has no scoped table accessors: operator work
    /// is outside the data scopes.
    #[must_use]
    pub fn dynamodb(&self) -> OperatorClient<DynamoDb> {
        let client = self.factory.role_dynamodb(self.role.spec());
        OperatorClient::new(Some(self.role.clone()), client)
    }

    /// An STS client signing as the role.
    #[must_use]
    pub fn sts(&self) -> OperatorClient<Sts> {
        let client = self.factory.role_sts(self.role.spec());
        OperatorClient::new(Some(self.role.clone()), client)
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
            .field("region", &self.inner.config.region())
            .finish_non_exhaustive()
    }
}
