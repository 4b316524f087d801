use scoped_runtime::{AwsClientFactory, ScopedKey, tenant_table};

/// A webhook a tenant registered.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub webhook_id: String,
}

/// Asks a platform client for a tenant entity's table.
pub fn table_name(factory: &AwsClientFactory) -> String {
    factory.platform_dynamodb().table::<Webhook>().name().to_string()
}

fn main() {}
