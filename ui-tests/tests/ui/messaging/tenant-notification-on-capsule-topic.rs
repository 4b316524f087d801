use scoped_runtime::{AwsClientFactory, Capsule, tenant_topic};

/// A webhook event of a tenant.
#[tenant_topic("webhooks")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
}

/// Asks a capsule's SNS client for a tenant notification's topic.
pub fn topic_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_sns(capsule).topic::<WebhookEvent>().name().to_owned()
}

fn main() {}
