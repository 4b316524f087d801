//! The typed API of scoped S3 clients: `objects::<O>()` and its operations.

use std::marker::PhantomData;
use std::time::Duration;

use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream;

use super::S3;
use super::error::S3Error;
use super::objects::{CapsuleObjects, ObjectKey, Objects, PlatformObjects, TenantObjects};
use super::settings::S3Buckets;
use crate::client::{ScopedClient, Sender};
use crate::naming::s3 as naming;
use crate::scope::{Capsule, Platform, Scope, Tenant};

/// The longest a presigned URL may live: one hour. A URL is a bearer credential for one key;
/// shorter leaks less when it is shared. (A role scope's URL also dies with the role's
/// session credentials, whichever comes first.)
pub const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(3600);

impl<Sc: Scope> ScopedClient<Sc, S3> {
    /// The bucket that holds this scope's objects.
    ///
    /// # Errors
    ///
    /// [`S3Error::NotConfigured`] if the factory has no [`S3Buckets`].
    pub fn bucket(&self) -> Result<&str, S3Error> {
        let buckets = self
            .clients()
            .settings::<S3Buckets>()
            .ok_or(S3Error::NotConfigured)?;
        Ok(buckets.bucket_of(&self.scope().any_scope()))
    }

    /// The key prefix of this scope's objects: `platform/`, `tenant/{tenant_id}/` or
    /// `capsule/{tenant_id}/{capsule_id}/`. No scope's prefix is a prefix of another's.
    #[must_use]
    pub fn object_prefix(&self) -> String {
        naming::scope_prefix(&self.scope().any_scope())
    }
}

impl ScopedClient<Capsule, S3> {
    /// The operations on objects of type `O` in this capsule ([`ObjectStore`]).
    ///
    /// `O` must be a capsule object type (`#[capsule_objects]`): a tenant or platform one does
    /// not compile, and the error names its client.
    #[must_use]
    pub fn objects<O>(&self) -> ObjectStore<'_, O>
    where
        O: CapsuleObjects<<O as Objects>::Scope>,
    {
        ObjectStore::new(O::client_of(self))
    }
}

impl ScopedClient<Tenant, S3> {
    /// The operations on objects of type `O` of this tenant ([`ObjectStore`]); `O` must be a
    /// tenant object type (`#[tenant_objects]`).
    #[must_use]
    pub fn objects<O>(&self) -> ObjectStore<'_, O>
    where
        O: TenantObjects<<O as Objects>::Scope>,
    {
        ObjectStore::new(O::client_of(self))
    }
}

impl ScopedClient<Platform, S3> {
    /// The operations on objects of type `O` of the platform ([`ObjectStore`]); `O` must be a
    /// platform object type (`#[platform_objects]`).
    #[must_use]
    pub fn objects<O>(&self) -> ObjectStore<'_, O>
    where
        O: PlatformObjects<<O as Objects>::Scope>,
    {
        ObjectStore::new(O::client_of(self))
    }
}

/// The operations on the objects of type `O` in one scope, from `client.objects::<O>()`.
///
/// Every key is built from the client's scope and the object's ids, and every request goes
/// through the client's guarded SDK client.
pub struct ObjectStore<'c, O: Objects> {
    pub(super) client: &'c ScopedClient<O::Scope, S3>,
    pub(super) sender: Sender<S3>,
    _objects: PhantomData<fn() -> O>,
}

impl<'c, O: Objects> ObjectStore<'c, O> {
    fn new(client: &'c ScopedClient<O::Scope, S3>) -> Self {
        Self {
            client,
            sender: client.sender(),
            _objects: PhantomData,
        }
    }
}

impl<O: Objects> std::fmt::Debug for ObjectStore<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field("scope", self.client.scope())
            .field("collection", &O::COLLECTION)
            .finish()
    }
}

/// A downloaded object: its body as a stream, and what S3 said about it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Download {
    /// The body, streamed: `body.collect().await?.into_bytes()` for all of it.
    pub body: ByteStream,
    /// Its length in bytes.
    pub content_length: Option<i64>,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// Its entity tag.
    pub e_tag: Option<String>,
}

impl<'c, O: Objects> ObjectStore<'c, O> {
    /// The key of `object` in the client's scope.
    ///
    /// # Errors
    ///
    /// [`S3Error::ObjectKey`] if an id is empty or the key exceeds 1,024 bytes.
    pub fn key(&self, object: &O) -> Result<ObjectKey<O>, S3Error> {
        ObjectKey::of(self.client.scope(), object)
    }

