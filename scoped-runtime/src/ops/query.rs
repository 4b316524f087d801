//! Queries within an entity's own partition, as a stream that follows `LastEvaluatedKey`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use aws_sdk_dynamodb::types::AttributeValue;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use super::convert::{Item, from_item, request_error};
use super::{Items, PARTITION_KEY_ATTRIBUTE as PK};
use crate::entity::Entity;
use crate::error::Error;

/// The items a query returns, page after page: a [`Stream`] of `Result<E, Error>`.
///
/// Pages are requested as the stream is read, each starting at the previous page's
/// `LastEvaluatedKey`, until DynamoDB returns none. An error ends the stream after it is
/// yielded. Use it as a [`Stream`], or with [`next`](Self::next) and
/// [`try_collect`](Self::try_collect) without importing stream traits.
pub struct ItemStream<E> {
    inner: Pin<Box<dyn Stream<Item = Result<E, Error>> + Send>>,
}

impl<E> ItemStream<E> {
    pub(crate) fn new(items: impl Stream<Item = Result<E, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(items),
        }
    }

    /// The next item, `None` after the last.
    pub async fn next(&mut self) -> Option<Result<E, Error>> {
        self.inner.next().await
    }

    /// Every remaining item, or the first error.
    ///
    /// # Errors
    ///
    /// The first error the stream yields.
    pub async fn try_collect(self) -> Result<Vec<E>, Error> {
        self.inner.try_collect().await
    }
}

impl<E> Stream for ItemStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<E> fmt::Debug for ItemStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

impl<E: Entity> Items<E> {
    /// The items in the partition of `ids`, as a stream that follows `LastEvaluatedKey`.
    ///
    /// The key condition is `pk = :pk` with the key built from `ids` in this scope. Entities
    /// have no sort key yet, so a partition holds at most one item of an entity; the stream
    /// still pages as DynamoDB answers (see [`Self::page_size`]).
    ///
    /// ```no_run
    /// # use scoped_runtime::{capsule_table, ScopedKey, Items};
    /// # #[capsule_table("crm")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct Lead { #[scoped(id)] pub lead_id: String, pub name: String }
    /// # async fn demo(leads: Items<Lead>) -> Result<(), scoped_runtime::Error> {
    /// let mut found = leads.query("lead-789");
    /// while let Some(lead) = found.next().await {
    ///     println!("{}", lead?.name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// The key is built when this is called; an empty id is the stream's only item,
    /// [`Error::Key`]. Other errors are as for [`Self::get`].
    pub fn query(&self, ids: E::Ids<'_>) -> ItemStream<E>
    where
        E: DeserializeOwned + Send + 'static,
    {
        let key = match self.key(ids) {
            Ok(key) => key.into_string(),
            Err(err) => {
                return ItemStream {
                    inner: Box::pin(stream::iter([Err(Error::Key(err))])),
                };
            }
        };
        let pages = Pages {
            client: self.client.clone(),
            table: self.table.to_string(),
            key,
            consistent: self.consistent,
            limit: self.page_size,
        };
        let table = self.table.to_string();
        let items = follow_pages(move |start| {
            let pages = pages.clone();
            async move { pages.fetch(start).await }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .map(move |item| item.and_then(|item| from_item(item, &table)));
        ItemStream {
            inner: Box::pin(items),
        }
    }
}

/// The pages `fetch` returns, each requested from the previous page's last evaluated key,
/// until a page has none or `fetch` fails (the error is the last item).
pub(super) fn follow_pages<F, Fut>(mut fetch: F) -> impl Stream<Item = Result<Vec<Item>, Error>>
where
    F: FnMut(Option<Item>) -> Fut,
    Fut: Future<Output = Result<(Vec<Item>, Option<Item>), Error>>,
{
    // `Some(start)`: a page to request, from `start`; `None`: no more pages.
    let first: Option<Option<Item>> = Some(None);
    stream::try_unfold(first, move |cursor| {
        let page = cursor.map(&mut fetch);
        async move {
            let Some(page) = page else {
                return Ok::<_, Error>(None);
            };
            let (items, next) = page.await?;
            Ok(Some((items, next.map(Some))))
        }
    })
}

/// What each page request needs.
#[derive(Clone)]
struct Pages {
    client: aws_sdk_dynamodb::Client,
    table: String,
    key: String,
    consistent: bool,
    limit: Option<i32>,
}

impl Pages {
    /// One page from `start`: its items and the key to continue from.
    async fn fetch(&self, start: Option<Item>) -> Result<(Vec<Item>, Option<Item>), Error> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", AttributeValue::S(self.key.clone()))
            .set_exclusive_start_key(start)
            .consistent_read(self.consistent)
            .set_limit(self.limit)
            .send()
            .await
            .map_err(|err| request_error("Query", &self.table, Some(&self.key), err))?;
        Ok((output.items.unwrap_or_default(), output.last_evaluated_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::convert::key_map;

    fn page(n: usize) -> Vec<Item> {
        (0..n).map(|i| key_map(format!("LEAD#{i}"))).collect()
    }

    /// DynamoDB ends a page with a last evaluated key when it stopped early; each next request
    /// must start there, and the stream ends after the first page without one.
    #[tokio::test]
    async fn pages_follow_the_last_evaluated_key() {
        let mut starts = Vec::new();
        let pages: Vec<_> = follow_pages(|start: Option<Item>| {
            starts.push(start.clone());
            let next = match start.as_ref().and_then(|key| key.get("pk")) {
                None => Some(key_map("LEAD#a".into())),
                Some(AttributeValue::S(key)) if key == "LEAD#a" => Some(key_map("LEAD#b".into())),
                Some(_) => None,
            };
            async move { Ok((page(2), next)) }
        })
        .collect()
        .await;
        assert_eq!(pages.len(), 3);
        assert!(
            pages
                .iter()
                .all(|page| page.as_ref().is_ok_and(|p| p.len() == 2))
        );
        assert_eq!(
            starts,
            [
                None,
                Some(key_map("LEAD#a".into())),
                Some(key_map("LEAD#b".into()))
            ]
        );
    }

    #[tokio::test]
    async fn an_error_ends_the_pages() {
        let mut calls = 0;
        let pages: Vec<_> = follow_pages(|_start| {
            calls += 1;
            let result = if calls == 1 {
                Ok((page(1), Some(key_map("LEAD#0".into()))))
            } else {
                Err(Error::Config("injected"))
            };
            async move { result }
        })
        .collect()
        .await;
        assert_eq!(pages.len(), 2);
        assert!(matches!(pages[1], Err(Error::Config("injected"))));
    }
}
