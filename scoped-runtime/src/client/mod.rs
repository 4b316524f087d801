//! Scope-typed clients: an AWS SDK client bound to the one scope it may touch.
//!
//! One type, [`ScopedClient<Scope, Service>`](ScopedClient), serves every scope and service:
//! `CapsuleClient<DynamoDb>` is `ScopedClient<Capsule, DynamoDb>`. It holds its scope and the
//! factory's [`GuardedClients`]; only [`AwsClientFactory`](crate::AwsClientFactory) can build
//! one, and handing one out or cloning it costs two or three reference-count increments. Its SDK
//! client, which carries the service's isolation guard for the scope, is looked up on first
//! use.
//!
//! Each service module adds its own methods (`impl<Sc> ScopedClient<Sc, DynamoDb>` in
//! `dynamodb/client.rs`, …); this module knows no service.

mod guard;
mod guarded;
mod request;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub(crate) use guard::{CheckRequest, Guard};
pub use guarded::ClientStats;
pub(crate) use guarded::{GuardedClients, ServiceConfig, ServiceSettings};
pub(crate) use request::Sender;

use crate::role::OperatorRole;
use crate::scope::{Capsule, Platform, Scope, Tenant};

pub(crate) mod sealed {
    use aws_config::SdkConfig;

    use super::ServiceConfig;
    use crate::credentials::RoleSigning;
    use crate::scope::AnyScope;

    /// How the runtime builds a service's SDK client for one scope: with the service's
    /// isolation guard for that scope and, if the scope carries a role, signing as the role.
    pub trait Sealed: 'static {
        /// The SDK's client type (the same as [`Service::Client`](super::Service::Client)).
        type Raw: Clone + Send + Sync + 'static;

        /// Builds the scope's guarded client, whose guard checks every request against
        /// `scope`: what `raw()` hands out.
        fn guarded(config: &ServiceConfig<'_>, scope: &AnyScope) -> Self::Raw;

        /// Builds the service's shared client, whose guard checks every request against the
        /// scope stamped on it ([`super::StampScope`]) and rejects one without a stamp, and
        /// which signs per request ([`ServiceConfig::request_signing`]).
        fn shared(config: &ServiceConfig<'_>) -> Self::Raw;

        /// Builds a client without a guard (an operator's), signing as `signing` or, if
        /// `None`, with the configuration's own credentials.
        fn signed(config: &SdkConfig, signing: Option<RoleSigning>) -> Self::Raw;
    }
}

/// An AWS service a scoped client can wrap: one per cargo feature (`dynamodb`, `s3`, `sqs`,
/// `sns`), and STS for operators.
///
/// Sealed: a service brings its own isolation guard, which only this crate can write.
pub trait Service: sealed::Sealed<Raw = Self::Client> {
    /// The SDK's client type for the service.
    type Client: Clone + fmt::Debug + Send + Sync + 'static;
}

/// AWS STS: operator clients wrap [`aws_sdk_sts::Client`].
#[derive(Debug, Clone, Copy)]
pub enum Sts {}

impl sealed::Sealed for Sts {
    type Raw = aws_sdk_sts::Client;

    /// STS has no data scope: a scope's STS client is the factory's (or the scope role's)
    /// plain client.
    fn guarded(config: &ServiceConfig<'_>, scope: &crate::scope::AnyScope) -> Self::Raw {
        Self::signed(config.sdk_config(), config.signing(scope))
    }

    /// STS has no typed operations, so nothing sends through this client; it signs per
    /// request like every shared client.
    fn shared(config: &ServiceConfig<'_>) -> Self::Raw {
        use crate::credentials::SignAs;
        let builder = aws_sdk_sts::config::Builder::from(config.sdk_config())
            .sign_per_request(config.request_signing());
        aws_sdk_sts::Client::from_conf(builder.build())
    }

    fn signed(
        config: &aws_config::SdkConfig,
        signing: Option<crate::credentials::RoleSigning>,
    ) -> Self::Raw {
        use crate::credentials::SignAs;
        let mut builder = aws_sdk_sts::config::Builder::from(config);
        if let Some(signing) = signing {
            builder = builder.sign_as(signing);
        }
        aws_sdk_sts::Client::from_conf(builder.build())
    }
}

impl Service for Sts {
    type Client = aws_sdk_sts::Client;
}

/// A client bound to one data scope (`Sc`: [`Platform`], [`Tenant`] or [`Capsule`]) of one
/// service (`Svc`: [`DynamoDb`](crate::DynamoDb), …). Use the aliases [`PlatformClient`],
/// [`TenantClient`] and [`CapsuleClient`].
pub struct ScopedClient<Sc, Svc: Service> {
    scope: Sc,
    clients: Arc<GuardedClients>,
    /// The scope's guarded SDK client, looked up on first use, so handing out a scoped client
    /// builds and looks up nothing.
    raw: OnceLock<Svc::Client>,
}

impl<Sc: Scope, Svc: Service> ScopedClient<Sc, Svc> {
    pub(crate) fn new(scope: Sc, clients: Arc<GuardedClients>) -> Self {
        Self {
            scope,
            clients,
            raw: OnceLock::new(),
        }
    }

