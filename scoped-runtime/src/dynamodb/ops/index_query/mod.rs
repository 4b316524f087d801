//! Typed queries of a global secondary index: one index partition of one entity's template,
//! a range on the template's sort fields, in either order, with a limit, page by page with
//! cursors, or counted; every shard of a sharded index read and merged in order.
//!
//! An index query binds the index partition value the entity's template makes of the given
//! values (`{scope prefix}{TAG}#{index}#{values…}`, and `#{shard}` on a sharded index), which
//! is a key of the client's scope, and clamps its sort condition to the entity's own index
//! sort values as a table query clamps its range. Every item read back is checked: it is one
//! of the entity's items in the scope (as a table query's), its `pk_{index}` is the queried
//! partition and is what its own fields and table key make, its `sk_{index}` is inside the
//! range and is what its fields make. A stranger is [`Error::ForeignItem`] (or
//! [`Error::Isolation`] for another scope's), never skipped.

mod check;
mod merge;

use std::fmt;
use std::marker::PhantomData;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use self::merge::{At, Merge};
use super::Items;
use super::plan::{Page, Plan};
use super::stream::{ItemStream, follow_pages};
use crate::dynamodb::cursor::{Cursor, Direction, QueryFingerprint, QueryTarget};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::dynamodb::index::{FullProjection, Index, IndexSortAt, IndexedBy, index_partition_key};
use crate::dynamodb::range::{Bound, Done, Position, SortCondition, SortRange};
use crate::error::KeyError;
use crate::scope::Scope;
use crate::sort::UPPER_BOUND;

/// How many items a page of an index query holds when neither a limit nor a page size is set.
pub const DEFAULT_INDEX_PAGE_ITEMS: usize = 100;

/// One shard's plan, with its shard number on a sharded index.
type ShardPlan = (Option<u16>, Plan);

/// How many shards of a sharded index one query requests at the same time.
const CONCURRENT_SHARD_REQUESTS: usize = 8;

/// Entity `E`'s items in index `I` in one scope, from [`Items::index`] or a scoped client's
/// `index::<E, I>()`.
///
/// ```no_run
/// use scoped_runtime::{CapsuleClient, DynamoDb, ScopedKey, capsule_table};
/// use serde::{Deserialize, Serialize};
///
/// /// The CRM table of each capsule, with an index by email and a sharded "recent" index.
/// #[capsule_table("crm", sort_key, index(ByEmail), index(Recent, sort_key, shards = 4))]
/// pub struct Crm;
///
/// /// A lead.
/// #[derive(ScopedKey, Serialize, Deserialize)]
/// #[scoped(table = Crm, entity = "LEAD")]
/// #[scoped(index(ByEmail(partition(email)), Recent(sort(created, lead_id))))]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
///     pub email: String,
///     pub created: i64,
/// }
///
/// # async fn demo(crm: CapsuleClient<DynamoDb>) -> Result<(), scoped_runtime::Error> {
/// let ada = crm.index::<Lead, ByEmail>().get("ada@example.com").await?;
/// // The capsule's 20 newest leads created before 1_700_000_000, from every shard.
/// let recent = crm
///     .index::<Lead, Recent>()
///     .query(())
///     .lt(1_700_000_000)
///     .descending()
///     .limit(20)
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
pub struct IndexItems<E: Entity, I> {
    items: Items<E>,
    index: PhantomData<fn() -> I>,
}

impl<E: Entity> Items<E> {
    /// This entity's items in index `I`, by `E`'s template for it. Index reads are eventually
    /// consistent (DynamoDB has no other for global secondary indexes): from items set to
    /// [`consistent_reads`](Self::consistent_reads), every read is
    /// [`Error::ConsistentIndexRead`].
    #[must_use]
    pub fn index<I: Index>(&self) -> IndexItems<E, I>
    where
        E: IndexedBy<I>,
    {
        IndexItems {
            items: self.clone(),
            index: PhantomData,
        }
    }
}

