//! Typed queries within one partition: every item of an entity, a prefix of its sort ids, a
//! range on the next sort id, in either order, with a limit.

use std::fmt;
use std::marker::PhantomData;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use super::Items;
use super::plan::{Page, Plan};
use super::stream::{ItemStream, follow_pages};
use crate::dynamodb::cursor::{Cursor, QueryTarget};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::dynamodb::range::{Bound, NextSortField, Position, SortAt, SortCondition, SortRange};
use crate::error::KeyError;

/// A query of entity `E`'s items in one partition, from [`Items::query`]; `P` is the position
/// of the next sort id a condition applies to.
///
/// Fix sort ids in order with [`eq`](Self::eq) (a prefix: `begins_with`), then optionally put
/// one range on the next ([`gt`](Self::gt), [`ge`](Self::ge), [`lt`](Self::lt),
/// [`le`](Self::le), [`between`](Self::between)); choose the order, a limit, the page size and
/// consistency; then read the items as a stream ([`stream`](Self::stream),
/// [`try_collect`](Self::try_collect)), one page at a time, or [`count`](Self::count) them.
///
/// Every condition is clamped to `E`'s own sort keys: no condition returns another entity's
/// items, and every returned item is checked (its partition is the queried one, its sort key
/// one of `E`'s inside the range, its ids make its key); a stranger is
/// [`Error::ForeignItem`], never skipped.
///
/// ```no_run
/// use scoped_runtime::{Items, ScopedKey, capsule_table};
/// use serde::{Deserialize, Serialize};
///
/// /// The CRM table of each capsule, keyed by `pk` and `sk`.
/// #[capsule_table("crm", sort_key)]
/// pub struct Crm;
///
/// /// A lead.
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(table = Crm, entity = "LEAD")]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
/// }
///
/// /// A note on a lead, kept in the lead's partition, ordered by creation time.
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(partition = Lead, entity = "NOTE")]
/// pub struct Note {
///     #[scoped(id)]
///     pub lead_id: String,
///     #[scoped(sort)]
///     pub created: i64,
///     #[scoped(sort)]
///     pub note_id: String,
///     pub text: String,
/// }
///
/// # async fn demo(notes: Items<Note>) -> Result<(), scoped_runtime::Error> {
/// // The 20 newest notes of lead-789 created before 1_700_000_000.
/// let recent = notes
///     .query("lead-789")
///     .lt(Note::CREATED, 1_700_000_000)
///     .descending()
///     .limit(20)
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until it is read"]
pub struct Query<E: Entity, P> {
    items: Items<E>,
    partition: Result<String, KeyError>,
    range: Result<SortRange, KeyError>,
    descending: bool,
    limit: Option<usize>,
    position: PhantomData<fn() -> P>,
}

impl<E: Entity> Items<E> {
    /// A query of this entity's items in the partition of `ids` (its `#[scoped(id)]` fields):
    /// every item of `E` there until conditions narrow it.
    ///
    /// In a table keyed by `pk` alone, the partition holds at most one item of `E`. The key is
    /// built when this is called; an empty id is the query's only result, [`Error::Key`].
    pub fn query(&self, ids: E::PartitionIds<'_>) -> Query<E, E::FirstSort> {
        let partition = self
            .key(ids)
            .map(crate::dynamodb::entity::PartitionKey::into_string);
        Query {
            items: self.clone(),
            partition,
            range: Ok(SortRange::new(E::TAG, E::SORT_ID_COUNT)),
            descending: false,
            limit: None,
            position: PhantomData,
        }
    }
}

impl<E: Entity, P> Query<E, P> {
    fn at<Q>(self) -> Query<E, Q> {
        Query {
            items: self.items,
            partition: self.partition,
            range: self.range,
            descending: self.descending,
            limit: self.limit,
            position: PhantomData,
        }
    }

    /// Items in descending sort-key order (newest first for time-ordered sort ids); the
    /// default is ascending.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// At most `items` items in all (across pages).
    pub fn limit(mut self, items: usize) -> Self {
        self.limit = Some(items);
        self
    }

