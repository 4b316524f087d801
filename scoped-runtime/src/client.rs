//! Scope-typed clients: an AWS SDK client bound to the one scope it may touch.
//!
//! A `CapsuleClient<DynamoDb>` holds its [`Capsule`] and the factory it came from; only
//! [`AwsClientFactory`] can build one, and handing one out or cloning it costs two or three
//! reference-count increments. Its `aws_sdk_dynamodb::Client`, which carries the scope's
//! isolation guard, is looked up in the factory on first use.

use std::fmt;
use std::sync::OnceLock;

use crate::entity::{
    CapsuleEntity, Entity, EntityTable, OperatorEntity, OperatorTransaction, PartitionKey,
    PlatformEntity, Table, TenantEntity,
};
use crate::error::{Error, IsolationViolation, KeyError, ScopeError};
use crate::factory::AwsClientFactory;
use crate::ident::BaseName;
use crate::index::{Index, IndexedBy};
use crate::ops::{Collection, CollectionQuery, IndexItems, Items, Transaction, provision_table};
use crate::role::OperatorRole;
use crate::schema::KeySchema;
use crate::scope::{Capsule, Platform, Scope, Tenant};
use crate::table::TableName;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::DynamoDb {}
    impl Sealed for super::Sts {}
}

/// An AWS service a scoped client can wrap.
pub trait Service: sealed::Sealed + 'static {
    /// The SDK's client type for the service.
    type Client: Clone + fmt::Debug + Send + Sync + 'static;
}

/// Amazon DynamoDB: scoped clients wrap [`aws_sdk_dynamodb::Client`].
#[derive(Debug, Clone, Copy)]
pub enum DynamoDb {}

impl Service for DynamoDb {
    type Client = aws_sdk_dynamodb::Client;
}

/// AWS STS: operator clients wrap [`aws_sdk_sts::Client`].
#[derive(Debug, Clone, Copy)]
pub enum Sts {}

impl Service for Sts {
    type Client = aws_sdk_sts::Client;
}

/// Defines a scoped client type for one data scope.
macro_rules! scoped_client {
    ($(#[$doc:meta])* $name:ident, $scope:ident, $getter_doc:literal) => {
        $(#[$doc])*
        pub struct $name<S: Service> {
            scope: $scope,
            factory: AwsClientFactory,
            /// The scope's guarded SDK client, looked up in the factory on first use, so
            /// handing out a scoped client builds and looks up nothing.
            raw: OnceLock<S::Client>,
        }

        impl<S: Service> $name<S> {
            pub(crate) fn new(scope: $scope, factory: AwsClientFactory) -> Self {
                Self {
                    scope,
                    factory,
                    raw: OnceLock::new(),
                }
            }

            #[doc = $getter_doc]
            #[must_use]
            pub fn scope(&self) -> &$scope {
                &self.scope
            }

            /// The name of this scope's table with base name `base`.
            ///
            /// # Errors
            ///
            /// [`ScopeError::BaseName`] if `base` breaks the
            /// [base name rule](crate#naming-rules); a bad base is never turned into some other
            /// table name.
            pub fn table_name(&self, base: &str) -> Result<TableName, ScopeError> {
                Ok(self.scope.table(&BaseName::new(base)?))
            }

            /// Checks that `pk` is a partition key of exactly this client's scope, comparing
            /// whole segments, never substrings.
            ///
            /// # Errors
            ///
            /// [`IsolationViolation`] naming the key and the segment that differs.
            pub fn validate_pk(&self, pk: &str) -> Result<(), IsolationViolation> {
                self.scope.check_key(pk)
            }
        }

        impl $name<DynamoDb> {
            /// The SDK client underneath, for operations the typed API does not wrap. It
            /// carries the [isolation guard](crate#5-the-isolation-guard): a request naming a
            /// table or partition key outside this client's scope fails with an
            /// [`IsolationViolation`] (find it with [`IsolationViolation::find_in`]) before
            /// it is sent.
            ///
            /// The guard stops mistakes, not hostile code: this is the SDK's own client, so
            /// `raw().config().to_builder()` can rebuild it without interceptors. Against such
            /// code only a role's session policy helps (docs/guard.md, "Threat model").
            ///
            /// Built once per scope and cached by the factory, on the first call.
            #[must_use]
            pub fn raw(&self) -> &aws_sdk_dynamodb::Client {
                self.raw
                    .get_or_init(|| self.factory.guarded_dynamodb(&self.scope))
            }

            /// A transaction over entities of this client's scope; see [`Transaction`].
            pub fn transaction(&self) -> Transaction<$scope> {
                Transaction::new(self.scope.clone(), self.raw().clone())
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
                let schema = crate::schema::TableSchema {
                    key: KeySchema::Partition,
                    indexes: &[],
                };
                provision_table(self.raw(), table.as_str(), schema).await?;
                Ok(table)
            }
        }

        impl<S: Service> Clone for $name<S> {
            fn clone(&self) -> Self {
                Self {
                    scope: self.scope.clone(),
                    factory: self.factory.clone(),
                    raw: self.raw.clone(),
                }
            }
        }

        impl<S: Service> fmt::Debug for $name<S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("scope", &self.scope)
                    .finish_non_exhaustive()
            }
        }
    };
}

