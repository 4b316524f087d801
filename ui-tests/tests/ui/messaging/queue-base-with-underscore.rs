use scoped_runtime::tenant_queue;

/// A webhook event of a tenant.
#[tenant_queue("web_hooks")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
}

fn main() {}
