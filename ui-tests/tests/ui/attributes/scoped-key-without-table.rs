use scoped_runtime::ScopedKey;

/// A sales lead that no table attribute bound.
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
