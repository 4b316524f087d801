//! The SNS isolation guard: an SDK interceptor on every scoped SNS client, `raw()` included,
//! that rejects a request naming a topic or subscriber outside the client's scope before it is
//! serialized, signed or sent.
//!
//! | operation | allowed when |
//! |-----------|--------------|
//! | `Publish` | `TopicArn` (or a `TargetArn` that is a topic ARN) is the scope's, no `PhoneNumber`, and the message carries the scope's label in `scoped.scope` |
//! | `PublishBatch` | `TopicArn` is the scope's and every entry carries the label |
//! | `Subscribe` | `TopicArn` is the scope's, the protocol is `sqs`, the endpoint is the ARN of a queue of the scope ([`crate::naming::sqs`]), every attribute on [`SUBSCRIPTION_ATTRIBUTES`] |
//! | `CreateTopic` | `Name` is the scope's, every attribute on [`TOPIC_ATTRIBUTES`], no data protection policy |
//! | `GetTopicAttributes`, `DeleteTopic`, `ListSubscriptionsByTopic` | `TopicArn` is the scope's |
//! | `SetTopicAttributes` | as above, and the attribute is on [`TOPIC_ATTRIBUTES`] |
//! | `Unsubscribe`, `GetSubscriptionAttributes` | the subscription ARN's topic is the scope's |
//! | `SetSubscriptionAttributes` | as above, and the attribute is on [`SUBSCRIPTION_ATTRIBUTES`] |
//! | anything else (SMS, mobile push, permissions, `ListTopics`…) | never |
//!
//! **Accounts.** Every topic and subscription ARN's account must be the scope's when the guard
//! knows it: the account of the role a role-carrying scope signs as
//! ([`crate::messaging::scope_account`]). A scope signing with the factory's own credentials
//! has no account the guard can know when its client is built (only STS knows the caller's
//! account), so its `TopicArn`'s account is not checked. Whatever the scope, a subscribed
//! queue must be in the account of the topic it subscribes to, so a topic of the scope never
//! delivers into another account's queue of the same name. Regions are not checked: requests
//! go to the client's regional endpoint, which refuses another region's topic ARN.

use std::collections::HashMap;

use aws_sdk_sns::operation::create_topic::CreateTopicInput;
use aws_sdk_sns::operation::delete_topic::DeleteTopicInput;
use aws_sdk_sns::operation::get_subscription_attributes::GetSubscriptionAttributesInput;
use aws_sdk_sns::operation::get_topic_attributes::GetTopicAttributesInput;
use aws_sdk_sns::operation::list_subscriptions_by_topic::ListSubscriptionsByTopicInput;
use aws_sdk_sns::operation::publish::PublishInput;
use aws_sdk_sns::operation::publish_batch::PublishBatchInput;
use aws_sdk_sns::operation::set_subscription_attributes::SetSubscriptionAttributesInput;
use aws_sdk_sns::operation::set_topic_attributes::SetTopicAttributesInput;
use aws_sdk_sns::operation::subscribe::SubscribeInput;
use aws_sdk_sns::operation::unsubscribe::UnsubscribeInput;
use aws_sdk_sns::types::MessageAttributeValue;
use aws_smithy_runtime_api::client::interceptors::context::Input;

use super::SnsViolation;
use crate::client::CheckRequest;
use crate::messaging::attribute::{self, SCOPE_ATTRIBUTE};
use crate::naming::sns as naming;
use crate::naming::sqs as queues;
use crate::scope::AnyScope;

/// The subscription attributes a scoped client may set: raw delivery (which carries the scope
/// attribute through to SQS) and filter policies. Not a redrive policy, which names a queue
/// the guard would have to check too.
pub(crate) const SUBSCRIPTION_ATTRIBUTES: [&str; 3] =
    ["RawMessageDelivery", "FilterPolicy", "FilterPolicyScope"];

/// The topic attributes a scoped client may set: display, FIFO, encryption, delivery retries,
/// tracing and signatures. Not `Policy` (a resource policy can grant the topic to others).
pub(crate) const TOPIC_ATTRIBUTES: [&str; 7] = [
    "DisplayName",
    "FifoTopic",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "DeliveryPolicy",
    "TracingConfig",
    "SignatureVersion",
];

