use scoped_runtime::Capsule;

/// Builds a capsule without validating its ids.
pub fn forge() -> Capsule {
    Capsule {}
}

fn main() {}
