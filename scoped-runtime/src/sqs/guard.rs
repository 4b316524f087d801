//! The SQS isolation guard: an SDK interceptor on every scoped SQS client, `raw()` included,
//! that rejects a request naming a queue outside the client's scope before it is serialized,
//! signed or sent.
//!
//! | operation | allowed when |
//! |-----------|--------------|
//! | `SendMessage`, `SendMessageBatch` | `QueueUrl` is the scope's, and every message carries the scope's label in `scoped.scope` |
//! | `ReceiveMessage`, `DeleteMessage`, `DeleteMessageBatch`, `ChangeMessageVisibility`, `ChangeMessageVisibilityBatch`, `GetQueueAttributes`, `PurgeQueue`, `DeleteQueue` | `QueueUrl` is the scope's |
//! | `GetQueueUrl` | `QueueName` is the scope's, without `QueueOwnerAWSAccountId` |
//! | `CreateQueue`, `SetQueueAttributes` | the queue is the scope's, every attribute is on [`ALLOWED_ATTRIBUTES`], and a `RedrivePolicy` dead-letters into a queue of the scope |
//! | `ListQueues` | `QueueNamePrefix` starts with the scope's prefix |
//! | anything else (permissions, tags, message move tasks, dead-letter source listing…) | never |
//!
//! A queue is the scope's when its name is `{scope part}_{base}` or `{scope part}_{base}_dlq`
//! for the scope's part and a valid base ([`crate::naming::sqs`]); a URL's queue name is its
//! last path segment, and a URL of any other shape is rejected.
//!
//! **Accounts.** A URL's or ARN's account (`https://…/{account}/{name}`,
//! `arn:…:sqs:{region}:{account}:{name}`) must be the scope's when the guard knows it: the
//! account of the role a role-carrying scope signs as ([`crate::messaging::scope_account`]).
//! A scope signing with the factory's own credentials has no account the guard can know when
//! its client is built (only STS knows the caller's account), so its `QueueUrl`'s account is
//! not checked, and a same-named queue of another account that lets the factory's principal in
//! by its queue policy is reachable through its raw client; what is checked for it regardless:
//! a `RedrivePolicy` of `SetQueueAttributes` must dead-letter into the account of the queue it
//! is set on. Regions are not checked: requests go to the client's regional endpoint, where a
//! queue of another region does not exist.

use aws_sdk_sqs::operation::change_message_visibility::ChangeMessageVisibilityInput;
use aws_sdk_sqs::operation::change_message_visibility_batch::ChangeMessageVisibilityBatchInput;
use aws_sdk_sqs::operation::create_queue::CreateQueueInput;
use aws_sdk_sqs::operation::delete_message::DeleteMessageInput;
use aws_sdk_sqs::operation::delete_message_batch::DeleteMessageBatchInput;
use aws_sdk_sqs::operation::delete_queue::DeleteQueueInput;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesInput;
use aws_sdk_sqs::operation::get_queue_url::GetQueueUrlInput;
use aws_sdk_sqs::operation::list_queues::ListQueuesInput;
use aws_sdk_sqs::operation::purge_queue::PurgeQueueInput;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageInput;
use aws_sdk_sqs::operation::send_message::SendMessageInput;
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchInput;
use aws_sdk_sqs::operation::set_queue_attributes::SetQueueAttributesInput;
use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName};
use aws_smithy_runtime_api::client::interceptors::context::Input;
use std::collections::HashMap;

use super::SqsViolation;
use crate::client::CheckRequest;
use crate::messaging::attribute::{self, SCOPE_ATTRIBUTE};
use crate::naming::sqs as naming;
use crate::scope::AnyScope;

/// The operations the guard allows (each with its checks, above); `policy::tests` checks the
/// session policy grants no action beyond them.
#[cfg(test)]
pub(crate) const ALLOWED_OPERATIONS: [&str; 14] = [
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "GetQueueUrl",
    "GetQueueAttributes",
    "CreateQueue",
    "SetQueueAttributes",
    "PurgeQueue",
    "DeleteQueue",
    "ListQueues",
];

