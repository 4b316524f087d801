use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead without an id field.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id, not marked.
    pub lead_id: String,
}

fn main() {}