/// What the guard knows of its scope, computed once per client.
#[derive(Debug, Clone)]
pub(crate) struct ScopeNames {
    /// `{scope part}_` of topics.
    pub(crate) topics: String,
    /// `{scope part}_` of queues (subscription endpoints).
    pub(crate) queues: String,
    /// The label every notification carries.
    pub(crate) label: String,
    /// The account of the scope's topics and queues, if known (its role's).
    pub(crate) account: Option<String>,
}

impl ScopeNames {
    pub(crate) fn of(scope: &AnyScope) -> Self {
        Self {
            topics: naming::topic_prefix(scope),
            queues: queues::queue_prefix(scope),
            label: queues::scope_label(scope),
            account: crate::messaging::scope_account(scope),
        }
    }
}

/// SNS's check ([`CheckRequest`]): the request against the scope's names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SnsCheck;

impl CheckRequest for SnsCheck {
    type Scoped = ScopeNames;
    type Violation = SnsViolation;
    const NAME: &'static str = "scoped_runtime::SnsGuard";

    fn scoped(&self, scope: &AnyScope) -> ScopeNames {
        ScopeNames::of(scope)
    }

    fn check(names: &ScopeNames, operation: &str, input: &Input) -> Result<(), SnsViolation> {
        check_request(names, input, || operation)
    }

    fn unscoped(operation: &str) -> SnsViolation {
        SnsViolation::Unscoped {
            operation: operation.to_owned(),
        }
    }
}

