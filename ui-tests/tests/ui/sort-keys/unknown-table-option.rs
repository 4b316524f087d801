use scoped_runtime::capsule_table;

/// A table option that does not exist.
#[capsule_table("crm", sorted)]
pub struct Crm;

fn main() {}