scoped_client! {
    /// A client for the platform scope's tables and keys.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// let factory = scoped_runtime::AwsClientFactory::from_env().await?;
    /// let events = factory.platform_dynamodb();
    /// assert_eq!(events.table_name("events")?, "events");
    /// # Ok(()) }
    /// ```
    PlatformClient, Platform, "The platform scope."
}

scoped_client! {
    /// A client for one tenant's tables (`{tenant_id}_{base}`) and keys
    /// (`TENANT#{tenant_id}#…`), signing with the tenant's role when it has one.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// use scoped_runtime::{AwsClientFactory, Tenant};
    ///
    /// let factory = AwsClientFactory::from_env().await?;
    /// let tenant = Tenant::new("tenant-123", "Acme")?;
    /// let client = factory.tenant_dynamodb(&tenant);
    /// assert_eq!(client.table_name("notifications")?, "tenant-123_notifications");
    /// assert!(client.validate_pk("TENANT#tenant-1234#WEBHOOK#w1").is_err());
    /// # Ok(()) }
    /// ```
    TenantClient, Tenant, "The tenant this client is bound to."
}

scoped_client! {
    /// A client for one capsule's tables (`{capsule_code}_{base}`) and keys
    /// (`TENANT#{tenant_id}#CAPSULE#{capsule_id}#…`).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), scoped_runtime::Error> {
    /// use scoped_runtime::{AwsClientFactory, Capsule};
    ///
    /// let factory = AwsClientFactory::from_env().await?;
    /// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    /// let crm = factory.capsule_dynamodb(&capsule);
    /// assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
    /// crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789")?;
    /// assert!(crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-4567#LEAD#lead-789").is_err());
    /// # Ok(()) }
    /// ```
    CapsuleClient, Capsule, "The capsule this client is bound to."
}

// Written out per client, not by macro, so that a cross-scope error's "required by this
// bound" note quotes a plain bound rather than macro metavariables.
impl PlatformClient<DynamoDb> {
    /// The table of entity `E`, which must be a `#[platform_table]` entity: `events`.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn table<E>(&self) -> EntityTable<E>
    where
        E: Table + PlatformEntity<<E as Table>::Scope> + ?Sized,
    {
        EntityTable::new(E::same_scope(&self.scope))
    }

    /// The partition key of entity `E`, which must be a `#[platform_table]` entity, with `ids` in
    /// this client's scope: one id, or a tuple of ids in field order.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    pub fn key<E>(&self, ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError>
    where
        E: Entity + PlatformEntity<<E as Table>::Scope>,
    {
        E::partition_key(E::same_scope(&self.scope), ids)
    }

    /// The items of entity `E`, which must be a `#[platform_table]` entity, in this client's scope
    /// (table `events`): typed put, get, delete, update, query, batch and provisioning, through
    /// this client's guarded SDK client. See [`Items`].
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn items<E>(&self) -> Items<E>
    where
        E: Entity + PlatformEntity<<E as Table>::Scope>,
    {
        Items::new(E::same_scope(&self.scope).clone(), self.raw().clone())
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
        C::Partition: PlatformEntity<<C::Partition as Table>::Scope>,
    {
        CollectionQuery::new(self.items::<C::Partition>(), ids)
    }

    /// Entity `E`'s items in its table's global secondary index `I` in this client's scope:
    /// `index::<Lead, ByEmail>().get("ada@example.com")`, `index::<Lead, Recent>().query(())`.
    /// `E` must be a `#[platform_table]` entity with a template for `I`. See [`IndexItems`].
    #[must_use]
    pub fn index<E, I>(&self) -> IndexItems<E, I>
    where
        E: Entity + PlatformEntity<<E as Table>::Scope> + IndexedBy<I>,
        I: Index,
    {
        self.items::<E>().index::<I>()
    }
}

impl TenantClient<DynamoDb> {
    /// The table of entity `E`, which must be a `#[tenant_table]` entity: `tenant-123_notifications`.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn table<E>(&self) -> EntityTable<E>
    where
        E: Table + TenantEntity<<E as Table>::Scope> + ?Sized,
    {
        EntityTable::new(E::same_scope(&self.scope))
    }

    /// The partition key of entity `E`, which must be a `#[tenant_table]` entity, with `ids` in
    /// this client's scope: one id, or a tuple of ids in field order.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    pub fn key<E>(&self, ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError>
    where
        E: Entity + TenantEntity<<E as Table>::Scope>,
    {
        E::partition_key(E::same_scope(&self.scope), ids)
    }

    /// The items of entity `E`, which must be a `#[tenant_table]` entity, in this client's scope
    /// (table `tenant-123_notifications`): typed put, get, delete, update, query, batch and provisioning, through
    /// this client's guarded SDK client. See [`Items`].
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn items<E>(&self) -> Items<E>
    where
        E: Entity + TenantEntity<<E as Table>::Scope>,
    {
        Items::new(E::same_scope(&self.scope).clone(), self.raw().clone())
    }

