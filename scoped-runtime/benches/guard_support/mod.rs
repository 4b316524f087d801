//! What the guard benchmarks share: the entity they write and the same item built by hand, as
//! code without this crate would build it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{ScopedKey, capsule_table};
use serde::{Deserialize, Serialize};

/// A sales lead, the entity of every guard benchmark.
#[capsule_table("crm")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone)]
#[scoped(entity = "LEAD")]
pub(crate) struct Lead {
    #[scoped(id)]
    pub(crate) lead_id: String,
    pub(crate) name: String,
    pub(crate) score: u32,
}

impl Lead {
    /// A lead with id `lead_id`.
    pub(crate) fn sample(lead_id: &str) -> Self {
        Self {
            lead_id: lead_id.to_owned(),
            name: "Ada Lovelace".to_owned(),
            score: 42,
        }
    }

    /// The item the typed `put` writes for this lead, built by hand with key `pk`.
    pub(crate) fn raw_item(&self, pk: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
            (
                "lead_id".to_owned(),
                AttributeValue::S(self.lead_id.clone()),
            ),
            ("name".to_owned(), AttributeValue::S(self.name.clone())),
            (
                "score".to_owned(),
                AttributeValue::N(self.score.to_string()),
            ),
        ])
    }
}
