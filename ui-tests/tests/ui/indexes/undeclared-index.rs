use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table, without indexes.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// Not an index: a plain struct.
pub struct ByEmail;

/// A lead naming a type that no table declares as an index.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm, index(ByEmail(partition(email))))]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its email.
    pub email: String,
}

fn main() {}
