//! Entities: types bound to one scope's table, with typed partition keys.
//!
//! [`Table`] is implemented by the table attributes (`#[capsule_table("crm")]`…), [`Entity`]
//! by `#[derive(ScopedKey)]`. The scoped clients only accept entities of their own scope, which
//! the `*Entity` traits below check with errors that name the fix.

use crate::error::KeyError;

mod checks;
mod keys;
mod table;
#[cfg(test)]
mod test_entity;

use crate::dynamodb::index::IndexAttributes;
use crate::dynamodb::ops::Attributes;
use crate::dynamodb::range::Position;
use crate::dynamodb::schema::{IndexSchema, KeySchema, TableSchema};
use crate::dynamodb::tags::{self, Registration};
use crate::ident::{BaseName, EntityTag};
use crate::naming::table::TableName;
use crate::scope::Scope;
use crate::segment::{KeyIds, Segment};
use crate::sort::SortIds;
pub use checks::{SortKeyTable, require_sort_key, same_partition_ids};
pub(crate) use keys::item_key_of;
pub use keys::{ItemKey, PartitionKey};
pub use table::EntityTable;
#[cfg(test)]
pub(crate) use test_entity::test_entity;

/// A type bound to one scope and one base table, by `#[platform_table("…")]`,
/// `#[tenant_table("…")]` or `#[capsule_table("…")]`.
///
/// Sealed: only the attributes implement it (they check the base name at compile time). A
/// hand-written impl does not compile, so a type's scope is always the one its attribute names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not bound to a table",
    label = "`{Self}` has no table attribute",
    note = "bind it to its scope and table with `#[capsule_table(\"…\")]`, `#[tenant_table(\"…\")]` or `#[platform_table(\"…\")]`, placed above `#[derive(ScopedKey)]`"
)]
pub trait Table: seal::BoundTable {
    /// The scope whose tables hold this type: [`Platform`](crate::Platform), [`Tenant`](crate::Tenant) or [`Capsule`](crate::Capsule).
    type Scope: Scope;

    /// The type whose table attribute declares this type's table: the type itself for a
    /// struct under a table attribute, the table it names for an entity with
    /// `#[scoped(table = …)]` or `#[scoped(partition = …)]`. Two entities with the same
    /// declaration share the table's scope, base name and key schema by construction.
    type Declaration: Table<Scope = Self::Scope> + ?Sized;

    /// The scope-independent part of the table name: `crm` in `PRODUS_crm`.
    const BASE_NAME: BaseName;

    /// The table's key schema: `pk` alone, or `pk` and `sk` for a table declared with
    /// `sort_key` (`#[capsule_table("crm", sort_key)]`).
    const KEY_SCHEMA: KeySchema;

    /// The table's global secondary indexes, as its declaration lists them
    /// (`#[capsule_table("crm", sort_key, index(ByEmail))]`), in order.
    const INDEXES: &'static [IndexSchema];

    /// The table's whole schema: key and indexes.
    #[must_use]
    fn schema() -> TableSchema {
        TableSchema {
            key: Self::KEY_SCHEMA,
            indexes: Self::INDEXES,
        }
    }

    /// The name of this type's table in `scope`.
    #[must_use]
    fn table_name(scope: &Self::Scope) -> TableName {
        scope.table(&Self::BASE_NAME)
    }
}

/// A [`Table`] type with a key, implemented by `#[derive(ScopedKey)]`.
///
/// Its partition keys are `{scope prefix}{TAG}#{id}…` (with the tag of its
/// [`Partition`](Self::Partition) entity), typed as [`PartitionKey<Self>`]; in a table with sort
/// keys its items also have the sort key `{TAG}` or `{TAG}#{sort id}…` ([`ItemKey<Self>`]).
///
/// Sealed: only the derive implements it, so every entity's tag passed the entity tag rule
/// and its ids are [`KeySegment`](crate::KeySegment)s escaped into the key. A hand-written
/// impl does not compile.
///
/// # Tags
///
/// An entity's keys are told apart from another entity's in the same table by their tags
/// alone, so two entities with the same tag in the same table (`Lead` and `LeadV2` both with
/// `#[scoped(entity = "LEAD")]`, or two `Lead`s in different modules with the default tag
/// `LEAD`) would read and overwrite each other's items. The macros see one entity at a time,
/// so this is checked at run time: the first entity of a `(scope, base name, tag)` to build a
/// key or provision its table in the process claims the tag, and every key of the other
/// is [`KeyError::TagInUse`], naming both. The check costs one atomic load per key once the
/// entity has claimed its tag.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no partition key",
    label = "`{Self}` does not derive `ScopedKey`",
    note = "add `#[derive(ScopedKey)]` below its table attribute and mark its id fields with `#[scoped(id)]`; a type without a key reaches only its table, through `table::<{Self}>()`"
)]
pub trait Entity: Table + seal::DerivedEntity {
    /// The entity's tag: `LEAD` in `…#LEAD#lead-789` (and in the sort key `LEAD` of a table
    /// with sort keys).
    const TAG: EntityTag;

