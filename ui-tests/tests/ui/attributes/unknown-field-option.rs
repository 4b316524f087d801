use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead with a misspelled field option.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(ids)]
    pub lead_id: String,
}

fn main() {}
