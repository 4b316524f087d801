//! Typed operations on the items of one entity in one scope.
//!
//! A scoped client's `items::<E>()` returns [`Items<E>`]: the entity's table in the client's
//! scope and the client's guarded SDK client. Every operation builds the table name and the
//! partition key from the scope and the entity, never from caller text, and converts items with
//! serde ([`serde_dynamo`]).
//!
//! # Item layout
//!
//! An item is the entity serialized by serde into a map of attributes, plus its key: the
//! partition key in the string attribute [`pk`](PARTITION_KEY_ATTRIBUTE), from the entity's
//! `#[scoped(id)]` fields, and in a table declared with `sort_key` the sort key in the string
//! attribute [`sk`](SORT_KEY_ATTRIBUTE), from its tag and `#[scoped(sort)]` fields. The library
//! writes both; the names are reserved, so an entity that serializes either is an error
//! ([`Error::ReservedAttribute`]), never a silently overwritten key. Every item read back
//! (`get`, `query`, `batch_get`, `update`'s result, collections, `from_item`) is checked to be
//! one of the entity's in the scope; a stranger is an error.

mod attributes;
mod batch;
mod check;
mod collection;
mod condition;
mod convert;
mod index_query;
mod item;
mod plan;
mod provision;
mod query;
mod scan;
mod stream;
mod transact;
mod unique;
mod update;
mod versioned;

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use crate::client::Sender;
use crate::dynamodb::DynamoDb;
use crate::dynamodb::entity::{Entity, ItemKey, PartitionKey};
use crate::dynamodb::error::Error;
use crate::error::KeyError;
use crate::naming::table::TableName;

pub use attributes::{Attribute, Attributes};
#[cfg(feature = "test-util")]
pub use collection::decode_collection;
pub use collection::{Collection, CollectionQuery};
#[doc(hidden)]
pub use collection::{CollectionReader, PartitionOf, same_partition, seal::DerivedCollection};
pub use index_query::{DEFAULT_INDEX_PAGE_ITEMS, IndexItems, IndexQuery};
pub use plan::Page;
pub(crate) use provision::provision_table;
pub use query::Query;
pub use scan::ScannableEntity;
pub use stream::ItemStream;
pub use transact::Transaction;
pub use update::Update;

pub(crate) use crate::dynamodb::schema::{PARTITION_KEY_ATTRIBUTE, SORT_KEY_ATTRIBUTE};

/// The items of entity `E` in one scope's table, from a scoped client's `items::<E>()`.
///
/// Cheap to clone (a few reference counts). Every request goes through the client's isolation
/// guard; the operations build only keys and table names of `E`'s scope, so the guard never
/// rejects them.
///
/// ```no_run
/// use scoped_runtime::{AwsClientFactory, Capsule, ScopedKey, capsule_table};
/// use serde::{Deserialize, Serialize};
///
/// /// A sales lead.
/// #[capsule_table("crm")]
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(entity = "LEAD")]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
///     pub name: String,
/// }
///
/// # async fn demo() -> Result<(), scoped_runtime::Error> {
/// let factory = AwsClientFactory::from_env().await?;
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// let leads = factory.capsule_dynamodb(&capsule).items::<Lead>();
/// leads.provision().await?; // creates PRODUS_crm if absent
///
/// let lead = Lead { lead_id: "lead-789".into(), name: "Ada".into() };
/// leads.put(&lead).await?; // pk = TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789
/// let read = leads.get("lead-789").await?;
/// assert_eq!(read.map(|lead| lead.name).as_deref(), Some("Ada"));
/// # Ok(()) }
/// ```
pub struct Items<E: Entity> {
    scope: E::Scope,
    sender: Sender<DynamoDb>,
    table: TableName,
    consistent: bool,
    page_size: Option<i32>,
    /// Parallel scan segments, at least 1.
    segments: u32,
    entity: PhantomData<fn() -> E>,
}

impl<E: Entity> Items<E> {
    pub(crate) fn new(scope: E::Scope, sender: Sender<DynamoDb>) -> Self {
        Self {
            table: E::table_name(&scope),
            scope,
            sender,
            consistent: false,
            page_size: None,
            segments: 1,
            entity: PhantomData,
        }
    }

