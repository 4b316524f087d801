use scoped_runtime::{Capsule, CapsuleClient, DynamoDb, ItemStream, ScopedKey, capsule_table};
use serde::{Deserialize, Serialize};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, Serialize, Deserialize)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Scans a capsule table: it holds every tenant's leads in capsules with the same code.
pub fn every_lead(crm: &CapsuleClient<DynamoDb>) -> ItemStream<Lead> {
    crm.items::<Lead>().scan()
}

fn main() {
    let _ = Capsule::new("tenant-123", "caps-456", "PRODUS");
}
