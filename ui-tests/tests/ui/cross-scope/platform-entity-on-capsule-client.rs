use scoped_runtime::{AwsClientFactory, Capsule, ScopedKey, platform_table};

/// A platform-wide event.
#[platform_table("events")]
#[derive(ScopedKey)]
pub struct Event {
    /// Its id.
    #[scoped(id)]
    pub event_id: String,
}

/// Asks a capsule client for a platform entity's table.
pub fn table_name(factory: &AwsClientFactory, capsule: &Capsule) -> String {
    factory.capsule_dynamodb(capsule).table::<Event>().name().to_string()
}

fn main() {}