impl<E: IndexedBy<I>, I: Index> IndexItems<E, I> {
    /// The index's name: `by_email`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        I::SCHEMA.name
    }

    /// The same index, queried at most `items` per request (DynamoDB's `Limit`).
    #[must_use]
    pub fn page_size(mut self, items: u32) -> Self {
        self.items = self.items.page_size(items);
        self
    }

    /// A query of the index partition of `values` (the template's partition fields, in
    /// order: `()` for a collection template without them, one value, or a tuple), on every
    /// shard of a sharded index: every item of `E` there until conditions narrow it.
    ///
    /// The partition values are built when this is called; an empty value is the query's
    /// only result, [`Error::Key`].
    pub fn query(&self, values: E::PartitionValues<'_>) -> IndexQuery<E, I, E::FirstSortValue> {
        let partitions = partitions::<E, I>(&self.items.scope, &values);
        IndexQuery {
            items: self.items.clone(),
            partitions,
            range: Ok(SortRange::new(E::TAG, E::SORT_VALUE_COUNT)),
            descending: false,
            limit: None,
            position: PhantomData,
        }
    }

    /// The item in the index partition of `values`: a lookup by a field (`by_email`).
    ///
    /// For a template whose partition fields identify one item (a `#[scoped(unique)]` field),
    /// this is that item. Several items with the same values are not an error here: this is
    /// the first of them in the query's order (index sort value, then table key); use
    /// [`query`](Self::query) to read them all.
    ///
    /// # Errors
    ///
    /// As [`IndexQuery::try_collect`].
    pub async fn get(&self, values: E::PartitionValues<'_>) -> Result<Option<E>, Error>
    where
        I: FullProjection,
        E: DeserializeOwned + Send + 'static,
    {
        let mut items = self.query(values).limit(1).stream();
        items.next().await.transpose()
    }
}

/// The index partition values of `values` on each shard of `I` (one, unsharded).
fn partitions<E: IndexedBy<I>, I: Index>(
    scope: &E::Scope,
    values: &E::PartitionValues<'_>,
) -> Result<Vec<(Option<u16>, String)>, KeyError> {
    crate::dynamodb::tags::claim::<E>()?;
    let shards = I::SCHEMA.shards;
    if shards <= 1 {
        return Ok(vec![(
            None,
            index_partition_key::<E, I>(scope, values, None)?,
        )]);
    }
    (0..shards)
        .map(|shard| {
            Ok((
                Some(shard),
                index_partition_key::<E, I>(scope, values, Some(shard))?,
            ))
        })
        .collect()
}

impl<E: Entity, I> Clone for IndexItems<E, I> {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
            index: PhantomData,
        }
    }
}

impl<E: IndexedBy<I>, I: Index> fmt::Debug for IndexItems<E, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexItems")
            .field("entity", &E::TAG)
            .field("table", &self.items.table)
            .field("index", &I::SCHEMA.name)
            .finish_non_exhaustive()
    }
}

/// A query of entity `E`'s items in one partition of index `I`, from [`IndexItems::query`];
/// `P` is the position of the template's next sort field a condition applies to.
///
/// Fix the template's sort fields in order with [`eq`](Self::eq) (a prefix), then optionally
/// put one range on the next ([`gt`](Self::gt), [`ge`](Self::ge), [`lt`](Self::lt),
/// [`le`](Self::le), [`between`](Self::between)), each taking the field's value; choose the
/// order, a limit and the page size; then read the items as a stream, one page at a time
/// with cursors, or [`count`](Self::count) them.
///
/// Reading entities needs an index that projects them ([`FullProjection`]); an index
/// declared `projection = keys_only` can be counted.
///
/// # Order
///
/// Items come in the order of the index sort value, ties broken by the table's `pk`, then
/// `sk`: a total order, the same on every read and across the shards of a sharded index.
/// DynamoDB itself orders one index partition by the index sort value only; items with equal
/// index sort values (or every item of an index without a sort key) are read as a group and
/// ordered by their table keys before any of them is returned.
///
/// # Pages and cursors
///
/// A page holds at most [`limit`](Self::limit) items, else
/// [`page_size`](Self::page_size), else [`DEFAULT_INDEX_PAGE_ITEMS`]. Its cursor holds the
/// position of its last item (index sort value, `pk`, `sk`), not DynamoDB's
/// `ExclusiveStartKey`: resuming reads every shard again from that index sort value on (the
/// query's range intersected with `>=` it, or `<=` descending) and skips the items at or before
/// the position. A cursor resumes only the query it came from (scope, table, entity, index,
/// partition, order): any other is [`Error::Cursor`].
#[must_use = "a query does nothing until it is read"]
pub struct IndexQuery<E: Entity, I, P> {
    items: Items<E>,
    partitions: Result<Vec<(Option<u16>, String)>, KeyError>,
    range: Result<SortRange, KeyError>,
    descending: bool,
    limit: Option<usize>,
    position: PhantomData<fn() -> (I, P)>,
}

impl<E: IndexedBy<I>, I: Index, P> IndexQuery<E, I, P> {
    fn at<Q>(self) -> IndexQuery<E, I, Q> {
        IndexQuery {
            items: self.items,
            partitions: self.partitions,
            range: self.range,
            descending: self.descending,
            limit: self.limit,
            position: PhantomData,
        }
    }

