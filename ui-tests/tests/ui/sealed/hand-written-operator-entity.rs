use scoped_runtime::__private::OperatorEntity;
use scoped_runtime::{Capsule, ScopedKey, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

// Would give the operator client, which has no scope, a table.
impl OperatorEntity<Capsule> for Lead {
    fn no_table<T>() -> T {
        unimplemented!()
    }
}

fn main() {}