/// Checks one request's input against the scope's names.
pub(crate) fn check_request<'a>(
    names: &ScopeNames,
    input: &Input,
    operation: impl FnOnce() -> &'a str,
) -> Result<(), SnsViolation> {
    if let Some(input) = input.downcast_ref::<PublishInput>() {
        if let Some(phone) = input.phone_number() {
            return Err(SnsViolation::Outside {
                operation: "Publish",
                field: "PhoneNumber",
                value: phone.to_owned(),
            });
        }
        let topic = match (input.topic_arn(), input.target_arn()) {
            (Some(arn), None) => {
                topic_arn(names, "TopicArn", arn)?;
                arn
            }
            (None, Some(arn)) => {
                // A target is a mobile endpoint or a topic: only a topic of the scope passes.
                if naming::topic_name_from_arn(arn, false).is_none() {
                    return Err(SnsViolation::Outside {
                        operation: "Publish",
                        field: "TargetArn",
                        value: arn.to_owned(),
                    });
                }
                topic_arn(names, "TargetArn", arn)?;
                arn
            }
            _ => {
                return Err(SnsViolation::Missing {
                    operation: "Publish",
                    field: "exactly one of TopicArn and TargetArn",
                });
            }
        };
        return scope_attribute(names, topic, input.message_attributes());
    }
    if let Some(input) = input.downcast_ref::<PublishBatchInput>() {
        let topic = required(input.topic_arn(), "PublishBatch", "TopicArn")?;
        topic_arn(names, "TopicArn", topic)?;
        for entry in input.publish_batch_request_entries() {
            scope_attribute(names, topic, entry.message_attributes())?;
        }
        return Ok(());
    }
    if let Some(input) = input.downcast_ref::<SubscribeInput>() {
        let topic = required(input.topic_arn(), "Subscribe", "TopicArn")?;
        topic_arn(names, "TopicArn", topic)?;
        let protocol = input.protocol().unwrap_or_default();
        let endpoint = input.endpoint().unwrap_or_default();
        let queue = queues::queue_arn_parts(endpoint).filter(|(_, queue)| {
            protocol == "sqs" && queues::is_own_queue_name(&names.queues, queue)
        });
        let Some((queue_account, _)) = queue else {
            return Err(SnsViolation::ForeignSubscriber {
                protocol: protocol.to_owned(),
                endpoint: endpoint.to_owned(),
                prefix: names.queues.clone(),
            });
        };
        if let Some((topic_account, _)) = naming::topic_arn_parts(topic, false) {
            in_account(
                Some(topic_account),
                "Endpoint",
                endpoint,
                queue_account,
                "the account of the topic it subscribes to",
            )?;
        }
        for name in input.attributes().into_iter().flat_map(HashMap::keys) {
            allowed(name, &SUBSCRIPTION_ATTRIBUTES)?;
        }
        return Ok(());
    }
    if let Some(input) = input.downcast_ref::<CreateTopicInput>() {
        let name = required(input.name(), "CreateTopic", "Name")?;
        if !naming::is_own_topic_name(&names.topics, name) {
            return Err(foreign(names, "Name", name));
        }
        if input.data_protection_policy().is_some() {
            return Err(SnsViolation::Attribute {
                name: "DataProtectionPolicy".to_owned(),
                rule: "data protection policies are set by administrators, not scoped clients",
            });
        }
        for name in input.attributes().into_iter().flat_map(HashMap::keys) {
            allowed(name, &TOPIC_ATTRIBUTES)?;
        }
        return Ok(());
    }
    if let Some(input) = input.downcast_ref::<GetTopicAttributesInput>() {
        let topic = required(input.topic_arn(), "GetTopicAttributes", "TopicArn")?;
        return topic_arn(names, "TopicArn", topic);
    }
    if let Some(input) = input.downcast_ref::<SetTopicAttributesInput>() {
        let topic = required(input.topic_arn(), "SetTopicAttributes", "TopicArn")?;
        topic_arn(names, "TopicArn", topic)?;
        return allowed(
            input.attribute_name().unwrap_or_default(),
            &TOPIC_ATTRIBUTES,
        );
    }
    if let Some(input) = input.downcast_ref::<DeleteTopicInput>() {
        let topic = required(input.topic_arn(), "DeleteTopic", "TopicArn")?;
        return topic_arn(names, "TopicArn", topic);
    }
    if let Some(input) = input.downcast_ref::<ListSubscriptionsByTopicInput>() {
        let topic = required(input.topic_arn(), "ListSubscriptionsByTopic", "TopicArn")?;
        return topic_arn(names, "TopicArn", topic);
    }
    if let Some(input) = input.downcast_ref::<UnsubscribeInput>() {
        let arn = required(input.subscription_arn(), "Unsubscribe", "SubscriptionArn")?;
        return subscription_arn(names, arn);
    }
    if let Some(input) = input.downcast_ref::<GetSubscriptionAttributesInput>() {
        let arn = required(
            input.subscription_arn(),
            "GetSubscriptionAttributes",
            "SubscriptionArn",
        )?;
        return subscription_arn(names, arn);
    }
    if let Some(input) = input.downcast_ref::<SetSubscriptionAttributesInput>() {
        let arn = required(
            input.subscription_arn(),
            "SetSubscriptionAttributes",
            "SubscriptionArn",
        )?;
        subscription_arn(names, arn)?;
        return allowed(
            input.attribute_name().unwrap_or_default(),
            &SUBSCRIPTION_ATTRIBUTES,
        );
    }
    Err(SnsViolation::UnsupportedOperation {
        operation: operation().to_owned(),
    })
}

fn required<'a>(
    value: Option<&'a str>,
    operation: &'static str,
    field: &'static str,
) -> Result<&'a str, SnsViolation> {
    value.ok_or(SnsViolation::Missing { operation, field })
}

fn foreign(names: &ScopeNames, field: &'static str, value: &str) -> SnsViolation {
    SnsViolation::ForeignTopic {
        field,
        value: value.to_owned(),
        prefix: names.topics.clone(),
    }
}

fn topic_arn(names: &ScopeNames, field: &'static str, arn: &str) -> Result<(), SnsViolation> {
    own_arn(names, field, arn, false)
}

fn subscription_arn(names: &ScopeNames, arn: &str) -> Result<(), SnsViolation> {
    own_arn(names, "SubscriptionArn", arn, true)
}

