use scoped_runtime::{KeyError, PartitionKey, ScopedKey, Tenant, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Builds a capsule entity's key from a tenant.
pub fn lead_key(tenant: &Tenant) -> Result<PartitionKey<Lead>, KeyError> {
    Lead::partition_key(tenant, "lead-789")
}

fn main() {}
