use scoped_runtime::{AwsClientFactory, Capsule};

/// A type that no table attribute bound.
pub struct Lead;

/// Asks a capsule client for the table of a type without one.
pub fn table_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_dynamodb(capsule).table::<Lead>().name().to_string()
}

fn main() {}
