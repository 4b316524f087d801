use scoped_runtime::ScopedKey;

/// A record generic over its id type.
#[derive(ScopedKey)]
pub struct Record<I> {
    /// Its id.
    #[scoped(id)]
    pub id: I,
}

fn main() {}
