//! The DynamoDB side of the scoped clients: tables, keys, items, collections, indexes and
//! transactions of the client's own scope.

use crate::client::{
    CapsuleClient, OperatorClient, PlatformClient, ScopedClient, Service, TenantClient,
};
use crate::dynamodb::DynamoDb;
use crate::dynamodb::entity::{
    Entity, EntityInScope, EntityTable, OperatorEntity, OperatorTransaction, PartitionKey, Table,
};
use crate::dynamodb::error::Error;
use crate::dynamodb::index::{Index, IndexedBy};
use crate::dynamodb::ops::{
    Collection, CollectionQuery, IndexItems, Items, Transaction, provision_table,
};
use crate::dynamodb::schema::KeySchema;
use crate::error::{IsolationViolation, KeyError, ScopeError};
use crate::factory::{AwsClientFactory, OperatorClients};
use crate::ident::BaseName;
use crate::naming::table::TableName;
use crate::scope::{Capsule, Platform, Scope, Tenant};

impl<Sc: Scope> ScopedClient<Sc, DynamoDb> {
    /// The name of this scope's table with base name `base`.
    ///
    /// # Errors
    ///
    /// [`ScopeError::BaseName`] if `base` breaks the
    /// [base name rule](crate#naming-rules); a bad base is never turned into some other
    /// table name.
    pub fn table_name(&self, base: &str) -> Result<TableName, ScopeError> {
        Ok(self.scope().table(&BaseName::new(base)?))
    }

    /// Checks that `pk` is a partition key of exactly this client's scope, comparing
    /// whole segments, never substrings.
    ///
    /// # Errors
    ///
    /// [`IsolationViolation`] naming the key and the segment that differs.
    pub fn validate_pk(&self, pk: &str) -> Result<(), IsolationViolation> {
        self.scope().check_key(pk)
    }

    /// A transaction over entities of this client's scope; see [`Transaction`].
    pub fn transaction(&self) -> Transaction<Sc> {
        Transaction::new(self.scope().clone(), self.sender())
    }

    /// Creates this scope's table with base name `base` if it is absent, keyed by
    /// `pk` (string, `HASH`), waits until it is active, and returns its name. Prefer
    /// `items::<E>().provision()`, which takes the base from the entity.
    ///
    /// # Errors
    ///
    /// [`Error::Scope`] for a bad base name, otherwise as [`Items::provision`].
    pub async fn provision_table(&self, base: &str) -> Result<TableName, Error> {
        let table = self.table_name(base)?;
        let schema = crate::dynamodb::schema::TableSchema {
            key: KeySchema::Partition,
            indexes: &[],
        };
        provision_table(self.raw(), table.as_str(), schema).await?;
        Ok(table)
    }
}

// One impl for the three scopes: `EntityInScope` names both scopes in a cross-scope error.
impl<Sc: Scope> ScopedClient<Sc, DynamoDb> {
    /// The table of entity `E`, which must be an entity of this client's scope: `PRODUS_crm` for a capsule client.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn table<E>(&self) -> EntityTable<E>
    where
        E: Table + EntityInScope<Sc, <E as Table>::Scope> + ?Sized,
    {
        EntityTable::new(E::scope_of(self.scope()))
    }

    /// The partition key of entity `E`, which must be an entity of this client's scope, with `ids` in
    /// this client's scope: one id, or a tuple of ids in field order.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    pub fn key<E>(&self, ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError>
    where
        E: Entity + EntityInScope<Sc, <E as Table>::Scope>,
    {
        E::partition_key(E::scope_of(self.scope()), ids)
    }

    /// The items of entity `E`, which must be an entity of this client's scope, in this client's scope
    /// (table `PRODUS_crm` for a capsule client): typed put, get, delete, update, query, batch and provisioning, through
    /// this client's guarded SDK client. See [`Items`].
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn items<E>(&self) -> Items<E>
    where
        E: Entity + EntityInScope<Sc, <E as Table>::Scope>,
    {
        Items::new(E::scope_of(self.scope()).clone(), self.sender())
    }

