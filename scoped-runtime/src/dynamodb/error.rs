//! [`Error`], the DynamoDB operations' error: it wraps the core errors (scopes, keys, the
//! isolation guard, credentials, configuration) and says which request failed and why.

use crate::dynamodb::cursor::CursorError;
use crate::dynamodb::schema::TableSchema;
use crate::error::{ConfigError, CredentialError, IsolationViolation, KeyError, ScopeError};
use crate::ident::EntityTag;

/// Any error of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// See [`ScopeError`].
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// See [`KeyError`].
    #[error(transparent)]
    Key(#[from] KeyError),
    /// See [`IsolationViolation`].
    #[error("{0}")]
    Isolation(#[from] IsolationViolation),
    /// See [`CredentialError`].
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    /// See [`CursorError`].
    #[error(transparent)]
    Cursor(#[from] CursorError),
    /// See [`ConfigError`].
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A DynamoDB request failed; the SDK's error is the source.
    #[error(
        "DynamoDB {operation} on table {table}{} failed: {detail}",
        key.as_deref().map(|key| format!(", key {key:?},")).unwrap_or_default()
    )]
    DynamoDb {
        /// The DynamoDB operation: `GetItem`, `Query`…
        operation: &'static str,
        /// The table (several, comma-separated, for a transaction).
        table: String,
        /// The partition key the request was about, if one.
        key: Option<String>,
        /// The service's error code and message, or what failed on the way.
        detail: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An entity could not be converted to or from a DynamoDB item.
    #[error("item {key:?} in table {table}: {direction} `{entity}` failed: {source}")]
    Item {
        /// The table.
        table: String,
        /// The item's partition key.
        key: String,
        /// The entity type.
        entity: &'static str,
        /// `"writing"` or `"reading"`.
        direction: &'static str,
        /// serde_dynamo's error.
        #[source]
        source: serde_dynamo::Error,
    },
    /// An entity serializes an attribute the library reserves for keys.
    #[error(
        "`{entity}` has an attribute named {attribute:?}: `pk` and `sk` are the key attributes \
         the library writes; rename the field (`#[serde(rename = \"…\")]`)"
    )]
    ReservedAttribute {
        /// The entity type.
        entity: &'static str,
        /// The attribute: `pk` or `sk`.
        attribute: String,
    },
    /// An [`Update`](crate::Update) names an attribute it may not change: one the entity does
    /// not serialize (a typo, or the Rust name of a renamed field), one holding an id, or a key
    /// attribute. Checked before anything is sent.
    #[error(
        "update of `{entity}` rejected: attribute {attribute:?} {rule}{}",
        suggestion.as_deref().map(|name| format!("; did you mean `{name}`?")).unwrap_or_default()
    )]
    UpdateAttribute {
        /// The entity type.
        entity: &'static str,
        /// The attribute the update named.
        attribute: String,
        /// The rule it broke.
        rule: UpdateRule,
        /// The entity's attribute the name is closest to, if one is close.
        suggestion: Option<String>,
    },
    /// An item read through the raw SDK client (a scan…) is not an item of the entity in this
    /// scope: its key is another entity's, or its id attributes make another key than its
    /// `pk`. (An item of another scope is an [`IsolationViolation`].)
    #[error("item {key:?} in table {table} is not a `{entity}` of this scope: {reason}")]
    ForeignItem {
        /// The table the item was read from.
        table: String,
        /// The item's partition key.
        key: String,
        /// The entity type it was to be read as.
        entity: &'static str,
        /// Why it is not one.
        reason: String,
    },
    /// An upsert of an entity with sort ids: an item it created would lack their attributes.
    #[error(
        "`{entity}` cannot be upserted: it has sort ids, and an item an upsert creates would \
         lack their attributes (a timestamp, a bool… cannot be written back from the key); \
         create it with `create` or `put`, then `update` it"
    )]
    UpsertSortIds {
        /// The entity, by type name.
        entity: &'static str,
    },
    /// A create-if-absent found an item under the key, or (with `unique`) a write would give
    /// an item a `#[scoped(unique)]` value another item of its entity in the scope holds.
    /// Nothing was written.
    #[error("{}", already_exists(table, key, unique.as_ref()))]
    AlreadyExists {
        /// The table.
        table: String,
        /// The partition key of the item written (for a create, the one that exists).
        key: String,
        /// The unique field and value another item holds, if that was the cause; `None` if an
        /// item with the key exists.
        unique: Option<Duplicate>,
    },
    /// A write that cannot keep the uniqueness items of an entity's `#[scoped(unique)]`
    /// fields: batch writes are not transactional, and a transaction's put or delete would
    /// have to read the item's current values first. Refused before anything is sent.
    #[error(
        "`{entity}` has unique fields ({}): {operation} cannot keep their uniqueness items \
         ({reason}); write it with `Items::create`, `put`, `put_versioned` or `delete`, or \
         `create` in a transaction",
        attributes.join(", ")
    )]
    UniqueWrite {
        /// The entity, by type name.
        entity: &'static str,
        /// The write refused: `batch_put`, `transaction put`…
        operation: &'static str,
        /// The entity's unique attributes.
        attributes: &'static [&'static str],
        /// Why that write cannot keep them.
        reason: &'static str,
    },
    /// A unique field's stored value is not the text its uniqueness item is keyed by, so the
    /// item could not be freed later. Refused before anything is sent.
    #[error(
        "unique field {attribute:?} of `{entity}` is stored as {stored}, not as its key text \
         {value:?}: a `#[scoped(unique)]` field must serialize as the string or number its key \
         segment writes (text, integers, UUIDs, or `#[serde(transparent)]` newtypes of them)"
    )]
    UniqueValue {
        /// The entity, by type name.
        entity: &'static str,
        /// The unique attribute.
        attribute: &'static str,
        /// The value as its key segment writes it.
        value: String,
        /// What serde stored instead.
        stored: String,
    },
    /// Another write changed an item's unique values between the read a put or delete makes
    /// to learn them and its transaction, every time it was tried. Nothing was written; the
    /// uniqueness items are as the other write left them.
    #[error(
        "item {key:?} in table {table}: its unique values changed between reading and writing \
         them in {attempts} attempts in a row (concurrent writes to the same item); nothing \
         was written, retry"
    )]
    UniqueConflict {
        /// The table.
        table: String,
        /// The item's partition key.
        key: String,
        /// How many read-and-write attempts were made.
        attempts: u32,
    },
    /// An update found no item under the key: updates never create items (an upsert does).
    #[error(
        "no item {key:?} in table {table}: update changes existing items only; upsert creates \
         absent ones"
    )]
    NotFound {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
    },
    /// An update's conditions ([`Update::when_equals`](crate::Update::when_equals)…) did not
    /// hold for the item: it exists, but an attribute differs from what the update expected.
    /// Nothing was written.
    #[error(
        "update of item {key:?} in table {table} not applied: its condition `{condition}` does \
         not hold for the stored item"
    )]
    ConditionFailed {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
        /// The update's conditions, as `name = value`, `name exists`, `name not exists`
        /// joined by `AND`.
        condition: String,
    },
    /// An optimistic-locking update ([`Update::expect_version`](crate::Update::expect_version))
    /// found another version: someone else wrote the item since it was read. Nothing was
    /// written; read the item again and retry.
    #[error(
        "update of item {key:?} in table {table} not applied: it expected version {expected} in \
         attribute {attribute:?}, but the item has {}; read it again and retry",
        found.map_or_else(|| "none".to_owned(), |found| found.to_string())
    )]
    VersionConflict {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
        /// The version attribute.
        attribute: String,
        /// The version the update expected.
        expected: u64,
        /// The version the item had when the failure was diagnosed, `None` if it had no
        /// integer version.
        found: Option<u64>,
    },
    /// An update's value for an attribute cannot do what the update asks: a set to delete or
    /// add that is empty, or holds anything but only strings or only numbers. Checked before
    /// anything is sent.
    #[error("update of `{entity}` rejected: the value for attribute {attribute:?} {rule}")]
    UpdateValue {
        /// The entity type.
        entity: &'static str,
        /// The attribute the update named.
        attribute: String,
        /// The rule the value broke.
        rule: &'static str,
    },
    /// DynamoDB left part of a batch unprocessed through every retry.
    #[error(
        "DynamoDB {operation} on table {table} left {remaining} requests unprocessed after \
         {attempts} attempts with backoff"
    )]
    Unprocessed {
        /// `BatchGetItem` or `BatchWriteItem`.
        operation: &'static str,
        /// The table.
        table: String,
        /// How many keys or writes were still unprocessed.
        remaining: usize,
        /// How many requests were sent for them.
        attempts: u32,
    },
    /// A transaction was cancelled; `reasons` has one entry per write, in order, naming the
    /// write's entity, table and key next to DynamoDB's code (`None` for the writes that were
    /// not the cause). The message lists the writes that were.
    #[error(
        "transaction on table {table} was cancelled: {}",
        CancellationReason::causes(reasons)
    )]
    TransactionCanceled {
        /// The tables the transaction wrote, comma-separated.
        table: String,
        /// One reason per write, in the order the writes were added.
        reasons: Vec<CancellationReason>,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A table exists with another key schema than its declaration gives it, or without one
    /// of its declared global secondary indexes (or with it keyed or projected otherwise).
    #[error(
        "table {table} has {}, but its declaration {}",
        match index {
            None => format!("key schema {found}"),
            Some(_) => found.clone(),
        },
        match index.and_then(|index| expected.index(index)) {
            None => format!("keys it by {}", expected.key),
            Some(declared) => format!("declares index {declared}"),
        }
    )]
    KeySchema {
        /// The table.
        table: String,
        /// The schema its declaration gives it: key and indexes.
        expected: TableSchema,
        /// The declared index that is missing or differs, if it is an index.
        index: Option<&'static str>,
        /// Its key schema, as `attribute (KEY_TYPE)` pairs; for an index, what the table has
        /// instead (`no index \`by_email\``, `index \`by_email\` keyed by email (HASH)`).
        found: String,
    },
    /// A strongly consistent read of a global secondary index, which DynamoDB does not offer.
    #[error(
        "index {index} of table {table} cannot be read with strongly consistent reads: \
         DynamoDB reads global secondary indexes eventually consistent only; query the index \
         through items without `consistent_reads()`, or read the table itself"
    )]
    ConsistentIndexRead {
        /// The table.
        table: String,
        /// The index.
        index: &'static str,
    },
}

