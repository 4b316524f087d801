use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead in a table whose base name is not lowercase.
#[capsule_table("CRM")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
