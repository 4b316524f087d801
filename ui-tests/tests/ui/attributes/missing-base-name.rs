use scoped_runtime::capsule_table;

/// A sales lead whose table attribute names no table.
#[capsule_table]
pub struct Lead {
    /// Its id.
    pub lead_id: String,
}

fn main() {}
