//! Entities: types bound to one scope's table, with typed partition keys.
//!
//! [`Table`] is implemented by the table attributes (`#[capsule_table("crm")]`…), [`Entity`]
//! by `#[derive(ScopedKey)]`. The scoped clients only accept entities of their own scope, which
//! the `*Entity` traits below check with errors that name the fix.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use crate::error::KeyError;
use crate::ident::{BaseName, EntityTag};
use crate::scope::{Capsule, Platform, Scope, Tenant};
use crate::segment::KeyIds;
use crate::table::TableName;

/// A type bound to one scope and one base table, by `#[platform_table("…")]`,
/// `#[tenant_table("…")]` or `#[capsule_table("…")]`.
///
/// Do not implement it by hand: the attributes check the base name at compile time.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not bound to a table",
    label = "`{Self}` has no table attribute",
    note = "bind it to its scope and table with `#[capsule_table(\"…\")]`, `#[tenant_table(\"…\")]` or `#[platform_table(\"…\")]`, placed above `#[derive(ScopedKey)]`"
)]
pub trait Table {
    /// The scope whose tables hold this type: [`Platform`], [`Tenant`] or [`Capsule`].
    type Scope: Scope;

    /// The scope-independent part of the table name: `crm` in `PRODUS_crm`.
    const BASE_NAME: BaseName;

    /// The name of this type's table in `scope`.
    #[must_use]
    fn table_name(scope: &Self::Scope) -> TableName {
        scope.table(&Self::BASE_NAME)
    }
}

/// A [`Table`] type with a partition key, implemented by `#[derive(ScopedKey)]`.
///
/// Its keys are `{scope prefix}{TAG}#{id}…`, typed as [`PartitionKey<Self>`].
pub trait Entity: Table {
    /// The entity's tag in partition keys: `LEAD` in `…#LEAD#lead-789`.
    const TAG: EntityTag;

    /// The ids of a key, in field order: `&str` for one text id, a tuple for several.
    type Ids<'a>: KeyIds
    where
        Self: 'a;

    /// This value's ids, borrowed from its `#[scoped(id)]` fields.
    fn ids(&self) -> Self::Ids<'_>;

    /// The partition key with `ids` in `scope`.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    fn partition_key(
        scope: &Self::Scope,
        ids: Self::Ids<'_>,
    ) -> Result<PartitionKey<Self>, KeyError>
    where
        Self: Sized,
    {
        ids.encode(scope, &Self::TAG).map(PartitionKey::new)
    }

    /// This value's own partition key in `scope`.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id field is empty or the key exceeds DynamoDB's 2048 bytes.
    fn to_partition_key(&self, scope: &Self::Scope) -> Result<PartitionKey<Self>, KeyError>
    where
        Self: Sized,
    {
        Self::partition_key(scope, self.ids())
    }
}

/// The partition key of one entity type: a `PartitionKey<Lead>` is not a
/// `PartitionKey<Account>`, so a key cannot be handed to code expecting another entity's.
///
/// Built only by the key builders ([`Entity::partition_key`], the clients' `key::<E>()`, the
/// generated `Lead::partition_key`), so it always holds a valid key of `E`'s scope and tag.
pub struct PartitionKey<E: ?Sized> {
    key: String,
    entity: PhantomData<fn() -> E>,
}

impl<E: ?Sized> PartitionKey<E> {
    fn new(key: String) -> Self {
        Self {
            key,
            entity: PhantomData,
        }
    }

    /// The key as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The key as an owned `String`, as the SDK's `AttributeValue::S` takes it.
    #[must_use]
    pub fn into_string(self) -> String {
        self.key
    }
}

impl<E: ?Sized> Clone for PartitionKey<E> {
    fn clone(&self) -> Self {
        Self::new(self.key.clone())
    }
}

impl<E: ?Sized> fmt::Debug for PartitionKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PartitionKey").field(&self.key).finish()
    }
}

impl<E: ?Sized> fmt::Display for PartitionKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl<E: ?Sized> PartialEq for PartitionKey<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E: ?Sized> Eq for PartitionKey<E> {}

impl<E: ?Sized> Hash for PartitionKey<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<E: ?Sized> PartialEq<str> for PartitionKey<E> {
    fn eq(&self, other: &str) -> bool {
        self.key == other
    }
}

impl<E: ?Sized> PartialEq<&str> for PartitionKey<E> {
    fn eq(&self, other: &&str) -> bool {
        self.key == *other
    }
}

impl<E: ?Sized> Deref for PartitionKey<E> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.key
    }
}

impl<E: ?Sized> AsRef<str> for PartitionKey<E> {
    fn as_ref(&self) -> &str {
        &self.key
    }
}

