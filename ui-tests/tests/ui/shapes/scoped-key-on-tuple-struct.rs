use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead as a tuple struct: its table binds, its key cannot name its id.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead(#[scoped(id)] pub String);

fn main() {}
