use scoped_runtime::{Capsule, KeyError, PartitionKey, ScopedKey, capsule_table};

/// An invoice, keyed by its number.
#[capsule_table("billing")]
#[derive(ScopedKey)]
pub struct Invoice {
    /// Its number.
    #[scoped(id)]
    pub number: u64,
}

/// Passes text where the key takes a number.
pub fn invoice_key(capsule: &Capsule) -> Result<PartitionKey<Invoice>, KeyError> {
    Invoice::partition_key(capsule, "42")
}

fn main() {}
