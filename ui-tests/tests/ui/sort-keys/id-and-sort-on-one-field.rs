use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// A field in both keys.
#[derive(ScopedKey)]
#[scoped(table = Crm)]
pub struct Note {
    /// Its id.
    #[scoped(id, sort)]
    pub note_id: String,
}

fn main() {}
