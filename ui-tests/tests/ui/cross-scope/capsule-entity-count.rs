use scoped_runtime::{CapsuleClient, DynamoDb, ScopedKey, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Counts a capsule table's leads, which would scan every tenant's capsule with the same code.
pub fn count_leads(crm: &CapsuleClient<DynamoDb>) {
    let _counting = crm.items::<Lead>().count();
}

fn main() {}
