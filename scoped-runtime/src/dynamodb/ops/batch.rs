//! Batch reads and writes: split into DynamoDB's request limits, unprocessed parts retried with
//! backoff.

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Items;
use super::convert::{Item, build_error, item_key_map, request_error, to_item};
use super::unique;
use crate::dynamodb::entity::{Entity, ItemKey};
use crate::dynamodb::error::Error;

/// DynamoDB's limit on keys per `BatchGetItem`.
const GET_CHUNK: usize = 100;
/// DynamoDB's limit on writes per `BatchWriteItem`.
const WRITE_CHUNK: usize = 25;
/// Requests sent for one chunk before its unprocessed part is an error.
const MAX_ATTEMPTS: u32 = 8;
/// The first retry waits between half of this and this; each retry doubles it, up to
/// [`MAX_DELAY`] ("equal jitter", so retries of many callers spread out).
const BASE_DELAY: Duration = Duration::from_millis(25);
const MAX_DELAY: Duration = Duration::from_secs(2);

impl<E: Entity> Items<E> {
    /// The items with the given ids that exist, in no particular order.
    ///
    /// Keys are deduplicated and sent 100 per request (DynamoDB's limit); keys DynamoDB
    /// leaves unprocessed (throttling, the 16 MB response limit) are requested again with
    /// exponential backoff, up to 8 requests per chunk.
    ///
    /// ```no_run
    /// # use scoped_runtime::{capsule_table, ScopedKey, Items};
    /// # #[capsule_table("crm")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct Lead { #[scoped(id)] pub lead_id: String, pub name: String }
    /// # async fn demo(leads: Items<Lead>) -> Result<(), scoped_runtime::Error> {
    /// let found = leads.batch_get(["lead-1", "lead-2", "lead-3"]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Key`] for an empty id (before anything is sent), [`Error::Unprocessed`] if
    /// keys stay unprocessed through every retry, otherwise as [`Self::get`].
    pub async fn batch_get<'a, I>(&self, ids: I) -> Result<Vec<E>, Error>
    where
        I: IntoIterator<Item = E::Ids<'a>>,
        E: DeserializeOwned + 'a,
    {
        let keys = self.keys(ids)?;
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(GET_CHUNK) {
            let pending: Vec<Item> = chunk.iter().map(item_key_map).collect();
            let items = self
                .until_processed("BatchGetItem", pending, |pending| async move {
                    let request = KeysAndAttributes::builder()
                        .set_keys(Some(pending))
                        .consistent_read(self.consistent)
                        .build()
                        .map_err(|err| build_error("BatchGetItem", self.table.as_str(), err))?;
                    let output = self
                        .sender
                        .client()
                        .batch_get_item()
                        .request_items(self.table.as_str(), request)
                        .customize()
                        .interceptor(self.sender.stamp())
                        .send()
                        .await
                        .map_err(|err| {
                            request_error("BatchGetItem", self.table.as_str(), None, err)
                        })?;
                    let items = output
                        .responses
                        .and_then(|mut responses| responses.remove(self.table.as_str()))
                        .unwrap_or_default();
                    let unprocessed = output
                        .unprocessed_keys
                        .and_then(|mut unprocessed| unprocessed.remove(self.table.as_str()))
                        .map(|request| request.keys)
                        .unwrap_or_default();
                    Ok((items, unprocessed))
                })
                .await?;
            for item in items {
                found.push(self.check_item(item, None)?);
            }
        }
        Ok(found)
    }

