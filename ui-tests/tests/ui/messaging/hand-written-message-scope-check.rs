use scoped_runtime::{CapsuleMessage, Tenant, tenant_queue};

/// A webhook event of a tenant.
#[tenant_queue("notifications")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
}

/// A hand-written scope check that would let a capsule client reach a tenant's queue.
impl CapsuleMessage<Tenant> for WebhookEvent {}

fn main() {}
