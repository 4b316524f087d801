//! SNS isolation against moto: two tenants whose ids are prefix siblings and, for each, two
//! capsules sharing a capsule code. Each scope publishes to its own topic, which delivers (raw)
//! into its own scoped queue, where the scope attribute arrives and `receive` accepts it; every
//! attempt of one scope's guarded SNS client on another's topic, or to subscribe another's
//! queue, fails with an `SnsViolation` before it reaches the HTTP client.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::time::Duration;

use scoped_runtime::{
    AwsClientFactory, Capsule, SnsError, SnsViolation, Tenant, capsule_queue, capsule_topic,
    tenant_queue, tenant_topic,
};
use scoped_tests::messaging::{
    MessagingTap, assert_rejected, attempt, sibling_scopes, sns_label, tapped_factory,
    unguarded_sqs,
};

/// A tenant's event, published to its topic.
#[tenant_topic("events")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TenantEvent {
    /// Who published it.
    pub from: String,
}

/// The same shape, received from the tenant's queue the topic delivers to.
#[tenant_queue("events")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TenantInbox {
    /// Who published it.
    pub from: String,
}

/// A capsule's event.
#[capsule_topic("events")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CapsuleEvent {
    /// Who published it.
    pub from: String,
}

/// A capsule's inbox.
#[capsule_queue("events")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CapsuleInbox {
    /// Who published it.
    pub from: String,
}

const WAIT: Duration = Duration::from_secs(1);

struct Cell {
    name: String,
    raw: aws_sdk_sns::Client,
    topic_arn: String,
    topic_name: String,
    queue_arn: String,
    label: String,
    subscription: String,
}

async fn world() -> (AwsClientFactory, MessagingTap, [Tenant; 2], [Capsule; 4]) {
    let (factory, tap) = tapped_factory().await;
    let (tenants, capsules) = sibling_scopes("N");
    (factory, tap, tenants, capsules)
}

/// The violation a request naming another scope's topic gets.
fn foreign_topic(violation: &SnsViolation) -> bool {
    matches!(violation, SnsViolation::ForeignTopic { .. })
}

/// The violation a subscription of another scope's queue (or any other endpoint) gets.
fn foreign_subscriber(violation: &SnsViolation) -> bool {
    matches!(violation, SnsViolation::ForeignSubscriber { .. })
}

