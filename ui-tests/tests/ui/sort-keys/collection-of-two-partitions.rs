use scoped_runtime::{Collection, ScopedKey, capsule_table};

/// The CRM table.
#[capsule_table("crm", sort_key)]
pub struct Crm;

/// A lead.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// An account, in partitions of its own.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Crm)]
pub struct Account {
    /// Its id.
    #[scoped(id)]
    pub account_id: String,
}

/// Variants from two partitions.
#[derive(Collection)]
pub enum Mixed {
    /// A lead.
    Lead(Lead),
    /// An account.
    Account(Account),
}

fn main() {}
