//! Key schemas: the attributes a scoped table and its secondary indexes are keyed by,
//! declared once per table.
//!
//! Every scoped table is keyed by the string attribute [`pk`](PARTITION_KEY_ATTRIBUTE)
//! (`HASH`) and, when its declaration says so, the string attribute
//! [`sk`](SORT_KEY_ATTRIBUTE) (`RANGE`). Its global secondary indexes follow one naming
//! convention: index `{name}` is keyed by the string attribute `pk_{name}` (`HASH`) and, if
//! declared with a sort key, the string attribute `sk_{name}` (`RANGE`)
//! ([`IndexSchema`]). Every attribute whose name starts with `pk_` is an index partition
//! attribute, declared or not, so the isolation guard holds its value to a key of the scope
//! on every write without knowing the table's indexes. Typed operations, `provision` and the
//! isolation guard all read the schema from here, never from a literal of their own.
//!
//! A table's declaration (its table attribute) fixes its schema; entities refer to the
//! declaration, so they cannot disagree about it. Two *declarations* of the same table (the
//! same scope and base name) are seen by the macros one at a time, so they are checked here at
//! run time: the first declaration of a `(scope, base name)` to be used in the process records
//! its schema, and a second declaration with another schema is [`KeyError::SchemaConflict`].

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use crate::error::KeyError;
use crate::scope::ScopeKind;

/// The attribute every scoped item keeps its partition key in: `pk`, a string.
///
/// The isolation guard checks this attribute of every key and item a scoped client sends.
pub const PARTITION_KEY_ATTRIBUTE: &str = "pk";

/// The attribute a scoped item keeps its sort key in, in tables declared with a sort key:
/// `sk`, a string. Reserved in every table, so that no entity attribute can collide with it.
pub const SORT_KEY_ATTRIBUTE: &str = "sk";

/// Every attribute whose name starts with this is an index partition attribute: `pk_{index}`.
/// Reserved in every table (an entity cannot serialize such a field); the isolation guard
/// holds each one a write carries to a string key of the client's scope.
pub const INDEX_PARTITION_PREFIX: &str = "pk_";

/// Every attribute whose name starts with this is an index sort attribute: `sk_{index}`.
/// Reserved in every table, like [`INDEX_PARTITION_PREFIX`].
pub const INDEX_SORT_PREFIX: &str = "sk_";

/// Whether `attribute` is reserved for keys: `pk`, `sk`, or an index key attribute
/// (`pk_…`, `sk_…`).
#[must_use]
pub fn is_key_attribute(attribute: &str) -> bool {
    attribute == PARTITION_KEY_ATTRIBUTE
        || attribute == SORT_KEY_ATTRIBUTE
        || attribute.starts_with(INDEX_PARTITION_PREFIX)
        || attribute.starts_with(INDEX_SORT_PREFIX)
}

/// Which attributes a global secondary index copies besides its keys and the table's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Projection {
    /// Every attribute (`ALL`): index queries return whole entities. The default.
    All,
    /// Only the keys (`KEYS_ONLY`): index queries can count and list keys, not read entities.
    KeysOnly,
}

impl Projection {
    /// DynamoDB's name: `ALL`, `KEYS_ONLY`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::KeysOnly => "KEYS_ONLY",
        }
    }
}

/// One global secondary index of a scoped table, as its table declaration declares it:
/// `#[capsule_table("crm", sort_key, index(ByEmail), index(Recent, sort_key, shards = 4))]`.
///
/// The index `{name}` is keyed by `pk_{name}` (string, `HASH`) and, with a sort key,
/// `sk_{name}` (string, `RANGE`). Every value the library writes to `pk_{name}` starts with
/// the scope's key prefix (`TENANT#…#CAPSULE#…#{ENTITY}#{name}#…`), so an index partition never
/// holds two scopes' items.
///
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct IndexSchema {
    /// The index name: 3–64 of `a-z 0-9 _` ([`scoped_rules::check_index_name`]).
    pub name: &'static str,
    /// Its partition attribute, `pk_{name}`.
    partition_attribute: &'static str,
    /// Its sort attribute, `sk_{name}`, when it has a sort key.
    sort_attribute: Option<&'static str>,
    /// What it projects.
    pub projection: Projection,
    /// Into how many partitions each of its logical partitions is spread (1: not sharded):
    /// writes go to shard `hash(item key) % shards`, queries read every shard and merge.
    pub shards: u16,
}

impl IndexSchema {
    /// As the table attributes declare it, every name checked at compile time.
    #[doc(hidden)]
    #[must_use]
    pub const fn declared(
        name: &'static str,
        partition_attribute: &'static str,
        sort_attribute: Option<&'static str>,
        projection: Projection,
        shards: u16,
    ) -> Self {
        Self {
            name,
            partition_attribute,
            sort_attribute,
            projection,
            shards,
        }
    }

