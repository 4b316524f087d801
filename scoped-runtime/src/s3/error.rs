//! The errors of scoped S3: [`S3Error`] for typed operations, [`S3Violation`] for requests
//! the S3 isolation guard rejects.

use std::time::Duration;

use crate::error::ScopeError;
use scoped_rules::Rule;

/// A request an S3 scoped client's guard rejected before signing or sending it.
///
/// Find it in an SDK error with [`S3Violation::find_in`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum S3Violation {
    /// The factory was built without [`S3Buckets`](crate::S3Buckets), so no bucket belongs to
    /// the scope.
    #[error(
        "{operation} rejected: no S3 buckets are configured; give them to the factory with \
         `AwsClientFactory::builder(config).s3_buckets(S3Buckets::new(\"…\")?)`"
    )]
    NoBuckets {
        /// The S3 operation.
        operation: String,
    },
    /// A request reached the shared client's guard without the scope a typed operation
    /// stamps on it: a bug in this crate, rejected rather than sent unchecked.
    #[error(
        "{operation} rejected: the request carries no scope to check it against (every typed \
         operation stamps one; please report this as a bug in scoped-runtime)"
    )]
    Unscoped {
        /// The S3 operation.
        operation: String,
    },
    /// The request names another bucket than the scope's.
    #[error("{operation} rejected: bucket {bucket:?} is not this scope's bucket {expected:?}")]
    ForeignBucket {
        /// The S3 operation.
        operation: String,
        /// The bucket the request names (empty if none).
        bucket: String,
        /// The scope's bucket.
        expected: String,
    },
    /// A key (or a `CopySource`'s key, or a listing `Prefix`) outside the scope's prefix.
    #[error(
        "{operation} rejected: {field} {key:?} is outside this scope's prefix {prefix:?} (a key \
         of the scope starts with exactly that prefix, `/` included)"
    )]
    OutsideScope {
        /// The S3 operation.
        operation: String,
        /// The request field: `Key`, `Prefix`, `CopySource`, `Delete.Objects[2].Key`.
        field: String,
        /// The rejected key or prefix (a `CopySource`'s key URL-decoded, as S3 reads it).
        key: String,
        /// The scope's prefix.
        prefix: String,
    },
    /// A key that is not in normal form: S3 stores it literally, but a client or proxy on the
    /// way may resolve it to another key.
    #[error("{operation} rejected: {field} {key:?} is not in normal form: {rule}")]
    NotNormal {
        /// The S3 operation.
        operation: String,
        /// The request field.
        field: String,
        /// The rejected key (URL-decoded for a `CopySource`).
        key: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A listing without a `Prefix`, or with an empty one: it would list every scope's
    /// objects in the bucket.
    #[error(
        "{operation} rejected: a listing needs a Prefix inside this scope's prefix {prefix:?}; \
         without one it lists every scope's objects"
    )]
    MissingPrefix {
        /// The S3 operation.
        operation: String,
        /// The scope's prefix.
        prefix: String,
    },
    /// A `CopySource` the guard cannot read the way S3 does.
    #[error("{operation} rejected: CopySource {copy_source:?} {reason}")]
    MalformedCopySource {
        /// The S3 operation: `CopyObject` or `UploadPartCopy`.
        operation: String,
        /// The rejected value, as sent.
        copy_source: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// An operation the guard does not allow on scoped clients.
    #[error("{operation} is not allowed on a scoped S3 client: {reason}")]
    UnsupportedOperation {
        /// The S3 operation.
        operation: String,
        /// Why, and what to use instead.
        reason: &'static str,
    },
}