/// A topic ARN (or a subscription ARN's topic) of the scope, in the scope's account if known.
fn own_arn(
    names: &ScopeNames,
    field: &'static str,
    arn: &str,
    subscription: bool,
) -> Result<(), SnsViolation> {
    match naming::topic_arn_parts(arn, subscription) {
        Some((account, name)) if naming::is_own_topic_name(&names.topics, name) => in_account(
            names.account.as_deref(),
            field,
            arn,
            account,
            "the account of the role the scope signs as",
        ),
        _ => Err(foreign(names, field, arn)),
    }
}

fn in_account(
    expected: Option<&str>,
    field: &'static str,
    value: &str,
    account: &str,
    why: &'static str,
) -> Result<(), SnsViolation> {
    crate::messaging::check_account(expected, account).map_err(|(account, expected)| {
        SnsViolation::ForeignAccount {
            field,
            value: value.to_owned(),
            account,
            expected,
            why,
        }
    })
}

fn allowed(name: &str, list: &[&str]) -> Result<(), SnsViolation> {
    if list.contains(&name) {
        Ok(())
    } else {
        Err(SnsViolation::Attribute {
            name: name.to_owned(),
            rule: "not on the guard's allow-list: a policy or redrive policy could reach outside \
                   the scope",
        })
    }
}