    /// The partition attribute: `pk_{name}`.
    #[must_use]
    pub const fn partition_attribute(&self) -> &'static str {
        self.partition_attribute
    }

    /// The sort attribute, `sk_{name}`, if the index has a sort key.
    #[must_use]
    pub const fn sort_attribute(&self) -> Option<&'static str> {
        self.sort_attribute
    }

    /// Whether the index has a sort key.
    #[must_use]
    pub const fn has_sort_key(&self) -> bool {
        self.sort_attribute.is_some()
    }
}

impl std::fmt::Display for IndexSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} (S, HASH)", self.name, self.partition_attribute)?;
        if let Some(sort) = self.sort_attribute {
            write!(f, ", {sort} (S, RANGE)")?;
        }
        write!(f, ", projection {}", self.projection.as_str())?;
        if self.shards > 1 {
            write!(f, ", {} shards", self.shards)?;
        }
        f.write_str(")")
    }
}

/// A table's whole schema: its key and its global secondary indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableSchema {
    /// The table's key.
    pub key: KeySchema,
    /// Its global secondary indexes, in declaration order.
    pub indexes: &'static [IndexSchema],
}

impl TableSchema {
    /// The index named `name`, if declared.
    #[must_use]
    pub fn index(&self, name: &str) -> Option<&'static IndexSchema> {
        self.indexes.iter().find(|index| index.name == name)
    }
}

impl std::fmt::Display for TableSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.key)?;
        if self.indexes.is_empty() {
            return Ok(());
        }
        f.write_str("; indexes ")?;
        for (i, index) in self.indexes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{index}")?;
        }
        Ok(())
    }
}

/// The key schema of a scoped table.
///
/// ```
/// use scoped_runtime::KeySchema;
///
/// assert_eq!(KeySchema::PartitionAndSort.key_attributes(), ["pk", "sk"]);
/// assert!(!KeySchema::Partition.has_sort_key());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeySchema {
    /// Keyed by `pk` (string, `HASH`) alone: each item is alone in its partition.
    Partition,
    /// Keyed by `pk` (string, `HASH`) and `sk` (string, `RANGE`): a partition holds many
    /// items, of one or several entities, ordered by `sk`.
    PartitionAndSort,
}

impl KeySchema {
    /// Whether the table has the sort key `sk`.
    #[must_use]
    pub const fn has_sort_key(self) -> bool {
        matches!(self, Self::PartitionAndSort)
    }

    /// The key attributes, `HASH` first.
    #[must_use]
    pub const fn key_attributes(self) -> &'static [&'static str] {
        match self {
            Self::Partition => &[PARTITION_KEY_ATTRIBUTE],
            Self::PartitionAndSort => &[PARTITION_KEY_ATTRIBUTE, SORT_KEY_ATTRIBUTE],
        }
    }
}

impl std::fmt::Display for KeySchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Partition => "pk (S, HASH)",
            Self::PartitionAndSort => "pk (S, HASH), sk (S, RANGE)",
        })
    }
}

/// The declaration that recorded a table's schema first.
#[derive(Debug, Clone, Copy)]
struct Declared {
    schema: TableSchema,
    by: &'static str,
}

/// By scope kind, then base name: looked up with a borrowed base name, so the guard's lookup on
/// every request allocates nothing.
type Declarations = BTreeMap<ScopeKind, BTreeMap<String, Declared>>;

/// Every table declaration used in this process. Written once per declaration, read by the
/// guard on requests for tables of a declared base name.
static DECLARATIONS: RwLock<Declarations> = RwLock::new(BTreeMap::new());

/// Records that `declaration` (a type name) declares the tables `base` of scope kind `kind`
/// with `schema`.
///
/// # Errors
///
/// [`KeyError::SchemaConflict`] if another declaration of the same tables recorded another
/// schema (key or indexes) first.
pub(crate) fn declare(
    kind: ScopeKind,
    base: &str,
    schema: TableSchema,
    declaration: &'static str,
) -> Result<(), KeyError> {
    if let Some(declared) = declared_entry(kind, base) {
        return check(kind, base, schema, declaration, declared);
    }
    let mut declarations = DECLARATIONS.write().unwrap_or_else(PoisonError::into_inner);
    match declarations.entry(kind).or_default().entry(base.to_owned()) {
        Entry::Vacant(vacant) => {
            vacant.insert(Declared {
                schema,
                by: declaration,
            });
            Ok(())
        }
        Entry::Occupied(occupied) => check(kind, base, schema, declaration, *occupied.get()),
    }
}

fn check(
    kind: ScopeKind,
    base: &str,
    schema: TableSchema,
    declaration: &'static str,
    declared: Declared,
) -> Result<(), KeyError> {
    if declared.schema == schema {
        return Ok(());
    }
    Err(KeyError::SchemaConflict {
        scope: kind,
        base: base.to_owned(),
        declaration: declaration.to_owned(),
        schema: schema.to_string().into(),
        other: declared.by.to_owned(),
        other_schema: declared.schema.to_string().into(),
    })
}

fn declared_entry(kind: ScopeKind, base: &str) -> Option<Declared> {
    declarations().entry(kind, base)
}

/// The schema declared for the tables `base` of scope kind `kind`, if a declaration of them
/// has been used in this process.
#[cfg(test)]
#[must_use]
pub(crate) fn declared(kind: ScopeKind, base: &str) -> Option<TableSchema> {
    declarations().table(kind, base)
}

