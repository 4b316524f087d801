use scoped_runtime::{Platform, PlatformEntity, ScopedKey, Table, Tenant, tenant_table};

/// A tenant's webhook.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub webhook_id: String,
}

// Would let the platform client reach one tenant's table.
impl PlatformEntity<Tenant> for Webhook {
    fn same_scope(_scope: &Platform) -> &<Self as Table>::Scope {
        unimplemented!()
    }
}

fn main() {}