    /// What this client's typed operations send through: the service's shared client, stamped
    /// with this client's scope per request.
    pub(crate) fn sender(&self) -> Sender<Svc> {
        let sender = Sender::new(
            self.scope.any_scope(),
            Arc::clone(&self.clients),
            self.clients.shared::<Svc>(),
        );
        if let Some(raw) = self.raw.get() {
            sender.seed_raw(raw.clone());
        }
        sender
    }

    /// The factory's shared state: its configuration, credentials and service settings.
    #[cfg_attr(
        not(feature = "s3"),
        allow(dead_code, reason = "only services with settings read them")
    )]
    pub(crate) fn clients(&self) -> &GuardedClients {
        &self.clients
    }

    /// The scope this client is bound to.
    #[must_use]
    pub fn scope(&self) -> &Sc {
        &self.scope
    }

    /// The SDK client underneath, for operations the typed API does not wrap. It carries the
    /// service's [isolation guard](crate#5-the-isolation-guard): a request naming a resource
    /// outside this client's scope fails with an
    /// [`IsolationViolation`](crate::IsolationViolation) (find it with
    /// [`IsolationViolation::find_in`](crate::IsolationViolation::find_in)) before it is sent.
    ///
    /// The guard stops mistakes, not hostile code: this is the SDK's own client, so
    /// `raw().config().to_builder()` can rebuild it without interceptors. Against such code
    /// only a role's session policy helps (docs/guard.md, "Threat model").
    ///
    /// Built once per scope and service and cached by the factory (up to 10,000), on the
    /// first call. The typed operations do not use it: they send through the service's one
    /// shared client, the scope stamped on each request, so a process serving many scopes
    /// builds no client per scope unless it asks for this one.
    #[must_use]
    pub fn raw(&self) -> &Svc::Client {
        self.raw
            .get_or_init(|| self.clients.guarded::<Svc>(&self.scope))
    }
}

impl<Sc: Scope, Svc: Service> Clone for ScopedClient<Sc, Svc> {
    fn clone(&self) -> Self {
        Self {
            scope: self.scope.clone(),
            clients: Arc::clone(&self.clients),
            raw: self.raw.clone(),
        }
    }
}

impl<Sc: Scope, Svc: Service> fmt::Debug for ScopedClient<Sc, Svc> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedClient")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A client for the platform scope's tables and keys.
///
/// ```no_run
/// # async fn demo() -> Result<(), scoped_runtime::Error> {
/// let factory = scoped_runtime::AwsClientFactory::from_env().await?;
/// let events = factory.platform_dynamodb();
/// assert_eq!(events.table_name("events")?, "events");
/// # Ok(()) }
/// ```
pub type PlatformClient<Svc> = ScopedClient<Platform, Svc>;

/// A client for one tenant's tables (`{tenant_id}_{base}`) and keys
/// (`TENANT#{tenant_id}#…`), signing with the tenant's role when it has one.
///
/// ```no_run
/// # async fn demo() -> Result<(), scoped_runtime::Error> {
/// use scoped_runtime::{AwsClientFactory, Tenant};
///
/// let factory = AwsClientFactory::from_env().await?;
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// let client = factory.tenant_dynamodb(&tenant);
/// assert_eq!(client.table_name("notifications")?, "tenant-123_notifications");
/// assert!(client.validate_pk("TENANT#tenant-1234#WEBHOOK#w1").is_err());
/// # Ok(()) }
/// ```
pub type TenantClient<Svc> = ScopedClient<Tenant, Svc>;

/// A client for one capsule's tables (`{capsule_code}_{base}`) and keys
/// (`TENANT#{tenant_id}#CAPSULE#{capsule_id}#…`).
///
/// ```no_run
/// # async fn demo() -> Result<(), scoped_runtime::Error> {
/// use scoped_runtime::{AwsClientFactory, Capsule};
///
/// let factory = AwsClientFactory::from_env().await?;
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// let crm = factory.capsule_dynamodb(&capsule);
/// assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
/// crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789")?;
/// assert!(crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-4567#LEAD#lead-789").is_err());
/// # Ok(()) }
/// ```
pub type CapsuleClient<Svc> = ScopedClient<Capsule, Svc>;

/// A client for operator work: AWS Organizations-level tasks outside any data scope.
///
/// It has no table accessors. From [`AwsClientFactory::operator_sts`](crate::AwsClientFactory::operator_sts)
/// it signs with the factory's own credentials.
pub struct OperatorClient<S: Service> {
    role: Option<OperatorRole>,
    client: S::Client,
}

impl<S: Service> OperatorClient<S> {
    pub(crate) fn new(role: Option<OperatorRole>, client: S::Client) -> Self {
        Self { role, client }
    }

    /// The role this client signs as, or `None` for the factory's own credentials.
    #[must_use]
    pub fn role(&self) -> Option<&OperatorRole> {
        self.role.as_ref()
    }

    /// The SDK client underneath.
    #[must_use]
    pub fn raw(&self) -> &S::Client {
        &self.client
    }
}

impl<S: Service> Clone for OperatorClient<S> {
    fn clone(&self) -> Self {
        Self {
            role: self.role.clone(),
            client: self.client.clone(),
        }
    }
}

impl<S: Service> fmt::Debug for OperatorClient<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorClient")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}
