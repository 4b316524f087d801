use scoped_runtime::{Capsule, KeyError, ScopedKey, capsule_table};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Turns a key into text without asking for it (`into_string()`), where it could feed any
/// `impl Into<String>` parameter.
pub fn key_text(capsule: &Capsule) -> Result<String, KeyError> {
    Ok(Lead::partition_key(capsule, "lead-789")?.into())
}

fn main() {}
