//! Entities of every scope, for the isolation matrix and the typed-operation tests. All live in
//! tables with base name `iso`: `iso` (platform), `{tenant}_iso`, `{CODE}_iso`.

use scoped_runtime::{ScopedKey, capsule_table, platform_table, tenant_table};
use serde::{Deserialize, Serialize};

/// A note in a capsule: `TENANT#{t}#CAPSULE#{c}#NOTE#{id}` in `{CODE}_iso`.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "NOTE")]
pub struct CapsuleNote {
    /// The note's id.
    #[scoped(id)]
    pub note_id: String,
    /// Its text.
    pub body: String,
}

/// A counter in a capsule, next to its notes: `…#COUNTER#{id}` in `{CODE}_iso`.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "COUNTER")]
pub struct Counter {
    /// The counter's id.
    #[scoped(id)]
    pub counter_id: String,
    /// Its value.
    pub count: u64,
}

/// A note of a tenant: `TENANT#{t}#NOTE#{id}` in `{t}_iso`.
#[tenant_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "NOTE")]
pub struct TenantNote {
    /// The note's id.
    #[scoped(id)]
    pub note_id: String,
    /// Its text.
    pub body: String,
}

/// A note of the platform: `NOTE#{id}` in `iso`.
#[platform_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "NOTE")]
pub struct PlatformNote {
    /// The note's id.
    #[scoped(id)]
    pub note_id: String,
    /// Its text.
    pub body: String,
}

/// An entity that tries to write its own partition key: every write of it must fail before
/// anything is sent.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "FORGED")]
pub struct ForgedKey {
    /// The id the library builds the key from.
    #[scoped(id)]
    pub id: String,
    /// The key it would like to have.
    pub pk: String,
}
