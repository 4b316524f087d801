use scoped_runtime::{Items, ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// A note ordered by time, then id.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm)]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When.
    #[scoped(sort)]
    pub created: i64,
    /// The note's id.
    #[scoped(sort)]
    pub note_id: String,
}

/// A range on the second sort id without fixing the first.
pub fn skips_a_sort_id(notes: Items<Note>) {
    let _ = notes.query("lead-1").gt(Note::NOTE_ID, "n1");
}

fn main() {}
