use scoped_runtime::{CapsuleClient, DynamoDb};

/// Builds a capsule client with a struct literal, bypassing the factory.
pub fn forge() -> CapsuleClient<DynamoDb> {
    CapsuleClient {}
}

fn main() {}
