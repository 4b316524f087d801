//! Item collections: one query returns the items of several entities that share a partition
//! (a lead and its notes), each read as its own type.

use std::fmt;
use std::marker::PhantomData;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use super::check::check_item;
use super::convert::Item;
use super::plan::{Page, Plan};
use super::stream::{ItemStream, follow_pages};
use super::{Items, SORT_KEY_ATTRIBUTE};
use crate::dynamodb::cursor::{Cursor, QueryTarget};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::error::KeyError;
use crate::ident::EntityTag;
use aws_sdk_dynamodb::types::AttributeValue;

/// An enum of entities that share a partition, read together by one query: implemented by
/// `#[derive(Collection)]`.
///
/// ```no_run
/// use scoped_runtime::{Collection, DynamoDb, CapsuleClient, ScopedKey, capsule_table};
/// use serde::{Deserialize, Serialize};
///
/// /// The CRM table of each capsule.
/// #[capsule_table("crm", sort_key)]
/// pub struct Crm;
///
/// /// A lead.
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(table = Crm, entity = "LEAD")]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
///     pub name: String,
/// }
///
/// /// A note on a lead, in the lead's partition.
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(partition = Lead, entity = "NOTE")]
/// pub struct Note {
///     #[scoped(id)]
///     pub lead_id: String,
///     #[scoped(sort)]
///     pub created: i64,
///     pub text: String,
/// }
///
/// /// A lead with its notes.
/// #[derive(Collection)]
/// pub enum LeadView {
///     /// The lead itself.
///     Lead(Lead),
///     /// One of its notes.
///     Note(Note),
/// }
///
/// # async fn demo(crm: CapsuleClient<DynamoDb>) -> Result<(), scoped_runtime::Error> {
/// for item in crm.collection::<LeadView>("lead-789").try_collect().await? {
///     match item {
///         LeadView::Lead(lead) => println!("{}", lead.name),
///         LeadView::Note(note) => println!("  {}", note.text),
///     }
/// }
/// # Ok(()) }
/// ```
///
/// Variants are newtypes of entities with the same partition entity (so the same scope and
/// table); a variant of another partition does not compile. An item of the partition whose
/// tag is no variant's is [`Error::ForeignItem`], and every item is checked like a query's.
///
/// Sealed: only the derive implements it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a collection",
    label = "not `#[derive(Collection)]`",
    note = "a collection is an enum of entities that share a partition, with `#[derive(Collection)]`"
)]
pub trait Collection: Sized + seal::DerivedCollection {
    /// The entity whose partitions hold the collection's items.
    type Partition: Entity;

    /// The entity in `item`, dispatched on its sort key's tag.
    #[doc(hidden)]
    fn from_item(item: Item, reader: &CollectionReader<'_, Self::Partition>)
    -> Result<Self, Error>;
}

pub(crate) mod seal {
    /// Implemented by `#[derive(Collection)]` beside [`Collection`](super::Collection).
    #[diagnostic::on_unimplemented(
        message = "`Collection` cannot be implemented by hand: `{Self}` does not derive it",
        label = "hand-written `Collection` impl",
        note = "remove the impl and add `#[derive(Collection)]`: the derive checks that every variant shares the partition"
    )]
    pub trait DerivedCollection {}
}

/// `Self` is `P`: the check `#[derive(Collection)]` makes of each variant's partition entity
/// against the first variant's.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a collection reads the partitions of one entity, `{P}`, but this variant lives in the partitions of `{Self}`",
    label = "another partition, table or scope",
    note = "a collection's variants share one partition: the first variant's entity, and entities declared with `#[scoped(partition = …)]` of it"
)]
pub trait PartitionOf<P> {}

impl<T> PartitionOf<T> for T {}

/// Compiles only if `E` lives in the partitions of `P`.
#[doc(hidden)]
pub fn same_partition<P, E>()
where
    E: Entity,
    E::Partition: PartitionOf<P>,
{
}

/// What a collection's generated `from_item` reads items with. Not public API.
#[doc(hidden)]
pub struct CollectionReader<'a, P: Entity> {
    scope: &'a P::Scope,
    table: &'a str,
    partition: &'a str,
    collection: &'static str,
}

impl<P: Entity> CollectionReader<'_, P> {
    /// Which of `tags` (the variants' entity tags, in order) `item`'s sort key has.
    ///
    /// # Errors
    ///
    /// [`Error::ForeignItem`] if it has no string sort key, or a tag that is none of `tags`.
    pub fn variant(&self, item: &Item, tags: &[EntityTag]) -> Result<usize, Error> {
        let Some(AttributeValue::S(sk)) = item.get(SORT_KEY_ATTRIBUTE) else {
            return Err(Error::ForeignItem {
                table: self.table.to_owned(),
                key: self.partition.to_owned(),
                entity: self.collection,
                reason: "it has no string sort key `sk`".to_owned(),
            });
        };
        let tag = sk.split_once('#').map_or(sk.as_str(), |(tag, _)| tag);
        tags.iter()
            .position(|candidate| candidate.as_str() == tag)
            .ok_or_else(|| self.unknown(tag))
    }

    /// `item` as an `E`, checked.
    ///
    /// # Errors
    ///
    /// As the ownership check of a query's items.
    pub fn read<E>(&self, item: Item) -> Result<E, Error>
    where
        E: Entity<Scope = P::Scope> + DeserializeOwned,
    {
        check_item::<E>(self.scope, self.table, item, Some(self.partition))
    }

    /// The error for an item whose tag is no variant's.
    fn unknown(&self, tag: &str) -> Error {
        Error::ForeignItem {
            table: self.table.to_owned(),
            key: self.partition.to_owned(),
            entity: self.collection,
            reason: format!("its sort key has tag `{tag}`, which is none of the collection's"),
        }
    }
}

