use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table, with an index by email.
#[capsule_table("crm", sort_key, index(ByEmail))]
pub struct Crm;

/// A lead whose index partition would be a written string instead of its scope's key.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm, index(ByEmail(partition = "EMAIL#{email}")))]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its email.
    pub email: String,
}

fn main() {}
