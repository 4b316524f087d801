//! The names each scope's resources get: pure functions of the scope, injective across scopes,
//! checked against each service's limits. No SDK types and no service module: every service
//! reads its own file, and a service that checks another's names (SNS subscribing an SQS queue)
//! reads them here rather than from that service.

#[cfg_attr(
    not(feature = "s3"),
    allow(
        dead_code,
        reason = "names are plain strings, compiled whatever the features; only S3 reads them"
    )
)]
pub(crate) mod s3;
#[cfg_attr(
    not(feature = "sns"),
    allow(
        dead_code,
        reason = "names are plain strings, compiled whatever the features; only SNS reads them"
    )
)]
pub(crate) mod sns;
#[cfg_attr(
    not(feature = "sqs"),
    allow(
        dead_code,
        reason = "names are plain strings, compiled whatever the features; SQS reads them all, SNS only some"
    )
)]
pub(crate) mod sqs;
pub(crate) mod table;
