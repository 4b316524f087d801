use scoped_runtime::capsule_table;

/// A sales lead whose table is named by an identifier instead of a string.
#[capsule_table(crm)]
pub struct Lead {
    /// Its id.
    pub lead_id: String,
}

fn main() {}
