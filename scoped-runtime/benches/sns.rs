//! SNS: typed publish (scope attribute, size check, JSON body) against the same `Publish`
//! through an unguarded SDK client, against moto, alternating and paired like `guard_moto`;
//! and topic-name building against `format!`.
//!
//! `bash scripts/with-moto.sh cargo bench -p scoped-runtime --features sns --bench sns`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod paired;

use std::hint::black_box;

use aws_sdk_sns::types::MessageAttributeValue;
use criterion::{Criterion, criterion_group, criterion_main};
use paired::{Timed, alternating, paired};
use scoped_runtime::{AwsClientFactory, Tenant, Topic, tenant_topic};

/// A webhook event on a tenant's topic.
#[tenant_topic("webhooks")]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct WebhookEvent {
    /// Where to deliver it.
    pub url: String,
    /// What happened.
    pub kind: String,
}

fn names(c: &mut Criterion) {
    let tenant = Tenant::new("tenant-123", "Acme").expect("valid tenant");
    let mut group = c.benchmark_group("sns/name");
    group.bench_function("scoped", |b| {
        b.iter(|| WebhookEvent::topic_name(black_box(&tenant)));
    });
    group.bench_function("format", |b| {
        b.iter(|| format!("t_{}_{}", black_box(&tenant).id().as_str(), "webhooks"));
    });
    group.finish();
}

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the sns/moto benchmarks need an SNS endpoint. Run \
             `bash scripts/with-moto.sh cargo bench -p scoped-runtime --features sns --bench sns`"
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
    let topic = factory.tenant_sns(&tenant).topic::<WebhookEvent>();
    let arn = runtime
        .block_on(topic.provision())
        .expect("provision the topic");
    let raw = aws_sdk_sns::Client::new(factory.sdk_config());
    let event = WebhookEvent {
        url: "https://hooks.example.com/acme".into(),
        kind: "lead.created".into(),
    };
    let body = serde_json::to_string(&event).expect("JSON");
    let label = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(topic.scope_label())
        .build()
        .expect("attribute");

    let raw_publish = || async {
        raw.publish()
            .topic_arn(&arn)
            .message(&body)
            .message_attributes("scoped.scope", label.clone())
            .send()
            .await
            .expect("raw publish");
    };
    let typed_publish = || async {
        topic.publish(&event).await.expect("typed publish");
    };

    let mut group = c.benchmark_group("sns/moto");
    group.bench_function("raw_publish", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::First, &raw_publish, &typed_publish));
    });
    group.bench_function("typed_publish", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::Second, &raw_publish, &typed_publish));
    });
    group.finish();

    if std::env::args().any(|arg| arg == "--bench") {
        runtime.block_on(paired(
            "sns/moto/paired_publish",
            PAIRS,
            &raw_publish,
            &typed_publish,
        ));
    }
}

/// How many back-to-back pairs `paired` times.
const PAIRS: usize = 500;

criterion_group!(benches, names, moto);
criterion_main!(benches);
