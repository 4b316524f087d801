use scoped_runtime::{Items, ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// A note ordered by time.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm)]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When.
    #[scoped(sort)]
    pub created: i64,
}

/// A second condition after the only sort id is fixed.
pub fn past_the_end(notes: Items<Note>) {
    let _ = notes
        .query("lead-1")
        .eq(Note::CREATED, 1)
        .gt(Note::CREATED, 2);
}

fn main() {}