/// A query of a collection's items in one partition, from a scoped client's
/// `collection::<C>(ids)`: every item of the partition, in sort-key order, each read as its
/// variant.
#[must_use = "a query does nothing until it is read"]
pub struct CollectionQuery<C: Collection> {
    items: Items<C::Partition>,
    partition: Result<String, KeyError>,
    descending: bool,
    limit: Option<usize>,
    collection: PhantomData<fn() -> C>,
}

impl<C: Collection> CollectionQuery<C> {
    pub(crate) fn new(
        items: Items<C::Partition>,
        ids: <C::Partition as Entity>::PartitionIds<'_>,
    ) -> Self {
        Self {
            partition: items
                .key(ids)
                .map(crate::dynamodb::entity::PartitionKey::into_string),
            items,
            descending: false,
            limit: None,
            collection: PhantomData,
        }
    }

    /// Items in descending sort-key order; the default is ascending.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// At most `items` items in all.
    pub fn limit(mut self, items: usize) -> Self {
        self.limit = Some(items);
        self
    }

    /// At most `items` items per request.
    pub fn page_size(mut self, items: u32) -> Self {
        self.items = self.items.page_size(items);
        self
    }

    /// Strongly consistent reads.
    pub fn consistent_reads(mut self) -> Self {
        self.items = self.items.consistent_reads();
        self
    }

    fn plan(&self) -> Result<Plan, Error> {
        Ok(Plan {
            sender: self.items.sender.clone(),
            table: self.items.table.to_string(),
            partition: self.partition.clone()?,
            condition: None,
            exclude: None,
            range: None,
            descending: self.descending,
            consistent: self.items.consistent,
            limit: super::query::request_limit(self.items.page_size, self.limit),
            index: None,
        })
    }

    /// The collection's items, as a stream following `LastEvaluatedKey`, each checked.
    pub fn stream(self) -> ItemStream<C>
    where
        C: Send + 'static,
    {
        let plan = match self.plan() {
            Ok(plan) => plan,
            Err(err) => return ItemStream::failed(err),
        };
        let limit = self.limit.unwrap_or(usize::MAX);
        let scope = self.items.scope.clone();
        let table = plan.table.clone();
        let partition = plan.partition.clone();
        let items = follow_pages(move |start| {
            let plan = plan.clone();
            async move { plan.fetch(start).await }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .map(move |item| {
            item.and_then(|item| {
                let reader = CollectionReader::<C::Partition> {
                    scope: &scope,
                    table: &table,
                    partition: &partition,
                    collection: std::any::type_name::<C>(),
                };
                C::from_item(item, &reader)
            })
        })
        .take(limit);
        ItemStream::new(items)
    }

    /// Every item of the collection, or the first error.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id is empty; [`Error::ForeignItem`] for an item of a tag no
    /// variant has, or one that is not its entity's; otherwise as [`Items::get`].
    pub async fn try_collect(self) -> Result<Vec<C>, Error>
    where
        C: Send + 'static,
    {
        self.stream().try_collect().await
    }

    /// One page of the collection: at most [`limit`](Self::limit) items (or one DynamoDB
    /// page), from `cursor`, which must come from a page of this same collection query, and
    /// the cursor after them.
    ///
    /// # Errors
    ///
    /// [`Error::Cursor`] for a cursor of another query; otherwise as
    /// [`try_collect`](Self::try_collect).
    pub async fn page(self, cursor: Option<&Cursor>) -> Result<Page<C>, Error> {
        let plan = self.plan()?;
        let fingerprint = plan.fingerprint(
            &self.items.scope,
            QueryTarget::Collection(std::any::type_name::<C>().to_owned()),
        );
        let (raw, cursor) = plan.page(fingerprint, cursor).await?;
        let reader = CollectionReader::<C::Partition> {
            scope: &self.items.scope,
            table: &plan.table,
            partition: &plan.partition,
            collection: std::any::type_name::<C>(),
        };
        let items = raw
            .into_iter()
            .map(|item| C::from_item(item, &reader))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, cursor })
    }

    /// How many items the partition holds, up to the limit if one is set: the collection's
    /// items, each checked as [`stream`](Self::stream) checks them, counted (an item of a tag
    /// outside the collection is an error, never a number).
    ///
    /// # Errors
    ///
    /// As [`try_collect`](Self::try_collect).
    pub async fn count(self) -> Result<u64, Error>
    where
        C: Send + 'static,
    {
        self.stream().count().await
    }
}

/// Reads `items`, read from the partition `partition` of `scope`, as collection `C`: the
/// decoding and checks of a collection query without its requests. For the benchmarks; not
/// public API.
///
/// # Errors
///
/// As [`CollectionQuery::try_collect`] for each item.
#[cfg(feature = "test-util")]
pub fn decode_collection<C: Collection>(
    scope: &<C::Partition as crate::dynamodb::entity::Table>::Scope,
    partition: &str,
    items: Vec<Item>,
) -> Result<Vec<C>, Error> {
    let table = <C::Partition as crate::dynamodb::entity::Table>::table_name(scope);
    let reader = CollectionReader::<C::Partition> {
        scope,
        table: table.as_str(),
        partition,
        collection: std::any::type_name::<C>(),
    };
    items
        .into_iter()
        .map(|item| C::from_item(item, &reader))
        .collect()
}

impl<C: Collection> fmt::Debug for CollectionQuery<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectionQuery")
            .field("collection", &std::any::type_name::<C>())
            .field("table", &self.items.table)
            .field("partition", &self.partition.as_ref().ok())
            .field("descending", &self.descending)
            .field("limit", &self.limit)
            .finish()
    }
}