    /// The entity's top-level attributes as serde serializes them, and which of them hold
    /// ids: what an [`Update`](crate::Update) of the entity may name. Generated by
    /// `#[derive(ScopedKey)]` from the fields and their serde attributes.
    const ATTRIBUTES: Attributes;

    /// The entity whose partitions hold this one's items: `Self`, or the entity named by
    /// `#[scoped(partition = …)]` (a note kept in its lead's partition). Its tag heads the
    /// partition key.
    type Partition: Entity<Scope = Self::Scope, Declaration = Self::Declaration>;

    /// All ids of one item, in order: the partition ids (`#[scoped(id)]`), then the sort ids
    /// (`#[scoped(sort)]`). One id as itself, several as a tuple.
    type Ids<'a>
    where
        Self: 'a;

    /// The ids of a partition: the `#[scoped(id)]` fields, in order.
    type PartitionIds<'a>: KeyIds
    where
        Self: 'a;

    /// The sort ids of an item: the `#[scoped(sort)]` fields in order, `()` when it has none.
    type SortIds<'a>: SortIds
    where
        Self: 'a;

    /// How many sort ids the entity has (`#[scoped(sort)]` fields).
    #[doc(hidden)]
    const SORT_ID_COUNT: usize;

    /// The position a query of this entity starts at: its first sort id, or
    /// [`Done`](crate::position::Done) when it has none.
    #[doc(hidden)]
    type FirstSort: Position;

    /// This value's ids, borrowed from its id and sort fields.
    fn ids(&self) -> Self::Ids<'_>;

    /// Splits an item's ids into its partition ids and its sort ids.
    #[doc(hidden)]
    fn split_ids<'a>(ids: Self::Ids<'a>) -> (Self::PartitionIds<'a>, Self::SortIds<'a>)
    where
        Self: 'a;

    /// The entity's claim on its tag in its table, a `static` of its own (see
    /// [`KeyError::TagInUse`]).
    #[doc(hidden)]
    fn registration() -> &'static Registration;

    /// This value's index attributes (`pk_{index}`, `sk_{index}`) for every index template of
    /// the entity it is in; `key` is its table key, which picks its shard on sharded indexes.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if a template value is empty or an index key is too long.
    #[doc(hidden)]
    fn index_attributes(
        &self,
        scope: &Self::Scope,
        key: &ItemKey<Self>,
    ) -> Result<IndexAttributes, KeyError>
    where
        Self: Sized;

    /// Calls `visit` with the attribute name and value of each `#[scoped(unique)]` field that
    /// holds a value (an optional one that is `None` claims nothing).
    #[doc(hidden)]
    fn visit_unique(&self, visit: &mut dyn FnMut(&'static str, Segment<'_>));

    /// The attribute names of the `#[scoped(unique)]` fields, whether or not a value holds
    /// one: which writes keep uniqueness items, and which stored attributes a replace or a
    /// delete frees. Empty (the default) for an entity without unique fields.
    #[doc(hidden)]
    const UNIQUE_ATTRIBUTES: &'static [&'static str] = &[];

    /// The partition key with `ids` in `scope`.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes;
    /// [`KeyError::TagInUse`] if another entity already uses this one's tag in its table;
    /// [`KeyError::SchemaConflict`] if another declaration of its table declares another key
    /// schema.
    fn partition_key(
        scope: &Self::Scope,
        ids: Self::PartitionIds<'_>,
    ) -> Result<PartitionKey<Self>, KeyError>
    where
        Self: Sized,
    {
        tags::claim::<Self>()?;
        ids.encode(scope, &<Self::Partition as Entity>::TAG)
            .map(PartitionKey::new)
    }

    /// The key of the item with `ids` in `scope`: its partition key and, in a table with sort
    /// keys, its sort key (`{TAG}`, or `{TAG}#{sort ids}`).
    ///
    /// # Errors
    ///
    /// As [`partition_key`](Self::partition_key), and [`KeyError`] if a sort id is empty or
    /// the sort key is too long.
    fn item_key(scope: &Self::Scope, ids: Self::Ids<'_>) -> Result<ItemKey<Self>, KeyError>
    where
        Self: Sized,
    {
        let (partition, sort) = Self::split_ids(ids);
        item_key_of::<Self>(scope, partition, sort)
    }

    /// This value's own partition key in `scope`.
    ///
    /// # Errors
    ///
    /// As [`partition_key`](Self::partition_key).
    fn to_partition_key(&self, scope: &Self::Scope) -> Result<PartitionKey<Self>, KeyError>
    where
        Self: Sized,
    {
        Self::partition_key(scope, Self::split_ids(self.ids()).0)
    }

    /// This value's own item key in `scope`.
    ///
    /// # Errors
    ///
    /// As [`item_key`](Self::item_key).
    fn to_item_key(&self, scope: &Self::Scope) -> Result<ItemKey<Self>, KeyError>
    where
        Self: Sized,
    {
        Self::item_key(scope, self.ids())
    }
}

