use scoped_runtime::{AwsClientFactory, OperatorRole};

/// Asks an operator's DynamoDB client for a transaction.
pub fn writes(factory: &AwsClientFactory, role: &OperatorRole) -> usize {
    factory.operator(role).dynamodb().transaction().len()
}

fn main() {}
