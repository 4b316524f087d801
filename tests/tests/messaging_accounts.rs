//! Accounts in queue URLs and topic ARNs, from the attacker's side against moto: a URL or ARN
//! with the scope's own queue or topic name but another account's id. The guard rejects it,
//! before anything is sent, wherever it knows the account (a role-carrying scope: its role's
//! account), and a topic never subscribes a queue outside its own account, whatever the scope
//! (docs/sqs.md and docs/sns.md say what is not checked for scopes without a role).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use aws_sdk_sqs::types::QueueAttributeName;
use scoped_runtime::{
    Queue, SnsError, SnsViolation, SqsViolation, Tenant, Topic, tenant_queue, tenant_topic,
};
use scoped_tests::messaging::{
    assert_rejected, attempt, sns_label, sqs_label, tapped_factory, unguarded_sns, unguarded_sqs,
};
use scoped_tests::unique;

/// A note on a tenant's queue.
#[tenant_queue("acct")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TenantNote {
    /// Who sent it.
    pub from: String,
}

/// A tenant's event.
#[tenant_topic("acct")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TenantEvent {
    /// Who published it.
    pub from: String,
}

/// The attacker's account: a queue or topic there may carry any name.
const OTHER_ACCOUNT: &str = "999999999999";

/// `arn` with its account (the fifth field) replaced by `account`.
fn in_account(arn: &str, account: &str) -> String {
    let mut parts: Vec<&str> = arn.split(':').collect();
    parts[4] = account;
    parts.join(":")
}

fn sqs_foreign_account(violation: &SqsViolation) -> bool {
    matches!(violation, SqsViolation::ForeignAccount { .. })
}

fn sns_foreign_account(violation: &SnsViolation) -> bool {
    matches!(violation, SnsViolation::ForeignAccount { .. })
}

