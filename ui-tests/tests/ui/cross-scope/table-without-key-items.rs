use scoped_runtime::{CapsuleClient, DynamoDb, capsule_table};

/// Raw bytes kept per capsule, without a partition key of their own.
#[capsule_table("blobs")]
pub struct Blob(pub Vec<u8>);

/// Asks for the items of a table without a key.
pub fn blobs(crm: &CapsuleClient<DynamoDb>) {
    let _blobs = crm.items::<Blob>();
}

fn main() {}