/// Every declaration used so far, read once: the isolation guard takes one per request and
/// looks up each table the request names in it, so a request costs one read of the lock
/// however many tables it names. Declarations made while it is held wait for it, so its holder
/// must neither declare nor read the registry again until it drops it.
pub(crate) struct DeclarationsRead(RwLockReadGuard<'static, Declarations>);

impl DeclarationsRead {
    /// The key schema declared for the tables `base` of scope kind `kind`, if any.
    #[allow(dead_code, reason = "the guard reads the whole schema, `table`")]
    pub(crate) fn schema(&self, kind: ScopeKind, base: &str) -> Option<KeySchema> {
        self.entry(kind, base).map(|declared| declared.schema.key)
    }

    /// The whole schema (key and indexes) declared for the tables `base` of scope kind
    /// `kind`, if any.
    pub(crate) fn table(&self, kind: ScopeKind, base: &str) -> Option<TableSchema> {
        self.entry(kind, base).map(|declared| declared.schema)
    }

    fn entry(&self, kind: ScopeKind, base: &str) -> Option<Declared> {
        self.0.get(&kind)?.get(base).copied()
    }
}

/// A read of every declaration used so far.
pub(crate) fn declarations() -> DeclarationsRead {
    DeclarationsRead(DECLARATIONS.read().unwrap_or_else(PoisonError::into_inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_violation_names_the_partition_key_attribute() {
        let violation = crate::IsolationViolation::MissingPartitionKey {
            table: "PRODUS_crm".into(),
            what: "item",
        };
        assert!(
            violation
                .to_string()
                .contains(&format!("attribute `{PARTITION_KEY_ATTRIBUTE}`"))
        );
    }

    #[test]
    fn a_second_declaration_with_another_schema_is_refused() {
        let kind = ScopeKind::Tenant;
        let partition = TableSchema {
            key: KeySchema::Partition,
            indexes: &[],
        };
        let sorted = TableSchema {
            key: KeySchema::PartitionAndSort,
            indexes: &[],
        };
        assert_eq!(declare(kind, "schema-test", partition, "a::Hooks"), Ok(()));
        assert_eq!(declare(kind, "schema-test", partition, "b::Hooks"), Ok(()));
        assert_eq!(declared(kind, "schema-test"), Some(partition));
        assert_eq!(declared(ScopeKind::Capsule, "schema-test"), None);
        let conflict = declare(kind, "schema-test", sorted, "c::Hooks");
        assert_eq!(
            conflict,
            Err(KeyError::SchemaConflict {
                scope: kind,
                base: "schema-test".into(),
                declaration: "c::Hooks".into(),
                schema: sorted.to_string().into(),
                other: "a::Hooks".into(),
                other_schema: partition.to_string().into(),
            })
        );
        // The same base name in another scope kind is another table.
        assert_eq!(
            declare(ScopeKind::Capsule, "schema-test", sorted, "c::Hooks"),
            Ok(())
        );
    }

    const BY_EMAIL: IndexSchema =
        IndexSchema::declared("by_email", "pk_by_email", None, Projection::All, 1);
    const RECENT: IndexSchema = IndexSchema::declared(
        "recent",
        "pk_recent",
        Some("sk_recent"),
        Projection::KeysOnly,
        4,
    );

    #[test]
    fn declarations_with_other_indexes_conflict() {
        let kind = ScopeKind::Capsule;
        let one = TableSchema {
            key: KeySchema::PartitionAndSort,
            indexes: &[BY_EMAIL],
        };
        let two = TableSchema {
            key: KeySchema::PartitionAndSort,
            indexes: &[BY_EMAIL, RECENT],
        };
        assert_eq!(declare(kind, "index-test", one, "a::Crm"), Ok(()));
        assert!(matches!(
            declare(kind, "index-test", two, "b::Crm"),
            Err(KeyError::SchemaConflict { .. })
        ));
        assert_eq!(
            declared(kind, "index-test").and_then(|t| t.index("by_email")),
            Some(&BY_EMAIL)
        );
        assert_eq!(
            declared(kind, "index-test").and_then(|t| t.index("recent")),
            None
        );
    }

    #[test]
    fn schemas_read_as_dynamodb_writes_them() {
        assert_eq!(
            RECENT.to_string(),
            "recent (pk_recent (S, HASH), sk_recent (S, RANGE), projection KEYS_ONLY, 4 shards)"
        );
        let table = TableSchema {
            key: KeySchema::PartitionAndSort,
            indexes: &[BY_EMAIL],
        };
        assert_eq!(
            table.to_string(),
            "pk (S, HASH), sk (S, RANGE); indexes by_email (pk_by_email (S, HASH), projection ALL)"
        );
        for reserved in ["pk", "sk", "pk_by_email", "sk_x"] {
            assert!(is_key_attribute(reserved), "{reserved}");
        }
        for free in ["pkg", "email", "skip", "p_k"] {
            assert!(!is_key_attribute(free), "{free}");
        }
    }
}
