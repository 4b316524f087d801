//! [`ConfigError`]: an SDK configuration the factory cannot build clients from.

/// The SDK configuration given to [`AwsClientFactory`](crate::AwsClientFactory) lacks what
/// every client needs; the SDK would panic on the first client built from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region: requests would have nowhere to go.
    #[error(
        "AWS configuration is incomplete: no region: set AWS_REGION, a profile region, or \
         SdkConfig::builder().region(..)"
    )]
    NoRegion,
    /// No behavior version: the SDK refuses to build clients without one.
    #[error(
        "AWS configuration is incomplete: no behavior version: load it with \
         aws_config::defaults(BehaviorVersion::latest()) or set \
         SdkConfig::builder().behavior_version(..)"
    )]
    NoBehaviorVersion,
}
