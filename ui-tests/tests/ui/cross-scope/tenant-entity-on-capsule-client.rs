use scoped_runtime::{AwsClientFactory, Capsule, ScopedKey, tenant_table};

/// A webhook a tenant registered.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub webhook_id: String,
}

/// Asks a capsule client for a tenant entity's table.
pub fn table_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_dynamodb(capsule).table::<Webhook>().name().to_string()
}

fn main() {}