impl S3Violation {
    /// The violation that caused `error`, if any: walks `error` and its sources (an SDK error
    /// whose request the guard rejected, or an [`S3Error`]).
    ///
    /// ```no_run
    /// # async fn demo(s3: scoped_runtime::CapsuleClient<scoped_runtime::S3>) {
    /// use scoped_runtime::S3Violation;
    ///
    /// let err = s3.raw().list_buckets().send().await.unwrap_err();
    /// assert!(matches!(
    ///     S3Violation::find_in(&err),
    ///     Some(S3Violation::UnsupportedOperation { .. })
    /// ));
    /// # }
    /// ```
    #[must_use]
    pub fn find_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Self> {
        let mut next = Some(error);
        while let Some(error) = next {
            if let Some(violation) = error.downcast_ref::<Self>() {
                return Some(violation);
            }
            // `S3Error::Violation` is transparent: its `source()` skips the violation itself.
            if let Some(S3Error::Violation(violation)) = error.downcast_ref::<S3Error>() {
                return Some(violation);
            }
            next = error.source();
        }
        None
    }
}

/// An error of a scoped S3 client's typed operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum S3Error {
    /// See [`S3Violation`].
    #[error(transparent)]
    Violation(#[from] S3Violation),
    /// See [`ScopeError`].
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// A bucket name S3 would refuse.
    #[error("bucket name {bucket:?} {rule}")]
    BucketName {
        /// The rejected name.
        bucket: String,
        /// The rule it breaks.
        rule: Rule,
    },
    /// The factory was built without [`S3Buckets`](crate::S3Buckets).
    #[error(
        "no S3 buckets are configured: give them to the factory with \
         `AwsClientFactory::builder(config).s3_buckets(S3Buckets::new(\"…\")?)`"
    )]
    NotConfigured,
    /// An object key could not be built from the given ids.
    #[error("object key in {collection:?} with ids {ids:?} rejected: {rule}")]
    ObjectKey {
        /// The object collection (`uploads`).
        collection: &'static str,
        /// The ids, before escaping.
        ids: Vec<String>,
        /// The rule they break.
        rule: &'static str,
    },
    /// A key listed under a collection's prefix that is not one of its typed objects (an object
    /// written under the prefix by hand, with another number of ids or a malformed escape).
    #[error(
        "object {key:?} under collection {collection:?} is not one of its typed objects: it \
         should hold {ids} escaped id(s) after the collection"
    )]
    ForeignObject {
        /// The listed key.
        key: String,
        /// The collection.
        collection: &'static str,
        /// How many ids the collection's objects have.
        ids: usize,
    },
    /// A presigned URL asked to live longer than the bound.
    #[error(
        "presigned URL for {key:?} rejected: it would expire in {requested:?}, over the bound \
         of {max:?} (MAX_PRESIGNED_EXPIRY); a shorter URL leaks less if it is shared"
    )]
    PresignExpiry {
        /// The object key.
        key: String,
        /// The expiry asked for.
        requested: Duration,
        /// The bound.
        max: Duration,
    },
    /// A multipart upload's part number outside S3's 1–10,000.
    #[error("multipart upload of {key:?}: part {part} is past S3's 10,000 parts")]
    TooManyParts {
        /// The object key.
        key: String,
        /// The part number that would have been used.
        part: i32,
    },
    /// An S3 request failed; the SDK's error is the source.
    #[error("S3 {operation} of {key:?} failed: {detail}")]
    Sdk {
        /// The S3 operation: `PutObject`, `GetObject`…
        operation: &'static str,
        /// The object key, or the listing prefix.
        key: String,
        /// The service's error code and message, or what failed on the way.
        detail: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl S3Error {
    /// Wraps an SDK error; a guard rejection becomes [`S3Error::Violation`].
    pub(crate) fn sdk<E>(operation: &'static str, key: &str, error: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        if let Some(violation) = S3Violation::find_in(&error) {
            return Self::Violation(violation.clone());
        }
        let detail = aws_smithy_types::error::display::DisplayErrorContext(&error).to_string();
        Self::Sdk {
            operation,
            key: key.to_owned(),
            detail,
            source: Box::new(error),
        }
    }
}
