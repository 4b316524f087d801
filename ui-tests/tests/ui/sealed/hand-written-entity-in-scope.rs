use scoped_runtime::{Capsule, EntityInScope, ScopedKey, Table, Tenant, tenant_table};

/// A tenant's webhook.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub webhook_id: String,
}

// Would put a tenant entity into a capsule transaction.
impl EntityInScope<Capsule, Tenant> for Webhook {
    fn scope_of(_scope: &Capsule) -> &<Self as Table>::Scope {
        unimplemented!()
    }
}

fn main() {}