    /// At most `items` items per request (DynamoDB's `Limit`); by default a page is as large
    /// as DynamoDB allows (1 MB).
    pub fn page_size(mut self, items: u32) -> Self {
        self.items = self.items.page_size(items);
        self
    }

    /// Strongly consistent reads.
    pub fn consistent_reads(mut self) -> Self {
        self.items = self.items.consistent_reads();
        self
    }

    /// The query's items, as a stream following `LastEvaluatedKey`, each checked.
    pub fn stream(self) -> ItemStream<E>
    where
        E: DeserializeOwned + Send + 'static,
    {
        let plan = match self.plan() {
            Ok(Some(plan)) => plan,
            Ok(None) => return ItemStream::new(stream::empty()),
            Err(err) => return ItemStream::failed(err),
        };
        let limit = self.limit.unwrap_or(usize::MAX);
        let checker = plan.clone();
        let items_of = self.items.clone();
        let items = follow_pages(move |start| {
            let plan = plan.clone();
            async move { plan.fetch(start).await }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .filter_map(move |item| {
            // The one item a `<` range reads but excludes is checked like the others first:
            // a stranger at the bound is an error, never silently dropped.
            let checked = item.and_then(|item| {
                let keep = checker.in_range(&item, std::any::type_name::<E>())?;
                let entity = items_of.check_item(item, Some(&checker.partition))?;
                Ok(keep.then_some(entity))
            });
            async move { checked.transpose() }
        })
        .take(limit);
        ItemStream::new(items)
    }

    /// Every item of the query, or the first error.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id is empty; [`Error::ForeignItem`] or [`Error::Isolation`] for
    /// an item that is not one of `E`'s in the range; otherwise as [`Items::get`].
    pub async fn try_collect(self) -> Result<Vec<E>, Error>
    where
        E: DeserializeOwned + Send + 'static,
    {
        self.stream().try_collect().await
    }

    /// One page of the query: at most [`limit`](Self::limit) items (or one DynamoDB page),
    /// from `cursor`, which must come from a page of this same query (scope, entity,
    /// partition and order), and the cursor after them.
    ///
    /// # Errors
    ///
    /// [`Error::Cursor`] for a cursor of another query; otherwise as
    /// [`try_collect`](Self::try_collect).
    pub async fn page(self, cursor: Option<&Cursor>) -> Result<Page<E>, Error>
    where
        E: DeserializeOwned,
    {
        let Some(plan) = self.plan()? else {
            return Ok(Page {
                items: Vec::new(),
                cursor: None,
            });
        };
        let fingerprint = plan.fingerprint(
            &self.items.scope,
            QueryTarget::Entity(E::TAG.as_str().to_owned()),
        );
        let (raw, cursor) = plan.page(fingerprint, cursor).await?;
        let mut items = Vec::with_capacity(raw.len());
        for item in raw {
            let keep = plan.in_range(&item, std::any::type_name::<E>())?;
            let entity = self.items.check_item(item, Some(&plan.partition))?;
            if keep {
                items.push(entity);
            }
        }
        Ok(Page { items, cursor })
    }

    /// How many items match, up to the limit if one is set: the query's items, each checked
    /// as [`stream`](Self::stream) checks them, counted. A stranger in the range is an error
    /// here too, never a number; reading the items costs the same read capacity as
    /// DynamoDB's `Select: COUNT`, only more bytes on the wire.
    ///
    /// # Errors
    ///
    /// As [`try_collect`](Self::try_collect).
    pub async fn count(self) -> Result<u64, Error>
    where
        E: DeserializeOwned + Send + 'static,
    {
        self.stream().count().await
    }

    /// The requests' shape, or `None` when nothing can match.
    fn plan(&self) -> Result<Option<Plan>, Error> {
        let partition = self.partition.clone()?;
        let range = self.range.clone()?;
        let sorted = E::KEY_SCHEMA.has_sort_key();
        let (condition, exclude) = if sorted {
            match range.condition() {
                SortCondition::Empty => return Ok(None),
                SortCondition::Between { lo, hi, exclude } => (
                    Some(SortCondition::Between {
                        lo,
                        hi,
                        exclude: None,
                    }),
                    exclude,
                ),
                other => (Some(other), None),
            }
        } else {
            (None, None)
        };
        let limit = request_limit(self.items.page_size, self.limit);
        Ok(Some(Plan {
            sender: self.items.sender.clone(),
            table: self.items.table.to_string(),
            partition,
            condition,
            exclude,
            range: sorted.then_some(range),
            descending: self.descending,
            consistent: self.items.consistent,
            limit,
            index: None,
        }))
    }
}

/// DynamoDB's `Limit` for a query: the page size, or the query's limit if smaller.
pub(crate) fn request_limit(page_size: Option<i32>, limit: Option<usize>) -> Option<i32> {
    let limit = limit.map(|limit| i32::try_from(limit).unwrap_or(i32::MAX));
    match (page_size, limit) {
        (Some(size), Some(limit)) => Some(size.min(limit)),
        (size, limit) => size.or(limit),
    }
}

impl<E: Entity, P: Position> Query<E, P>
where
    E: SortAt<P>,
{
    fn next_id(self, value: &<E as SortAt<P>>::Arg<'_>) -> Query<E, P::Next> {
        let mut query = self;
        query.range = query.range.and_then(|mut range| {
            range.fix(value)?;
            Ok(range)
        });
        query.at()
    }

    fn bounded(
        mut self,
        bound: impl FnOnce(&SortRange) -> Result<Bound, KeyError>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        self.range = self.range.and_then(|mut range| {
            let bound = bound(&range)?;
            range.bound(bound);
            Ok(range)
        });
        self.at()
    }

    /// Fixes the next sort id `field` to `value`: the items whose sort ids start with the ones
    /// fixed so far (`begins_with`), or the one item once every sort id is fixed.
    pub fn eq<F: NextSortField<E, P>>(
        self,
        field: F,
        value: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, P::Next> {
        let _ = field;
        self.next_id(&value)
    }

    /// The items whose next sort id `field` is greater than `value`.
    pub fn gt<F: NextSortField<E, P>>(
        self,
        field: F,
        value: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        let _ = field;
        self.bounded(|range| Ok(Bound::Gt(range.encode(&value)?)))
    }

    /// The items whose next sort id `field` is `value` or greater.
    pub fn ge<F: NextSortField<E, P>>(
        self,
        field: F,
        value: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        let _ = field;
        self.bounded(|range| Ok(Bound::Ge(range.encode(&value)?)))
    }

    /// The items whose next sort id `field` is less than `value`.
    pub fn lt<F: NextSortField<E, P>>(
        self,
        field: F,
        value: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        let _ = field;
        self.bounded(|range| Ok(Bound::Lt(range.encode(&value)?)))
    }

    /// The items whose next sort id `field` is `value` or less.
    pub fn le<F: NextSortField<E, P>>(
        self,
        field: F,
        value: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        let _ = field;
        self.bounded(|range| Ok(Bound::Le(range.encode(&value)?)))
    }

    /// The items whose next sort id `field` is between `low` and `high`, both included. A
    /// `low` above `high` matches nothing.
    pub fn between<F: NextSortField<E, P>>(
        self,
        field: F,
        low: <E as SortAt<P>>::Arg<'_>,
        high: <E as SortAt<P>>::Arg<'_>,
    ) -> Query<E, crate::dynamodb::range::Done> {
        let _ = field;
        self.bounded(|range| Ok(Bound::Between(range.encode(&low)?, range.encode(&high)?)))
    }
}

impl<E: Entity, P> fmt::Debug for Query<E, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("entity", &E::TAG)
            .field("table", &self.items.table)
            .field("partition", &self.partition.as_ref().ok())
            .field("range", &self.range.as_ref().ok())
            .field("descending", &self.descending)
            .field("limit", &self.limit)
            .finish()
    }
}
