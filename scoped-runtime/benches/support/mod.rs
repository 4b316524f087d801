//! What the benchmarks share: one capsule and a factory built offline, as a service holds them.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use scoped_runtime::{AwsClientFactory, Capsule};

/// The capsule every benchmark works in: `TENANT#tenant-123#CAPSULE#caps-456#…`, `PRODUS_…`.
pub(crate) fn capsule() -> Capsule {
    Capsule::new("tenant-123", "caps-456", "PRODUS").expect("valid capsule")
}

/// A factory from a configuration with a region, a behavior version and static credentials:
/// building it and its clients touches no network.
pub(crate) fn offline_factory() -> AwsClientFactory {
    let config = SdkConfig::builder()
        .region(Region::from_static("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDBENCHMARK",
            "benchmark-secret",
            None,
            None,
            "bench",
        )))
        .build();
    AwsClientFactory::from_conf(config).expect("offline factory")
}