/// A scope without a role: its topic refuses to subscribe a queue of its own queue's name in
/// another account (which would carry every notification out of the account), by the typed
/// API and the raw client alike, and its queue refuses a redrive into another account's
/// dead-letter queue. Nothing is sent, and the topic has no subscription afterwards.
#[tokio::test]
async fn a_topic_never_subscribes_a_queue_of_another_account() {
    let (factory, tap) = tapped_factory().await;
    let tenant = Tenant::new(format!("t-{}", unique()), "Acme").unwrap();
    let queue = factory.tenant_sqs(&tenant).queue::<TenantNote>();
    let provisioned = queue.provision().await.unwrap();
    let topic = factory.tenant_sns(&tenant).topic::<TenantEvent>();
    let topic_arn = topic.provision().await.unwrap();
    let foreign_queue = in_account(&provisioned.arn, OTHER_ACCOUNT);
    assert_ne!(foreign_queue, provisioned.arn);

    let before = tap.requests();
    let err = topic.subscribe_queue(&foreign_queue).await.unwrap_err();
    assert!(
        matches!(
            SnsViolation::find_in(&err),
            Some(SnsViolation::ForeignAccount { .. })
        ),
        "{err:?}"
    );
    assert!(matches!(err, SnsError::Sdk { .. }), "{err:?}");
    let sns = topic.raw();
    let sqs = queue.raw();
    let foreign_dlq = in_account(&provisioned.dead_letter_arn, OTHER_ACCOUNT);
    let checked = assert_rejected(
        "a tenant's SNS client",
        SnsViolation::find_in,
        vec![attempt(
            "Subscribe a queue of another account",
            sns_foreign_account,
            sns.subscribe()
                .topic_arn(&topic_arn)
                .protocol("sqs")
                .endpoint(&foreign_queue)
                .attributes("RawMessageDelivery", "true")
                .send(),
        )],
    )
    .await
        + assert_rejected(
            "a tenant's SQS client",
            SqsViolation::find_in,
            vec![attempt(
                "SetQueueAttributes with a dead-letter queue of another account",
                sqs_foreign_account,
                sqs.set_queue_attributes()
                    .queue_url(&provisioned.url)
                    .attributes(
                        QueueAttributeName::RedrivePolicy,
                        format!(r#"{{"deadLetterTargetArn":"{foreign_dlq}","maxReceiveCount":1}}"#),
                    )
                    .send(),
            )],
        )
        .await;
    assert_eq!(checked, 2);
    assert_eq!(tap.requests(), before, "{:?}", &tap.operations()[before..]);

    let subscriptions = unguarded_sns(&factory)
        .list_subscriptions_by_topic()
        .topic_arn(&topic_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(subscriptions.subscriptions().len(), 0, "{subscriptions:?}");
    // The own queue still subscribes.
    topic.subscribe_queue(&provisioned.arn).await.unwrap();
    let redrive = unguarded_sqs(&factory)
        .get_queue_attributes()
        .queue_url(&provisioned.url)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .unwrap();
    let redrive = &redrive.attributes.unwrap()[&QueueAttributeName::RedrivePolicy];
    assert!(redrive.contains(&provisioned.dead_letter_arn), "{redrive}");
}

/// A scope whose role is in account 111111111111: its raw clients are refused queue URLs and
/// topic ARNs of its own names in another account before sending; the same names in the
/// role's account pass the guard.
#[tokio::test]
async fn a_role_scope_reaches_no_queue_or_topic_of_another_account() {
    let (factory, tap) = tapped_factory().await;
    let role_account = "111111111111";
    let tenant = Tenant::new(format!("t-{}", unique()), "Acme")
        .unwrap()
        .with_role_arn(format!("arn:aws:iam::{role_account}:role/tenant"))
        .unwrap();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap();
    let endpoint = endpoint.trim_end_matches('/');
    let queue = factory.tenant_sqs(&tenant).queue::<TenantNote>();
    let topic = factory.tenant_sns(&tenant).topic::<TenantEvent>();
    let label = queue.scope_label().to_owned();
    let queue_name = TenantNote::queue_name(&tenant);
    let topic_name = TenantEvent::topic_name(&tenant);
    let foreign_url = format!("{endpoint}/{OTHER_ACCOUNT}/{queue_name}");
    let foreign_topic = format!("arn:aws:sns:us-east-1:{OTHER_ACCOUNT}:{topic_name}");
    let own_queue_arn = format!("arn:aws:sqs:us-east-1:{role_account}:{queue_name}");
    let (sqs, sns) = (queue.raw(), topic.raw());

    let before = tap.requests();
    let checked = assert_rejected(
        "a role tenant's SQS client",
        SqsViolation::find_in,
        vec![
            attempt(
                "SendMessage",
                sqs_foreign_account,
                sqs.send_message()
                    .queue_url(&foreign_url)
                    .message_body("{}")
                    .message_attributes("scoped.scope", sqs_label(&label))
                    .send(),
            ),
            attempt(
                "ReceiveMessage",
                sqs_foreign_account,
                sqs.receive_message().queue_url(&foreign_url).send(),
            ),
            attempt(
                "PurgeQueue",
                sqs_foreign_account,
                sqs.purge_queue().queue_url(&foreign_url).send(),
            ),
        ],
    )
    .await
        + assert_rejected(
            "a role tenant's SNS client",
            SnsViolation::find_in,
            vec![
                attempt(
                    "Publish",
                    sns_foreign_account,
                    sns.publish()
                        .topic_arn(&foreign_topic)
                        .message("{}")
                        .message_attributes("scoped.scope", sns_label(&label))
                        .send(),
                ),
                attempt(
                    "Publish by TargetArn",
                    sns_foreign_account,
                    sns.publish()
                        .target_arn(&foreign_topic)
                        .message("{}")
                        .message_attributes("scoped.scope", sns_label(&label))
                        .send(),
                ),
                attempt(
                    "Subscribe the role account's queue to another account's topic",
                    sns_foreign_account,
                    sns.subscribe()
                        .topic_arn(&foreign_topic)
                        .protocol("sqs")
                        .endpoint(&own_queue_arn)
                        .send(),
                ),
                attempt(
                    "Unsubscribe",
                    sns_foreign_account,
                    sns.unsubscribe()
                        .subscription_arn(format!("{foreign_topic}:abc"))
                        .send(),
                ),
            ],
        )
        .await;
    assert_eq!(checked, 7);
    assert_eq!(tap.requests(), before, "{:?}", &tap.operations()[before..]);

    // The same name in the role's account passes the guard and reaches the emulator (where
    // the queue does not exist).
    let own_url = format!("{endpoint}/{role_account}/{queue_name}");
    let err = sqs
        .receive_message()
        .queue_url(&own_url)
        .send()
        .await
        .unwrap_err();
    assert!(SqsViolation::find_in(&err).is_none(), "{err:?}");
    assert_eq!(tap.operations()[before..], ["ReceiveMessage"]);
}
