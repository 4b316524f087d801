//! Resource names that are pure functions of a scope: no SDK types, no service module. Each
//! service reads its own file; SNS also reads [`sqs`] to check that a subscribed queue is one
//! of the topic's scope.

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