    /// A query of collection `C` in the partition of `ids` (its partition entity's
    /// `#[scoped(id)]` fields) in this client's scope: every item there, each read as its
    /// variant. `C`'s entities must be `#[platform_table]` entities. See [`Collection`].
    pub fn collection<C>(
        &self,
        ids: <C::Partition as Entity>::PartitionIds<'_>,
    ) -> CollectionQuery<C>
    where
        C: Collection,
        C::Partition: EntityInScope<Sc, <C::Partition as Table>::Scope>,
    {
        CollectionQuery::new(self.items::<C::Partition>(), ids)
    }

    /// Entity `E`'s items in its table's global secondary index `I` in this client's scope:
    /// `index::<Lead, ByEmail>().get("ada@example.com")`, `index::<Lead, Recent>().query(())`.
    /// `E` must be a `#[platform_table]` entity with a template for `I`. See [`IndexItems`].
    #[must_use]
    pub fn index<E, I>(&self) -> IndexItems<E, I>
    where
        E: Entity + EntityInScope<Sc, <E as Table>::Scope> + IndexedBy<I>,
        I: Index,
    {
        self.items::<E>().index::<I>()
    }
}

impl OperatorClient<DynamoDb> {
    /// Creates table `table` if it is absent, keyed by `pk` (string, `HASH`) like every scoped
    /// table, and waits until it is active. Operator clients have no scope, so any name is
    /// allowed.
    ///
    /// # Errors
    ///
    /// As [`Items::provision`].
    pub async fn provision_table(&self, table: &str) -> Result<(), Error> {
        provision_table(
            self.raw(),
            table,
            crate::dynamodb::schema::TableSchema {
                key: KeySchema::Partition,
                indexes: &[],
            },
        )
        .await
    }
}

// An operator client reaches no entity. These hidden methods never compile: they exist so that
// a mistaken `operator.items::<Lead>()` (on a DynamoDB or an STS operator client) fails with an
// error naming the client `Lead` needs, rather than a bare "no method named `items`".
impl<S: Service> OperatorClient<S> {
    /// Never compiles: an operator client has no tables.
    #[doc(hidden)]
    pub fn table<E>(&self) -> EntityTable<E>
    where
        E: OperatorEntity<<E as Table>::Scope> + ?Sized,
    {
        E::no_table()
    }

    /// Never compiles: an operator client has no tables.
    #[doc(hidden)]
    pub fn items<E>(&self) -> Items<E>
    where
        E: Entity + OperatorEntity<<E as Table>::Scope>,
    {
        E::no_table()
    }

    /// Never compiles: an operator client has no tables.
    #[doc(hidden)]
    pub fn key<E>(&self, _ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError>
    where
        E: Entity + OperatorEntity<<E as Table>::Scope>,
    {
        E::no_table()
    }

    /// Never compiles: an operator client has no tables to write.
    #[doc(hidden)]
    pub fn transaction(&self) -> Transaction<Platform>
    where
        Self: OperatorTransaction,
    {
        Self::no_transaction()
    }
}

impl AwsClientFactory {
    /// A DynamoDB client for the platform scope.
    ///
    /// Handing it out clones two `Arc`s; its guarded SDK client is looked up (and built, once
    /// per scope) on first use. The same holds for tenant and capsule clients.
    #[must_use]
    pub fn platform_dynamodb(&self) -> PlatformClient<DynamoDb> {
        self.scoped(&Platform::new())
    }

    /// A DynamoDB client for `tenant`.
    ///
    /// A tenant with a role gets a client that signs with that role's cached credentials (see
    /// "Credentials" above); one without signs with the factory's own.
    #[must_use]
    pub fn tenant_dynamodb(&self, tenant: &Tenant) -> TenantClient<DynamoDb> {
        self.scoped(tenant)
    }

    /// A DynamoDB client for `capsule`, signing with the capsule's role when it has one
    /// ([`Capsule::with_role_arn`]).
    #[must_use]
    pub fn capsule_dynamodb(&self, capsule: &Capsule) -> CapsuleClient<DynamoDb> {
        self.scoped(capsule)
    }
}

impl OperatorClients {
    /// A DynamoDB client signing as the role. It has no scoped table accessors: operator work
    /// is outside the data scopes.
    #[must_use]
    pub fn dynamodb(&self) -> OperatorClient<DynamoDb> {
        self.client::<DynamoDb>()
    }
}
