use scoped_runtime::{AwsClientFactory, Capsule, tenant_queue};

/// A webhook event of a tenant.
#[tenant_queue("notifications")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
}

/// Asks a capsule's SQS client for a tenant message's queue.
pub fn queue_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_sqs(capsule).queue::<WebhookEvent>().name().to_owned()
}

fn main() {}