/// The seals of the entity traits: supertraits user code cannot implement by accident, so
/// that no hand-written impl can put an entity into another scope, forge its tag or base name,
/// or let a client reach an entity of another scope.
///
/// [`BoundTable`](seal::BoundTable) and [`DerivedEntity`](seal::DerivedEntity) are implemented by
/// the code the macros generate, through `::scoped_runtime::__private` (not public API);
/// [`InScope`](seal::InScope) and [`NoTables`](seal::NoTables) only here.
pub(crate) mod seal {
    use crate::dynamodb::entity::Table;
    use crate::scope::Scope;

    /// Implemented by the table attributes beside [`Table`](super::Table).
    #[diagnostic::on_unimplemented(
        message = "`Table` cannot be implemented by hand: `{Self}` has no table attribute",
        label = "`{Self}` needs a table attribute, not a hand-written `Table` impl",
        note = "remove the impl and bind `{Self}` with `#[capsule_table(\"…\")]`, `#[tenant_table(\"…\")]` or `#[platform_table(\"…\")]`: the attribute checks the base name and fixes the scope"
    )]
    pub trait BoundTable {}

    /// Implemented by `#[derive(ScopedKey)]` beside [`Entity`](super::Entity).
    #[diagnostic::on_unimplemented(
        message = "`Entity` cannot be implemented by hand: `{Self}` does not derive `ScopedKey`",
        label = "`{Self}` needs `#[derive(ScopedKey)]`, not a hand-written `Entity` impl",
        note = "remove the impl, add `#[derive(ScopedKey)]` and mark the id fields with `#[scoped(id)]`: the derive checks the entity tag and escapes the ids; for an id type of your own, implement `scoped_runtime::KeySegment`"
    )]
    pub trait DerivedEntity {}

    /// `ClientScope` and `EntityScope` are the same scope, the entity's: the seal of the scope
    /// check ([`EntityInScope`](crate::EntityInScope)).
    #[diagnostic::on_unimplemented(
        message = "scope checks cannot be implemented by hand: `{Self}` is a `{EntityScope}` entity, not a `{ClientScope}` one",
        label = "hand-written scope check",
        note = "`scoped_runtime` implements `EntityInScope` for exactly the entities of each scope; remove this impl and reach `{Self}` through a client of its own scope, or bind it to a `{ClientScope}` table with that scope's table attribute"
    )]
    pub trait InScope<ClientScope, EntityScope> {}

    impl<E: Table<Scope = S> + ?Sized, S: Scope> InScope<S, S> for E {}

    /// Implemented by nothing: the seal of [`OperatorEntity`](super::OperatorEntity).
    #[diagnostic::on_unimplemented(
        message = "`OperatorEntity` cannot be implemented: an `OperatorClient` has no tables",
        label = "hand-written `OperatorEntity` impl",
        note = "remove the impl and reach `{Self}` through the client of its scope: `factory.platform_dynamodb()`, `factory.tenant_dynamodb(&tenant)` or `factory.capsule_dynamodb(&capsule)`"
    )]
    pub trait NoTables {}
}

