//! SQS isolation against moto: two tenants whose ids are prefix siblings (`t1…`, `t1…0`) and,
//! for each, two capsules sharing one capsule code (`caps-1`, `caps-10`). Every scope receives
//! only its own messages; every raw-SDK attempt of one scope's guarded client on another's
//! queue fails with an `SqsViolation` before it reaches the HTTP client (the tap records none);
//! afterwards an unguarded client finds each queue holding exactly what its scope sent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use scoped_runtime::{
    AwsClientFactory, Capsule, RefusedReason, Sqs, SqsError, SqsViolation, Tenant, capsule_queue,
    tenant_queue,
};
use scoped_tests::messaging::{
    assert_rejected, attempt, sibling_scopes, sqs_label, tapped_factory, unguarded_sqs,
};

/// A note on a tenant's queue.
#[tenant_queue("iso")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TenantNote {
    /// Who sent it.
    pub from: String,
}

/// A note on a capsule's queue.
#[capsule_queue("iso")]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CapsuleNote {
    /// Who sent it.
    pub from: String,
}

const WAIT: Duration = Duration::from_secs(1);

/// One scope of the matrix: its name for messages, its guarded raw client, its queue URL.
struct Cell {
    name: String,
    raw: aws_sdk_sqs::Client,
    queue_name: String,
    url: String,
    label: String,
}

struct World {
    factory: AwsClientFactory,
    tap: scoped_tests::messaging::MessagingTap,
    tenants: [Tenant; 2],
    capsules: [Capsule; 4],
}

async fn world() -> World {
    let (factory, tap) = tapped_factory().await;
    let (tenants, capsules) = sibling_scopes("Q");
    World {
        factory,
        tap,
        tenants,
        capsules,
    }
}

impl World {
    /// Provisions every scope's queue and sends one note from each; returns the cells.
    async fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::new();
        for tenant in &self.tenants {
            let queue = self.factory.tenant_sqs(tenant).queue::<TenantNote>();
            let provisioned = queue.provision().await.unwrap();
            let name = format!("tenant {}", tenant.id());
            queue
                .send(&TenantNote { from: name.clone() })
                .await
                .unwrap();
            cells.push(Cell {
                name,
                raw: queue.raw().clone(),
                queue_name: queue.name().to_owned(),
                url: provisioned.url,
                label: queue.scope_label().to_owned(),
            });
        }
        for capsule in &self.capsules {
            let queue = self.factory.capsule_sqs(capsule).queue::<CapsuleNote>();
            let provisioned = queue.provision().await.unwrap();
            let name = format!("capsule {}/{}", capsule.tenant_id(), capsule.id());
            queue
                .send(&CapsuleNote { from: name.clone() })
                .await
                .unwrap();
            cells.push(Cell {
                name,
                raw: queue.raw().clone(),
                queue_name: queue.name().to_owned(),
                url: provisioned.url,
                label: queue.scope_label().to_owned(),
            });
        }
        cells
    }
}

/// The violation a request naming another scope's queue gets.
fn foreign(violation: &SqsViolation) -> bool {
    matches!(violation, SqsViolation::ForeignQueue { .. })
}