    /// Writes every item, replacing existing ones, 25 per request (DynamoDB's limit), retrying
    /// unprocessed writes with exponential backoff. Of items with the same key, the last one
    /// is written. Not atomic: on error, some items may have been written (use a
    /// [`Transaction`](crate::Transaction) for all-or-nothing).
    ///
    /// # Errors
    ///
    /// [`Error::UniqueWrite`] if `E` has `#[scoped(unique)]` fields (a batch cannot keep their
    /// uniqueness items; use [`put`](Self::put) or a transaction's `create`), [`Error::Key`],
    /// [`Error::Item`] or [`Error::ReservedAttribute`] for an item that cannot be converted
    /// (all before anything is sent), [`Error::Unprocessed`] if writes stay
    /// unprocessed through every retry, [`Error::DynamoDb`] if a request fails.
    pub async fn batch_put<'a, I>(&self, items: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = &'a E>,
        E: Serialize + 'a,
    {
        unique::refuse::<E>("batch_put", unique::BATCH)?;
        let mut writes = Vec::new();
        for item in items {
            let key = self.key_of(item)?;
            let item = to_item(item, &self.scope, self.table.as_str(), &key)?;
            let key = key.to_string();
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|err| build_error("BatchWriteItem", self.table.as_str(), err))?;
            writes.push((key, WriteRequest::builder().put_request(put).build()));
        }
        self.write_all(keep_last(writes)).await
    }

    /// Deletes the items with the given ids, 25 per request, retrying unprocessed deletes
    /// with exponential backoff. Absent items are not an error. Not atomic.
    ///
    /// # Errors
    ///
    /// [`Error::UniqueWrite`] if `E` has `#[scoped(unique)]` fields (a batch cannot release
    /// their uniqueness items; use [`delete`](Self::delete)), [`Error::Key`] for an empty id
    /// (both before anything is sent), [`Error::Unprocessed`] if deletes stay unprocessed
    /// through every retry, [`Error::DynamoDb`] if a request fails.
    pub async fn batch_delete<'a, I>(&self, ids: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = E::Ids<'a>>,
        E: 'a,
    {
        unique::refuse::<E>("batch_delete", unique::BATCH)?;
        let mut writes = Vec::new();
        for key in self.keys(ids)? {
            let delete = DeleteRequest::builder()
                .set_key(Some(item_key_map(&key)))
                .build()
                .map_err(|err| build_error("BatchWriteItem", self.table.as_str(), err))?;
            writes.push(WriteRequest::builder().delete_request(delete).build());
        }
        self.write_all(writes).await
    }

    async fn write_all(&self, writes: Vec<WriteRequest>) -> Result<(), Error> {
        let mut writes = writes.into_iter().peekable();
        while writes.peek().is_some() {
            let chunk: Vec<WriteRequest> = writes.by_ref().take(WRITE_CHUNK).collect();
            self.until_processed("BatchWriteItem", chunk, |pending| async move {
                let output = self
                    .sender
                    .client()
                    .batch_write_item()
                    .request_items(self.table.as_str(), pending)
                    .customize()
                    .interceptor(self.sender.stamp())
                    .send()
                    .await
                    .map_err(|err| {
                        request_error("BatchWriteItem", self.table.as_str(), None, err)
                    })?;
                let unprocessed = output
                    .unprocessed_items
                    .and_then(|mut unprocessed| unprocessed.remove(self.table.as_str()))
                    .unwrap_or_default();
                Ok((Vec::<()>::new(), unprocessed))
            })
            .await?;
        }
        Ok(())
    }

    /// Sends `pending` with `send`, which answers what was done and what is still unprocessed,
    /// and sends the unprocessed part again after a backoff until nothing is left or
    /// [`MAX_ATTEMPTS`] requests were sent. Returns everything `send` answered done.
    async fn until_processed<T, Done, Send, Sent>(
        &self,
        operation: &'static str,
        mut pending: Vec<T>,
        mut send: Send,
    ) -> Result<Vec<Done>, Error>
    where
        Send: FnMut(Vec<T>) -> Sent,
        Sent: Future<Output = Result<(Vec<Done>, Vec<T>), Error>>,
    {
        let mut done = Vec::new();
        for attempts in 1.. {
            let (answered, unprocessed) = send(pending).await?;
            done.extend(answered);
            if unprocessed.is_empty() {
                break;
            }
            if attempts >= MAX_ATTEMPTS {
                return Err(Error::Unprocessed {
                    operation,
                    table: self.table.to_string(),
                    remaining: unprocessed.len(),
                    attempts,
                });
            }
            tokio::time::sleep(backoff(attempts)).await;
            pending = unprocessed;
        }
        Ok(done)
    }

    /// The keys of `ids`, each once, in first-seen order.
    fn keys<'a, I>(&self, ids: I) -> Result<Vec<ItemKey<E>>, Error>
    where
        I: IntoIterator<Item = E::Ids<'a>>,
        E: 'a,
    {
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        for ids in ids {
            let key = self.item_key(ids)?;
            if seen.insert(key.clone()) {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

/// The wait before retry number `retry` (1-based): equal jitter over an exponential ceiling.
fn backoff(retry: u32) -> Duration {
    let ceiling = BASE_DELAY
        .saturating_mul(1 << retry.saturating_sub(1).min(16))
        .min(MAX_DELAY);
    ceiling / 2 + (ceiling / 2).mul_f64(fastrand::f64())
}

/// The values of `entries`, keeping only the last of each key, in order.
fn keep_last<T>(entries: Vec<(String, T)>) -> Vec<T> {
    let mut seen = HashSet::with_capacity(entries.len());
    let mut kept: Vec<T> = entries
        .into_iter()
        .rev()
        .filter_map(|(key, value)| seen.insert(key).then_some(value))
        .collect();
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        for retry in 1..40 {
            let ceiling = BASE_DELAY
                .saturating_mul(1 << (retry - 1).min(16))
                .min(MAX_DELAY);
            let delay = backoff(retry);
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{retry}: {delay:?}"
            );
        }
        assert!(backoff(30) <= MAX_DELAY);
    }

    #[test]
    fn the_last_write_of_a_key_wins() {
        let entries = vec![
            ("a".to_owned(), 1),
            ("b".to_owned(), 2),
            ("a".to_owned(), 3),
        ];
        assert_eq!(keep_last(entries), [2, 3]);
    }
}
