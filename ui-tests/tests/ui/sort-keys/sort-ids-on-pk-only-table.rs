use scoped_runtime::{ScopedKey, capsule_table};

/// A table keyed by `pk` alone.
#[capsule_table("crm")]
pub struct Crm;

/// A note with a sort id, in a table without sort keys.
#[derive(ScopedKey)]
#[scoped(table = Crm)]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When.
    #[scoped(sort)]
    pub created: i64,
}

fn main() {}
