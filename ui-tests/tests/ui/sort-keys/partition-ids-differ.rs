use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// A lead keyed by a number.
#[derive(ScopedKey)]
#[scoped(table = Crm)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: u64,
}

/// A note keyed by text, which is not the lead's id type.
#[derive(ScopedKey)]
#[scoped(partition = Lead)]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its id.
    #[scoped(sort)]
    pub note_id: String,
}

fn main() {}
