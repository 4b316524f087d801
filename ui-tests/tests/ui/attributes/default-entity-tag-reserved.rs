use scoped_runtime::{ScopedKey, platform_table};

/// A platform record named like a key segment marker, with no explicit tag.
#[platform_table("events")]
#[derive(ScopedKey)]
pub struct Capsule {
    /// Its id.
    #[scoped(id)]
    pub capsule_id: String,
}

fn main() {}