/// The queue attributes a scoped client may set: delivery and retention settings, FIFO
/// settings, encryption, and a redrive policy into the scope's own dead-letter queue. Not
/// `Policy` (a resource policy can grant other principals the queue) nor
/// `RedriveAllowPolicy`.
pub(crate) const ALLOWED_ATTRIBUTES: [&str; 12] = [
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
];

/// What the guard knows of its scope, computed once per client.
#[derive(Debug, Clone)]
pub(crate) struct ScopeNames {
    /// `{scope part}_`.
    pub(crate) prefix: String,
    /// The label every message carries.
    pub(crate) label: String,
    /// The account of the scope's queues, if known (its role's).
    pub(crate) account: Option<String>,
}

impl ScopeNames {
    pub(crate) fn of(scope: &AnyScope) -> Self {
        Self {
            prefix: naming::queue_prefix(scope),
            label: naming::scope_label(scope),
            account: crate::messaging::scope_account(scope),
        }
    }
}

/// SQS's check ([`CheckRequest`]): the request against the scope's names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SqsCheck;

impl CheckRequest for SqsCheck {
    type Scoped = ScopeNames;
    type Violation = SqsViolation;
    const NAME: &'static str = "scoped_runtime::SqsGuard";

    fn scoped(&self, scope: &AnyScope) -> ScopeNames {
        ScopeNames::of(scope)
    }

    fn check(names: &ScopeNames, operation: &str, input: &Input) -> Result<(), SqsViolation> {
        check_request(names, input, || operation)
    }

    fn unscoped(operation: &str) -> SqsViolation {
        SqsViolation::Unscoped {
            operation: operation.to_owned(),
        }
    }
}

