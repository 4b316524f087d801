use scoped_runtime::{FullProjection, capsule_table};

/// The CRM table, with a keys-only index.
#[capsule_table("crm", sort_key, index(ByOwner, sort_key, projection = keys_only))]
pub struct Crm;

fn reads_entities<I: FullProjection>() {}

fn main() {
    reads_entities::<ByOwner>();
}
