use scoped_runtime::{Capsule, CapsuleClient, DynamoDb};

/// Builds a capsule client with its crate-private constructor.
pub fn forge(capsule: Capsule, client: aws_sdk_dynamodb::Client) -> CapsuleClient<DynamoDb> {
    CapsuleClient::new(capsule, client)
}

fn main() {}
