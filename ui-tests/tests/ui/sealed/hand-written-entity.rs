use scoped_runtime::{Entity, EntityTag, capsule_table};

/// A sales lead whose key is written by hand.
#[capsule_table("crm")]
pub struct Lead {
    /// Its id.
    pub lead_id: String,
}

impl Entity for Lead {
    const TAG: EntityTag = EntityTag::from_static("ACCOUNT");
    type Ids<'a> = &'a str;

    fn ids(&self) -> &str {
        &self.lead_id
    }
}

fn main() {}
