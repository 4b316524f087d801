use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table, with an index by email.
#[capsule_table("crm", sort_key, index(ByEmail))]
pub struct Crm;

/// A lead.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm, index(ByEmail(partition(mail))))]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its email.
    pub email: String,
}

fn main() {}
