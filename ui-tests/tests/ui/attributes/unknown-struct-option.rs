use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead with a misspelled option.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entiy = "LEAD")]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
