//! [`KeyError`]: a key that cannot be built or parsed.

use crate::key::MAX_PARTITION_KEY_BYTES;
use crate::scope::ScopeKind;
use crate::sort::MAX_SORT_KEY_BYTES;

/// A partition key that cannot be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// An id segment is empty; an empty id is almost always a missing value.
    #[error("id #{position} of entity {entity} is empty: key ids must not be empty")]
    EmptyId {
        /// The entity whose key was being built.
        entity: String,
        /// The 1-based position of the empty id among the entity's ids.
        position: usize,
    },
    /// A key needs at least one id.
    #[error("entity {entity} was given no id: a partition key needs at least one")]
    NoIds {
        /// The entity whose key was being built.
        entity: String,
    },
    /// The key would exceed DynamoDB's partition-key limit.
    #[error(
        "partition key starting {prefix:?} is {len} bytes long, over DynamoDB's limit of {max} bytes",
        max = MAX_PARTITION_KEY_BYTES
    )]
    TooLong {
        /// The first characters of the key.
        prefix: String,
        /// The key's length in bytes.
        len: usize,
    },
    /// Another entity already uses this entity's tag in the same table: their keys would be
    /// the same, and each would overwrite the other's items. Reported from the second entity's
    /// first key (or provisioning) in the process on; see [`Entity`](crate::Entity), "Tags".
    #[error(
        "entity `{entity}` cannot use tag {tag:?} in the {scope} table {base:?}: entity \
         `{other}` already does, and two entities with one tag in one table have the same keys \
         and overwrite each other's items; give one of them its own tag with \
         `#[scoped(entity = \"…\")]`"
    )]
    TagInUse {
        /// The tag both entities have.
        tag: String,
        /// The scope of their table.
        scope: ScopeKind,
        /// The base name of their table.
        base: String,
        /// The entity refused, by type name.
        entity: String,
        /// The entity that claimed the tag first, by type name.
        other: String,
    },
    /// Two declarations of the same tables (scope and base name) give them different
    /// schemas (key or secondary indexes): one of them would read and write items the table
    /// cannot hold, or query indexes it does not have. Reported from the second declaration's
    /// first use in the process on.
    #[error(
        "`{declaration}` declares the {scope} table {base:?} as {schema}, but `{other}` \
         already declared it as {other_schema}; declare each table once and have its \
         entities refer to that declaration with `#[scoped(table = …)]`"
    )]
    SchemaConflict {
        /// The scope of the tables.
        scope: ScopeKind,
        /// Their base name.
        base: String,
        /// The declaration refused, by type name.
        declaration: String,
        /// The schema it declares, as text: `keyed by pk and sk, with index by_email`.
        schema: Box<str>,
        /// The declaration that recorded the tables' schema first, by type name.
        other: String,
        /// The schema it declared, as text.
        other_schema: Box<str>,
    },
    /// The text is not a key this codec produces.
    #[error("malformed partition key {key:?}: {reason}")]
    Malformed {
        /// The rejected key.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A text sort id is empty; an empty sort id is almost always a missing value.
    #[error("sort id #{position} of entity {entity} is empty: text sort ids must not be empty")]
    EmptySortId {
        /// The entity whose sort key was being built.
        entity: String,
        /// The 1-based position of the empty id among the entity's sort ids.
        position: usize,
    },
    /// A timestamp outside the years 0000–9999, which RFC 3339 text (and so a sort id) cannot
    /// hold in order.
    #[error(
        "timestamp {value} cannot be a sort id: sort ids hold RFC 3339 UTC timestamps of the \
         years 0000 to 9999 ({reason})"
    )]
    TimestampOutOfRange {
        /// The rejected timestamp, as its type displays it.
        value: String,
        /// Why it is out of range.
        reason: &'static str,
    },
    /// The sort key would exceed DynamoDB's sort-key limit.
    #[error(
        "sort key starting {prefix:?} is {len} bytes long, over DynamoDB's limit of {max} bytes",
        max = MAX_SORT_KEY_BYTES
    )]
    SortKeyTooLong {
        /// The first characters of the sort key.
        prefix: String,
        /// The sort key's length in bytes.
        len: usize,
    },
    /// The text is not a sort key this codec produces.
    #[error("malformed sort key {key:?}: {reason}")]
    MalformedSortKey {
        /// The rejected sort key.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}
