use scoped_runtime::{CapsuleClient, DynamoDb, Error, ScopedKey, capsule_table};
use serde::Deserialize;

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, Deserialize)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// An account, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, Deserialize)]
pub struct Account {
    /// Its id.
    #[scoped(id)]
    pub account_id: String,
}

/// Reads an account with a lead's key as its id: the whole key would become one escaped id
/// of an account key, and the read would silently find nothing.
pub async fn account_of(crm: &CapsuleClient<DynamoDb>) -> Result<Option<Account>, Error> {
    let lead_key = crm.key::<Lead>("lead-789")?;
    crm.items::<Account>().get(&lead_key).await
}

fn main() {}