    /// Items in descending order of the index sort value (newest first for a time-ordered
    /// template); the default is ascending.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// At most `items` items in all for [`stream`](Self::stream), per page for
    /// [`page`](Self::page), counted for [`count`](Self::count).
    pub fn limit(mut self, items: usize) -> Self {
        self.limit = Some(items);
        self
    }

    /// At most `items` items per request (DynamoDB's `Limit`) to each shard, and per page
    /// without a [`limit`](Self::limit).
    pub fn page_size(mut self, items: u32) -> Self {
        self.items = self.items.page_size(items);
        self
    }

    /// The query's items, in order, each checked, as a stream that requests pages (of every
    /// shard) as it is read.
    pub fn stream(self) -> ItemStream<E>
    where
        I: FullProjection,
        E: DeserializeOwned + Send + 'static,
    {
        let limit = self.limit.unwrap_or(usize::MAX);
        let request_limit = shard_request_limit(self.items.page_size, self.limit);
        let merge = match self.plans(None, request_limit) {
            Ok(Some(plans)) => Merge::new(plans, self.items.clone(), self.descending, None),
            Ok(None) => return ItemStream::new(stream::empty()),
            Err(err) => return ItemStream::failed(err),
        };
        let items = stream::try_unfold(merge, |mut merge| async move {
            Ok(merge.next().await?.map(|entry| (entry.entity, merge)))
        })
        .take(limit);
        ItemStream::new(items)
    }

    /// Every item of the query, in order, or the first error.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if a value is empty; [`Error::ConsistentIndexRead`] from items set to
    /// consistent reads; [`Error::ForeignItem`] or [`Error::Isolation`] for an item that is
    /// not one of `E`'s in the queried index partition and range; otherwise as
    /// [`Items::get`].
    pub async fn try_collect(self) -> Result<Vec<E>, Error>
    where
        I: FullProjection,
        E: DeserializeOwned + Send + 'static,
    {
        self.stream().try_collect().await
    }

    /// One page of the query: at most [`limit`](Self::limit) items (else
    /// [`page_size`](Self::page_size), else [`DEFAULT_INDEX_PAGE_ITEMS`]) from `cursor`, which must
    /// come from a page of this same query, and the cursor after them. A full page has a
    /// cursor even when nothing follows it (the next page is then empty, without one).
    ///
    /// # Errors
    ///
    /// [`Error::Cursor`] for a cursor of another query (another scope, table, entity, index,
    /// partition or order); otherwise as [`try_collect`](Self::try_collect).
    pub async fn page(self, cursor: Option<&Cursor>) -> Result<Page<E>, Error>
    where
        I: FullProjection,
        E: DeserializeOwned + Send + 'static,
    {
        let size = self
            .limit
            .or_else(|| {
                self.items
                    .page_size
                    .and_then(|size| usize::try_from(size).ok())
            })
            .unwrap_or(DEFAULT_INDEX_PAGE_ITEMS)
            .max(1);
        let fingerprint = self.fingerprint()?;
        let after = match cursor {
            None => None,
            Some(cursor) => Some(At::from_last_key::<E, I>(cursor.resume(&fingerprint)?)?),
        };
        let request_limit = shard_request_limit(self.items.page_size, Some(size));
        let Some(plans) = self.plans(after.as_ref(), request_limit)? else {
            return Ok(Page {
                items: Vec::new(),
                cursor: None,
            });
        };
        let mut merge = Merge::new(plans, self.items.clone(), self.descending, after);
        let mut items = Vec::with_capacity(size.min(DEFAULT_INDEX_PAGE_ITEMS));
        let mut last = None;
        while items.len() < size {
            let Some(entry) = merge.next().await? else {
                break;
            };
            items.push(entry.entity);
            last = Some(entry.at);
        }
        let cursor = match last {
            Some(at) if items.len() == size => Some(at.into_cursor::<I>(fingerprint)?),
            _ => None,
        };
        Ok(Page { items, cursor })
    }

