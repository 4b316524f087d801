use scoped_runtime::{Capsule, KeyError, PartitionKey, ScopedKey, capsule_table};

/// A sales lead.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// A customer account.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Account {
    /// Its id.
    #[scoped(id)]
    pub account_id: String,
}

/// Deletes an account by key.
pub fn delete_account(_key: PartitionKey<Account>) {}

/// Hands a lead's key to code that expects an account's.
pub fn confuse(capsule: &Capsule) -> Result<(), KeyError> {
    let lead = Lead::partition_key(capsule, "lead-789")?;
    delete_account(lead);
    Ok(())
}

fn main() {}
