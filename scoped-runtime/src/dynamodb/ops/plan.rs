//! The requests of one query within one partition: its key condition, order, page size and
//! consistency, page by page; shared by entity queries and collections.

use aws_sdk_dynamodb::types::AttributeValue;

use super::convert::{Item, request_error};
use super::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::client::Sender;
use crate::dynamodb::DynamoDb;
use crate::dynamodb::cursor::{Cursor, CursorError, Direction, QueryFingerprint, QueryTarget};
use crate::dynamodb::error::Error;
use crate::dynamodb::range::{SortCondition, SortRange};
use crate::dynamodb::schema::IndexSchema;
use crate::scope::Scope;

/// One query's requests.
#[derive(Clone)]
pub(crate) struct Plan {
    pub(crate) sender: Sender<DynamoDb>,
    pub(crate) table: String,
    pub(crate) partition: String,
    /// The condition on `sk`; `None` in a table keyed by `pk` alone, or for every item of
    /// the partition.
    pub(crate) condition: Option<SortCondition>,
    /// The one sort key a `<` range reads but excludes.
    pub(crate) exclude: Option<String>,
    /// The range every returned sort key must be in.
    pub(crate) range: Option<SortRange>,
    pub(crate) descending: bool,
    pub(crate) consistent: bool,
    pub(crate) limit: Option<i32>,
    /// The global secondary index queried, `None` for the table itself: `partition` and
    /// `condition` then bind its `pk_{name}` and `sk_{name}`, not `pk` and `sk`.
    pub(crate) index: Option<IndexSchema>,
}

/// One page of a query: its items, and the cursor to resume after them when more may follow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items, in the query's order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` after the last page. Hand it to the next call of
    /// `page` of the same query; as text, it survives restarts (see [`Cursor`]).
    pub cursor: Option<Cursor>,
}

impl Plan {
    /// What identifies this query for its cursors: scope, table, target, partition and order.
    pub(crate) fn fingerprint<S: Scope>(&self, scope: &S, target: QueryTarget) -> QueryFingerprint {
        let mut scope_prefix = String::with_capacity(scope.key_prefix_len());
        scope.write_key_prefix(&mut scope_prefix);
        QueryFingerprint {
            scope: S::KIND,
            scope_prefix,
            table: self.table.clone(),
            target,
            partition_key: self.partition.clone(),
            direction: if self.descending {
                Direction::Descending
            } else {
                Direction::Ascending
            },
            index: self.index.map(|index| index.name.to_owned()),
        }
    }

    /// The attribute `partition` binds: `pk`, or the index's `pk_{name}`.
    pub(crate) fn partition_attribute(&self) -> &'static str {
        self.index.map_or(PK, |index| index.partition_attribute())
    }

    /// The attribute `condition` and `range` apply to: `sk`, or the index's `sk_{name}`.
    pub(crate) fn sort_attribute(&self) -> &'static str {
        self.index
            .and_then(|index| index.sort_attribute())
            .unwrap_or(SK)
    }

    /// One request of the query, from `cursor` (which must be this query's): its raw items and
    /// the cursor after them.
    ///
    /// The cursor after a page is DynamoDB's `LastEvaluatedKey`, or, when a page stops at its
    /// `Limit` without one (moto omits it there), the key of the page's last item, which is what
    /// DynamoDB's would be: a query of a table reads and returns the same items.
    pub(crate) async fn page(
        &self,
        fingerprint: QueryFingerprint,
        cursor: Option<&Cursor>,
    ) -> Result<(Vec<Item>, Option<Cursor>), Error> {
        let start = match cursor {
            None => None,
            Some(cursor) => Some(
                cursor
                    .resume(&fingerprint)?
                    .iter()
                    .map(|(name, value)| (name.clone(), AttributeValue::S(value.clone())))
                    .collect::<Item>(),
            ),
        };
        let (items, next) = self.fetch(start).await?;
        let full = self
            .limit
            .is_some_and(|limit| usize::try_from(limit).is_ok_and(|limit| items.len() >= limit));
        let last_key = match next {
            Some(next) => Some(next),
            // An index query's last evaluated key holds the index's keys and the table's.
            None if full => items.last().map(|item| {
                item.iter()
                    .filter(|(name, _)| {
                        *name == PK
                            || *name == SK
                            || *name == self.partition_attribute()
                            || *name == self.sort_attribute()
                    })
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect::<Item>()
            }),
            None => None,
        };
        let cursor = match last_key {
            None => None,
            Some(key) => {
                let strings = key
                    .into_iter()
                    .map(|(name, value)| match value {
                        AttributeValue::S(value) => Ok((name, value)),
                        _ => Err(CursorError::Malformed {
                            reason: "a last evaluated key of a scoped table holds strings only",
                        }),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Some(Cursor::new(fingerprint, strings)?)
            }
        };
        Ok((items, cursor))
    }

    /// One page from `start`: its items and the key to continue from.
    pub(crate) async fn fetch(
        &self,
        start: Option<Item>,
    ) -> Result<(Vec<Item>, Option<Item>), Error> {
        let mut request = self
            .sender
            .client()
            .query()
            .table_name(&self.table)
            .set_index_name(self.index.map(|index| index.name.to_owned()))
            .expression_attribute_names("#pk", self.partition_attribute())
            .expression_attribute_values(":pk", AttributeValue::S(self.partition.clone()))
            .set_exclusive_start_key(start)
            .consistent_read(self.consistent)
            .scan_index_forward(!self.descending)
            .set_limit(self.limit);
        let expression = match &self.condition {
            None => "#pk = :pk",
            Some(SortCondition::Equals(value)) => {
                request =
                    request.expression_attribute_values(":sk", AttributeValue::S(value.clone()));
                "#pk = :pk AND #sk = :sk"
            }
            Some(SortCondition::BeginsWith(prefix)) => {
                request =
                    request.expression_attribute_values(":sk", AttributeValue::S(prefix.clone()));
                "#pk = :pk AND begins_with(#sk, :sk)"
            }
            Some(SortCondition::Between { lo, hi, .. }) => {
                request = request
                    .expression_attribute_values(":lo", AttributeValue::S(lo.clone()))
                    .expression_attribute_values(":hi", AttributeValue::S(hi.clone()));
                "#pk = :pk AND #sk BETWEEN :lo AND :hi"
            }
            Some(SortCondition::Empty) => return Ok((Vec::new(), None)),
        };
        if self.condition.is_some() {
            request = request.expression_attribute_names("#sk", self.sort_attribute());
        }
        let output = request
            .key_condition_expression(expression)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| request_error("Query", &self.table, Some(&self.partition), err))?;
        Ok((output.items.unwrap_or_default(), output.last_evaluated_key))
    }

    /// Whether `item` is one of the query's (`Ok(true)`), the one item a `<` range reads but
    /// excludes (`Ok(false)`), or a stranger outside the range (an error). Its entity and ids
    /// are checked by the caller.
    pub(crate) fn in_range(&self, item: &Item, entity: &'static str) -> Result<bool, Error> {
        let Some(range) = &self.range else {
            return Ok(true);
        };
        let sk = match item.get(self.sort_attribute()) {
            Some(AttributeValue::S(sk)) => sk.as_str(),
            // The ownership check reports a missing or non-string sort key.
            _ => return Ok(true),
        };
        if self.exclude.as_deref() == Some(sk) {
            return Ok(false);
        }
        if !range.contains(sk) {
            return Err(Error::ForeignItem {
                table: self.table.clone(),
                key: format!("{} / {sk}", self.partition),
                entity,
                reason: "its sort key is outside the queried range".to_owned(),
            });
        }
        Ok(true)
    }
}
