use scoped_runtime::{ScopedKey, platform_table};

/// A reading keyed by seven ids, one more than a partition key can have.
#[platform_table("readings")]
#[derive(ScopedKey)]
pub struct Reading {
    #[scoped(id)]
    pub region: String,
    #[scoped(id)]
    pub site: String,
    #[scoped(id)]
    pub building: u32,
    #[scoped(id)]
    pub floor: u8,
    #[scoped(id)]
    pub room: u16,
    #[scoped(id)]
    pub sensor: u64,
    #[scoped(id)]
    pub at: i64,
}

fn main() {}
