//! [`SqsError`]: what a typed SQS operation reports.

use std::error::Error as StdError;

/// An error of a typed SQS operation: a request SQS would refuse, a message that could not be
/// written, or SQS's (or the isolation guard's) answer. Each names the queue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqsError {
    /// A batch of no messages or more than ten.
    #[error("a batch of {count} messages for queue {queue}: SQS takes 1 to 10 per batch")]
    BatchSize {
        /// The queue's name.
        queue: String,
        /// The number of messages given.
        count: usize,
    },
    /// One message is over SQS's size limit.
    #[error(
        "message {index} for queue {queue} is {bytes} bytes with its attributes; SQS takes at \
         most {max} bytes per message"
    )]
    MessageTooLarge {
        /// The queue's name.
        queue: String,
        /// The message's position (0 for a single send).
        index: usize,
        /// Its size: body, attribute names, types and values.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A batch is over SQS's size limit in all.
    #[error(
        "a batch for queue {queue} is {bytes} bytes in all; SQS takes at most {max} bytes per \
         batch"
    )]
    BatchTooLarge {
        /// The queue's name.
        queue: String,
        /// The batch's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// A receive of no messages or more than ten.
    #[error("a receive of {count} messages from queue {queue}: SQS returns 1 to 10 per receive")]
    ReceiveCount {
        /// The queue's name.
        queue: String,
        /// The count asked for.
        count: u8,
    },
    /// A long-poll wait over SQS's 20 seconds.
    #[error("a wait of {seconds} s on queue {queue}: SQS long-polls for at most 20 s")]
    Wait {
        /// The queue's name.
        queue: String,
        /// The wait asked for.
        seconds: u64,
    },
    /// A visibility timeout over SQS's 12 hours.
    #[error("a visibility timeout of {seconds} s on queue {queue}: SQS takes 0 to 43,200 s")]
    Visibility {
        /// The queue's name.
        queue: String,
        /// The timeout asked for.
        seconds: u64,
    },
    /// A message could not be written as JSON.
    #[error("writing a `{message}` for queue {queue} as JSON failed: {source}")]
    Encode {
        /// The queue's name.
        queue: String,
        /// The message type.
        message: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// An SQS request failed (find a guard rejection in it with
    /// [`SqsViolation::find_in`](crate::SqsViolation::find_in)).
    #[error("SQS {operation} on queue {queue} failed: {detail}")]
    Sdk {
        /// The operation.
        operation: &'static str,
        /// The queue's name.
        queue: String,
        /// The service's error code and message, or what failed on the way.
        detail: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// SQS answered without a field the operation needs.
    #[error("SQS {operation} on queue {queue} answered without {field}")]
    Response {
        /// The operation.
        operation: &'static str,
        /// The queue's name.
        queue: String,
        /// The missing field.
        field: &'static str,
    },
}

impl SqsError {
    pub(crate) fn sdk<E>(operation: &'static str, queue: &str, err: E) -> Self
    where
        E: StdError + Send + Sync + 'static,
    {
        Self::Sdk {
            operation,
            queue: queue.to_owned(),
            detail: aws_smithy_types::error::display::DisplayErrorContext(&err).to_string(),
            source: Box::new(err),
        }
    }
}
