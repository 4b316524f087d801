use scoped_runtime::{CapsuleClient, DynamoDb};

fn main() {
    // The constructor is crate-private: only the factory builds scoped clients.
    let _forge = CapsuleClient::<DynamoDb>::new;
}