/// Checks one request's input against the scope's names.
pub(crate) fn check_request<'a>(
    names: &ScopeNames,
    input: &Input,
    operation: impl FnOnce() -> &'a str,
) -> Result<(), SqsViolation> {
    let url = |op: &'static str, url: Option<&str>| queue_url(names, op, url);
    if let Some(input) = input.downcast_ref::<SendMessageInput>() {
        url("SendMessage", input.queue_url())?;
        return scope_attribute(names, input.queue_url(), input.message_attributes());
    }
    if let Some(input) = input.downcast_ref::<ReceiveMessageInput>() {
        return url("ReceiveMessage", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<DeleteMessageInput>() {
        return url("DeleteMessage", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<SendMessageBatchInput>() {
        url("SendMessageBatch", input.queue_url())?;
        for entry in input.entries() {
            scope_attribute(names, input.queue_url(), entry.message_attributes())?;
        }
        return Ok(());
    }
    if let Some(input) = input.downcast_ref::<DeleteMessageBatchInput>() {
        return url("DeleteMessageBatch", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<ChangeMessageVisibilityInput>() {
        return url("ChangeMessageVisibility", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<ChangeMessageVisibilityBatchInput>() {
        return url("ChangeMessageVisibilityBatch", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<GetQueueUrlInput>() {
        if let Some(owner) = input.queue_owner_aws_account_id() {
            return Err(SqsViolation::QueueAttribute {
                name: "QueueOwnerAWSAccountId".to_owned(),
                value: owner.to_owned(),
                rule: "a scope's queues are in the factory's account",
            });
        }
        return queue_name(names, "GetQueueUrl", "QueueName", input.queue_name());
    }
    if let Some(input) = input.downcast_ref::<GetQueueAttributesInput>() {
        return url("GetQueueAttributes", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<CreateQueueInput>() {
        queue_name(names, "CreateQueue", "QueueName", input.queue_name())?;
        return queue_attributes(names, None, input.attributes());
    }
    if let Some(input) = input.downcast_ref::<SetQueueAttributesInput>() {
        url("SetQueueAttributes", input.queue_url())?;
        let account = input
            .queue_url()
            .and_then(naming::queue_url_parts)
            .map(|(account, _)| account);
        return queue_attributes(names, account, input.attributes());
    }
    if let Some(input) = input.downcast_ref::<PurgeQueueInput>() {
        return url("PurgeQueue", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<DeleteQueueInput>() {
        return url("DeleteQueue", input.queue_url());
    }
    if let Some(input) = input.downcast_ref::<ListQueuesInput>() {
        return match input.queue_name_prefix() {
            Some(prefix) if prefix.starts_with(&names.prefix) => Ok(()),
            prefix => Err(SqsViolation::ListPrefix {
                prefix: prefix.map(str::to_owned),
                expected: names.prefix.clone(),
            }),
        };
    }
    Err(SqsViolation::UnsupportedOperation {
        operation: operation().to_owned(),
    })
}

fn queue_url(
    names: &ScopeNames,
    operation: &'static str,
    url: Option<&str>,
) -> Result<(), SqsViolation> {
    let url = url.ok_or(SqsViolation::Missing {
        operation,
        field: "QueueUrl",
    })?;
    let (account, name) = naming::queue_url_parts(url).ok_or_else(|| SqsViolation::Malformed {
        field: "QueueUrl",
        value: url.to_owned(),
        kind: "URL",
        expected: "`{scheme}://{host}/{account}/{queue name}`",
    })?;
    in_account(names.account.as_deref(), "QueueUrl", url, account, ROLE)?;
    owned(names, "QueueUrl", url, name)
}

fn queue_name(
    names: &ScopeNames,
    operation: &'static str,
    field: &'static str,
    name: Option<&str>,
) -> Result<(), SqsViolation> {
    let name = name.ok_or(SqsViolation::Missing { operation, field })?;
    owned(names, field, name, name)
}

fn owned(
    names: &ScopeNames,
    field: &'static str,
    value: &str,
    name: &str,
) -> Result<(), SqsViolation> {
    if naming::is_own_queue_name(&names.prefix, name) {
        Ok(())
    } else {
        Err(SqsViolation::ForeignQueue {
            field,
            value: value.to_owned(),
            queue: name.to_owned(),
            prefix: names.prefix.clone(),
        })
    }
}

/// Where the account a role-carrying scope's queues must be in comes from.
const ROLE: &str = "the account of the role the scope signs as";

fn in_account(
    expected: Option<&str>,
    field: &'static str,
    value: &str,
    account: &str,
    why: &'static str,
) -> Result<(), SqsViolation> {
    crate::messaging::check_account(expected, account).map_err(|(account, expected)| {
        SqsViolation::ForeignAccount {
            field,
            value: value.to_owned(),
            account,
            expected,
            why,
        }
    })
}

fn scope_attribute(
    names: &ScopeNames,
    queue: Option<&str>,
    attributes: Option<&HashMap<String, MessageAttributeValue>>,
) -> Result<(), SqsViolation> {
    let found = attributes
        .and_then(|attributes| attributes.get(SCOPE_ATTRIBUTE))
        .and_then(|value| attribute::carried(value.data_type(), value.string_value()));
    attribute::check(found, &names.label).map_err(|found| SqsViolation::ScopeAttribute {
        queue: queue.unwrap_or_default().to_owned(),
        found,
        expected: names.label.clone(),
    })
}

/// `queue_account`: the account of the queue the attributes are set on, if known (from its URL).
fn queue_attributes(
    names: &ScopeNames,
    queue_account: Option<&str>,
    attributes: Option<&HashMap<QueueAttributeName, String>>,
) -> Result<(), SqsViolation> {
    for (name, value) in attributes.into_iter().flatten() {
        let name = name.as_str();
        if !ALLOWED_ATTRIBUTES.contains(&name) {
            return Err(SqsViolation::QueueAttribute {
                name: name.to_owned(),
                value: value.clone(),
                rule: "only delivery, retention, FIFO, encryption and redrive settings may be set; \
                       a resource policy could grant the queue to other principals",
            });
        }
        if name == "RedrivePolicy" {
            redrive_policy(names, queue_account, value)?;
        }
    }
    Ok(())
}

/// A redrive policy must name a dead-letter queue of the scope.
fn redrive_policy(
    names: &ScopeNames,
    queue_account: Option<&str>,
    value: &str,
) -> Result<(), SqsViolation> {
    let invalid = |rule| SqsViolation::QueueAttribute {
        name: "RedrivePolicy".to_owned(),
        value: value.to_owned(),
        rule,
    };
    let policy: serde_json::Value =
        serde_json::from_str(value).map_err(|_| invalid("a redrive policy is a JSON object"))?;
    let arn = policy
        .get("deadLetterTargetArn")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| invalid("a redrive policy names its deadLetterTargetArn as a string"))?;
    let (account, name) = naming::queue_arn_parts(arn).ok_or_else(|| SqsViolation::Malformed {
        field: "RedrivePolicy.deadLetterTargetArn",
        value: arn.to_owned(),
        kind: "ARN",
        expected: "`arn:{partition}:sqs:{region}:{account}:{queue name}`",
    })?;
    let field = "RedrivePolicy.deadLetterTargetArn";
    in_account(names.account.as_deref(), field, arn, account, ROLE)?;
    in_account(
        queue_account,
        field,
        arn,
        account,
        "the account of the queue the policy is set on",
    )?;
    owned(names, field, arn, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Capsule, Tenant};

    fn names(scope: &AnyScope) -> ScopeNames {
        ScopeNames::of(scope)
    }

    fn check<T: std::fmt::Debug + Send + Sync + 'static>(
        names: &ScopeNames,
        input: T,
    ) -> Result<(), SqsViolation> {
        check_request(names, &Input::erase(input), || "Test")
    }

    const T1: &str = "https://sqs.us-east-1.amazonaws.com/1/t_t1_hooks";
    const T10: &str = "https://sqs.us-east-1.amazonaws.com/1/t_t10_hooks";

    fn label(value: &str) -> MessageAttributeValue {
        MessageAttributeValue::builder()
            .data_type("String")
            .string_value(value)
            .build()
            .unwrap()
    }

    #[test]
    fn urls_of_prefix_siblings() {
        let t1 = names(&AnyScope::Tenant(Tenant::new("t1", "T").unwrap()));
        let receive = |url: &str| {
            ReceiveMessageInput::builder()
                .queue_url(url)
                .build()
                .unwrap()
        };
        assert_eq!(check(&t1, receive(T1)), Ok(()));
        assert!(matches!(
            check(&t1, receive(T10)),
            Err(SqsViolation::ForeignQueue { .. })
        ));
        assert!(matches!(
            check(&t1, receive("t_t1_hooks")),
            Err(SqsViolation::Malformed { .. })
        ));
        assert!(matches!(
            check(&t1, ReceiveMessageInput::builder().build().unwrap()),
            Err(SqsViolation::Missing { .. })
        ));
        let dlq = format!("{T1}_dlq");
        assert_eq!(check(&t1, receive(&dlq)), Ok(()));
    }

    #[test]
    fn messages_carry_the_scope_label() {
        let t1 = names(&AnyScope::Tenant(Tenant::new("t1", "T").unwrap()));
        let send = |value: Option<&str>| {
            let mut input = SendMessageInput::builder().queue_url(T1).message_body("{}");
            if let Some(value) = value {
                input = input.message_attributes(SCOPE_ATTRIBUTE, label(value));
            }
            input.build().unwrap()
        };
        assert_eq!(check(&t1, send(Some("tenant/t1"))), Ok(()));
        assert!(matches!(
            check(&t1, send(Some("tenant/t10"))),
            Err(SqsViolation::ScopeAttribute { .. })
        ));
        assert!(matches!(
            check(&t1, send(None)),
            Err(SqsViolation::ScopeAttribute { found: None, .. })
        ));
    }

    #[test]
    fn queue_names_and_attributes() {
        let capsule = names(&AnyScope::Capsule(
            Capsule::new("t1", "caps-1", "PRODUS").unwrap(),
        ));
        let create = |name: &str, attribute: Option<(QueueAttributeName, String)>| {
            let mut input = CreateQueueInput::builder().queue_name(name);
            if let Some((key, value)) = attribute {
                input = input.attributes(key, value);
            }
            input.build().unwrap()
        };
        assert_eq!(
            check(&capsule, create("c_PRODUS_t1_caps-1_hooks", None)),
            Ok(())
        );
        assert!(check(&capsule, create("c_PRODUS_t1_caps-2_hooks", None)).is_err());
        let redrive = |arn: &str| {
            Some((
                QueueAttributeName::RedrivePolicy,
                format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":5}}"#),
            ))
        };
        assert_eq!(
            check(
                &capsule,
                create(
                    "c_PRODUS_t1_caps-1_hooks",
                    redrive("arn:aws:sqs:us-east-1:1:c_PRODUS_t1_caps-1_hooks_dlq")
                )
            ),
            Ok(())
        );
        assert!(matches!(
            check(
                &capsule,
                create(
                    "c_PRODUS_t1_caps-1_hooks",
                    redrive("arn:aws:sqs:us-east-1:1:c_PRODUS_t1_caps-2_hooks_dlq")
                )
            ),
            Err(SqsViolation::ForeignQueue { .. })
        ));
        assert!(matches!(
            check(
                &capsule,
                create(
                    "c_PRODUS_t1_caps-1_hooks",
                    Some((QueueAttributeName::Policy, "{}".to_owned()))
                )
            ),
            Err(SqsViolation::QueueAttribute { .. })
        ));
        let get = |name: &str| {
            GetQueueUrlInput::builder()
                .queue_name(name)
                .build()
                .unwrap()
        };
        assert_eq!(check(&capsule, get("c_PRODUS_t1_caps-1_hooks_dlq")), Ok(()));
        assert!(check(&capsule, get("c_PRODUS_t1_caps-10_hooks")).is_err());
        let list = |prefix: Option<&str>| {
            ListQueuesInput::builder()
                .set_queue_name_prefix(prefix.map(str::to_owned))
                .build()
                .unwrap()
        };
        assert_eq!(check(&capsule, list(Some("c_PRODUS_t1_caps-1_"))), Ok(()));
        assert!(check(&capsule, list(Some("c_PRODUS_t1_caps-1"))).is_err());
        assert!(check(&capsule, list(None)).is_err());
    }

    #[test]
    fn accounts_of_urls_and_dead_letter_arns() {
        let role = names(&AnyScope::Tenant(
            Tenant::new("t1", "T")
                .unwrap()
                .with_role_arn("arn:aws:iam::111111111111:role/t1")
                .unwrap(),
        ));
        let receive = |url: &str| {
            ReceiveMessageInput::builder()
                .queue_url(url)
                .build()
                .unwrap()
        };
        let own = "https://sqs.us-east-1.amazonaws.com/111111111111/t_t1_hooks";
        let other = "https://sqs.us-east-1.amazonaws.com/999999999999/t_t1_hooks";
        assert_eq!(check(&role, receive(own)), Ok(()));
        assert!(matches!(
            check(&role, receive(other)),
            Err(SqsViolation::ForeignAccount { .. })
        ));
        // Without a role the account is unknown: any account's URL of the scope's name passes…
        let plain = names(&AnyScope::Tenant(Tenant::new("t1", "T").unwrap()));
        assert_eq!(check(&plain, receive(other)), Ok(()));
        // …but a redrive policy must stay in the account of the queue it is set on.
        let redrive = |url: &str, dlq_account: &str| {
            SetQueueAttributesInput::builder()
                .queue_url(url)
                .attributes(
                    QueueAttributeName::RedrivePolicy,
                    format!(
                        r#"{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:{dlq_account}:t_t1_hooks_dlq","maxReceiveCount":5}}"#
                    ),
                )
                .build()
                .unwrap()
        };
        assert_eq!(check(&plain, redrive(T1, "1")), Ok(()));
        assert!(matches!(
            check(&plain, redrive(T1, "999999999999")),
            Err(SqsViolation::ForeignAccount { .. })
        ));
        assert!(matches!(
            check(&role, redrive(own, "999999999999")),
            Err(SqsViolation::ForeignAccount { .. })
        ));
    }

    #[test]
    fn other_operations_are_rejected() {
        let platform = names(&AnyScope::Platform);
        let input = aws_sdk_sqs::operation::add_permission::AddPermissionInput::builder()
            .queue_url("https://h/1/p_events")
            .build()
            .unwrap();
        assert!(matches!(
            check(&platform, input),
            Err(SqsViolation::UnsupportedOperation { .. })
        ));
    }
}
