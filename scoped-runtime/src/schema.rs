//! Key schemas: the attributes a scoped table is keyed by, declared once per table.
//!
//! Every scoped table is keyed by the string attribute [`pk`](PARTITION_KEY_ATTRIBUTE)
//! (`HASH`) and, when its declaration says so, the string attribute
//! [`sk`](SORT_KEY_ATTRIBUTE) (`RANGE`). Typed operations, `provision` and the isolation guard
//! all read the schema from here, never from a literal of their own.
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
    schema: KeySchema,
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
/// schema first.
pub(crate) fn declare(
    kind: ScopeKind,
    base: &str,
    schema: KeySchema,
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
    schema: KeySchema,
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
        schema,
        other: declared.by.to_owned(),
        other_schema: declared.schema,
    })
}

fn declared_entry(kind: ScopeKind, base: &str) -> Option<Declared> {
    declarations().entry(kind, base)
}

/// The schema declared for the tables `base` of scope kind `kind`, if a declaration of them
/// has been used in this process.
#[cfg(test)]
#[must_use]
pub(crate) fn declared(kind: ScopeKind, base: &str) -> Option<KeySchema> {
    declarations().schema(kind, base)
}

/// Every declaration used so far, read once: the isolation guard takes one per request and
/// looks up each table the request names in it, so a request costs one read of the lock
/// however many tables it names. Declarations made while it is held wait for it, so its holder
/// must neither declare nor read the registry again until it drops it.
pub(crate) struct DeclarationsRead(RwLockReadGuard<'static, Declarations>);

impl DeclarationsRead {
    /// The schema declared for the tables `base` of scope kind `kind`, if any.
    pub(crate) fn schema(&self, kind: ScopeKind, base: &str) -> Option<KeySchema> {
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
    fn a_second_declaration_with_another_schema_is_refused() {
        let kind = ScopeKind::Tenant;
        assert_eq!(
            declare(kind, "schema-test", KeySchema::Partition, "a::Hooks"),
            Ok(())
        );
        assert_eq!(
            declare(kind, "schema-test", KeySchema::Partition, "b::Hooks"),
            Ok(())
        );
        assert_eq!(declared(kind, "schema-test"), Some(KeySchema::Partition));
        assert_eq!(declared(ScopeKind::Capsule, "schema-test"), None);
        let conflict = declare(kind, "schema-test", KeySchema::PartitionAndSort, "c::Hooks");
        assert_eq!(
            conflict,
            Err(KeyError::SchemaConflict {
                scope: kind,
                base: "schema-test".into(),
                declaration: "c::Hooks".into(),
                schema: KeySchema::PartitionAndSort,
                other: "a::Hooks".into(),
                other_schema: KeySchema::Partition,
            })
        );
        // The same base name in another scope kind is another table.
        assert_eq!(
            declare(
                ScopeKind::Capsule,
                "schema-test",
                KeySchema::PartitionAndSort,
                "c::Hooks"
            ),
            Ok(())
        );
    }
}
