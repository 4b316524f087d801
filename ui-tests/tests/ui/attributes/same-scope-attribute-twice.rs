use scoped_runtime::capsule_table;

/// A sales lead, bound to two capsule tables.
#[capsule_table("crm")]
#[capsule_table("sales")]
pub struct Lead {
    /// Its id.
    pub lead_id: String,
}

fn main() {}
