//! [`AwsClientFactory`]: the one place SDK clients are built.

use std::fmt;
use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::SharedCredentialsProvider;

use crate::assume_role::AssumeRoleProvider;
use crate::client::{CapsuleClient, DynamoDb, OperatorClient, PlatformClient, Sts, TenantClient};
use crate::error::Error;
use crate::ident::TenantId;
use crate::role::{RoleArn, SessionName};
use crate::scope::{Capsule, Platform, Tenant};

/// How many role-signed tenant clients the factory keeps before evicting the least used.
const MAX_TENANT_ROLE_CLIENTS: u64 = 10_000;

/// Builds scope-typed AWS clients from one shared configuration.
///
/// Create one per process and inject it (it is `Clone`, an `Arc` inside). It holds one
/// [`SdkConfig`], hence one HTTP client and connection pool, and one base SDK client per
/// service, built once; handing out a scoped client that signs with the factory's own
/// credentials clones two `Arc`s and builds nothing.
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
#[derive(Clone)]
pub struct AwsClientFactory {
    inner: Arc<Inner>,
}

struct Inner {
    config: SdkConfig,
    dynamodb: aws_sdk_dynamodb::Client,
    sts: aws_sdk_sts::Client,
    tenant_role_clients: moka::sync::Cache<(RoleArn, TenantId), aws_sdk_dynamodb::Client>,
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

    /// Builds the factory from a configuration loaded elsewhere.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if `config` has no region or no behavior version (the SDK would
    /// panic on the first client it builds).
    pub fn from_conf(config: SdkConfig) -> Result<Self, Error> {
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
        Ok(Self {
            inner: Arc::new(Inner {
                dynamodb: aws_sdk_dynamodb::Client::new(&config),
                sts: aws_sdk_sts::Client::new(&config),
                tenant_role_clients: moka::sync::Cache::new(MAX_TENANT_ROLE_CLIENTS),
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
    #[must_use]
    pub fn platform_dynamodb(&self) -> PlatformClient<DynamoDb> {
        PlatformClient::new(Platform::new(), self.inner.dynamodb.clone())
    }

    /// A DynamoDB client for `tenant`.
    ///
    /// A tenant without a role shares the factory's base client. A tenant with a role gets a
    /// client that signs with credentials from `sts:AssumeRole` on that role (session name
    /// `tenant-{tenant_id}`), built once per role and tenant and then reused.
    #[must_use]
    pub fn tenant_dynamodb(&self, tenant: &Tenant) -> TenantClient<DynamoDb> {
        let client = match tenant.role_arn() {
            None => self.inner.dynamodb.clone(),
            Some(role_arn) => self
                .inner
                .tenant_role_clients
                .get_with((role_arn.clone(), tenant.id().clone()), || {
                    self.tenant_role_dynamodb(tenant, role_arn)
                }),
        };
        TenantClient::new(tenant.clone(), client)
    }

    /// A DynamoDB client for `capsule`.
    #[must_use]
    pub fn capsule_dynamodb(&self, capsule: &Capsule) -> CapsuleClient<DynamoDb> {
        CapsuleClient::new(capsule.clone(), self.inner.dynamodb.clone())
    }

    /// An STS client for operator work, signing with the factory's own credentials.
    #[must_use]
    pub fn operator_sts(&self) -> OperatorClient<Sts> {
        OperatorClient::new(None, self.inner.sts.clone())
    }

    fn tenant_role_dynamodb(
        &self,
        tenant: &Tenant,
        role_arn: &RoleArn,
    ) -> aws_sdk_dynamodb::Client {
        let provider = AssumeRoleProvider {
            sts: self.inner.sts.clone(),
            role_arn: role_arn.clone(),
            session_name: tenant_session_name(tenant.id()),
            external_id: None,
        };
        let config = aws_sdk_dynamodb::config::Builder::from(&self.inner.config)
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}

/// `tenant-{tenant_id}`, cut to STS's 64 characters. Tenant ids are ASCII `[a-z0-9-]`, so
/// every prefix is a valid session name.
fn tenant_session_name(tenant_id: &TenantId) -> SessionName {
    let mut name = format!("tenant-{tenant_id}");
    name.truncate(64);
    SessionName::from_trusted(name)
}

impl fmt::Debug for AwsClientFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsClientFactory")
            .field("region", &self.inner.config.region())
            .finish_non_exhaustive()
    }
}
