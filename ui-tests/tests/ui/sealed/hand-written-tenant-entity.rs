use scoped_runtime::{Capsule, ScopedKey, Table, Tenant, TenantEntity, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

// Would let a tenant client reach the `PRODUS_crm` table every tenant shares.
impl TenantEntity<Capsule> for Lead {
    fn same_scope(_scope: &Tenant) -> &<Self as Table>::Scope {
        unimplemented!()
    }
}

fn main() {}