    /// How many items match (up to the limit if one is set), summed over the shards, which
    /// are read at the same time.
    ///
    /// Works on every index, keys-only ones too: each item's keys are read and checked (its
    /// `pk` a key of the scope with `E`'s tag, its `sk` `E`'s, its `pk_{index}` the queried
    /// partition, its shard the one its table key picks, its `sk_{index}` in the range). A
    /// stranger is an error here too, never a number.
    ///
    /// # Errors
    ///
    /// As [`try_collect`](Self::try_collect).
    pub async fn count(self) -> Result<u64, Error> {
        let request_limit = shard_request_limit(self.items.page_size, self.limit);
        let Some(plans) = self.plans(None, request_limit)? else {
            return Ok(0);
        };
        let scope = self.items.scope.clone();
        let table = self.items.table.to_string();
        let counts = plans.into_iter().map(|(shard, plan)| {
            let scope = scope.clone();
            let table = table.clone();
            async move {
                let plan = &plan;
                follow_pages(|start| plan.fetch(start))
                    .try_fold(0_u64, |count, items| {
                        let checked = items.into_iter().try_fold(count, |count, item| {
                            let keep =
                                check::check_keys::<E, I>(&scope, &table, plan, shard, item)?;
                            Ok::<_, Error>(count + u64::from(keep))
                        });
                        async move { checked }
                    })
                    .await
            }
        });
        let total = stream::iter(counts)
            .buffer_unordered(CONCURRENT_SHARD_REQUESTS)
            .try_fold(0_u64, |total, count| async move { Ok(total + count) })
            .await?;
        Ok(match self.limit {
            Some(limit) => total.min(u64::try_from(limit).unwrap_or(u64::MAX)),
            None => total,
        })
    }

    /// What identifies this query for its cursors; a sharded query by its first shard's
    /// partition value (every shard's follows from the same template values).
    fn fingerprint(&self) -> Result<QueryFingerprint, Error> {
        let partitions = self.partitions.as_ref().map_err(Clone::clone)?;
        let scope = &self.items.scope;
        let mut scope_prefix = String::with_capacity(scope.key_prefix_len());
        scope.write_key_prefix(&mut scope_prefix);
        Ok(QueryFingerprint {
            scope: <E::Scope as Scope>::KIND,
            scope_prefix,
            table: self.items.table.to_string(),
            target: QueryTarget::Entity(E::TAG.as_str().to_owned()),
            partition_key: partitions
                .first()
                .map(|(_, partition)| partition.clone())
                .unwrap_or_default(),
            direction: if self.descending {
                Direction::Descending
            } else {
                Direction::Ascending
            },
            index: Some(I::SCHEMA.name.to_owned()),
        })
    }

    /// One plan per shard (with its shard number on a sharded index), from `after` if
    /// resuming; `None` when nothing can match.
    fn plans(
        &self,
        after: Option<&At>,
        request_limit: Option<i32>,
    ) -> Result<Option<Vec<ShardPlan>>, Error> {
        let schema = I::SCHEMA;
        if self.items.consistent {
            return Err(Error::ConsistentIndexRead {
                table: self.items.table.to_string(),
                index: schema.name,
            });
        }
        let partitions = self.partitions.clone()?;
        let range = self.range.clone()?;
        let (condition, exclude) = if schema.has_sort_key() {
            let (condition, exclude) = match range.condition() {
                SortCondition::Empty => return Ok(None),
                SortCondition::Between { lo, hi, exclude } => (
                    SortCondition::Between {
                        lo,
                        hi,
                        exclude: None,
                    },
                    exclude,
                ),
                other => (other, None),
            };
            let condition = match after.and_then(|at| at.sort_value()) {
                Some(at) => resume_from(condition, at, self.descending),
                None => condition,
            };
            if condition == SortCondition::Empty {
                return Ok(None);
            }
            (Some(condition), exclude)
        } else {
            (None, None)
        };
        let plans = partitions
            .into_iter()
            .map(|(shard, partition)| {
                let plan = Plan {
                    sender: self.items.sender.clone(),
                    table: self.items.table.to_string(),
                    partition,
                    condition: condition.clone(),
                    exclude: exclude.clone(),
                    range: schema.has_sort_key().then(|| range.clone()),
                    descending: self.descending,
                    consistent: false,
                    // The one item a `<` range reads but excludes takes a place of its own.
                    limit: request_limit
                        .map(|limit| limit.saturating_add(i32::from(exclude.is_some()))),
                    index: Some(schema),
                };
                (shard, plan)
            })
            .collect();
        Ok(Some(plans))
    }
}

/// DynamoDB's `Limit` for each shard's requests: a table query's, plus one item when the
/// query's limit (not its page size) sets it. The merge returns an item only once it has
/// read every item with the same index sort value (their order is the table key's), so the
/// one item past the limit tells it, without a second request, that the last item's ties are
/// all read. A page size is a promise about requests and is kept as given.
fn shard_request_limit(page_size: Option<i32>, limit: Option<usize>) -> Option<i32> {
    let base = super::query::request_limit(page_size, limit)?;
    Some(if page_size == Some(base) {
        base
    } else {
        base.saturating_add(1)
    })
}

