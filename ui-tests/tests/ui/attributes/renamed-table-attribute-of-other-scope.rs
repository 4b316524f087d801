use scoped_runtime::{ScopedKey, capsule_table, tenant_table as shared};

/// A sales lead, bound to a capsule table and to a tenant table under another name.
#[capsule_table("crm")]
#[shared("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
