use scoped_runtime::capsule_table as table;

/// A sales lead, bound twice through a renamed import of the same attribute.
#[table("crm")]
#[table("sales")]
pub struct Lead {
    /// Its id.
    pub lead_id: String,
}

fn main() {}
