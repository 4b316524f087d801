//! SQS: queue-name building against `format!`, and typed send and receive against the same
//! raw SDK calls, in the same run:
//!
//! - `sqs/name`: `WebhookEvent::queue_name(&tenant)` (scope part, base, exact capacity)
//!   against `format!` of the same string;
//! - `sqs/moto`: a typed `send` (scope attribute, size check, JSON body) against the same
//!   `SendMessage` through an unguarded SDK client, and a typed round trip (send, receive with
//!   the scope check, delete) against the raw one; alternating and paired like `guard_moto`
//!   (needs `AWS_ENDPOINT_URL`).
//!
//! `bash scripts/with-moto.sh cargo bench -p scoped-runtime --features sqs --bench sqs`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod paired;

use std::hint::black_box;
use std::time::Duration;

use aws_sdk_sqs::types::MessageAttributeValue;
use criterion::{Criterion, criterion_group, criterion_main};
use paired::{Timed, alternating, paired};
use scoped_runtime::{AwsClientFactory, Queue, Tenant, tenant_queue};

/// A webhook event on a tenant's queue.
#[tenant_queue("notifications")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
    /// What happened.
    pub kind: String,
}

fn names(c: &mut Criterion) {
    let tenant = Tenant::new("tenant-123", "Acme").expect("valid tenant");
    let mut group = c.benchmark_group("sqs/name");
    group.bench_function("scoped", |b| {
        b.iter(|| WebhookEvent::queue_name(black_box(&tenant)));
    });
    group.bench_function("format", |b| {
        b.iter(|| format!("t_{}_{}", black_box(&tenant).id().as_str(), "notifications"));
    });
    group.finish();
}

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the sqs/moto benchmarks need an SQS endpoint. Run \
             `bash scripts/with-moto.sh cargo bench -p scoped-runtime --features sqs --bench sqs`"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let factory = runtime
        .block_on(AwsClientFactory::from_env())
        .expect("a factory from the environment");
    let tenant = Tenant::new("bench-tenant", "Bench").expect("valid tenant");
    let queue = factory.tenant_sqs(&tenant).queue::<WebhookEvent>();
    let url = runtime
        .block_on(queue.provision())
        .expect("provision the queue")
        .url;
    let raw = aws_sdk_sqs::Client::new(factory.sdk_config());
    let event = WebhookEvent {
        url: "https://hooks.example.com/acme".into(),
        kind: "lead.created".into(),
    };
    let body = serde_json::to_string(&event).expect("JSON");
    let label = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(queue.scope_label())
        .build()
        .expect("attribute");

    let raw_send = || async {
        raw.send_message()
            .queue_url(&url)
            .message_body(&body)
            .message_attributes("scoped.scope", label.clone())
            .send()
            .await
            .expect("raw send");
    };
    let typed_send = || async {
        queue.send(&event).await.expect("typed send");
    };
    let raw_round_trip = || async {
        raw_send().await;
        let out = raw
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(1)
            .message_attribute_names("scoped.scope")
            .send()
            .await
            .expect("raw receive");
        for message in out.messages.unwrap_or_default() {
            let _: WebhookEvent =
                serde_json::from_str(message.body().unwrap_or_default()).expect("decode");
            raw.delete_message()
                .queue_url(&url)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("raw delete");
        }
    };
    let typed_round_trip = || async {
        queue.send(&event).await.expect("typed send");
        let received = queue
            .receive(1, Duration::ZERO)
            .await
            .expect("typed receive");
        for delivery in received.messages {
            queue.delete(&delivery.receipt).await.expect("typed delete");
        }
    };

    let mut group = c.benchmark_group("sqs/moto");
    group.bench_function("raw_send", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::First, &raw_send, &typed_send));
    });
    group.bench_function("typed_send", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::Second, &raw_send, &typed_send));
    });
    group.bench_function("raw_round_trip", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            alternating(iters, Timed::First, &raw_round_trip, &typed_round_trip)
        });
    });
    group.bench_function("typed_round_trip", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            alternating(iters, Timed::Second, &raw_round_trip, &typed_round_trip)
        });
    });
    group.finish();

    if std::env::args().any(|arg| arg == "--bench") {
        runtime.block_on(paired(
            "sqs/moto/paired_send",
            PAIRS,
            &raw_send,
            &typed_send,
        ));
        runtime.block_on(paired(
            "sqs/moto/paired_round_trip",
            PAIRS,
            &raw_round_trip,
            &typed_round_trip,
        ));
        runtime
            .block_on(raw.purge_queue().queue_url(&url).send())
            .expect("purge");
    }
}

/// How many back-to-back pairs `paired` times.
const PAIRS: usize = 300;

criterion_group!(benches, names, moto);
criterion_main!(benches);
