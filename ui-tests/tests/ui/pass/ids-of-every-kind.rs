//! Composite keys, integer and custom ids, the default entity tag, and a derive placed before
//! its table attribute.

use std::sync::Arc;

use scoped_runtime::{
    Capsule, KeySegment, Platform, ScopedKey, Segment, capsule_table, platform_table,
};

/// An id newtype of the application's own.
pub(crate) struct AccountId(String);

impl KeySegment for AccountId {
    fn segment(&self) -> Segment<'_> {
        Segment::from(self.0.as_str())
    }
}

/// A note on a lead: two ids, in field order, and the default tag `LEAD_NOTE`.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub(crate) struct LeadNote {
    /// The lead.
    #[scoped(id)]
    pub(crate) lead_id: Arc<str>,
    /// Not part of the key.
    pub(crate) text: String,
    /// The note's number.
    #[scoped(id)]
    pub(crate) note: u32,
}

/// An account keyed by its own id type.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub(crate) struct Account {
    /// Its id.
    #[scoped(id)]
    pub(crate) account_id: AccountId,
}

/// A derive written before its table attribute works the same.
#[derive(ScopedKey)]
#[platform_table("events")]
pub(crate) struct Metric {
    /// Its id.
    #[scoped(id)]
    pub(crate) name: Box<str>,
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let note = LeadNote {
        lead_id: "lead-7".into(),
        text: String::new(),
        note: 3,
    };
    assert!(note.text.is_empty());
    assert_eq!(
        note.to_partition_key(&capsule)?,
        LeadNote::partition_key(&capsule, "lead-7", 3)?
    );
    assert_eq!(
        LeadNote::partition_key(&capsule, "lead-7", 3)?,
        "TENANT#tenant-123#CAPSULE#caps-456#LEAD_NOTE#lead-7#3"
    );
    let id = AccountId("acc-1".into());
    assert_eq!(
        Account::partition_key(&capsule, &id)?,
        "TENANT#tenant-123#CAPSULE#caps-456#ACCOUNT#acc-1"
    );
    assert_eq!(
        Metric::partition_key(&Platform::new(), "cpu")?,
        "METRIC#cpu"
    );
    Ok(())
}
