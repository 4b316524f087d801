use scoped_runtime::{AwsClientFactory, ScopedKey, Tenant, platform_table};

/// A platform-wide event.
#[platform_table("events")]
#[derive(ScopedKey)]
pub struct Event {
    /// Its id.
    #[scoped(id)]
    pub event_id: String,
}

/// Asks a tenant client for a platform entity's table.
pub fn table_name(factory: &AwsClientFactory, tenant: &Tenant) -> String {
    factory.tenant_dynamodb(tenant).table::<Event>().name().to_string()
}

fn main() {}
