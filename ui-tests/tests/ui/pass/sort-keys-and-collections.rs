//! Tables declared once with sort keys, entities referring to them, entities sharing a
//! partition, typed range queries and collections: all of it compiles, and keys come out in
//! the documented shapes.

use scoped_runtime::{
    Capsule, Collection, Items, KeySchema, Platform, ScopedKey, Table, capsule_table,
    platform_table,
};
use serde::{Deserialize, Serialize};

/// The sales table of each capsule.
#[capsule_table("sales", sort_key)]
pub(crate) struct Crm;

/// A lead.
#[derive(ScopedKey, Serialize, Deserialize, Debug)]
#[scoped(table = Crm, entity = "LEAD")]
pub(crate) struct Lead {
    /// Its id.
    #[scoped(id)]
    pub(crate) lead_id: String,
}

/// A note in its lead's partition.
#[derive(ScopedKey, Serialize, Deserialize, Debug)]
#[scoped(partition = Lead, entity = "NOTE")]
pub(crate) struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub(crate) lead_id: String,
    /// When.
    #[scoped(sort)]
    pub(crate) created: i64,
    /// Its id.
    #[scoped(sort)]
    pub(crate) note_id: String,
}

/// An audit event of the platform, in a table it declares itself.
#[platform_table("ledger", sort_key)]
#[derive(ScopedKey, Serialize, Deserialize, Debug)]
#[scoped(entity = "EVENT")]
pub(crate) struct Event {
    /// The day.
    #[scoped(id)]
    pub(crate) day: String,
    /// When, in milliseconds.
    #[scoped(sort)]
    pub(crate) at: u64,
}

/// A lead with its notes.
#[derive(Collection, Debug)]
pub(crate) enum LeadView {
    /// The lead.
    Lead(Lead),
    /// A note.
    Note(Note),
}

/// Every query shape the types allow.
#[allow(dead_code, reason = "only type-checked")]
fn queries(notes: &Items<Note>) {
    let _ = notes.query("lead-1");
    let _ = notes.query("lead-1").eq(Note::CREATED, 5);
    let _ = notes
        .query("lead-1")
        .eq(Note::CREATED, 5)
        .eq(Note::NOTE_ID, "n1");
    let _ = notes
        .query("lead-1")
        .eq(Note::CREATED, 5)
        .gt(Note::NOTE_ID, "n1");
    let _ = notes
        .query("lead-1")
        .between(Note::CREATED, -5, 5)
        .descending()
        .limit(3);
    let _ = notes
        .query("lead-1")
        .lt(Note::CREATED, 5)
        .page_size(10)
        .consistent_reads();
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(Crm::KEY_SCHEMA, KeySchema::PartitionAndSort);
    assert_eq!(<Lead as Table>::KEY_SCHEMA, KeySchema::PartitionAndSort);
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    assert_eq!(Lead::table_name(&capsule), "PRODUS_sales");
    let lead = Lead::partition_key(&capsule, "lead-789")?;
    let note = Note::item_key(&capsule, "lead-789", 42, "n#1")?;
    assert_eq!(note.partition().as_str(), lead.as_str());
    assert_eq!(note.sort(), Some("NOTE#10000000000000000042#n%231"));
    let event = Event::item_key(&Platform::new(), "2026-11-30", 7)?;
    assert_eq!(event.partition().as_str(), "EVENT#2026-11-30");
    assert_eq!(event.sort(), Some("EVENT#00000000000000000007"));
    let view = LeadView::Lead(Lead {
        lead_id: "lead-789".into(),
    });
    let id = match &view {
        LeadView::Lead(lead) => lead.lead_id.as_str(),
        LeadView::Note(note) => note.note_id.as_str(),
    };
    assert_eq!(id, "lead-789");
    Ok(())
}
