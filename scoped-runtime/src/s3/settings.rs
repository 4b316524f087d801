//! [`S3Buckets`]: which bucket holds each scope's objects, given to the factory's builder.

use std::collections::HashMap;

use crate::ident::CapsuleCode;
use crate::scope::AnyScope;

use super::error::S3Error;

/// The buckets that hold each scope's objects: one bucket for every scope, with optional
/// buckets of their own for the platform, for tenants, for capsules, or for the capsules of
/// one code (one SDLC environment, such as `PRODUS`).
///
/// **Isolation never depends on the bucket.** Every scope's objects live under its own key
/// prefix (`capsule/{tenant_id}/{capsule_id}/…`), and no scope's prefix is a prefix of
/// another's, so scopes sharing a bucket stay apart; the guard checks both the bucket and the
/// prefix of every request. Separate buckets add a second wall where one is wanted: a
/// production environment's data in a bucket with its own bucket policy, KMS key, replication
/// or Region (`capsule_code("PRODUS", "acme-produs-data")`), platform data away from customer
/// data. Per-tenant buckets are not offered: S3's default quota is 100 buckets per account
/// (10,000 on request), well short of a tenant count.
///
/// ```
/// use scoped_runtime::S3Buckets;
///
/// let buckets = S3Buckets::new("acme-data")?
///     .capsule_code("PRODUS", "acme-produs-data")?
///     .force_path_style(true); // moto, LocalStack
/// # Ok::<(), scoped_runtime::S3Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct S3Buckets {
    default: String,
    platform: Option<String>,
    tenants: Option<String>,
    capsules: Option<String>,
    codes: HashMap<CapsuleCode, String>,
    path_style: bool,
}

fn checked(bucket: impl Into<String>) -> Result<String, S3Error> {
    let bucket = bucket.into();
    scoped_rules::check_bucket_name(&bucket).map_err(|rule| S3Error::BucketName {
        bucket: bucket.clone(),
        rule,
    })?;
    Ok(bucket)
}

impl S3Buckets {
    /// Every scope's objects in `bucket` (under each scope's prefix).
    ///
    /// # Errors
    ///
    /// [`S3Error::BucketName`] if `bucket` is not a valid bucket name.
    pub fn new(bucket: impl Into<String>) -> Result<Self, S3Error> {
        Ok(Self {
            default: checked(bucket)?,
            platform: None,
            tenants: None,
            capsules: None,
            codes: HashMap::new(),
            path_style: false,
        })
    }

    /// The platform's objects in `bucket`.
    ///
    /// # Errors
    ///
    /// [`S3Error::BucketName`] if `bucket` is not a valid bucket name.
    pub fn platform(mut self, bucket: impl Into<String>) -> Result<Self, S3Error> {
        self.platform = Some(checked(bucket)?);
        Ok(self)
    }

    /// Every tenant's objects in `bucket`.
    ///
    /// # Errors
    ///
    /// [`S3Error::BucketName`] if `bucket` is not a valid bucket name.
    pub fn tenants(mut self, bucket: impl Into<String>) -> Result<Self, S3Error> {
        self.tenants = Some(checked(bucket)?);
        Ok(self)
    }

    /// Every capsule's objects in `bucket`, unless its code has a bucket of its own.
    ///
    /// # Errors
    ///
    /// [`S3Error::BucketName`] if `bucket` is not a valid bucket name.
    pub fn capsules(mut self, bucket: impl Into<String>) -> Result<Self, S3Error> {
        self.capsules = Some(checked(bucket)?);
        Ok(self)
    }

    /// The objects of the capsules with code `code` (one environment: `PRODUS`) in `bucket`.
    ///
    /// # Errors
    ///
    /// [`S3Error::BucketName`] if `bucket` is not a valid bucket name, [`S3Error::Scope`] if
    /// `code` is not a valid capsule code.
    pub fn capsule_code(
        mut self,
        code: impl Into<String>,
        bucket: impl Into<String>,
    ) -> Result<Self, S3Error> {
        let code = CapsuleCode::new(code)?;
        self.codes.insert(code, checked(bucket)?);
        Ok(self)
    }

    /// Addresses buckets in the path (`https://host/bucket/key`) instead of the host name:
    /// what moto and LocalStack need behind a custom endpoint.
    #[must_use]
    pub fn force_path_style(mut self, path_style: bool) -> Self {
        self.path_style = path_style;
        self
    }

    /// Whether buckets are addressed in the path.
    #[must_use]
    pub fn path_style(&self) -> bool {
        self.path_style
    }

    /// The bucket of `scope`'s objects.
    pub(crate) fn bucket_of(&self, scope: &AnyScope) -> &str {
        let specific = match scope {
            AnyScope::Platform => self.platform.as_ref(),
            AnyScope::Tenant(_) => self.tenants.as_ref(),
            AnyScope::Capsule(capsule) => self.codes.get(capsule.code()).or(self.capsules.as_ref()),
        };
        specific.unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Capsule, Tenant};

    #[test]
    fn buckets_by_scope() {
        let buckets = S3Buckets::new("acme-data")
            .unwrap()
            .capsules("acme-capsules")
            .unwrap()
            .capsule_code("PRODUS", "acme-produs")
            .unwrap();
        let prod = AnyScope::Capsule(Capsule::new("t1", "c1", "PRODUS").unwrap());
        let dev = AnyScope::Capsule(Capsule::new("t1", "c2", "DEVUS").unwrap());
        let tenant = AnyScope::Tenant(Tenant::new("t1", "T").unwrap());
        assert_eq!(buckets.bucket_of(&prod), "acme-produs");
        assert_eq!(buckets.bucket_of(&dev), "acme-capsules");
        assert_eq!(buckets.bucket_of(&tenant), "acme-data");
        assert_eq!(buckets.bucket_of(&AnyScope::Platform), "acme-data");
    }

    #[test]
    fn bad_names_are_errors() {
        let err = S3Buckets::new("Acme_Data").unwrap_err();
        assert!(err.to_string().contains("Acme_Data"), "{err}");
        assert!(
            S3Buckets::new("ok-bucket")
                .unwrap()
                .capsule_code("prod", "x-y-z")
                .is_err()
        );
    }
}
