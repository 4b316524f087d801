//! SQS (feature `sqs`): scoped queue names, typed messages that carry their scope, receive
//! that refuses (dead-letters) messages of any other scope, the isolation guard and
//! session-policy statements.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use scoped_runtime::{AwsClientFactory, Tenant, tenant_queue};
//!
//! /// A webhook event to deliver.
//! #[tenant_queue("notifications")]
//! #[derive(serde::Serialize, serde::Deserialize)]
//! pub struct WebhookEvent {
//!     pub url: String,
//! }
//!
//! let factory = AwsClientFactory::from_env().await?;
//! let tenant = Tenant::new("tenant-123", "Acme")?;
//! let queue = factory.tenant_sqs(&tenant).queue::<WebhookEvent>();
//! assert_eq!(queue.name(), "t_tenant-123_notifications");
//! queue.provision().await?;
//! queue.send(&WebhookEvent { url: "https://example.com/hook".into() }).await?;
//! for delivery in queue.receive(10, Duration::from_secs(20)).await?.messages {
//!     println!("{}", delivery.message.url);
//!     queue.delete(&delivery.receipt).await?;
//! }
//! # Ok(()) }
//! ```

pub(crate) mod client;
mod error;
pub(crate) mod guard;
pub(crate) mod message;
mod violation;

use aws_config::SdkConfig;

pub use client::{
    BatchSent, Delivery, MAX_BATCH, MAX_MESSAGE_BYTES, MAX_RECEIVE_COUNT, MessageQueue,
    ProvisionedQueue, REFUSED_ATTRIBUTE, Receipt, Received, Refused, RefusedReason,
};
pub use error::SqsError;
pub use message::{CapsuleMessage, PlatformMessage, Queue, QueueBase, TenantMessage};
pub use violation::SqsViolation;

use crate::client::{
    CapsuleClient, Guard, PlatformClient, Service, ServiceConfig, TenantClient, sealed,
};
use crate::credentials::{RoleSigning, SignAs};
use crate::factory::AwsClientFactory;
use crate::scope::{AnyScope, Capsule, Platform, Tenant};

crate::credentials::impl_sign_as!(aws_sdk_sqs::config::Builder);

/// Amazon SQS: scoped clients wrap [`aws_sdk_sqs::Client`] with the SQS isolation guard
/// (docs/sqs.md).
#[derive(Debug, Clone, Copy)]
pub enum Sqs {}

impl sealed::Sealed for Sqs {
    type Raw = aws_sdk_sqs::Client;

    fn guarded(config: &ServiceConfig<'_>, scope: &AnyScope) -> Self::Raw {
        let mut builder = aws_sdk_sqs::config::Builder::from(config.sdk_config())
            .interceptor(Guard::of_scope(&guard::SqsCheck, scope));
        if let Some(signing) = config.signing(scope) {
            builder = builder.sign_as(signing);
        }
        aws_sdk_sqs::Client::from_conf(builder.build())
    }

    fn shared(config: &ServiceConfig<'_>) -> Self::Raw {
        let builder = aws_sdk_sqs::config::Builder::from(config.sdk_config())
            .interceptor(Guard::per_request(guard::SqsCheck))
            .sign_per_request(config.request_signing());
        aws_sdk_sqs::Client::from_conf(builder.build())
    }

    fn signed(config: &SdkConfig, signing: Option<RoleSigning>) -> Self::Raw {
        let mut builder = aws_sdk_sqs::config::Builder::from(config);
        if let Some(signing) = signing {
            builder = builder.sign_as(signing);
        }
        aws_sdk_sqs::Client::from_conf(builder.build())
    }
}

impl Service for Sqs {
    type Client = aws_sdk_sqs::Client;
}

impl AwsClientFactory {
    /// The platform scope's SQS client: queues `p_{base}`.
    #[must_use]
    pub fn platform_sqs(&self) -> PlatformClient<Sqs> {
        self.scoped(&Platform::new())
    }

    /// A tenant's SQS client: queues `t_{tenant_id}_{base}` (docs/sqs.md for long ids),
    /// signing with the tenant's role when it has one.
    #[must_use]
    pub fn tenant_sqs(&self, tenant: &Tenant) -> TenantClient<Sqs> {
        self.scoped(tenant)
    }

    /// A capsule's SQS client: queues `c_{capsule_code}_{tenant_id}_{capsule_id}_{base}`.
    #[must_use]
    pub fn capsule_sqs(&self, capsule: &Capsule) -> CapsuleClient<Sqs> {
        self.scoped(capsule)
    }
}
