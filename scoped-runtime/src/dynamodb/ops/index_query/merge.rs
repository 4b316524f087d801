//! The shards of an index query read page by page and merged into one total order: index
//! sort value, then table `pk`, then `sk`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, VecDeque};
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::{StreamExt, stream};
use serde::de::DeserializeOwned;

use super::CONCURRENT_SHARD_REQUESTS;
use super::check::check_entity;
use crate::dynamodb::cursor::{Cursor, CursorError, QueryFingerprint};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::dynamodb::index::{Index, IndexedBy};
use crate::dynamodb::ops::Items;
use crate::dynamodb::ops::convert::Item;
use crate::dynamodb::ops::plan::Plan;
use crate::dynamodb::ops::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};

/// The position of an item in an index query's order: its index sort value (none on an index
/// without a sort key), then its table key. Compared field by field, in this order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct At {
    sort_value: Option<String>,
    pk: String,
    sk: Option<String>,
}

impl At {
    pub(super) fn new(sort_value: Option<String>, pk: String, sk: Option<String>) -> Self {
        Self { sort_value, pk, sk }
    }

    /// The index sort value.
    pub(super) fn sort_value(&self) -> Option<&str> {
        self.sort_value.as_deref()
    }

    /// The position a cursor of index `I` holds: `pk`, `sk` in a table with sort keys, and
    /// `sk_{index}` on an index with a sort key.
    pub(super) fn from_last_key<E: IndexedBy<I>, I: Index>(
        last_key: &BTreeMap<String, String>,
    ) -> Result<Self, CursorError> {
        let malformed = CursorError::Malformed {
            reason: "an index query's cursor holds the last item's `pk`, its `sk` in a table \
                     with sort keys, and its index sort value on an index with a sort key",
        };
        let get = |name: &str| last_key.get(name).cloned();
        let pk = get(PK).ok_or_else(|| malformed.clone())?;
        let sk = if E::KEY_SCHEMA.has_sort_key() {
            Some(get(SK).ok_or_else(|| malformed.clone())?)
        } else {
            None
        };
        let sort_value = match I::SCHEMA.sort_attribute() {
            Some(attribute) => Some(get(attribute).ok_or(malformed)?),
            None => None,
        };
        Ok(Self { sort_value, pk, sk })
    }

    /// The cursor of a page of the query `fingerprint` that ended here.
    pub(super) fn into_cursor<I: Index>(
        self,
        fingerprint: QueryFingerprint,
    ) -> Result<Cursor, CursorError> {
        let mut last_key = vec![(PK.to_owned(), self.pk)];
        if let Some(sk) = self.sk {
            last_key.push((SK.to_owned(), sk));
        }
        if let (Some(attribute), Some(value)) = (I::SCHEMA.sort_attribute(), self.sort_value) {
            last_key.push((attribute.to_owned(), value));
        }
        Cursor::new(fingerprint, last_key)
    }
}

/// One checked item and its position.
pub(super) struct Entry<E> {
    pub(super) at: At,
    pub(super) entity: E,
}

/// One shard's requests and the items read from it but not yet returned.
struct Shard<E> {
    shard: Option<u16>,
    plan: Arc<Plan>,
    buffer: VecDeque<Entry<E>>,
    /// Where the next request starts.
    start: Option<Item>,
    /// Whether the last page has been read.
    done: bool,
    /// Whether the items at the head with the head's sort value are in order.
    head_sorted: bool,
}

impl<E> Shard<E> {
    /// Whether every item with the head's index sort value has been read, so the head can be
    /// compared: DynamoDB orders a partition by the index sort value only, so the items of
    /// one sort value come in any order, possibly across pages.
    fn ready(&self) -> bool {
        match (self.buffer.front(), self.buffer.back()) {
            _ if self.done => true,
            (Some(front), Some(back)) => front.at.sort_value != back.at.sort_value,
            _ => false,
        }
    }