fn scope_attribute(
    names: &ScopeNames,
    topic: &str,
    attributes: Option<&HashMap<String, MessageAttributeValue>>,
) -> Result<(), SnsViolation> {
    let found = attributes
        .and_then(|attributes| attributes.get(SCOPE_ATTRIBUTE))
        .and_then(|value| attribute::carried(value.data_type(), value.string_value()));
    attribute::check(found, &names.label).map_err(|found| SnsViolation::ScopeAttribute {
        topic: topic.to_owned(),
        found,
        expected: names.label.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Capsule, Tenant};

    fn check<T: std::fmt::Debug + Send + Sync + 'static>(
        names: &ScopeNames,
        input: T,
    ) -> Result<(), SnsViolation> {
        check_request(names, &Input::erase(input), || "Test")
    }

    const T1: &str = "arn:aws:sns:us-east-1:1:t_t1_hooks";
    const T10: &str = "arn:aws:sns:us-east-1:1:t_t10_hooks";

    fn label(value: &str) -> MessageAttributeValue {
        MessageAttributeValue::builder()
            .data_type("String")
            .string_value(value)
            .build()
            .unwrap()
    }

    fn t1() -> ScopeNames {
        ScopeNames::of(&AnyScope::Tenant(Tenant::new("t1", "T").unwrap()))
    }

    #[test]
    fn publish_to_own_topics_with_the_label() {
        let publish = |arn: &str, scope: &str| {
            PublishInput::builder()
                .topic_arn(arn)
                .message("{}")
                .message_attributes(SCOPE_ATTRIBUTE, label(scope))
                .build()
                .unwrap()
        };
        assert_eq!(check(&t1(), publish(T1, "tenant/t1")), Ok(()));
        assert!(matches!(
            check(&t1(), publish(T10, "tenant/t1")),
            Err(SnsViolation::ForeignTopic { .. })
        ));
        assert!(matches!(
            check(&t1(), publish(T1, "tenant/t10")),
            Err(SnsViolation::ScopeAttribute { .. })
        ));
        let sms = PublishInput::builder()
            .phone_number("+15555550100")
            .message("hi")
            .build()
            .unwrap();
        assert!(matches!(
            check(&t1(), sms),
            Err(SnsViolation::Outside { .. })
        ));
        let push = PublishInput::builder()
            .target_arn("arn:aws:sns:us-east-1:1:endpoint/APNS/app/abc")
            .message("hi")
            .build()
            .unwrap();
        assert!(check(&t1(), push).is_err());
    }

    #[test]
    fn subscribe_only_own_queues() {
        let subscribe = |protocol: &str, endpoint: &str| {
            SubscribeInput::builder()
                .topic_arn(T1)
                .protocol(protocol)
                .endpoint(endpoint)
                .build()
                .unwrap()
        };
        assert_eq!(
            check(
                &t1(),
                subscribe("sqs", "arn:aws:sqs:us-east-1:1:t_t1_hooks")
            ),
            Ok(())
        );
        for (protocol, endpoint) in [
            ("sqs", "arn:aws:sqs:us-east-1:1:t_t10_hooks"),
            ("sqs", "arn:aws:sqs:us-east-1:1:c_PRODUS_t1_caps-1_hooks"),
            ("https", "https://example.com/t_t1_hooks"),
            ("lambda", "arn:aws:lambda:us-east-1:1:function:t_t1_hooks"),
        ] {
            assert!(
                matches!(
                    check(&t1(), subscribe(protocol, endpoint)),
                    Err(SnsViolation::ForeignSubscriber { .. })
                ),
                "{protocol} {endpoint}"
            );
        }
    }

    #[test]
    fn accounts_of_topics_and_subscribed_queues() {
        let subscribe = |topic: &str, queue: &str| {
            SubscribeInput::builder()
                .topic_arn(topic)
                .protocol("sqs")
                .endpoint(queue)
                .build()
                .unwrap()
        };
        // Whatever the scope, the queue is in the topic's account.
        assert!(matches!(
            check(
                &t1(),
                subscribe(T1, "arn:aws:sqs:us-east-1:999999999999:t_t1_hooks")
            ),
            Err(SnsViolation::ForeignAccount { .. })
        ));
        let role = ScopeNames::of(&AnyScope::Tenant(
            Tenant::new("t1", "T")
                .unwrap()
                .with_role_arn("arn:aws:iam::111111111111:role/t1")
                .unwrap(),
        ));
        let own = "arn:aws:sns:us-east-1:111111111111:t_t1_hooks";
        let other = "arn:aws:sns:us-east-1:999999999999:t_t1_hooks";
        let publish = |arn: &str| {
            PublishInput::builder()
                .topic_arn(arn)
                .message("{}")
                .message_attributes(SCOPE_ATTRIBUTE, label("tenant/t1"))
                .build()
                .unwrap()
        };
        assert_eq!(check(&role, publish(own)), Ok(()));
        assert!(matches!(
            check(&role, publish(other)),
            Err(SnsViolation::ForeignAccount { .. })
        ));
        // Without a role the topic's account is unknown.
        assert_eq!(check(&t1(), publish(other)), Ok(()));
        let unsubscribe = UnsubscribeInput::builder()
            .subscription_arn(format!("{other}:abc"))
            .build()
            .unwrap();
        assert!(matches!(
            check(&role, unsubscribe),
            Err(SnsViolation::ForeignAccount { .. })
        ));
    }

    #[test]
    fn topics_and_subscriptions_of_siblings() {
        let capsule = ScopeNames::of(&AnyScope::Capsule(
            Capsule::new("t1", "caps-1", "PRODUS").unwrap(),
        ));
        let create = |name: &str| CreateTopicInput::builder().name(name).build().unwrap();
        assert_eq!(check(&capsule, create("c_PRODUS_t1_caps-1_events")), Ok(()));
        assert!(check(&capsule, create("c_PRODUS_t1_caps-10_events")).is_err());
        let policy = CreateTopicInput::builder()
            .name("c_PRODUS_t1_caps-1_events")
            .attributes("Policy", "{}")
            .build()
            .unwrap();
        assert!(matches!(
            check(&capsule, policy),
            Err(SnsViolation::Attribute { .. })
        ));
        let unsubscribe = |arn: &str| {
            UnsubscribeInput::builder()
                .subscription_arn(arn)
                .build()
                .unwrap()
        };
        assert_eq!(check(&t1(), unsubscribe(&format!("{T1}:abc"))), Ok(()));
        assert!(check(&t1(), unsubscribe(&format!("{T10}:abc"))).is_err());
        let list = aws_sdk_sns::operation::list_topics::ListTopicsInput::builder()
            .build()
            .unwrap();
        assert!(matches!(
            check(&t1(), list),
            Err(SnsViolation::UnsupportedOperation { .. })
        ));
    }
}