    /// The same items, read with strongly consistent reads (`get`, `query`, `batch_get`).
    /// DynamoDB's default, and this type's, is eventually consistent.
    #[must_use]
    pub fn consistent_reads(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// The same items, queried at most `items` per request (DynamoDB's `Limit`); by default a
    /// page is as large as DynamoDB allows (1 MB).
    #[must_use]
    pub fn page_size(mut self, items: u32) -> Self {
        self.page_size = Some(i32::try_from(items).unwrap_or(i32::MAX));
        self
    }

    /// The entity's table in this scope: `PRODUS_crm`.
    #[must_use]
    pub fn table(&self) -> &TableName {
        &self.table
    }

    /// The partition key with `ids` (the `#[scoped(id)]` fields) in this scope.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or the key exceeds DynamoDB's 2048 bytes.
    pub fn key(&self, ids: E::PartitionIds<'_>) -> Result<PartitionKey<E>, KeyError> {
        E::partition_key(&self.scope, ids)
    }

    /// The key of the item with `ids` (its id fields, then its sort fields) in this scope:
    /// `pk`, and `sk` in a table with sort keys.
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty or a key is too long.
    pub fn item_key(&self, ids: E::Ids<'_>) -> Result<ItemKey<E>, KeyError> {
        E::item_key(&self.scope, ids)
    }

    /// The scope's own guarded SDK client, for operations the typed API does not wrap (the
    /// typed operations send through DynamoDB's shared client, the scope stamped on each
    /// request). Built on first use.
    #[must_use]
    pub fn raw(&self) -> &aws_sdk_dynamodb::Client {
        self.sender.raw()
    }

    /// Creates the entity's table in this scope if it does not exist, keyed as its declaration
    /// says (`pk`, string, `HASH`, and `sk`, string, `RANGE`, with a sort key) with its declared
    /// global secondary indexes (`pk_{index}`/`sk_{index}`, strings, the declared projection)
    /// and on-demand billing, and waits until it is active (up to five minutes).
    ///
    /// Meant for tests, examples and first deploys; production tables usually come from
    /// infrastructure code with the same key schema.
    ///
    /// # Errors
    ///
    /// [`Error::DynamoDb`] if creating or describing the table fails or it does not become
    /// active in time; [`Error::KeySchema`] if the table exists with another key schema, or
    /// without one of the declared indexes (or with it keyed or projected otherwise);
    /// [`Error::Key`] with [`KeyError::TagInUse`] if another entity already uses this one's tag
    /// in the table.
    pub async fn provision(&self) -> Result<(), Error> {
        crate::dynamodb::tags::claim::<E>()?;
        provision_table(self.sender.raw(), self.table.as_str(), E::schema()).await
    }

    /// The entity in `item`, an item read through the SDK client ([`raw`](Self::raw)): an
    /// index query, a stream record, a scan of your own ([`scan`](Self::scan) does this check
    /// for every item it returns). Unlike deserializing it yourself, it needs no
    /// `serde_dynamo` of your own, and checks that the item is one of this entity's in this
    /// scope before reading it: its `pk` must be a key of the scope, with this entity's tag,
    /// and equal to the key its id attributes make.
    ///
    /// A scan of a tenant's own table, each item read back as an entity (items of the
    /// table's other entities are [`Error::ForeignItem`], which a mixed table skips):
    ///
    /// ```no_run
    /// use scoped_runtime::{Error, ScopedKey, TenantClient, DynamoDb, tenant_table};
    /// use serde::{Deserialize, Serialize};
    ///
    /// /// A webhook of a tenant.
    /// #[tenant_table("notifications")]
    /// #[derive(ScopedKey, Serialize, Deserialize)]
    /// #[scoped(entity = "HOOK")]
    /// pub struct Webhook {
    ///     #[scoped(id)]
    ///     pub webhook_id: String,
    ///     pub url: String,
    /// }
    ///
    /// # async fn demo(client: TenantClient<DynamoDb>) -> Result<(), Box<dyn std::error::Error>> {
    /// let hooks = client.items::<Webhook>();
    /// let mut pages = hooks.raw().scan().table_name(hooks.table().as_str()).into_paginator().items().send();
    /// while let Some(item) = pages.next().await {
    ///     match hooks.from_item(item?) {
    ///         Ok(hook) => println!("{}", hook.url),
    ///         Err(Error::ForeignItem { .. }) => continue, // another entity's item
    ///         Err(err) => return Err(err.into()),        // another scope's, or malformed
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Isolation`] if the item has no string `pk`
    /// ([`IsolationViolation::MissingPartitionKey`]) or its `pk` is not a key of this scope
    /// (another tenant's, capsule's or scope's: [`IsolationViolation::CrossTenant`]…);
    /// [`Error::ForeignItem`] if it is another entity's item, or its ids do not make its
    /// `pk`; [`Error::Item`] if it does not deserialize as `E`.
    ///
    /// [`IsolationViolation::MissingPartitionKey`]: crate::IsolationViolation::MissingPartitionKey
    /// [`IsolationViolation::CrossTenant`]: crate::IsolationViolation::CrossTenant
    pub fn from_item(&self, item: HashMap<String, AttributeValue>) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        self.check_item(item, None)
    }

    /// The entity in `item`, read back from this scope's table, after checking that the item
    /// is one of `E`'s in this scope: its `pk` a key of the scope with the tag of `E`'s
    /// partition entity, its `sk` (in a table with sort keys) `E`'s tag and sort ids, and both
    /// equal to the key its id attributes make. With `partition`, its `pk` must also be that
    /// key (a query's).
    ///
    /// Every item an operation reads back passes through here: a stranger is an error, never
    /// an item of `E`.
    pub(crate) fn check_item(
        &self,
        item: HashMap<String, AttributeValue>,
        partition: Option<&str>,
    ) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        check::check_item(&self.scope, self.table.as_str(), item, partition)
    }

    fn key_of(&self, item: &E) -> Result<ItemKey<E>, Error> {
        Ok(item.to_item_key(&self.scope)?)
    }
}

impl<E: Entity> Clone for Items<E> {
    fn clone(&self) -> Self {
        Self {
            scope: self.scope.clone(),
            sender: self.sender.clone(),
            table: self.table.clone(),
            consistent: self.consistent,
            page_size: self.page_size,
            segments: self.segments,
            entity: PhantomData,
        }
    }
}

impl<E: Entity> fmt::Debug for Items<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("entity", &E::TAG)
            .field("table", &self.table)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}