/// Why an [`Update`](crate::Update) may not name an attribute, in [`Error::UpdateAttribute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateRule {
    /// `pk`, `sk`, or an index key attribute (`pk_…`, `sk_…`): the key attributes the
    /// library writes.
    Reserved,
    /// The attribute of a field an index template or a `#[scoped(unique)]` claim reads.
    Indexed,
    /// The attribute of an `#[scoped(id)]` field: the item's partition key is built from it.
    Id,
    /// The entity serializes no top-level attribute of that name.
    Unknown,
}

impl std::fmt::Display for UpdateRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Reserved => {
                "is reserved: `pk`, `sk` and the index key attributes `pk_…` and `sk_…` are \
                 the key attributes the library writes from the entity's fields"
            }
            Self::Indexed => {
                "is read by an index template or a `#[scoped(unique)]` field: an update \
                 would leave the index keys or the uniqueness claim built from it stale; put \
                 the whole item instead, which rewrites them"
            }
            Self::Id => {
                "holds one of the entity's ids, which make up the item's partition key: an \
                 update would leave the item under its old key with a new id; put the item \
                 under its new ids and delete the old one"
            }
            Self::Unknown => {
                "is not one the entity serializes: updates name the entity's serialized \
                 top-level field names (after `#[serde(rename…)]`), not Rust field names"
            }
        })
    }
}