/// The matrix: each scope's topic delivers to its own queue only; each scope's guarded client
/// is refused every other scope's topic and queue without a request leaving; an unguarded
/// client then finds in each queue exactly its scope's notification, scope attribute included.
#[tokio::test]
async fn every_scope_publishes_only_to_its_own_topic() {
    let (factory, tap, tenants, capsules) = world().await;
    let mut cells = Vec::new();
    for tenant in &tenants {
        let queue = factory.tenant_sqs(tenant).queue::<TenantInbox>();
        let provisioned = queue.provision().await.unwrap();
        let topic = factory.tenant_sns(tenant).topic::<TenantEvent>();
        let arn = topic.provision().await.unwrap();
        let subscription = topic.subscribe_queue(&provisioned.arn).await.unwrap();
        let name = format!("tenant {}", tenant.id());
        topic
            .publish(&TenantEvent { from: name.clone() })
            .await
            .unwrap();
        cells.push(Cell {
            name,
            raw: topic.raw().clone(),
            topic_arn: arn,
            topic_name: topic.name().to_owned(),
            queue_arn: provisioned.arn,
            label: topic.scope_label().to_owned(),
            subscription,
        });
    }
    for capsule in &capsules {
        let queue = factory.capsule_sqs(capsule).queue::<CapsuleInbox>();
        let provisioned = queue.provision().await.unwrap();
        let topic = factory.capsule_sns(capsule).topic::<CapsuleEvent>();
        let arn = topic.provision().await.unwrap();
        let subscription = topic.subscribe_queue(&provisioned.arn).await.unwrap();
        let name = format!("capsule {}/{}", capsule.tenant_id(), capsule.id());
        topic
            .publish(&CapsuleEvent { from: name.clone() })
            .await
            .unwrap();
        cells.push(Cell {
            name,
            raw: topic.raw().clone(),
            topic_arn: arn,
            topic_name: topic.name().to_owned(),
            queue_arn: provisioned.arn,
            label: topic.scope_label().to_owned(),
            subscription,
        });
    }

    let before = tap.requests();
    let mut checked = 0;
    for own in &cells {
        for other in cells.iter().filter(|c| c.name != own.name) {
            let raw = &own.raw;
            let topic = &other.topic_arn;
            let entry = aws_sdk_sns::types::PublishBatchRequestEntry::builder()
                .id("0")
                .message("{}")
                .message_attributes("scoped.scope", sns_label(&own.label))
                .build()
                .unwrap();
            checked += assert_rejected(
                &format!("{} on {}'s", own.name, other.name),
                SnsViolation::find_in,
                vec![
                    attempt(
                        "Publish",
                        foreign_topic,
                        raw.publish()
                            .topic_arn(topic)
                            .message("{}")
                            .message_attributes("scoped.scope", sns_label(&own.label))
                            .send(),
                    ),
                    attempt(
                        "Publish by TargetArn",
                        foreign_topic,
                        raw.publish()
                            .target_arn(topic)
                            .message("{}")
                            .message_attributes("scoped.scope", sns_label(&own.label))
                            .send(),
                    ),
                    attempt(
                        "PublishBatch",
                        foreign_topic,
                        raw.publish_batch()
                            .topic_arn(topic)
                            .publish_batch_request_entries(entry)
                            .send(),
                    ),
                    // Their topic with my queue, and my topic with their queue.
                    attempt(
                        "Subscribe to topic",
                        foreign_topic,
                        raw.subscribe()
                            .topic_arn(topic)
                            .protocol("sqs")
                            .endpoint(&own.queue_arn)
                            .send(),
                    ),
                    attempt(
                        "Subscribe queue",
                        foreign_subscriber,
                        raw.subscribe()
                            .topic_arn(&own.topic_arn)
                            .protocol("sqs")
                            .endpoint(&other.queue_arn)
                            .send(),
                    ),
                    attempt(
                        "CreateTopic",
                        foreign_topic,
                        raw.create_topic().name(&other.topic_name).send(),
                    ),
                    attempt(
                        "DeleteTopic",
                        foreign_topic,
                        raw.delete_topic().topic_arn(topic).send(),
                    ),
                    attempt(
                        "GetTopicAttributes",
                        foreign_topic,
                        raw.get_topic_attributes().topic_arn(topic).send(),
                    ),
                    attempt(
                        "ListSubscriptionsByTopic",
                        foreign_topic,
                        raw.list_subscriptions_by_topic().topic_arn(topic).send(),
                    ),
                    attempt(
                        "Unsubscribe",
                        foreign_topic,
                        raw.unsubscribe()
                            .subscription_arn(&other.subscription)
                            .send(),
                    ),
                ],
            )
            .await;
        }
    }
    // 6 scopes, each against the 5 others, 10 operations each: no row lost.
    assert_eq!(checked, cells.len() * (cells.len() - 1) * 10);
    assert_eq!(
        tap.requests(),
        before,
        "a rejected request reached the HTTP client: {:?}",
        &tap.operations()[before..]
    );

    // What the emulator holds: each queue exactly its own scope's one notification, delivered
    // raw with the scope attribute.
    let unguarded = unguarded_sqs(&factory);
    for cell in &cells {
        let name = cell.queue_arn.rsplit(':').next().unwrap();
        let url = unguarded
            .get_queue_url()
            .queue_name(name)
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let messages = unguarded
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .visibility_timeout(0)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        assert_eq!(messages.len(), 1, "{}: {messages:?}", cell.name);
        let body: serde_json::Value = serde_json::from_str(messages[0].body().unwrap()).unwrap();
        assert_eq!(body["from"], cell.name.as_str(), "delivered raw");
        assert_eq!(
            messages[0].message_attributes().unwrap()["scoped.scope"].string_value(),
            Some(cell.label.as_str())
        );
    }

    // And each scoped queue hands its notification out, typed.
    for tenant in &tenants {
        let received = factory
            .tenant_sqs(tenant)
            .queue::<TenantInbox>()
            .receive(10, WAIT)
            .await
            .unwrap();
        assert_eq!(received.refused, []);
        assert_eq!(received.messages.len(), 1);
        assert_eq!(
            received.messages[0].message.from,
            format!("tenant {}", tenant.id())
        );
    }
    for capsule in &capsules {
        let received = factory
            .capsule_sqs(capsule)
            .queue::<CapsuleInbox>()
            .receive(10, WAIT)
            .await
            .unwrap();
        assert_eq!(received.refused, []);
        assert_eq!(received.messages.len(), 1);
    }
}

