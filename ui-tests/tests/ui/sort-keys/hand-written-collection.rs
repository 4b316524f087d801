use scoped_runtime::{Collection, Error, ScopedKey, capsule_table};

/// A lead.
#[capsule_table("crm")]
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// A collection written by hand.
pub enum View {
    /// A lead.
    Lead(Lead),
}

impl Collection for View {
    type Partition = Lead;

    fn from_item(
        _item: scoped_runtime::__private::Item,
        _reader: &scoped_runtime::__private::CollectionReader<'_, Lead>,
    ) -> Result<Self, Error> {
        unimplemented!()
    }
}

fn main() {}
