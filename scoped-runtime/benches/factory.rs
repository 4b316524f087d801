//! Handing out a scoped client against building an SDK client, measured in the same run.
//!
//! Ours is the whole call, drop included; the SDK's `Client::from_conf` gets its `Config`
//! cloned outside the timed section and its client dropped outside it, so the ratio is, if
//! anything, in the SDK's favour.
//!
//! `cargo bench -p scoped-runtime --bench factory`

#![allow(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod support;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn capsule_client(c: &mut Criterion) {
    let factory = support::offline_factory();
    let capsule = support::capsule();
    let sdk_config = factory.sdk_config().clone();
    let dynamodb_config = aws_sdk_dynamodb::Config::from(&sdk_config);

    let mut group = c.benchmark_group("factory/capsule_client");
    group.bench_function("capsule_dynamodb", |b| {
        b.iter(|| black_box(&factory).capsule_dynamodb(black_box(&capsule)));
    });
    group.bench_function("sdk_client_from_conf", |b| {
        b.iter_batched(
            || dynamodb_config.clone(),
            aws_sdk_dynamodb::Client::from_conf,
            BatchSize::SmallInput,
        );
    });
    // What a service that builds a client per request would call.
    group.bench_function("sdk_client_new", |b| {
        b.iter(|| aws_sdk_dynamodb::Client::new(black_box(&sdk_config)));
    });
    group.finish();
}

criterion_group!(benches, capsule_client);
criterion_main!(benches);