    /// Orders the items with the head's sort value by table key.
    fn sort_head(&mut self, descending: bool) {
        if self.head_sorted {
            return;
        }
        let Some(front) = self.buffer.front() else {
            return;
        };
        let value = front.at.sort_value.clone();
        let end = self
            .buffer
            .iter()
            .position(|entry| entry.at.sort_value != value)
            .unwrap_or(self.buffer.len());
        self.buffer.make_contiguous()[..end].sort_by(|a, b| order(&a.at, &b.at, descending));
        self.head_sorted = true;
    }

    fn pop(&mut self) -> Option<Entry<E>> {
        let entry = self.buffer.pop_front()?;
        if self
            .buffer
            .front()
            .is_none_or(|next| next.at.sort_value != entry.at.sort_value)
        {
            self.head_sorted = false;
        }
        Some(entry)
    }
}

/// `a` against `b` in the query's order.
fn order(a: &At, b: &At, descending: bool) -> Ordering {
    if descending { b.cmp(a) } else { a.cmp(b) }
}

/// The merged items of every shard of one index query.
pub(super) struct Merge<E: Entity, I> {
    shards: Vec<Shard<E>>,
    items: Items<E>,
    descending: bool,
    /// The position a resumed page starts after.
    after: Option<At>,
    index: PhantomData<fn() -> I>,
}

impl<E, I> Merge<E, I>
where
    E: IndexedBy<I> + DeserializeOwned,
    I: Index,
{
    pub(super) fn new(
        plans: Vec<super::ShardPlan>,
        items: Items<E>,
        descending: bool,
        after: Option<At>,
    ) -> Self {
        let shards = plans
            .into_iter()
            .map(|(shard, plan)| Shard {
                shard,
                plan: Arc::new(plan),
                buffer: VecDeque::new(),
                start: None,
                done: false,
                head_sorted: false,
            })
            .collect();
        Self {
            shards,
            items,
            descending,
            after,
            index: PhantomData,
        }
    }

    /// The next item in order, `None` after the last.
    pub(super) async fn next(&mut self) -> Result<Option<Entry<E>>, Error> {
        loop {
            let waiting: Vec<usize> = (0..self.shards.len())
                .filter(|&i| !self.shards[i].ready())
                .collect();
            if !waiting.is_empty() {
                self.fetch(waiting).await?;
                continue;
            }
            let descending = self.descending;
            let mut best: Option<usize> = None;
            for i in 0..self.shards.len() {
                self.shards[i].sort_head(descending);
                let Some(head) = self.shards[i].buffer.front() else {
                    continue;
                };
                let better = best
                    .and_then(|b| self.shards[b].buffer.front())
                    .is_none_or(|current| order(&head.at, &current.at, descending).is_lt());
                if better {
                    best = Some(i);
                }
            }
            return Ok(best.and_then(|i| self.shards[i].pop()));
        }
    }

    /// Requests the next page of each shard in `waiting`, a few at a time, and checks its
    /// items.
    async fn fetch(&mut self, waiting: Vec<usize>) -> Result<(), Error> {
        // Collected first: the requests own everything they hold, so the merge stays `Send`.
        let requests: Vec<_> = waiting
            .into_iter()
            .map(|i| {
                let shard = &mut self.shards[i];
                let plan = Arc::clone(&shard.plan);
                let start = shard.start.take();
                async move { (i, plan.fetch(start).await) }
            })
            .collect();
        let pages: Vec<_> = stream::iter(requests)
            .buffer_unordered(CONCURRENT_SHARD_REQUESTS)
            .collect()
            .await;
        for (i, page) in pages {
            let (items, next) = page?;
            let shard = &mut self.shards[i];
            shard.done = next.is_none();
            shard.start = next;
            for item in items {
                let Some(entry) =
                    check_entity::<E, I>(&self.items, &shard.plan, shard.shard, item)?
                else {
                    continue;
                };
                // A resumed page skips what the previous pages returned.
                let passed = self
                    .after
                    .as_ref()
                    .is_some_and(|after| order(&entry.at, after, self.descending).is_le());
                if !passed {
                    shard.buffer.push_back(entry);
                }
            }
        }
        Ok(())
    }
}
