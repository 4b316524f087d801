use scoped_runtime::{CapsuleClient, DynamoDb, Error, ScopedKey, capsule_table};
use serde::Deserialize;

/// An account, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, Deserialize)]
pub struct Account {
    /// Its id.
    #[scoped(id)]
    pub account_id: String,
}

/// Reads an account with a table name as its id: like a key, a table name is not text that
/// passes for an id (it dereferenced to `str` once, so this compiled and read nothing).
pub async fn account_of(crm: &CapsuleClient<DynamoDb>) -> Result<Option<Account>, Error> {
    let table = crm.table::<Account>().name().clone();
    crm.items::<Account>().get(&table).await
}

fn main() {}