impl<E: ?Sized> From<PartitionKey<E>> for String {
    fn from(key: PartitionKey<E>) -> Self {
        key.key
    }
}

/// The table of entity type `E` in one scope, from a scoped client's `table::<E>()`.
pub struct EntityTable<E: ?Sized> {
    name: TableName,
    entity: PhantomData<fn() -> E>,
}

impl<E: Table + ?Sized> EntityTable<E> {
    pub(crate) fn new(scope: &E::Scope) -> Self {
        Self {
            name: scope.table(&E::BASE_NAME),
            entity: PhantomData,
        }
    }
}

impl<E: ?Sized> EntityTable<E> {
    /// The table's name: `PRODUS_crm`.
    #[must_use]
    pub fn name(&self) -> &TableName {
        &self.name
    }

    /// The table's name, owned, as the SDK's builders take it.
    #[must_use]
    pub fn into_name(self) -> TableName {
        self.name
    }
}

impl<E: ?Sized> Clone for EntityTable<E> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            entity: PhantomData,
        }
    }
}

impl<E: ?Sized> fmt::Debug for EntityTable<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EntityTable").field(&self.name).finish()
    }
}

impl<E: ?Sized> fmt::Display for EntityTable<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name.as_str())
    }
}

/// Defines the trait a scoped client's entity accessors require: implemented exactly for the
/// entities of that client's scope, with an error naming the entity's scope and the fix.
///
/// `EntityScope` is always `E::Scope`; it is a parameter only so the error can name it.
macro_rules! client_scope_check {
    (
        $(#[$doc:meta])*
        $trait:ident, $scope:ident,
        message = $message:literal,
        note = $note:literal $(,)?
    ) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "`{Self}` belongs to the `{EntityScope}` scope",
            note = $note
        )]
        pub trait $trait<EntityScope>: Table {
            /// The client's scope as the entity's, which it is.
            #[doc(hidden)]
            fn same_scope(scope: &$scope) -> &Self::Scope;
        }

        impl<E: Table<Scope = $scope> + ?Sized> $trait<$scope> for E {
            fn same_scope(scope: &$scope) -> &$scope {
                scope
            }
        }
    };
}

client_scope_check! {
    /// Implemented by the platform entities (`#[platform_table]`): the only ones a
    /// [`PlatformClient`](crate::PlatformClient) reaches.
    PlatformEntity, Platform,
    message = "`{Self}` is a `{EntityScope}` entity, but a `PlatformClient` reaches only platform entities",
    note = "use the client of `{Self}`'s own scope: `factory.tenant_dynamodb(&tenant)` for a tenant entity, `factory.capsule_dynamodb(&capsule)` for a capsule entity",
}

client_scope_check! {
    /// Implemented by the tenant entities (`#[tenant_table]`): the only ones a
    /// [`TenantClient`](crate::TenantClient) reaches.
    TenantEntity, Tenant,
    message = "`{Self}` is a `{EntityScope}` entity, but a `TenantClient` reaches only tenant entities",
    note = "use the client of `{Self}`'s own scope: `factory.capsule_dynamodb(&capsule)` for a capsule entity, `factory.platform_dynamodb()` for a platform entity",
}

client_scope_check! {
    /// Implemented by the capsule entities (`#[capsule_table]`): the only ones a
    /// [`CapsuleClient`](crate::CapsuleClient) reaches.
    CapsuleEntity, Capsule,
    message = "`{Self}` is a `{EntityScope}` entity, but a `CapsuleClient` reaches only capsule entities",
    note = "use the client of `{Self}`'s own scope: `factory.tenant_dynamodb(&tenant)` for a tenant entity, `factory.platform_dynamodb()` for a platform entity",
}

/// Implemented by nothing: an [`OperatorClient`](crate::OperatorClient) reaches no table. Its
/// hidden `table::<E>()` requires this trait only to turn a mistaken call into an error that
/// names the right client.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "an `OperatorClient` has no tables: `{Self}` is a `{EntityScope}` entity",
    label = "operator clients do cross-account STS work, not data access",
    note = "reach `{Self}` through the client of its scope: `factory.platform_dynamodb()`, `factory.tenant_dynamodb(&tenant)` or `factory.capsule_dynamodb(&capsule)`"
)]
pub trait OperatorEntity<EntityScope>: Table {
    /// Unreachable: no type implements this trait.
    #[doc(hidden)]
    fn no_table() -> EntityTable<Self>;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lead;

    impl Table for Lead {
        type Scope = Capsule;
        const BASE_NAME: BaseName = BaseName::from_static("crm");
    }

    impl Entity for Lead {
        const TAG: EntityTag = EntityTag::from_static("LEAD");
        type Ids<'a> = &'a str;

        fn ids(&self) -> &str {
            "lead-789"
        }
    }

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
