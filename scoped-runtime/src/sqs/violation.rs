//! [`SqsViolation`]: why the SQS isolation guard rejected a request.

/// A request an SQS scoped client refused to send: it names a queue outside the client's
/// scope, sends a message without the scope's label, or is not an operation the guard can
/// check. Find it in an SDK error with [`SqsViolation::find_in`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SqsViolation {
    /// A request reached the shared client's guard without the scope a typed operation
    /// stamps on it: a bug in this crate, rejected rather than sent unchecked.
    #[error(
        "SQS {operation} rejected: the request carries no scope to check it against \
         (every typed operation stamps one; please report this as a bug in scoped-runtime)"
    )]
    Unscoped {
        /// The SQS operation.
        operation: String,
    },
    /// The operation is not on the guard's allow-list.
    #[error(
        "SQS {operation} is not allowed through a scoped client: the guard allows only \
         operations whose queues it can check against the scope (send, receive, delete, \
         change visibility, their batches, get queue URL and attributes, create, purge and \
         delete a queue, list queues under the scope's prefix)"
    )]
    UnsupportedOperation {
        /// The operation's name.
        operation: String,
    },
    /// A queue name (or the queue of a URL or ARN) is not one of the scope's.
    #[error(
        "{field} {value:?} names queue {queue:?}, which is not a queue of this scope: its \
         queues are named `{prefix}{{base}}` (and `{prefix}{{base}}_dlq`)"
    )]
    ForeignQueue {
        /// The request field: `QueueUrl`, `QueueName`, `RedrivePolicy.deadLetterTargetArn`.
        field: &'static str,
        /// The field's value.
        value: String,
        /// The queue name it names.
        queue: String,
        /// The scope's queue-name prefix.
        prefix: String,
    },
    /// A queue URL or ARN names a queue of this scope's name in another account.
    #[error(
        "{field} {value:?} names a queue in account {account}, but this request may reach only \
         queues in account {expected} ({why})"
    )]
    ForeignAccount {
        /// The request field: `QueueUrl`, `RedrivePolicy.deadLetterTargetArn`.
        field: &'static str,
        /// The field's value.
        value: String,
        /// The account it names.
        account: String,
        /// The account allowed.
        expected: String,
        /// Where that account comes from: the scope's role, or the queue the request is for.
        why: &'static str,
    },
    /// A queue URL or ARN does not have the shape the guard reads queue names from.
    #[error("{field} {value:?} is not a queue {kind}: expected {expected}")]
    Malformed {
        /// The request field.
        field: &'static str,
        /// The field's value.
        value: String,
        /// `URL` or `ARN`.
        kind: &'static str,
        /// The shape expected.
        expected: &'static str,
    },
    /// A request field the guard needs is missing.
    #[error("SQS {operation} without {field}: the guard cannot tell which queue it is for")]
    Missing {
        /// The operation.
        operation: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// A message does not carry the scope's label in the `scoped.scope` attribute.
    #[error(
        "a message sent to {queue:?} carries scope {found:?} in its `scoped.scope` attribute; \
         every message of this scope must carry exactly {expected:?}"
    )]
    ScopeAttribute {
        /// The queue URL.
        queue: String,
        /// The attribute's value, or `None` if missing or not a string.
        found: Option<String>,
        /// The scope's label.
        expected: String,
    },
    /// A queue attribute the guard does not allow to be set, or a value it rejects.
    #[error("queue attribute {name} = {value:?} is not allowed through a scoped client: {rule}")]
    QueueAttribute {
        /// The attribute's name.
        name: String,
        /// Its value.
        value: String,
        /// Why.
        rule: &'static str,
    },
    /// `ListQueues` without a `QueueNamePrefix` inside the scope.
    #[error(
        "ListQueues with prefix {prefix:?} could list other scopes' queues: the prefix must \
         start with {expected:?}"
    )]
    ListPrefix {
        /// The request's prefix, if any.
        prefix: Option<String>,
        /// The scope's queue-name prefix.
        expected: String,
    },
}

impl SqsViolation {
    /// The violation inside an error's chain (an SDK error, a [`SqsError`](crate::SqsError)),
    /// if one is there.
    ///
    /// ```
    /// # async fn demo(queue: scoped_runtime::TenantClient<scoped_runtime::Sqs>) {
    /// use scoped_runtime::SqsViolation;
    ///
    /// let foreign = "https://sqs.us-east-1.amazonaws.com/123456789012/t_t10_hooks";
    /// let err = queue.raw().purge_queue().queue_url(foreign).send().await.unwrap_err();
    /// assert!(matches!(
    ///     SqsViolation::find_in(&err),
    ///     Some(SqsViolation::ForeignQueue { .. })
    /// ));
    /// # }
    /// ```
    #[must_use]
    pub fn find_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Self> {
        crate::messaging::find_in(error)
    }
}
