//! Streams of items that follow `LastEvaluatedKey` from page to page.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::convert::Item;
use crate::dynamodb::error::Error;
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

    /// How many items remain, each read (and so checked) as the stream reads it.
    ///
    /// # Errors
    ///
    /// The first error the stream yields.
    pub async fn count(mut self) -> Result<u64, Error> {
        let mut count = 0_u64;
        while let Some(item) = self.inner.next().await {
            item?;
            count += 1;
        }
        Ok(count)
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

impl<E: Send + 'static> ItemStream<E> {
    /// A stream of `items`.
    pub(crate) fn new(items: impl Stream<Item = Result<E, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(items),
        }
    }

    /// A stream whose only item is `error`.
    pub(crate) fn failed(error: Error) -> Self {
        Self::new(stream::iter([Err(error)]))
    }
}

/// The pages `fetch` returns, each requested from the previous page's last evaluated key,
/// until a page has none or `fetch` fails (the error is the last item).
pub(crate) fn follow_pages<F, Fut>(mut fetch: F) -> impl Stream<Item = Result<Vec<Item>, Error>>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamodb::ops::convert::key_map;
    use crate::error::ConfigError;
    use aws_sdk_dynamodb::types::AttributeValue;

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
                Err(Error::Config(ConfigError::NoRegion))
            };
            async move { result }
        })
        .collect()
        .await;
        assert_eq!(pages.len(), 2);
        assert!(matches!(
            pages[1],
            Err(Error::Config(ConfigError::NoRegion))
        ));
    }
}
