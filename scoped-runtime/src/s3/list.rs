//! Listing a collection's objects, typed and paginated.

use aws_sdk_s3::primitives::DateTime;

use super::client::ObjectStore;
use super::error::S3Error;
use super::objects::{ObjectKey, Objects};
use crate::naming::s3 as naming;
use crate::scope::sealed::Sealed as _;

/// One listed object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObjectSummary<O: ?Sized> {
    /// Its key.
    pub key: ObjectKey<O>,
    /// Its ids, unescaped, in the struct's field order.
    pub ids: Vec<String>,
    /// Its size in bytes.
    pub size: Option<i64>,
    /// When it was last written.
    pub last_modified: Option<DateTime>,
    /// Its entity tag.
    pub e_tag: Option<String>,
}

/// One page of a listing: its objects in key order and, if more follow, the token of the
/// next page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ObjectPage<O: ?Sized> {
    /// The page's objects.
    pub objects: Vec<ObjectSummary<O>>,
    /// Pass it to `list_page` for the next page; `None` on the last.
    pub next: Option<String>,
}

impl<O: Objects> ObjectStore<'_, O> {
    /// One page of the objects whose leading ids are `leading` (none: the whole collection;
    /// `["lead-789"]`: every object of that lead), at most `page_size` (1–1,000) objects, from
    /// `token` (a previous page's `next`).
    ///
    /// # Errors
    ///
    /// [`S3Error::ObjectKey`] if a leading id is empty, [`S3Error::ForeignObject`] if a key
    /// under the collection's prefix is not one of its objects, [`S3Error::Sdk`] if S3 fails.
    pub async fn list_page(
        &self,
        leading: &[&str],
        token: Option<&str>,
        page_size: i32,
    ) -> Result<ObjectPage<O>, S3Error> {
        let scope = self.client.scope().any_scope();
        let prefix = naming::list_prefix(&scope, O::COLLECTION, leading).map_err(|rule| {
            S3Error::ObjectKey {
                collection: O::COLLECTION,
                ids: leading.iter().map(|id| (*id).to_owned()).collect(),
                rule: rule.describe(),
            }
        })?;
        let output = self
            .raw()
            .list_objects_v2()
            .bucket(self.bucket()?)
            .prefix(&prefix)
            .max_keys(page_size.clamp(1, 1000))
            .set_continuation_token(token.map(str::to_owned))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("ListObjectsV2", &prefix, e))?;
        let scope_prefix = naming::scope_prefix(&scope);
        let objects = output
            .contents()
            .iter()
            .map(|object| {
                let key = object.key().unwrap_or_default();
                let (key, ids) = ObjectKey::<O>::read(&scope_prefix, key).ok_or_else(|| {
                    S3Error::ForeignObject {
                        key: key.to_owned(),
                        collection: O::COLLECTION,
                        ids: O::ID_COUNT,
                    }
                })?;
                Ok(ObjectSummary {
                    key,
                    ids,
                    size: object.size(),
                    last_modified: object.last_modified().copied(),
                    e_tag: object.e_tag().map(str::to_owned),
                })
            })
            .collect::<Result<_, S3Error>>()?;
        let next = if output.is_truncated() == Some(true) {
            output.next_continuation_token().map(str::to_owned)
        } else {
            None
        };
        Ok(ObjectPage { objects, next })
    }

    /// Every object whose leading ids are `leading`, page after page (1,000 a request).
    ///
    /// # Errors
    ///
    /// As [`Self::list_page`].
    pub async fn list(&self, leading: &[&str]) -> Result<Vec<ObjectSummary<O>>, S3Error> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(leading, token.as_deref(), 1000).await?;
            all.extend(page.objects);
            match page.next {
                Some(next) => token = Some(next),
                None => return Ok(all),
            }
        }
    }
}
