use scoped_runtime::{EntityTag, KeyError, KeyIds, Scope};

/// A webhook's id, as the application types it.
pub struct HookId(pub String);

// As the ids of an entity with a `HookId` id field, this would write any key at all (another
// tenant's capsule key included) as that entity's typed `PartitionKey`.
impl KeyIds for &HookId {
    fn encode<S: Scope>(self, _scope: &S, _entity: &EntityTag) -> Result<String, KeyError> {
        Ok(format!("TENANT#other#CAPSULE#c1#LEAD#{}", self.0))
    }
}

fn main() {}
