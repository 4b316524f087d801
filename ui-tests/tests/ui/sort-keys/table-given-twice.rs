use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// An entity with a table attribute of its own and a declaration it refers to.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(table = Crm)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
