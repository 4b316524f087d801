use scoped_runtime::{AwsClientFactory, KeyError, PartitionKey, ScopedKey, Tenant, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Asks a tenant client for a capsule entity's key.
pub fn lead_key(factory: &AwsClientFactory, tenant: &Tenant) -> Result<PartitionKey<Lead>, KeyError> {
    factory.tenant_dynamodb(tenant).key::<Lead>("lead-789")
}

fn main() {}
