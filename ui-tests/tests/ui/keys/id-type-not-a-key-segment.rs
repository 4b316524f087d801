use scoped_runtime::{ScopedKey, capsule_table};

/// A sales lead whose id is raw bytes.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: Vec<u8>,
}

fn main() {}
