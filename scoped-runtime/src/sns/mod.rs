//! SNS (feature `sns`): scoped topic names, typed notifications that carry their scope,
//! subscriptions of the scope's own queues only, the isolation guard and session-policy
//! statements.
//!
//! ```no_run
//! # async fn demo(queue_arn: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use scoped_runtime::{AwsClientFactory, Tenant, tenant_topic};
//!
//! /// A webhook event to fan out.
//! #[tenant_topic("webhooks")]
//! #[derive(serde::Serialize, serde::Deserialize)]
//! pub struct WebhookEvent {
//!     pub url: String,
//! }
//!
//! let factory = AwsClientFactory::from_env().await?;
//! let tenant = Tenant::new("tenant-123", "Acme")?;
//! let topic = factory.tenant_sns(&tenant).topic::<WebhookEvent>();
//! assert_eq!(topic.name(), "t_tenant-123_webhooks");
//! topic.subscribe_queue(queue_arn).await?; // a queue of the same tenant, or an error
//! topic.publish(&WebhookEvent { url: "https://example.com/hook".into() }).await?;
//! # Ok(()) }
//! ```

pub(crate) mod client;
mod error;
pub(crate) mod guard;
pub(crate) mod topic;
mod violation;

use aws_config::SdkConfig;

pub use client::{BatchPublished, MAX_PUBLISH_BATCH, MAX_PUBLISH_BYTES, ScopedTopic};
pub use error::SnsError;
pub use topic::{CapsuleNotification, PlatformNotification, TenantNotification, Topic, TopicBase};
pub use violation::SnsViolation;

use crate::client::{
    CapsuleClient, Guard, PlatformClient, Service, ServiceConfig, TenantClient, sealed,
};
use crate::credentials::{RoleSigning, SignAs};
use crate::factory::AwsClientFactory;
use crate::scope::{AnyScope, Capsule, Platform, Tenant};

crate::credentials::impl_sign_as!(aws_sdk_sns::config::Builder);

/// Amazon SNS: scoped clients wrap [`aws_sdk_sns::Client`] with the SNS isolation guard
/// (docs/sns.md).
#[derive(Debug, Clone, Copy)]
pub enum Sns {}

impl sealed::Sealed for Sns {
    type Raw = aws_sdk_sns::Client;

    fn guarded(config: &ServiceConfig<'_>, scope: &AnyScope) -> Self::Raw {
        let mut builder = aws_sdk_sns::config::Builder::from(config.sdk_config())
            .interceptor(Guard::of_scope(&guard::SnsCheck, scope));
        if let Some(signing) = config.signing(scope) {
            builder = builder.sign_as(signing);
        }
        aws_sdk_sns::Client::from_conf(builder.build())
    }

    fn shared(config: &ServiceConfig<'_>) -> Self::Raw {
        let builder = aws_sdk_sns::config::Builder::from(config.sdk_config())
            .interceptor(Guard::per_request(guard::SnsCheck))
            .sign_per_request(config.request_signing());
        aws_sdk_sns::Client::from_conf(builder.build())
    }

    fn signed(config: &SdkConfig, signing: Option<RoleSigning>) -> Self::Raw {
        let mut builder = aws_sdk_sns::config::Builder::from(config);
        if let Some(signing) = signing {
            builder = builder.sign_as(signing);
        }
        aws_sdk_sns::Client::from_conf(builder.build())
    }
}

impl Service for Sns {
    type Client = aws_sdk_sns::Client;
}

impl AwsClientFactory {
    /// The platform scope's SNS client: topics `p_{base}`.
    #[must_use]
    pub fn platform_sns(&self) -> PlatformClient<Sns> {
        self.scoped(&Platform::new())
    }

    /// A tenant's SNS client: topics `t_{tenant_id}_{base}`, signing with the tenant's role
    /// when it has one.
    #[must_use]
    pub fn tenant_sns(&self, tenant: &Tenant) -> TenantClient<Sns> {
        self.scoped(tenant)
    }

    /// A capsule's SNS client: topics `c_{capsule_code}_{tenant_id}_{capsule_id}_{base}`.
    #[must_use]
    pub fn capsule_sns(&self, capsule: &Capsule) -> CapsuleClient<Sns> {
        self.scoped(capsule)
    }
}
