//! [`SnsViolation`]: why the SNS isolation guard rejected a request.

/// A request an SNS scoped client refused to send: it names a topic or subscriber outside the
/// client's scope, publishes without the scope's label, or is not an operation the guard can
/// check. Find it in an SDK error with [`SnsViolation::find_in`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnsViolation {
    /// A request reached the shared client's guard without the scope a typed operation
    /// stamps on it: a bug in this crate, rejected rather than sent unchecked.
    #[error(
        "SNS {operation} rejected: the request carries no scope to check it against \
         (every typed operation stamps one; please report this as a bug in scoped-runtime)"
    )]
    Unscoped {
        /// The SNS operation.
        operation: String,
    },
    /// The operation is not on the guard's allow-list.
    #[error(
        "SNS {operation} is not allowed through a scoped client: the guard allows only \
         operations whose topics it can check against the scope (publish, publish batch, \
         subscribe a queue of the scope, unsubscribe, create, delete and describe a topic, \
         list its subscriptions)"
    )]
    UnsupportedOperation {
        /// The operation's name.
        operation: String,
    },
    /// A topic (by ARN or name, or the topic of a subscription ARN) is not one of the scope's.
    #[error(
        "{field} {value:?} is not a topic of this scope: its topics are named \
         `{prefix}{{base}}`"
    )]
    ForeignTopic {
        /// `TopicArn`, `TargetArn`, `Name`, `SubscriptionArn`.
        field: &'static str,
        /// The field's value.
        value: String,
        /// The scope's topic-name prefix.
        prefix: String,
    },
    /// A topic, subscription or subscribed queue ARN of this scope's name in another account.
    #[error(
        "{field} {value:?} is in account {account}, but this request may reach only account \
         {expected} ({why})"
    )]
    ForeignAccount {
        /// `TopicArn`, `TargetArn`, `SubscriptionArn`, `Endpoint`.
        field: &'static str,
        /// The field's value.
        value: String,
        /// The account it names.
        account: String,
        /// The account allowed.
        expected: String,
        /// Where that account comes from: the scope's role, or the topic subscribed to.
        why: &'static str,
    },
    /// A subscription endpoint that is not an SQS queue of the scope.
    #[error(
        "subscription of {protocol} endpoint {endpoint:?}: only SQS queues of this scope \
         (`arn:…:sqs:…:{prefix}{{base}}`) may subscribe"
    )]
    ForeignSubscriber {
        /// The protocol given.
        protocol: String,
        /// The endpoint given.
        endpoint: String,
        /// The scope's queue-name prefix.
        prefix: String,
    },
    /// A field the guard needs is missing.
    #[error("SNS {operation} without {field}: the guard cannot tell which topic it is for")]
    Missing {
        /// The operation.
        operation: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// A field that would send outside topics (SMS, mobile push).
    #[error(
        "SNS {operation} with {field} {value:?}: a scoped client publishes to its own topics only"
    )]
    Outside {
        /// The operation.
        operation: &'static str,
        /// `PhoneNumber`, `TargetArn`.
        field: &'static str,
        /// Its value.
        value: String,
    },
    /// A notification does not carry the scope's label in `scoped.scope`.
    #[error(
        "a notification to {topic:?} carries scope {found:?} in its `scoped.scope` attribute; \
         every notification of this scope must carry exactly {expected:?}"
    )]
    ScopeAttribute {
        /// The topic ARN.
        topic: String,
        /// The attribute's value, or `None` if missing or not a string.
        found: Option<String>,
        /// The scope's label.
        expected: String,
    },
    /// A topic or subscription attribute the guard does not allow to be set.
    #[error("attribute {name} is not allowed through a scoped client: {rule}")]
    Attribute {
        /// The attribute's name.
        name: String,
        /// Why.
        rule: &'static str,
    },
}

impl SnsViolation {
    /// The violation inside an error's chain (an SDK error, a [`SnsError`](crate::SnsError)),
    /// if one is there.
    #[must_use]
    pub fn find_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Self> {
        crate::messaging::find_in(error)
    }
}
