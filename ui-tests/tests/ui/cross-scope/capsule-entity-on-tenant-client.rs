use scoped_runtime::{AwsClientFactory, ScopedKey, Tenant, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Asks a tenant client for a capsule entity's table.
pub fn table_name(factory: &AwsClientFactory, tenant: &Tenant) -> String {
    factory.tenant_dynamodb(tenant).table::<Lead>().name().to_string()
}

fn main() {}
