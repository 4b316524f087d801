use scoped_runtime::{
    AwsClientFactory, Capsule, CapsuleEntity, ScopedKey, Table, Tenant, tenant_table,
};

/// A tenant's webhook.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub webhook_id: String,
}

// What rustc's help suggested for `capsule_client.items::<Webhook>()`: the tenant entity would
// be reachable through every capsule client.
impl CapsuleEntity<Tenant> for Webhook {
    fn same_scope(_scope: &Capsule) -> &<Self as Table>::Scope {
        unimplemented!()
    }
}

/// Reaches the tenant entity through a capsule client.
pub fn table_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_dynamodb(capsule).table::<Webhook>().name().to_string()
}

fn main() {}