    pub(super) fn bucket(&self) -> Result<&'c str, S3Error> {
        self.client.bucket()
    }

    /// The S3 shared client: every request sent through it carries [`Self::stamp`].
    pub(super) fn raw(&self) -> &aws_sdk_s3::Client {
        self.sender.client()
    }

    /// Uploads `body` (anything a [`ByteStream`] is made from: bytes, a file, a stream) as
    /// `object`, with an optional `Content-Type`.
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it, and key errors as [`Self::key`].
    pub async fn put(
        &self,
        object: &O,
        body: impl Into<ByteStream>,
        content_type: Option<&str>,
    ) -> Result<ObjectKey<O>, S3Error> {
        let key = self.key(object)?;
        self.raw()
            .put_object()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .body(body.into())
            .set_content_type(content_type.map(str::to_owned))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("PutObject", key.as_str(), e))?;
        Ok(key)
    }

    /// Downloads `object` as a stream, or `None` if it does not exist.
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] on any other failure.
    pub async fn get(&self, object: &O) -> Result<Option<Download>, S3Error> {
        let key = self.key(object)?;
        let result = self
            .raw()
            .get_object()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        match result {
            Ok(output) => Ok(Some(Download {
                content_length: output.content_length(),
                content_type: output.content_type().map(str::to_owned),
                e_tag: output.e_tag().map(str::to_owned),
                body: output.body,
            })),
            Err(err)
                if err.as_service_error().is_some_and(
                    aws_sdk_s3::operation::get_object::GetObjectError::is_no_such_key,
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(S3Error::sdk("GetObject", key.as_str(), err)),
        }
    }

    /// Deletes `object` (S3 reports success whether or not it existed).
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it.
    pub async fn delete(&self, object: &O) -> Result<(), S3Error> {
        let key = self.key(object)?;
        self.raw()
            .delete_object()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("DeleteObject", key.as_str(), e))?;
        Ok(())
    }

    /// Copies `from` to `to`, both objects of the client's scope (S3 copies up to 5 GB in one
    /// request).
    ///
    /// # Errors
    ///
    /// [`S3Error::Sdk`] if S3 refuses it (`from` missing, say).
    pub async fn copy(&self, from: &O, to: &O) -> Result<ObjectKey<O>, S3Error> {
        let source = self.key(from)?;
        let target = self.key(to)?;
        let bucket = self.bucket()?;
        self.raw()
            .copy_object()
            .bucket(bucket)
            .key(target.as_str())
            .copy_source(super::guard::encode_copy_source(bucket, source.as_str()))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|e| S3Error::sdk("CopyObject", target.as_str(), e))?;
        Ok(target)
    }

    /// A presigned `GET` of `object`, valid for `expires_in` (at most
    /// [`MAX_PRESIGNED_EXPIRY`]): a URL that downloads it without credentials.
    ///
    /// # Errors
    ///
    /// [`S3Error::PresignExpiry`] above the bound.
    pub async fn presign_get(
        &self,
        object: &O,
        expires_in: Duration,
    ) -> Result<PresignedRequest, S3Error> {
        let key = self.key(object)?;
        let config = presigning(key.as_str(), expires_in)?;
        self.raw()
            .get_object()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .customize()
            .interceptor(self.sender.stamp())
            .presigned(config)
            .await
            .map_err(|e| S3Error::sdk("GetObject", key.as_str(), e))
    }

    /// A presigned `PUT` of `object`, valid for `expires_in` (at most
    /// [`MAX_PRESIGNED_EXPIRY`]): a URL that uploads its body without credentials, with the
    /// `Content-Type` given here, if any, which the upload must then send.
    ///
    /// # Errors
    ///
    /// [`S3Error::PresignExpiry`] above the bound.
    pub async fn presign_put(
        &self,
        object: &O,
        content_type: Option<&str>,
        expires_in: Duration,
    ) -> Result<PresignedRequest, S3Error> {
        let key = self.key(object)?;
        let config = presigning(key.as_str(), expires_in)?;
        self.raw()
            .put_object()
            .bucket(self.bucket()?)
            .key(key.as_str())
            .set_content_type(content_type.map(str::to_owned))
            .customize()
            .interceptor(self.sender.stamp())
            .presigned(config)
            .await
            .map_err(|e| S3Error::sdk("PutObject", key.as_str(), e))
    }
}

fn presigning(key: &str, expires_in: Duration) -> Result<PresigningConfig, S3Error> {
    if expires_in > MAX_PRESIGNED_EXPIRY || expires_in.is_zero() {
        return Err(S3Error::PresignExpiry {
            key: key.to_owned(),
            requested: expires_in,
            max: MAX_PRESIGNED_EXPIRY,
        });
    }
    PresigningConfig::expires_in(expires_in).map_err(|e| S3Error::sdk("Presign", key, e))
}