/// The matrix: each scope's guarded client is refused every other scope's queue, by URL and by
/// name, for every operation, without a request leaving; each queue then holds exactly its
/// own scope's one message, which only its own typed client hands out.
#[tokio::test]
async fn every_scope_reaches_only_its_own_queue() {
    let world = world().await;
    let cells = world.cells().await;
    let names: Vec<&str> = cells.iter().map(|c| c.queue_name.as_str()).collect();
    let mut unique_names = names.clone();
    unique_names.sort_unstable();
    unique_names.dedup();
    assert_eq!(
        unique_names.len(),
        cells.len(),
        "queue names collide: {names:?}"
    );

    let before = world.tap.requests();
    let mut checked = 0;
    for own in &cells {
        for other in cells.iter().filter(|c| c.name != own.name) {
            let raw = &own.raw;
            let entry = aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                .id("0")
                .message_body("{}")
                .message_attributes("scoped.scope", sqs_label(&own.label))
                .build()
                .unwrap();
            let (url, name) = (&other.url, &other.queue_name);
            checked += assert_rejected(
                &format!("{} on {}'s queue", own.name, other.name),
                SqsViolation::find_in,
                vec![
                    attempt(
                        "SendMessage",
                        foreign,
                        raw.send_message()
                            .queue_url(url)
                            .message_body("{}")
                            .message_attributes("scoped.scope", sqs_label(&own.label))
                            .send(),
                    ),
                    attempt(
                        "ReceiveMessage",
                        foreign,
                        raw.receive_message().queue_url(url).send(),
                    ),
                    attempt(
                        "SendMessageBatch",
                        foreign,
                        raw.send_message_batch()
                            .queue_url(url)
                            .entries(entry)
                            .send(),
                    ),
                    attempt(
                        "DeleteMessage",
                        foreign,
                        raw.delete_message()
                            .queue_url(url)
                            .receipt_handle("x")
                            .send(),
                    ),
                    attempt(
                        "ChangeMessageVisibility",
                        foreign,
                        raw.change_message_visibility()
                            .queue_url(url)
                            .receipt_handle("x")
                            .visibility_timeout(0)
                            .send(),
                    ),
                    attempt(
                        "GetQueueUrl",
                        foreign,
                        raw.get_queue_url().queue_name(name).send(),
                    ),
                    attempt(
                        "GetQueueAttributes",
                        foreign,
                        raw.get_queue_attributes().queue_url(url).send(),
                    ),
                    attempt(
                        "PurgeQueue",
                        foreign,
                        raw.purge_queue().queue_url(url).send(),
                    ),
                    attempt(
                        "DeleteQueue",
                        foreign,
                        raw.delete_queue().queue_url(url).send(),
                    ),
                    attempt(
                        "CreateQueue",
                        foreign,
                        raw.create_queue().queue_name(name).send(),
                    ),
                ],
            )
            .await;
        }
    }
    // 6 scopes, each against the 5 others, 10 operations each: no row lost.
    assert_eq!(checked, cells.len() * (cells.len() - 1) * 10);
    assert_eq!(
        world.tap.requests(),
        before,
        "a rejected request reached the HTTP client: {:?}",
        &world.tap.operations()[before..]
    );

    // The emulator as it is: each queue holds exactly its own scope's message.
    let unguarded = unguarded_sqs(&world.factory);
    for cell in &cells {
        let out = unguarded
            .receive_message()
            .queue_url(&cell.url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        let messages = out.messages.unwrap_or_default();
        assert_eq!(messages.len(), 1, "{}'s queue: {messages:?}", cell.name);
        let body: serde_json::Value = serde_json::from_str(messages[0].body().unwrap()).unwrap();
        assert_eq!(body["from"], cell.name.as_str());
        let scope = messages[0].message_attributes().unwrap()["scoped.scope"]
            .string_value()
            .unwrap();
        assert_eq!(scope, cell.label);
    }

    // And each typed client hands out its own message.
    for tenant in &world.tenants {
        let queue = world.factory.tenant_sqs(tenant).queue::<TenantNote>();
        let received = queue.receive(10, WAIT).await.unwrap();
        assert_eq!(received.refused, []);
        let from: Vec<_> = received
            .messages
            .iter()
            .map(|d| d.message.from.clone())
            .collect();
        assert_eq!(from, [format!("tenant {}", tenant.id())]);
    }
    for capsule in &world.capsules {
        let queue = world.factory.capsule_sqs(capsule).queue::<CapsuleNote>();
        let received = queue.receive(10, WAIT).await.unwrap();
        assert_eq!(received.refused, []);
        let from: Vec<_> = received
            .messages
            .iter()
            .map(|d| d.message.from.clone())
            .collect();
        assert_eq!(
            from,
            [format!("capsule {}/{}", capsule.tenant_id(), capsule.id())]
        );
    }
}

/// Messages sent into a tenant's own queue by an unguarded client — one forging the prefix
/// sibling's scope, one without a scope, one with the right scope but a body of another shape —
/// are never handed out: `receive` moves them to the dead-letter queue, says why, and hands
/// out only the genuine message.
#[tokio::test]
async fn forged_scope_attributes_are_dead_lettered() {
    let world = world().await;
    let queue = world
        .factory
        .tenant_sqs(&world.tenants[0])
        .queue::<TenantNote>();
    let provisioned = queue.provision().await.unwrap();
    let attacker = unguarded_sqs(&world.factory);
    let forged = world
        .factory
        .tenant_sqs(&world.tenants[1])
        .queue::<TenantNote>();
    let send = |body: &str, scope: Option<&str>| {
        let mut request = attacker
            .send_message()
            .queue_url(&provisioned.url)
            .message_body(body);
        if let Some(scope) = scope {
            request = request.message_attributes("scoped.scope", sqs_label(scope));
        }
        request.send()
    };
    send(r#"{"from":"forger"}"#, Some(forged.scope_label()))
        .await
        .unwrap();
    send(r#"{"from":"anonymous"}"#, None).await.unwrap();
    send(r#"{"unexpected":1}"#, Some(queue.scope_label()))
        .await
        .unwrap();
    queue
        .send(&TenantNote {
            from: "genuine".into(),
        })
        .await
        .unwrap();

    let mut delivered = Vec::new();
    let mut refused = Vec::new();
    for _ in 0..5 {
        let received = queue.receive(10, WAIT).await.unwrap();
        delivered.extend(received.messages.into_iter().map(|d| d.message.from));
        refused.extend(received.refused.into_iter().map(|r| r.reason));
        if delivered.len() + refused.len() == 4 {
            break;
        }
    }
    assert_eq!(delivered, ["genuine"]);
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused.contains(&RefusedReason::MissingScope));
    assert!(refused.contains(&RefusedReason::ForeignScope {
        found: forged.scope_label().to_owned(),
        expected: queue.scope_label().to_owned(),
    }));
    assert!(
        refused
            .iter()
            .any(|r| matches!(r, RefusedReason::Undecodable { .. }))
    );

    // The three are in the dead-letter queue, each with its reason, and gone from the queue.
    let out = attacker
        .receive_message()
        .queue_url(&provisioned.dead_letter_url)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap();
    let dead: HashMap<String, String> = out
        .messages
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let reason = m.message_attributes().unwrap()["scoped.refused"]
                .string_value()
                .unwrap()
                .to_owned();
            (m.body().unwrap().to_owned(), reason)
        })
        .collect();
    assert_eq!(dead.len(), 3, "{dead:?}");
    assert!(dead[r#"{"from":"forger"}"#].contains(forged.scope_label()));
    assert!(dead.contains_key(r#"{"from":"anonymous"}"#));
    let left = attacker
        .receive_message()
        .queue_url(&provisioned.url)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    assert_eq!(left.messages.unwrap_or_default().len(), 0);
}

/// `provision` sets a redrive policy into the queue's own dead-letter queue.
#[tokio::test]
async fn provision_redrives_into_the_dead_letter_queue() {
    let world = world().await;
    let queue = world
        .factory
        .capsule_sqs(&world.capsules[1])
        .queue::<CapsuleNote>();
    let provisioned = queue.provision().await.unwrap();
    assert!(
        provisioned
            .dead_letter_arn
            .ends_with(queue.dead_letter_name())
    );
    let attributes = unguarded_sqs(&world.factory)
        .get_queue_attributes()
        .queue_url(&provisioned.url)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    let policy: serde_json::Value =
        serde_json::from_str(&attributes[&QueueAttributeName::RedrivePolicy]).unwrap();
    assert_eq!(
        policy["deadLetterTargetArn"],
        provisioned.dead_letter_arn.as_str()
    );
    // Provisioning again finds the same queues.
    assert_eq!(queue.provision().await.unwrap(), provisioned);
}

/// Batches: 10 go out in one request; 0, 11 or a message over 256 KiB are errors that name
/// the limit, and send nothing.
#[tokio::test]
async fn batches_of_one_to_ten() {
    let world = world().await;
    let queue = world
        .factory
        .tenant_sqs(&world.tenants[1])
        .queue::<TenantNote>();
    queue.provision().await.unwrap();
    let notes: Vec<TenantNote> = (0..11)
        .map(|i| TenantNote {
            from: format!("n{i}"),
        })
        .collect();
    let before = world.tap.requests();
    let err = queue.send_batch(&notes).await.unwrap_err();
    assert!(
        matches!(err, SqsError::BatchSize { count: 11, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("1 to 10"), "{err}");
    assert!(matches!(
        queue.send_batch(&[]).await,
        Err(SqsError::BatchSize { count: 0, .. })
    ));
    let huge = TenantNote {
        from: "x".repeat(262_144),
    };
    let err = queue.send(&huge).await.unwrap_err();
    assert!(matches!(err, SqsError::MessageTooLarge { .. }), "{err}");
    let halves = [
        TenantNote {
            from: "x".repeat(140_000),
        },
        TenantNote {
            from: "y".repeat(140_000),
        },
    ];
    let err = queue.send_batch(&halves).await.unwrap_err();
    assert!(matches!(err, SqsError::BatchTooLarge { .. }), "{err}");
    assert_eq!(world.tap.requests(), before, "{:?}", world.tap.operations());

    let sent = queue.send_batch(&notes[..10]).await.unwrap();
    assert_eq!(sent.failed, []);
    assert_eq!(
        sent.sent.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        (0..10).collect::<Vec<_>>()
    );
    let mut from = Vec::new();
    for _ in 0..10 {
        let received = queue.receive(10, WAIT).await.unwrap();
        assert_eq!(received.refused, []);
        for delivery in received.messages {
            queue.delete(&delivery.receipt).await.unwrap();
            from.push(delivery.message.from);
        }
        if from.len() == 10 {
            break;
        }
    }
    from.sort();
    let mut expected: Vec<String> = (0..10).map(|i| format!("n{i}")).collect();
    expected.sort();
    assert_eq!(from, expected);
}

/// A message made visible again is received again; a deleted one is not; limits on receive
/// and visibility are errors before sending.
#[tokio::test]
async fn visibility_and_delete() {
    let world = world().await;
    let queue = world
        .factory
        .capsule_sqs(&world.capsules[2])
        .queue::<CapsuleNote>();
    queue.provision().await.unwrap();
    queue
        .send(&CapsuleNote {
            from: "once".into(),
        })
        .await
        .unwrap();
    let first = queue.receive(1, WAIT).await.unwrap().messages;
    assert_eq!(first.len(), 1);
    queue
        .change_visibility(&first[0].receipt, Duration::ZERO)
        .await
        .unwrap();
    let again = queue.receive(1, WAIT).await.unwrap().messages;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].message_id, first[0].message_id);
    queue.delete(&again[0].receipt).await.unwrap();
    assert!(queue.receive(1, WAIT).await.unwrap().messages.is_empty());

    assert!(matches!(
        queue.receive(0, WAIT).await,
        Err(SqsError::ReceiveCount { .. })
    ));
    assert!(matches!(
        queue.receive(11, WAIT).await,
        Err(SqsError::ReceiveCount { .. })
    ));
    assert!(matches!(
        queue.receive(1, Duration::from_secs(21)).await,
        Err(SqsError::Wait { .. })
    ));
    assert!(matches!(
        queue
            .change_visibility(&again[0].receipt, Duration::from_secs(43_201))
            .await,
        Err(SqsError::Visibility { .. })
    ));
}

/// Through a scope's own raw client, requests the guard cannot check, or that would leave the
/// scope another way, are rejected before sending.
#[tokio::test]
async fn the_guard_rejects_what_it_cannot_check() {
    let world = world().await;
    let queue = world
        .factory
        .tenant_sqs(&world.tenants[0])
        .queue::<TenantNote>();
    let provisioned = queue.provision().await.unwrap();
    let raw = queue.raw();
    let sibling = world
        .factory
        .tenant_sqs(&world.tenants[1])
        .queue::<TenantNote>();
    let before = world.tap.requests();

    let foreign_dlq = provisioned
        .dead_letter_arn
        .replace(queue.dead_letter_name(), sibling.dead_letter_name());
    let checked = assert_rejected(
        "a tenant's own client",
        SqsViolation::find_in,
        vec![
            attempt(
                "SendMessage without a scope",
                |v| matches!(v, SqsViolation::ScopeAttribute { found: None, .. }),
                raw.send_message()
                    .queue_url(&provisioned.url)
                    .message_body("{}")
                    .send(),
            ),
            attempt(
                "SendMessage with the sibling's scope",
                |v| matches!(v, SqsViolation::ScopeAttribute { found: Some(_), .. }),
                raw.send_message()
                    .queue_url(&provisioned.url)
                    .message_body("{}")
                    .message_attributes("scoped.scope", sqs_label(sibling.scope_label()))
                    .send(),
            ),
            attempt(
                "AddPermission",
                |v| matches!(v, SqsViolation::UnsupportedOperation { .. }),
                raw.add_permission()
                    .queue_url(&provisioned.url)
                    .label("all")
                    .aws_account_ids("999999999999")
                    .actions("SendMessage")
                    .send(),
            ),
            attempt(
                "ListQueues without a prefix",
                |v| matches!(v, SqsViolation::ListPrefix { .. }),
                raw.list_queues().send(),
            ),
            attempt(
                "SetQueueAttributes Policy",
                |v| matches!(v, SqsViolation::QueueAttribute { .. }),
                raw.set_queue_attributes()
                    .queue_url(&provisioned.url)
                    .attributes(QueueAttributeName::Policy, "{}")
                    .send(),
            ),
            attempt(
                "SetQueueAttributes RedrivePolicy into the sibling's dead-letter queue",
                |v| {
                    matches!(
                        v,
                        SqsViolation::ForeignQueue {
                            field: "RedrivePolicy.deadLetterTargetArn",
                            ..
                        }
                    )
                },
                raw.set_queue_attributes()
                    .queue_url(&provisioned.url)
                    .attributes(
                        QueueAttributeName::RedrivePolicy,
                        format!(r#"{{"deadLetterTargetArn":"{foreign_dlq}","maxReceiveCount":1}}"#),
                    )
                    .send(),
            ),
        ],
    )
    .await;
    assert_eq!(checked, 6);
    assert_eq!(world.tap.requests(), before, "{:?}", world.tap.operations());

    // Listing under the scope's own prefix is allowed, and finds only its queues.
    let prefix = queue.name().trim_end_matches("iso");
    let listed = raw
        .list_queues()
        .queue_name_prefix(prefix)
        .send()
        .await
        .unwrap();
    let urls = listed.queue_urls.unwrap_or_default();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(!urls.iter().any(|url| url.contains(sibling.name())));
}

/// The client type is generic over services: a scope's SQS client is a `ScopedClient`.
#[tokio::test]
async fn the_factory_hands_out_scoped_sqs_clients() {
    let world = world().await;
    let client: scoped_runtime::TenantClient<Sqs> = world.factory.scoped(&world.tenants[0]);
    assert_eq!(client.scope(), &world.tenants[0]);
    assert_eq!(
        client.queue::<TenantNote>().name(),
        format!("t_{}_iso", world.tenants[0].id())
    );
}