    /// A query of collection `C` in the partition of `ids` (its partition entity's
    /// `#[scoped(id)]` fields) in this client's scope: every item there, each read as its
    /// variant. `C`'s entities must be `#[tenant_table]` entities. See [`Collection`].
    pub fn collection<C>(
        &self,
        ids: <C::Partition as Entity>::PartitionIds<'_>,
    ) -> CollectionQuery<C>
    where
        C: Collection,
        C::Partition: TenantEntity<<C::Partition as Table>::Scope>,
    {
        CollectionQuery::new(self.items::<C::Partition>(), ids)
    }

    /// Entity `E`'s items in its table's global secondary index `I` in this client's scope:
    /// `index::<Lead, ByEmail>().get("ada@example.com")`, `index::<Lead, Recent>().query(())`.
    /// `E` must be a `#[tenant_table]` entity with a template for `I`. See [`IndexItems`].
    #[must_use]
    pub fn index<E, I>(&self) -> IndexItems<E, I>
    where
        E: Entity + TenantEntity<<E as Table>::Scope> + IndexedBy<I>,
        I: Index,
    {
        self.items::<E>().index::<I>()
    }
}

impl CapsuleClient<DynamoDb> {
    /// The table of entity `E`, which must be a `#[capsule_table]` entity: `PRODUS_crm`.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn table<E>(&self) -> EntityTable<E>
    where
        E: Table + CapsuleEntity<<E as Table>::Scope> + ?Sized,
    {
        EntityTable::new(E::same_scope(&self.scope))
    }

    /// The partition key of entity `E`, which must be a `#[capsule_table]` entity, with `ids` in
    /// this client's scope: one id, or a tuple of ids in field order.
    ///
    /// An entity of another scope is a compile error naming the client to use.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    pub fn key<E>(&self, ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError>
    where
        E: Entity + CapsuleEntity<<E as Table>::Scope>,
    {
        E::partition_key(E::same_scope(&self.scope), ids)
    }

    /// The items of entity `E`, which must be a `#[capsule_table]` entity, in this client's scope
    /// (table `PRODUS_crm`): typed put, get, delete, update, query, batch and provisioning, through
    /// this client's guarded SDK client. See [`Items`].
    ///
    /// An entity of another scope is a compile error naming the client to use.
    #[must_use]
    pub fn items<E>(&self) -> Items<E>
    where
        E: Entity + CapsuleEntity<<E as Table>::Scope>,
    {
        Items::new(E::same_scope(&self.scope).clone(), self.raw().clone())
    }

    /// A query of collection `C` in the partition of `ids` (its partition entity's
    /// `#[scoped(id)]` fields) in this client's scope: every item there, each read as its
    /// variant. `C`'s entities must be `#[capsule_table]` entities. See [`Collection`].
    pub fn collection<C>(
        &self,
        ids: <C::Partition as Entity>::PartitionIds<'_>,
    ) -> CollectionQuery<C>
    where
        C: Collection,
        C::Partition: CapsuleEntity<<C::Partition as Table>::Scope>,
    {
        CollectionQuery::new(self.items::<C::Partition>(), ids)
    }

    /// Entity `E`'s items in its table's global secondary index `I` in this client's scope:
    /// `index::<Lead, ByEmail>().get("ada@example.com")`, `index::<Lead, Recent>().query(())`.
    /// `E` must be a `#[capsule_table]` entity with a template for `I`. See [`IndexItems`].
    #[must_use]
    pub fn index<E, I>(&self) -> IndexItems<E, I>
    where
        E: Entity + CapsuleEntity<<E as Table>::Scope> + IndexedBy<I>,
        I: Index,
    {
        self.items::<E>().index::<I>()
    }
}

/// A client for operator work: AWS Organizations-level tasks outside any data scope.
///
/// It has no table accessors. From [`AwsClientFactory::operator_sts`](crate::AwsClientFactory::operator_sts)
/// it signs with the factory's own credentials.
pub struct OperatorClient<S: Service> {
    role: Option<OperatorRole>,
    client: S::Client,
}

impl<S: Service> OperatorClient<S> {
    pub(crate) fn new(role: Option<OperatorRole>, client: S::Client) -> Self {
        Self { role, client }
    }

    /// The role this client signs as, or `None` for the factory's own credentials.
    #[must_use]
    pub fn role(&self) -> Option<&OperatorRole> {
        self.role.as_ref()
    }

    /// The SDK client underneath.
    #[must_use]
    pub fn raw(&self) -> &S::Client {
        &self.client
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
            &self.client,
            table,
            crate::schema::TableSchema {
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

impl<S: Service> Clone for OperatorClient<S> {
    fn clone(&self) -> Self {
        Self {
            role: self.role.clone(),
            client: self.client.clone(),
        }
    }
}

impl<S: Service> fmt::Debug for OperatorClient<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorClient")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}
