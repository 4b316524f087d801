//! The S3 isolation guard: an SDK interceptor on every scoped S3 client, the raw one from
//! `raw()` and its presigned requests included, that rejects a request outside the scope's
//! bucket and key prefix before it is serialized, signed or sent.
//!
//! | operation | allowed when |
//! |-----------|--------------|
//! | `PutObject`, `GetObject`, `HeadObject`, `DeleteObject`, `CreateMultipartUpload`, `UploadPart`, `CompleteMultipartUpload`, `AbortMultipartUpload`, `ListParts` | the bucket is the scope's and `Key` is under the scope's prefix, in normal form |
//! | `DeleteObjects` | the same for every entry of `Delete.Objects`: one foreign entry rejects the whole batch |
//! | `CopyObject`, `UploadPartCopy` | the same for `Key`, and for `CopySource` read as S3 reads it: `?versionId=` split off, URL-decoded once, an optional leading `/`, `{bucket}/{key}` |
//! | `ListObjectsV2` | the bucket is the scope's and `Prefix` is under the scope's prefix (the prefix itself included); no prefix or an empty one is rejected |
//! | anything else (bucket-level operations, `ListBuckets`, `ListObjects` v1, versions, ACLs, tags, policies…) | never |
//!
//! A key is in normal form when it has no empty segment (`//`, a leading `/`), no `.` or
//! `..` segment and no control character: S3 itself stores keys literally, but an HTTP
//! client, proxy or CDN on the way may resolve `tenant/t1/../t2/x` into tenant `t2`'s key.
//! Every key the library builds is in normal form.

use aws_sdk_s3::operation::abort_multipart_upload::AbortMultipartUploadInput;
use aws_sdk_s3::operation::complete_multipart_upload::CompleteMultipartUploadInput;
use aws_sdk_s3::operation::copy_object::CopyObjectInput;
use aws_sdk_s3::operation::create_multipart_upload::CreateMultipartUploadInput;
use aws_sdk_s3::operation::delete_object::DeleteObjectInput;
use aws_sdk_s3::operation::delete_objects::DeleteObjectsInput;
use aws_sdk_s3::operation::get_object::GetObjectInput;
use aws_sdk_s3::operation::head_object::HeadObjectInput;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Input;
use aws_sdk_s3::operation::list_parts::ListPartsInput;
use aws_sdk_s3::operation::put_object::PutObjectInput;
use aws_sdk_s3::operation::upload_part::UploadPartInput;
use aws_sdk_s3::operation::upload_part_copy::UploadPartCopyInput;
use aws_smithy_runtime_api::client::interceptors::context::Input;

use super::error::S3Violation;
use super::settings::S3Buckets;
use crate::client::CheckRequest;
use crate::naming::s3::{self as naming, KeyRule};
use crate::scope::AnyScope;

const NOT_SCOPED: &str = "the guard allows only object operations whose bucket and keys it can \
    check against the scope's prefix; bucket-level work belongs to an operator client or an \
    unscoped SDK client";

/// S3's check ([`CheckRequest`]): the request against the scope's bucket and key prefix.
#[derive(Debug, Clone)]
pub(crate) struct S3Check {
    /// `None` when the factory has no `S3Buckets`: every request is rejected.
    buckets: Option<S3Buckets>,
}

impl S3Check {
    pub(crate) fn new(buckets: Option<S3Buckets>) -> Self {
        Self { buckets }
    }
}

/// A scope's bucket and key prefix, as the check reads them.
#[derive(Debug, Clone)]
pub(crate) struct ScopeObjects {
    /// `None` when the factory has no `S3Buckets`: every request is rejected.
    bucket: Option<String>,
    prefix: String,
}

#[cfg(test)]
impl ScopeObjects {
    pub(crate) fn new(bucket: Option<String>, prefix: String) -> Self {
        Self { bucket, prefix }
    }

    /// Checks one request's input, as the guard does.
    pub(crate) fn check(&self, operation: &str, input: &Input) -> Result<(), S3Violation> {
        S3Check::check(self, operation, input)
    }
}

impl CheckRequest for S3Check {
    type Scoped = ScopeObjects;
    type Violation = S3Violation;
    const NAME: &'static str = "scoped_runtime::S3Guard";

    fn scoped(&self, scope: &AnyScope) -> ScopeObjects {
        ScopeObjects {
            bucket: self
                .buckets
                .as_ref()
                .map(|buckets| buckets.bucket_of(scope).to_owned()),
            prefix: naming::scope_prefix(scope),
        }
    }

    fn check(scope: &ScopeObjects, operation: &str, input: &Input) -> Result<(), S3Violation> {
        check_input(scope.bucket.as_deref(), &scope.prefix, operation, input)
    }

    fn unscoped(operation: &str) -> S3Violation {
        S3Violation::Unscoped {
            operation: operation.to_owned(),
        }
    }
}

/// One request's check: the guard's scope and the operation's name for errors.
struct Check<'a> {
    bucket: &'a str,
    prefix: &'a str,
    operation: &'a str,
}

