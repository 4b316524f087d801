//! [`SnsError`]: what a typed SNS operation reports.

use std::error::Error as StdError;

/// An error of a typed SNS operation. Each names the topic.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnsError {
    /// A batch of no notifications or more than ten.
    #[error("a batch of {count} notifications for topic {topic}: SNS takes 1 to 10 per batch")]
    BatchSize {
        /// The topic's name.
        topic: String,
        /// The number given.
        count: usize,
    },
    /// One notification is over SNS's size limit.
    #[error(
        "notification {index} for topic {topic} is {bytes} bytes with its attributes; SNS takes \
         at most {max} bytes per message"
    )]
    MessageTooLarge {
        /// The topic's name.
        topic: String,
        /// Its position (0 for a single publish).
        index: usize,
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A batch is over SNS's size limit in all.
    #[error("a batch for topic {topic} is {bytes} bytes in all; SNS takes at most {max} per batch")]
    BatchTooLarge {
        /// The topic's name.
        topic: String,
        /// The batch's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A subscription endpoint that is not a queue of the topic's scope.
    #[error(
        "topic {topic} cannot subscribe {endpoint:?}: only SQS queues of its own scope \
         (`arn:…:sqs:…:{prefix}{{base}}`) may subscribe"
    )]
    ForeignSubscriber {
        /// The topic's name.
        topic: String,
        /// The endpoint given.
        endpoint: String,
        /// The scope's queue-name prefix.
        prefix: String,
    },
    /// A notification could not be written as JSON.
    #[error("writing a `{message}` for topic {topic} as JSON failed: {source}")]
    Encode {
        /// The topic's name.
        topic: String,
        /// The notification type.
        message: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// An SNS request failed (find a guard rejection in it with
    /// [`SnsViolation::find_in`](crate::SnsViolation::find_in)).
    #[error("SNS {operation} on topic {topic} failed: {detail}")]
    Sdk {
        /// The operation.
        operation: &'static str,
        /// The topic's name.
        topic: String,
        /// The service's error code and message, or what failed on the way.
        detail: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// SNS answered without a field the operation needs.
    #[error("SNS {operation} on topic {topic} answered without {field}")]
    Response {
        /// The operation.
        operation: &'static str,
        /// The topic's name.
        topic: String,
        /// The missing field.
        field: &'static str,
    },
}

impl SnsError {
    pub(crate) fn sdk<E>(operation: &'static str, topic: &str, err: E) -> Self
    where
        E: StdError + Send + Sync + 'static,
    {
        Self::Sdk {
            operation,
            topic: topic.to_owned(),
            detail: aws_smithy_types::error::display::DisplayErrorContext(&err).to_string(),
            source: Box::new(err),
        }
    }
}