/// `condition` narrowed to the index sort values at or after `at` (at or before it,
/// descending): where a page resumes. Every bound stays inside `condition`'s, so a cursor's
/// position never widens the query.
fn resume_from(condition: SortCondition, at: &str, descending: bool) -> SortCondition {
    let (lo, hi, exclude) = match condition {
        // Every sort field fixed: one sort value, whatever the position.
        SortCondition::Equals(_) | SortCondition::Empty => return condition,
        SortCondition::BeginsWith(prefix) => {
            // `P'$` sorts after every key starting with `P` (see `range`).
            let hi = format!(
                "{}{UPPER_BOUND}",
                prefix.strip_suffix('#').unwrap_or(&prefix)
            );
            (prefix, hi, None)
        }
        SortCondition::Between { lo, hi, exclude } => (lo, hi, exclude),
    };
    let (lo, hi) = if descending {
        let hi = if at < hi.as_str() { at.to_owned() } else { hi };
        (lo, hi)
    } else {
        let lo = if at > lo.as_str() { at.to_owned() } else { lo };
        (lo, hi)
    };
    if lo > hi {
        return SortCondition::Empty;
    }
    SortCondition::Between { lo, hi, exclude }
}

impl<E, I, P: Position> IndexQuery<E, I, P>
where
    E: IndexSortAt<I, P>,
    I: Index,
{
    fn next_value(self, value: &<E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, P::Next> {
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
    ) -> IndexQuery<E, I, Done> {
        self.range = self.range.and_then(|mut range| {
            let bound = bound(&range)?;
            range.bound(bound);
            Ok(range)
        });
        self.at()
    }

    /// Fixes the template's next sort field to `value`: the items whose index sort values
    /// start with the ones fixed so far, or the items with exactly this index sort value once
    /// every sort field is fixed.
    pub fn eq(self, value: <E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, P::Next> {
        self.next_value(&value)
    }

    /// The items whose next sort field is greater than `value`.
    pub fn gt(self, value: <E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, Done> {
        self.bounded(|range| Ok(Bound::Gt(range.encode(&value)?)))
    }

    /// The items whose next sort field is `value` or greater.
    pub fn ge(self, value: <E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, Done> {
        self.bounded(|range| Ok(Bound::Ge(range.encode(&value)?)))
    }

    /// The items whose next sort field is less than `value`.
    pub fn lt(self, value: <E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, Done> {
        self.bounded(|range| Ok(Bound::Lt(range.encode(&value)?)))
    }

    /// The items whose next sort field is `value` or less.
    pub fn le(self, value: <E as IndexSortAt<I, P>>::Arg<'_>) -> IndexQuery<E, I, Done> {
        self.bounded(|range| Ok(Bound::Le(range.encode(&value)?)))
    }

    /// The items whose next sort field is between `low` and `high`, both included. A `low`
    /// above `high` matches nothing.
    pub fn between(
        self,
        low: <E as IndexSortAt<I, P>>::Arg<'_>,
        high: <E as IndexSortAt<I, P>>::Arg<'_>,
    ) -> IndexQuery<E, I, Done> {
        self.bounded(|range| Ok(Bound::Between(range.encode(&low)?, range.encode(&high)?)))
    }
}

impl<E: IndexedBy<I>, I: Index, P> fmt::Debug for IndexQuery<E, I, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexQuery")
            .field("entity", &E::TAG)
            .field("table", &self.items.table)
            .field("index", &I::SCHEMA.name)
            .field("range", &self.range.as_ref().ok())
            .field("descending", &self.descending)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn between(lo: &str, hi: &str) -> SortCondition {
        SortCondition::Between {
            lo: lo.into(),
            hi: hi.into(),
            exclude: None,
        }
    }

    #[test]
    fn resuming_narrows_the_range_never_widens_it() {
        // Every item of the entity: from the position up to the entity's upper bound.
        let all = SortCondition::BeginsWith("LEAD#".into());
        assert_eq!(
            resume_from(all.clone(), "LEAD#5", false),
            between("LEAD#5", "LEAD$")
        );
        assert_eq!(resume_from(all, "LEAD#5", true), between("LEAD#", "LEAD#5"));
        // A position outside the range (a forged cursor) keeps the range's own bounds.
        let range = between("LEAD#3", "LEAD#7$");
        assert_eq!(resume_from(range.clone(), "A", false), range);
        assert_eq!(resume_from(range.clone(), "Z", true), range);
        assert_eq!(resume_from(range.clone(), "Z", false), SortCondition::Empty);
        assert_eq!(resume_from(range, "A", true), SortCondition::Empty);
        let one = SortCondition::Equals("LEAD#1".into());
        assert_eq!(resume_from(one.clone(), "LEAD#0", false), one);
    }
}
