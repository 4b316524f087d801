use scoped_runtime::{ScopedKey, capsule_table};

/// The tag, as a constant.
pub const LEAD: &str = "LEAD";

/// A sales lead whose tag is a path, not a literal.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = LEAD)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
