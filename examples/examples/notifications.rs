//! Notifications: a tenant's webhook events through its SNS topic into its SQS queue,
//! consumed typed.
//!
//! Creates the tenant's queue (with its dead-letter queue) and topic, subscribes the one to
//! the other with raw delivery, publishes a batch of webhook events, and receives them from
//! the queue as typed messages. Then it shows what cannot happen: another tenant's queue
//! cannot subscribe to the topic, and a message forged with another tenant's scope is
//! dead-lettered instead of delivered.
//!
//! Run it with `bash scripts/with-moto.sh cargo run -p scoped-examples --example notifications`.

use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scoped_runtime::{AwsClientFactory, SnsError, Tenant, tenant_queue, tenant_topic};
use serde::{Deserialize, Serialize};

/// A webhook event, as the tenant's services publish it.
#[tenant_topic("webhooks")]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
    /// What happened.
    pub kind: String,
}

/// The same event, as the tenant's delivery worker receives it from its queue.
#[tenant_queue("webhooks")]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Where to deliver it.
    pub url: String,
    /// What happened.
    pub kind: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let factory = AwsClientFactory::from_env().await?;
    // A fresh tenant per run, so reruns against one emulator start empty.
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let tenant = Tenant::new(format!("acme-{run}"), "Acme")?;
    let other = Tenant::new(format!("acme-{run}0"), "Acme Zero")?;

    let queue = factory.tenant_sqs(&tenant).queue::<WebhookDelivery>();
    let provisioned = queue.provision().await?;
    let topic = factory.tenant_sns(&tenant).topic::<WebhookEvent>();
    topic.provision().await?;
    topic.subscribe_queue(&provisioned.arn).await?;
    println!(
        "topic {} -> queue {} (dead letters: {})",
        topic.name(),
        queue.name(),
        queue.dead_letter_name()
    );

    let events: Vec<WebhookEvent> = ["lead.created", "lead.updated", "lead.won"]
        .iter()
        .map(|kind| WebhookEvent {
            url: "https://hooks.example.com/acme".into(),
            kind: (*kind).into(),
        })
        .collect();
    let published = topic.publish_batch(&events).await?;
    println!("published {} events", published.published.len());

    let mut delivered = 0;
    while delivered < events.len() {
        let received = queue.receive(10, Duration::from_secs(2)).await?;
        if received.messages.is_empty() {
            return Err(format!("only {delivered} of {} events arrived", events.len()).into());
        }
        for delivery in received.messages {
            println!(
                "deliver {} to {}",
                delivery.message.kind, delivery.message.url
            );
            queue.delete(&delivery.receipt).await?;
            delivered += 1;
        }
    }

    // Another tenant's queue cannot subscribe to this tenant's topic.
    let others = factory.tenant_sqs(&other).queue::<WebhookDelivery>();
    let other_arn = others.provision().await?.arn;
    match topic.subscribe_queue(&other_arn).await {
        Err(err @ SnsError::ForeignSubscriber { .. }) => println!("refused: {err}"),
        other => return Err(format!("a foreign queue subscribed: {other:?}").into()),
    }

    // A message forged with the other tenant's scope (an unguarded client can put it in the
    // queue) is dead-lettered, never handed out.
    let unguarded = aws_sdk_sqs::Client::new(factory.sdk_config());
    unguarded
        .send_message()
        .queue_url(&provisioned.url)
        .message_body(r#"{"url":"https://evil.example.com","kind":"forged"}"#)
        .message_attributes(
            "scoped.scope",
            aws_sdk_sqs::types::MessageAttributeValue::builder()
                .data_type("String")
                .string_value(others.scope_label())
                .build()?,
        )
        .send()
        .await?;
    let received = queue.receive(10, Duration::from_secs(2)).await?;
    if !received.messages.is_empty() || received.refused.len() != 1 {
        return Err(format!("the forged message was not refused: {received:?}").into());
    }
    println!("dead-lettered: {}", received.refused[0].reason);
    Ok(())
}
