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

/// The sales table of each capsule, keyed by `pk` and `sk`: `{CODE}_sales`. Its entities refer to
/// it with `#[scoped(table = Crm)]`.
#[capsule_table("sales", sort_key)]
pub struct Crm;

/// A lead: `pk = …#LEAD#{lead_id}`, `sk = LEAD`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Crm, entity = "LEAD")]
pub struct Lead {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its name.
    pub name: String,
    /// Its version, for optimistic locking.
    #[serde(default)]
    pub version: u64,
}

/// A note on a lead, in the lead's partition: `pk = …#LEAD#{lead_id}`,
/// `sk = NOTE#{created}#{note_id}`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(partition = Lead, entity = "NOTE")]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When it was written, in seconds; may be negative.
    #[scoped(sort)]
    pub created: i64,
    /// The note's id.
    #[scoped(sort)]
    pub note_id: String,
    /// Its text.
    pub text: String,
}

/// A task of a lead, in the lead's partition too: `sk = TASK#{task_id}`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(partition = Lead, entity = "TASK")]
pub struct Task {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// The task's id.
    #[scoped(sort)]
    pub task_id: String,
    /// What to do.
    pub todo: String,
}

/// The contacts table of each capsule, keyed by `pk` and `sk`, with global secondary indexes:
/// `{CODE}_contacts`. `ByEmail` finds a contact by email; `Recent` lists a capsule's contacts by
/// creation time, spread over four shards; `ByOwner` lists an owner's contacts (keys only).
#[capsule_table(
    "contacts",
    sort_key,
    index(ByEmail),
    index(Recent, sort_key, shards = 4),
    index(ByOwner, name = "owner", sort_key, projection = keys_only)
)]
pub struct Contacts;

/// A contact: `pk = …#CONTACT#{contact_id}`, `sk = CONTACT`, in the index `by_email` by its
/// email, in `recent` by creation time, and in `owner` by owner when it has one.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Contacts, entity = "CONTACT")]
#[scoped(index(
    ByEmail(partition(email)),
    Recent(sort(created, contact_id)),
    ByOwner(partition(owner), sort(created))
))]
pub struct Contact {
    /// The contact's id.
    #[scoped(id)]
    pub contact_id: String,
    /// Its email: unique among the capsule's contacts.
    #[scoped(unique)]
    pub email: String,
    /// Who owns it, if anyone: contacts without an owner are not in `owner`.
    pub owner: Option<String>,
    /// When it was created, in seconds.
    pub created: i64,
    /// Its name.
    pub name: String,
}

/// The webhooks table of each tenant, with an index listing all of a tenant's webhooks:
/// `{tenant_id}_hooks`.
#[tenant_table("hooks", index(AllHooks))]
pub struct Hooks;

/// A tenant's webhook, listed in `all_hooks`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Hooks, entity = "HOOK")]
#[scoped(index(AllHooks))]
pub struct Hook {
    /// The webhook's id.
    #[scoped(id)]
    pub hook_id: String,
    /// Where it posts.
    pub url: String,
}

/// The platform's audit log, keyed by `pk` and `sk`: `audit`.
#[platform_table("audit", sort_key)]
pub struct Audit;

/// One audit event: `pk = EVENT#{day}`, `sk = EVENT#{at}#{event_id}`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Audit, entity = "EVENT")]
pub struct AuditEvent {
    /// The day, `2026-11-30`.
    #[scoped(id)]
    pub day: String,
    /// When, in milliseconds since the epoch.
    #[scoped(sort)]
    pub at: u64,
    /// The event's id.
    #[scoped(sort)]
    pub event_id: String,
    /// What happened.
    pub action: String,
}

/// A lead with its notes and tasks: every entity of a lead's partition.
#[derive(scoped_runtime::Collection, Debug, Clone, PartialEq, Eq)]
pub enum LeadFile {
    /// The lead.
    Lead(Lead),
    /// A note.
    Note(Note),
    /// A task.
    Task(Task),
}

/// A lead with its notes only: its tasks are strangers to it.
#[derive(scoped_runtime::Collection, Debug, Clone, PartialEq, Eq)]
pub enum LeadNotes {
    /// The lead.
    Lead(Lead),
    /// A note.
    Note(Note),
}
