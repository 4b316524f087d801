//! Multipart uploads of one typed object.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use super::client::ObjectStore;
use super::error::S3Error;
use super::objects::{ObjectKey, Objects};

/// S3's most parts in one upload.
const MAX_PARTS: i32 = 10_000;

/// A multipart upload in progress, from [`ObjectStore::start_multipart`]: upload parts in
/// order (each at least 5 MiB but the last), then [`complete`](Self::complete) or
/// [`abort`](Self::abort). An upload neither completed nor aborted keeps its parts (and their
/// cost) until a bucket lifecycle rule removes them.
#[derive(Debug)]
pub struct MultipartUpload<'s, 'c, O: Objects> {
    store: &'s ObjectStore<'c, O>,
    key: ObjectKey<O>,
    upload_id: String,
    parts: Vec<CompletedPart>,
}

impl<'c, O: Objects> ObjectStore<'c, O> {
    /// Starts a multipart upload of `object`, with an optional `Content-Type`.
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it.
    pub async fn start_multipart(
        &self,
        object: &O,
        content_type: Option<&str>,
    ) -> Result<MultipartUpload<'_, 'c, O>, S3Error> {
        let key = self.key(object)?;
        let output = self
            .raw()
            .create_multipart_upload()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .set_content_type(content_type.map(str::to_owned))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("CreateMultipartUpload", key.as_str(), e))?;
        let upload_id = output.upload_id().unwrap_or_default().to_owned();
        Ok(MultipartUpload {
            store: self,
            key,
            upload_id,
            parts: Vec::new(),
        })
    }
}

impl<O: Objects> MultipartUpload<'_, '_, O> {
    /// The object's key.
    #[must_use]
    pub fn key(&self) -> &ObjectKey<O> {
        &self.key
    }

    /// S3's id of the upload.
    #[must_use]
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }

    /// Uploads the next part.
    ///
    /// # Errors
    ///
    /// [`S3Error::TooManyParts`] past 10,000 parts, [`S3Error::Sdk`] if S3 refuses it.
    pub async fn upload_part(&mut self, body: impl Into<ByteStream>) -> Result<(), S3Error> {
        let part = i32::try_from(self.parts.len())
            .unwrap_or(i32::MAX)
            .saturating_add(1);
        if part > MAX_PARTS {
            return Err(S3Error::TooManyParts {
                key: self.key.as_str().to_owned(),
                part,
            });
        }
        let output = self
            .store
            .raw()
            .upload_part()
            .bucket(self.store.bucket()?)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .part_number(part)
            .body(body.into())
            .customize()
            .interceptor(self.store.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("UploadPart", self.key.as_str(), e))?;
        self.parts.push(
            CompletedPart::builder()
                .part_number(part)
                .set_e_tag(output.e_tag().map(str::to_owned))
                .set_checksum_crc32(output.checksum_crc32().map(str::to_owned))
                .build(),
        );
        Ok(())
    }

    /// Completes the upload: the object appears, made of the parts in order.
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it (a part but the last under 5 MiB, say).
    pub async fn complete(self) -> Result<ObjectKey<O>, S3Error> {
        self.store
            .raw()
            .complete_multipart_upload()
            .bucket(self.store.bucket()?)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(self.parts))
                    .build(),
            )
            .customize()
            .interceptor(self.store.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("CompleteMultipartUpload", self.key.as_str(), e))?;
        Ok(self.key)
    }

    /// Aborts the upload: S3 drops its parts.
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it.
    pub async fn abort(self) -> Result<(), S3Error> {
        self.store
            .raw()
            .abort_multipart_upload()
            .bucket(self.store.bucket()?)
            .key(self.key.as_str())
            .upload_id(&self.upload_id)
            .customize()
            .interceptor(self.store.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("AbortMultipartUpload", self.key.as_str(), e))?;
        Ok(())
    }
}
