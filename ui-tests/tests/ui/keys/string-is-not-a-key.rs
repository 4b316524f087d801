use scoped_runtime::{PartitionKey, ScopedKey, capsule_table};

/// A sales lead.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Deletes a lead by key.
pub fn delete_lead(_key: PartitionKey<Lead>) {}

/// Hands a hand-formatted string to code that expects a built key.
pub fn forge() {
    delete_lead(String::from("TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"));
}

fn main() {}
