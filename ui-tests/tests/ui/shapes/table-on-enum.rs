use scoped_runtime::capsule_table;

/// A lead's stage, which is not a row.
#[capsule_table("crm")]
pub enum Stage {
    /// New.
    New,
    /// Won.
    Won,
}

fn main() {}
