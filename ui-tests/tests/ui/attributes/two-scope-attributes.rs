use scoped_runtime::{ScopedKey, capsule_table, tenant_table};

/// A sales lead, bound to two scopes at once.
#[capsule_table("crm")]
#[tenant_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
