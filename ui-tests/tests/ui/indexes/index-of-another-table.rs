use scoped_runtime::{ScopedKey, capsule_table};

/// The CRM table, with an index by email.
#[capsule_table("crm", sort_key, index(ByEmail))]
pub struct Crm;

/// The billing table, without indexes.
#[capsule_table("billing", sort_key)]
pub struct Billing;

/// An invoice, in the billing table, naming the CRM table's index.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Billing, index(ByEmail(partition(email))))]
pub struct Invoice {
    /// Its id.
    #[scoped(id)]
    pub invoice_id: String,
    /// Who gets it.
    pub email: String,
}

fn main() {}
