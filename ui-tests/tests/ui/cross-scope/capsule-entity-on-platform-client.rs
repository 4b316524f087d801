use scoped_runtime::{AwsClientFactory, ScopedKey, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Asks a platform client for a capsule entity's table.
pub fn table_name(factory: &AwsClientFactory) -> String {
    factory.platform_dynamodb().table::<Lead>().name().to_string()
}

fn main() {}
