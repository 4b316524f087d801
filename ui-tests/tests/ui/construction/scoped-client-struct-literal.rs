use scoped_runtime::{Capsule, CapsuleClient, DynamoDb};

/// Builds a capsule client around any SDK client, bypassing the factory.
pub fn forge(capsule: Capsule, client: aws_sdk_dynamodb::Client) -> CapsuleClient<DynamoDb> {
    CapsuleClient { scope: capsule, client }
}

fn main() {}