/// A `#[scoped(unique)]` value another item holds, in [`Error::AlreadyExists`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Duplicate {
    /// The unique field's attribute name: `email`.
    pub attribute: String,
    /// The value, as its key segment writes it: `ada@example.com`.
    pub value: String,
}

impl Duplicate {
    /// The value `value` of unique attribute `attribute`.
    #[must_use]
    pub fn new(attribute: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            attribute: attribute.into(),
            value: value.into(),
        }
    }
}

/// The message of [`Error::AlreadyExists`].
fn already_exists(table: &str, key: &str, unique: Option<&Duplicate>) -> String {
    match unique {
        None => {
            format!("item {key:?} already exists in table {table}: create writes only absent items")
        }
        Some(Duplicate { attribute, value }) => format!(
            "{attribute} {value:?} is already taken in table {table}: another item of the \
             entity in this scope holds it, and `{attribute}` is unique; item {key:?} was not \
             written"
        ),
    }
}

/// One write of a cancelled transaction and why DynamoDB cancelled it, in
/// [`Error::TransactionCanceled`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancellationReason {
    /// The write's 1-based position in the transaction, in the order the writes were added.
    pub position: usize,
    /// The write: `put`, `create`, `update`, `upsert`, `delete` or `require_exists`; `claim`
    /// or `release` for a uniqueness item (`#[scoped(unique)]`, tag `UNIQUE`).
    pub write: &'static str,
    /// The entity type written.
    pub entity: &'static str,
    /// The entity's tag in partition keys: `LEAD`.
    pub tag: EntityTag,
    /// The table written.
    pub table: String,
    /// The item's partition key.
    pub key: String,
    /// DynamoDB's code: `ConditionalCheckFailed`, `TransactionConflict`…, or `None` for a write
    /// that was not the cause.
    pub code: String,
    /// DynamoDB's message, if it gave one.
    pub message: Option<String>,
}

impl CancellationReason {
    /// Whether this write caused the cancellation (its code is not `None`).
    #[must_use]
    pub fn is_cause(&self) -> bool {
        self.code != "None"
    }

    /// The writes that caused the cancellation, for the error message.
    fn causes(reasons: &[Self]) -> String {
        let causes: Vec<String> = reasons
            .iter()
            .filter(|reason| reason.is_cause())
            .map(Self::to_string)
            .collect();
        if causes.is_empty() {
            "DynamoDB named no write as the cause".to_owned()
        } else {
            causes.join("; ")
        }
    }
}

impl std::fmt::Display for CancellationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "write {} ({} of `{}` {}, key {:?} in table {}): {}",
            self.position, self.write, self.entity, self.tag, self.key, self.table, self.code
        )?;
        match &self.message {
            Some(message) => write!(f, " ({message})"),
            None => Ok(()),
        }
    }
}