/// Checks one request's input against the scope's `bucket` (`None`: the factory has no
/// `S3Buckets`) and key `prefix`.
fn check_input(
    bucket: Option<&str>,
    prefix: &str,
    operation: &str,
    input: &Input,
) -> Result<(), S3Violation> {
    let Some(bucket) = bucket else {
        return Err(S3Violation::NoBuckets {
            operation: operation.to_owned(),
        });
    };
    let check = Check {
        bucket,
        prefix,
        operation,
    };
    macro_rules! keyed {
        ($($ty:ty),+) => {$(
            if let Some(input) = input.downcast_ref::<$ty>() {
                check.bucket(input.bucket())?;
                return check.key("Key", input.key());
            }
        )+};
    }
    keyed!(
        GetObjectInput,
        PutObjectInput,
        HeadObjectInput,
        DeleteObjectInput,
        CreateMultipartUploadInput,
        UploadPartInput,
        CompleteMultipartUploadInput,
        AbortMultipartUploadInput,
        ListPartsInput
    );
    if let Some(input) = input.downcast_ref::<ListObjectsV2Input>() {
        check.bucket(input.bucket())?;
        return check.prefix(input.prefix());
    }
    if let Some(input) = input.downcast_ref::<CopyObjectInput>() {
        check.bucket(input.bucket())?;
        check.key("Key", input.key())?;
        return check.copy_source(input.copy_source());
    }
    if let Some(input) = input.downcast_ref::<UploadPartCopyInput>() {
        check.bucket(input.bucket())?;
        check.key("Key", input.key())?;
        return check.copy_source(input.copy_source());
    }
    if let Some(input) = input.downcast_ref::<DeleteObjectsInput>() {
        check.bucket(input.bucket())?;
        let objects = input.delete().map(|d| d.objects()).unwrap_or_default();
        for (i, object) in objects.iter().enumerate() {
            check.key(&format!("Delete.Objects[{i}].Key"), Some(object.key()))?;
        }
        return Ok(());
    }
    Err(S3Violation::UnsupportedOperation {
        operation: operation.to_owned(),
        reason: NOT_SCOPED,
    })
}

impl Check<'_> {
    fn bucket(&self, bucket: Option<&str>) -> Result<(), S3Violation> {
        match bucket {
            Some(bucket) if bucket == self.bucket => Ok(()),
            other => Err(S3Violation::ForeignBucket {
                operation: self.operation.to_owned(),
                bucket: other.unwrap_or_default().to_owned(),
                expected: self.bucket.to_owned(),
            }),
        }
    }

    fn not_normal(&self, field: &str, key: &str, rule: KeyRule) -> S3Violation {
        S3Violation::NotNormal {
            operation: self.operation.to_owned(),
            field: field.to_owned(),
            key: key.to_owned(),
            rule: rule.describe(),
        }
    }

    fn outside(&self, field: &str, key: &str) -> S3Violation {
        S3Violation::OutsideScope {
            operation: self.operation.to_owned(),
            field: field.to_owned(),
            key: key.to_owned(),
            prefix: self.prefix.to_owned(),
        }
    }

    /// An object key: under the prefix, with something after it, in normal form.
    fn key(&self, field: &str, key: Option<&str>) -> Result<(), S3Violation> {
        let key = key.unwrap_or_default();
        match key.strip_prefix(self.prefix) {
            Some(rest) if !rest.is_empty() => {}
            _ => return Err(self.outside(field, key)),
        }
        naming::check_normal(key, false).map_err(|rule| self.not_normal(field, key, rule))
    }

    /// A listing prefix: under (or equal to) the scope's prefix, in normal form.
    fn prefix(&self, prefix: Option<&str>) -> Result<(), S3Violation> {
        let prefix = prefix.unwrap_or_default();
        if prefix.is_empty() {
            return Err(S3Violation::MissingPrefix {
                operation: self.operation.to_owned(),
                prefix: self.prefix.to_owned(),
            });
        }
        if !prefix.starts_with(self.prefix) {
            return Err(self.outside("Prefix", prefix));
        }
        naming::check_normal(prefix, true).map_err(|rule| self.not_normal("Prefix", prefix, rule))
    }

    /// A `CopySource`, read as S3 reads it.
    fn copy_source(&self, copy_source: Option<&str>) -> Result<(), S3Violation> {
        let raw = copy_source.unwrap_or_default();
        let malformed = |reason| S3Violation::MalformedCopySource {
            operation: self.operation.to_owned(),
            copy_source: raw.to_owned(),
            reason,
        };
        let (bucket, key) = parse_copy_source(raw).map_err(malformed)?;
        self.bucket(Some(&bucket))?;
        self.key("CopySource", Some(&key))
    }
}

/// Splits a `CopySource` into bucket and key as S3 does: the query (only `versionId=…`) off,
/// the rest URL-decoded once, an optional leading `/`, then `{bucket}/{key}`.
pub(crate) fn parse_copy_source(raw: &str) -> Result<(String, String), &'static str> {
    let path = match raw.split_once('?') {
        None => raw,
        Some((path, query)) => {
            let version = query
                .strip_prefix("versionId=")
                .ok_or("has a query other than `versionId=…`")?;
            if version.contains('&') {
                return Err("has a query other than `versionId=…`");
            }
            path
        }
    };
    if path.contains('+') {
        // Form decoding reads `+` as a space and path decoding does not; the guard will not
        // guess which key S3 reads.
        return Err("contains `+`, which decoders read as a space or as itself; encode it as %2B");
    }
    let decoded = percent_decode(path)
        .ok_or("has a `%` not followed by two hex digits, or decodes to invalid UTF-8")?;
    let decoded = decoded.strip_prefix('/').unwrap_or(&decoded);
    let (bucket, key) = decoded
        .split_once('/')
        .ok_or("is not `{bucket}/{key}` (access point and Outposts ARNs are not accepted)")?;
    Ok((bucket.to_owned(), key.to_owned()))
}

/// Decodes `%XX` escapes once; `None` on a malformed escape or non-UTF-8 result.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes `key` for a `CopySource` the guard (and S3) reads back as `key`: everything but
/// unreserved characters and `/` as `%XX`.
pub(crate) fn encode_copy_source(bucket: &str, key: &str) -> String {
    let mut out = String::with_capacity(bucket.len() + key.len() + 1);
    out.push_str(bucket);
    out.push('/');
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