/// The typed API refuses a foreign queue before sending; batches of 1–10 are published and
/// delivered; 0 or 11 are errors that send nothing.
#[tokio::test]
async fn typed_subscribe_and_batches() {
    let (factory, tap, tenants, _) = world().await;
    let topic = factory.tenant_sns(&tenants[0]).topic::<TenantEvent>();
    topic.provision().await.unwrap();
    let own = factory.tenant_sqs(&tenants[0]).queue::<TenantInbox>();
    let own_arn = own.provision().await.unwrap().arn;
    let sibling = factory.tenant_sqs(&tenants[1]).queue::<TenantInbox>();
    let sibling_arn = sibling.provision().await.unwrap().arn;

    let before = tap.requests();
    let err = topic.subscribe_queue(&sibling_arn).await.unwrap_err();
    assert!(matches!(err, SnsError::ForeignSubscriber { .. }), "{err}");
    let events: Vec<TenantEvent> = (0..11)
        .map(|i| TenantEvent {
            from: format!("e{i}"),
        })
        .collect();
    assert!(matches!(
        topic.publish_batch(&events).await,
        Err(SnsError::BatchSize { count: 11, .. })
    ));
    assert!(matches!(
        topic.publish_batch(&[]).await,
        Err(SnsError::BatchSize { count: 0, .. })
    ));
    let huge = TenantEvent {
        from: "x".repeat(262_144),
    };
    assert!(matches!(
        topic.publish(&huge).await,
        Err(SnsError::MessageTooLarge { .. })
    ));
    // Raw: no label, SMS, a non-SQS subscriber, a list of every topic.
    let raw = topic.raw();
    let arn = topic.arn().await.unwrap().to_owned();
    let checked = assert_rejected(
        "a tenant's own client",
        SnsViolation::find_in,
        vec![
            attempt(
                "unlabelled Publish",
                |v| matches!(v, SnsViolation::ScopeAttribute { found: None, .. }),
                raw.publish().topic_arn(&arn).message("{}").send(),
            ),
            attempt(
                "SMS",
                |v| matches!(v, SnsViolation::Outside { .. }),
                raw.publish()
                    .phone_number("+15555550100")
                    .message("hi")
                    .send(),
            ),
            attempt(
                "https subscriber",
                foreign_subscriber,
                raw.subscribe()
                    .topic_arn(&arn)
                    .protocol("https")
                    .endpoint("https://example.com/hook")
                    .send(),
            ),
            attempt(
                "ListTopics",
                |v| matches!(v, SnsViolation::UnsupportedOperation { .. }),
                raw.list_topics().send(),
            ),
        ],
    )
    .await;
    assert_eq!(checked, 4);
    assert_eq!(tap.requests(), before, "{:?}", &tap.operations()[before..]);

    topic.subscribe_queue(&own_arn).await.unwrap();
    let published = topic.publish_batch(&events[..10]).await.unwrap();
    assert_eq!(published.failed, []);
    assert_eq!(published.published.len(), 10);
    let mut from = Vec::new();
    for _ in 0..10 {
        let received = own.receive(10, WAIT).await.unwrap();
        assert_eq!(received.refused, []);
        for delivery in received.messages {
            own.delete(&delivery.receipt).await.unwrap();
            from.push(delivery.message.from);
        }
        if from.len() == 10 {
            break;
        }
    }
    assert_eq!(from.len(), 10, "{from:?}");
    // Nothing reached the sibling's queue.
    assert!(sibling.receive(10, WAIT).await.unwrap().messages.is_empty());
}