/// Implemented by the entities of scope `ClientScope`: the only ones a client (or a
/// transaction) of that scope reaches, whatever the service.
///
/// `EntityScope` is always `<Self as Table>::Scope`; it is a parameter only so the error for
/// an entity of another scope can name it: "`Webhook` is a `Tenant` entity, but this client
/// reaches only `Capsule` entities".
///
/// Sealed: implemented by the runtime for exactly the entities of each scope.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `{EntityScope}` entity, but this client reaches only `{ClientScope}` entities",
    label = "`{Self}` belongs to the `{EntityScope}` scope",
    note = "use the client of `{Self}`'s own scope, `{EntityScope}`: `factory.platform_dynamodb()`, `factory.tenant_dynamodb(&tenant)` or `factory.capsule_dynamodb(&capsule)`",
    note = "in generic code over an entity type `E`, bound its scope: `E: Entity<Scope = {ClientScope}>` (`E: Table<Scope = {ClientScope}>` for `table::<E>()`)"
)]
pub trait EntityInScope<ClientScope, EntityScope>:
    Table + seal::InScope<ClientScope, EntityScope>
{
    /// The client's scope as the entity's, which it is.
    #[doc(hidden)]
    fn scope_of(scope: &ClientScope) -> &Self::Scope;
}

impl<E: Table<Scope = S> + ?Sized, S: Scope> EntityInScope<S, S> for E {
    fn scope_of(scope: &S) -> &S {
        scope
    }
}

/// Implemented by nothing: an [`OperatorClient`](crate::OperatorClient) reaches no table. Its
/// hidden `table::<E>()`, `items::<E>()` and `key::<E>()` require this trait only to turn a
/// mistaken call into an error that names the right client.
///
/// Sealed: nothing can implement it.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "an `OperatorClient` has no tables: `{Self}` is a `{EntityScope}` entity",
    label = "operator clients do cross-account STS work and table administration, not data access",
    note = "reach `{Self}` through the client of its scope: `factory.platform_dynamodb()`, `factory.tenant_dynamodb(&tenant)` or `factory.capsule_dynamodb(&capsule)`"
)]
pub trait OperatorEntity<EntityScope>: Table + seal::NoTables {
    /// Unreachable: no type implements this trait.
    #[doc(hidden)]
    fn no_table<T>() -> T;
}

/// Implemented by nothing: the hidden `transaction()` of an
/// [`OperatorClient`](crate::OperatorClient) requires it of the client only to turn a mistaken
/// call into an error that names the right client.
///
/// Sealed: nothing can implement it.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "an `OperatorClient` has no transactions: it reaches no entity's table",
    label = "operator clients do cross-account STS work and table administration, not data access",
    note = "write transactions through the client of the entities' scope: `factory.capsule_dynamodb(&capsule).transaction()`, `factory.tenant_dynamodb(&tenant).transaction()` or `factory.platform_dynamodb().transaction()`"
)]
pub trait OperatorTransaction: seal::NoTables {
    /// Unreachable: no type implements this trait.
    #[doc(hidden)]
    fn no_transaction<T>() -> T;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Capsule;

    test_entity!(
        Lead,
        Capsule,
        "crm",
        "LEAD",
        attributes = [],
        id = "lead-789"
    );

    #[test]
    fn keys_and_tables_of_an_entity() {
        let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
        let key = Lead.to_partition_key(&capsule).unwrap();
        assert_eq!(key, "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789");
        assert_eq!(key.clone().into_string(), key.as_str());
        assert_eq!(Lead::table_name(&capsule), "PRODUS_crm");
        assert_eq!(EntityTable::<Lead>::new(&capsule).to_string(), "PRODUS_crm");
        assert!(matches!(
            Lead::partition_key(&capsule, ""),
            Err(KeyError::EmptyId { position: 1, .. })
        ));
    }
}
