//! Amazon S3 (feature `s3`): each scope's objects under a key prefix of its own, in buckets
//! configured on the factory ([`S3Buckets`]), typed objects declared by
//! `#[capsule_objects("…")]` and its tenant and platform forms, and an isolation guard on every
//! scoped S3 client. docs/s3.md is the guide.

mod client;
pub(crate) mod error;
pub(crate) mod guard;
mod list;
mod multipart;
pub(crate) mod objects;
mod settings;

use aws_config::SdkConfig;

pub use client::{Download, MAX_PRESIGNED_EXPIRY, ObjectStore};
pub use list::{ObjectPage, ObjectSummary};
pub use multipart::MultipartUpload;
pub use settings::S3Buckets;

use crate::client::{
    CapsuleClient, Guard, PlatformClient, Service, ServiceConfig, TenantClient, sealed,
};
use crate::credentials::{RoleSigning, SignAs};
use crate::factory::{AwsClientFactory, FactoryBuilder};
use crate::scope::{AnyScope, Capsule, Platform, Tenant};

crate::credentials::impl_sign_as!(aws_sdk_s3::config::Builder);

/// Amazon S3: scoped clients wrap [`aws_sdk_s3::Client`], guarded to their scope's bucket and
/// key prefix.
#[derive(Debug, Clone, Copy)]
pub enum S3 {}

impl sealed::Sealed for S3 {
    type Raw = aws_sdk_s3::Client;

    fn guarded(config: &ServiceConfig<'_>, scope: &AnyScope) -> Self::Raw {
        let settings = config.settings::<S3Buckets>();
        let check = guard::S3Check::new(settings.cloned());
        let mut builder = aws_sdk_s3::config::Builder::from(config.sdk_config())
            .interceptor(Guard::of_scope(&check, scope))
            .force_path_style(settings.is_some_and(S3Buckets::path_style));
        if let Some(signing) = config.signing(scope) {
            builder = builder.sign_as(signing);
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }

    fn shared(config: &ServiceConfig<'_>) -> Self::Raw {
        let settings = config.settings::<S3Buckets>();
        let builder = aws_sdk_s3::config::Builder::from(config.sdk_config())
            .interceptor(Guard::per_request(guard::S3Check::new(settings.cloned())))
            .force_path_style(settings.is_some_and(S3Buckets::path_style))
            .sign_per_request(config.request_signing());
        aws_sdk_s3::Client::from_conf(builder.build())
    }

    fn signed(config: &SdkConfig, signing: Option<RoleSigning>) -> Self::Raw {
        let mut builder = aws_sdk_s3::config::Builder::from(config);
        if let Some(signing) = signing {
            builder = builder.sign_as(signing);
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }
}

impl Service for S3 {
    type Client = aws_sdk_s3::Client;
}

impl AwsClientFactory {
    /// The S3 client of `capsule`: its objects under `capsule/{tenant_id}/{capsule_id}/` in
    /// the capsules' bucket.
    #[must_use]
    pub fn capsule_s3(&self, capsule: &Capsule) -> CapsuleClient<S3> {
        self.scoped(capsule)
    }

    /// The S3 client of `tenant`: its objects under `tenant/{tenant_id}/` in the tenants'
    /// bucket.
    #[must_use]
    pub fn tenant_s3(&self, tenant: &Tenant) -> TenantClient<S3> {
        self.scoped(tenant)
    }

    /// The platform's S3 client: its objects under `platform/` in the platform's bucket.
    #[must_use]
    pub fn platform_s3(&self) -> PlatformClient<S3> {
        self.scoped(&Platform::new())
    }
}

impl FactoryBuilder {
    /// The buckets of the scopes' objects ([`S3Buckets`]). Without them, every scoped S3
    /// request fails with [`S3Violation::NoBuckets`](crate::S3Violation::NoBuckets).
    ///
    /// ```no_run
    /// use scoped_runtime::{AwsClientFactory, S3Buckets};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = aws_config::load_from_env().await;
    /// let factory = AwsClientFactory::builder(config)
    ///     .s3_buckets(S3Buckets::new("acme-data")?)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn s3_buckets(self, buckets: S3Buckets) -> Self {
        self.service_settings(buckets)
    }
}
