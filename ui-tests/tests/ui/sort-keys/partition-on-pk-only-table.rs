use scoped_runtime::{ScopedKey, capsule_table};

/// A lead in a table keyed by `pk` alone.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// A note that would share the lead's partition, where the two would be one item.
#[derive(ScopedKey)]
#[scoped(partition = Lead)]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
