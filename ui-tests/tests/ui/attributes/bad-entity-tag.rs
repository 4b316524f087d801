use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead whose entity tag is lowercase.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = "lead")]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
