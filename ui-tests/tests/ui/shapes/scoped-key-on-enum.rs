use scoped_runtime::ScopedKey;

/// A lead's stage, which has no fields to key.
#[derive(ScopedKey)]
pub enum Stage {
    /// New.
    New,
    /// Won.
    Won,
}

fn main() {}
