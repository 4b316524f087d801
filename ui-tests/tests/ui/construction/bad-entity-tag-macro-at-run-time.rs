use scoped_runtime::{Capsule, KeyError, Scope, entity_tag};

/// Builds a key with a lowercase entity tag, in a function body.
pub fn key(capsule: &Capsule) -> Result<String, KeyError> {
    capsule.partition_key(&entity_tag!("lead"), &["lead-789"])
}

fn main() {}
