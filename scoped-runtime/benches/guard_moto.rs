//! Typed put and get through a capsule client against the same raw SDK calls, against moto, in
//! the same run: what the guard, serde conversion and key building add to a real round trip.
//!
//! The raw calls go through an SDK client built from the factory's own configuration, without
//! the guard, and send the same table, key and attributes the typed calls send. Each benchmark
//! of a pair alternates the raw and the typed call and times only its own, so a slower
//! emulator or a busier machine weighs on both alike.
//!
//! Needs a DynamoDB endpoint: `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench
//! guard_moto`, or start moto yourself and set `AWS_ENDPOINT_URL` (see the README).

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod guard_support;
mod paired;
#[allow(dead_code, reason = "only the shared capsule is needed here")]
mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use criterion::{Criterion, criterion_group, criterion_main};
use guard_support::Lead;
use paired::{Timed, alternating, paired};
use scoped_runtime::AwsClientFactory;

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the guard/moto benchmarks need a DynamoDB endpoint. Run \
             `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench guard_moto`, or \
             start `.venv/bin/moto_server -p 5000` and set AWS_ENDPOINT_URL=http://127.0.0.1:5000 \
             AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
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
    let crm = factory.capsule_dynamodb(&support::capsule());
    let leads = crm.items::<Lead>();
    runtime
        .block_on(leads.provision())
        .expect("provision PRODUS_crm");
    let raw = aws_sdk_dynamodb::Client::new(factory.sdk_config());
    let lead = Lead::sample("lead-789");
    let key = leads.key("lead-789").expect("valid key").into_string();
    let table = leads.table().to_string();
    runtime.block_on(leads.put(&lead)).expect("first put");

    let raw_put = || async {
        raw.put_item()
            .table_name(&table)
            .set_item(Some(lead.raw_item(&key)))
            .send()
            .await
            .expect("raw put");
    };
    let typed_put = || async { leads.put(&lead).await.expect("typed put") };
    let raw_get = || async {
        raw.get_item()
            .table_name(&table)
            .key("pk", AttributeValue::S(key.clone()))
            .send()
            .await
            .expect("raw get");
    };
    let typed_get = || async {
        leads.get("lead-789").await.expect("typed get");
    };

    // Each benchmark of a pair runs the raw and the typed call alternately and times only its
    // own, so both see the same emulator state and the same load from the rest of the machine.
    let mut group = c.benchmark_group("guard/moto");
    group.bench_function("raw_put", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::First, &raw_put, &typed_put));
    });
    group.bench_function("typed_put", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::Second, &raw_put, &typed_put));
    });
    group.bench_function("raw_get", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::First, &raw_get, &typed_get));
    });
    group.bench_function("typed_get", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::Second, &raw_get, &typed_get));
    });
    group.finish();

    // Criterion times the two sides of a pair one after the other, seconds apart; on a busy
    // machine the load changes in between by more than the overhead. Pairs timed back to back
    // (in alternating order) cancel that out: the median of their differences is the overhead.
    if std::env::args().any(|arg| arg == "--bench") {
        runtime.block_on(paired("guard/moto/paired_put", PAIRS, &raw_put, &typed_put));
        runtime.block_on(paired("guard/moto/paired_get", PAIRS, &raw_get, &typed_get));
    }
}

/// How many back-to-back pairs `paired` times.
const PAIRS: usize = 1000;

criterion_group!(benches, moto);
criterion_main!(benches);
