use scoped_runtime::{AwsClientFactory, Items, OperatorRole, ScopedKey, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Asks an operator's DynamoDB client for an entity's items.
pub fn leads(factory: &AwsClientFactory, role: &OperatorRole) -> Items<Lead> {
    factory.operator(role).dynamodb().items::<Lead>()
}

fn main() {}
