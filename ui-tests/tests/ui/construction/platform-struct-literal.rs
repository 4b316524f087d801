use scoped_runtime::Platform;

/// Builds the platform scope with a struct literal.
pub fn forge() -> Platform {
    Platform {}
}

fn main() {}
