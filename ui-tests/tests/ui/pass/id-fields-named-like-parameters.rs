//! Id fields named like the generated code's own parameters and locals still build keys: the
//! generated names are hygienic.

use scoped_runtime::{Capsule, ScopedKey, Tenant, capsule_table, tenant_table};

/// A permission grant, keyed by its OAuth scope and the key it was issued for.
#[tenant_table("grants")]
#[derive(ScopedKey)]
pub(crate) struct Grant {
    /// The OAuth scope: a field named like the key builder's scope parameter.
    #[scoped(id)]
    pub(crate) scope: String,
    /// The API key.
    #[scoped(id)]
    pub(crate) key: String,
}

/// A note keyed by fields named like the trait's methods and the generated locals.
#[capsule_table("notes")]
#[derive(ScopedKey)]
pub(crate) struct Note {
    /// Named like `Entity::ids`.
    #[scoped(id)]
    pub(crate) ids: u32,
    /// Named like the registration static's function.
    #[scoped(id)]
    pub(crate) registration: String,
    /// A raw identifier.
    #[scoped(id)]
    pub(crate) r#type: String,
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant = Tenant::new("tenant-123", "Acme")?;
    let grant = Grant {
        scope: "read:leads".into(),
        key: "k1".into(),
    };
    let key = Grant::partition_key(&tenant, "read:leads", "k1")?;
    assert_eq!(key, "TENANT#tenant-123#GRANT#read:leads#k1");
    assert_eq!(grant.to_partition_key(&tenant)?, key);

    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let note = Note {
        ids: 7,
        registration: "r".into(),
        r#type: "memo".into(),
    };
    let key = Note::partition_key(&capsule, 7, "r", "memo")?;
    assert_eq!(key, "TENANT#tenant-123#CAPSULE#caps-456#NOTE#7#r#memo");
    assert_eq!(note.to_partition_key(&capsule)?, key);
    Ok(())
}
