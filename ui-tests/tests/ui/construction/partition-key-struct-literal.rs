use scoped_runtime::{PartitionKey, ScopedKey, capsule_table};

/// A sales lead.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Forges a typed key from a string.
pub fn forge() -> PartitionKey<Lead> {
    PartitionKey { key: String::from("LEAD#x"), entity: std::marker::PhantomData }
}

fn main() {}
