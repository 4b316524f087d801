//! The isolation guard's cost, without a network.
//!
//! - `guard/check/*`: the guard's decision alone, per request kind (the interceptor's body).
//! - `guard/sdk/*`: whole SDK calls through an HTTP client that answers at once, so the SDK's
//!   own per-request work (serialization, signing, orchestration) is the baseline the guard is
//!   added to: the same GetItem and PutItem through a client without the guard, through the
//!   scope's guarded client, and through a client customized per operation with an (empty)
//!   interceptor — the alternative to caching one guarded client per scope — plus the typed
//!   operations, which add serde conversion and key building.
//! - `guard/client/*`: handing out a scoped client and reaching its guarded SDK client (a
//!   cache lookup per handle) against the hand-out alone.
//!
//! `cargo bench -p scoped-runtime --bench guard`; against moto, `--bench guard_moto`.

#![allow(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod guard_support;
mod support;

use std::hint::black_box;

use aws_sdk_dynamodb::config::Intercept;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::get_item::GetItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use criterion::{Criterion, criterion_group, criterion_main};
use guard_support::Lead;
use scoped_runtime::test_util::check_capsule_request;
use scoped_runtime::{AwsClientFactory, CapsuleClient, DynamoDb};

const TABLE: &str = "PRODUS_crm";

fn own_key(id: &str) -> String {
    format!("TENANT#tenant-123#CAPSULE#caps-456#LEAD#{id}")
}

fn check(c: &mut Criterion) {
    let capsule = support::capsule();
    let key = own_key("lead-789");
    let get = Input::erase(
        GetItemInput::builder()
            .table_name(TABLE)
            .key("pk", AttributeValue::S(key.clone()))
            .build()
            .expect("get input"),
    );
    let put = Input::erase(
        PutItemInput::builder()
            .table_name(TABLE)
            .set_item(Some(Lead::sample("lead-789").raw_item(&key)))
            .build()
            .expect("put input"),
    );
    let query = Input::erase(
        QueryInput::builder()
            .table_name(TABLE)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_values(":pk", AttributeValue::S(key.clone()))
            .build()
            .expect("query input"),
    );
    let writes = (0..25)
        .map(|i| {
            let item = Lead::sample(&format!("lead-{i}")).raw_item(&own_key(&format!("lead-{i}")));
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .expect("put");
            WriteRequest::builder().put_request(put).build()
        })
        .collect();
    let batch = Input::erase(
        BatchWriteItemInput::builder()
            .request_items(TABLE, writes)
            .build()
            .expect("batch input"),
    );
    let foreign = Input::erase(
        GetItemInput::builder()
            .table_name(TABLE)
            .key(
                "pk",
                AttributeValue::S("TENANT#tenant-1234#CAPSULE#caps-456#LEAD#lead-789".into()),
            )
            .build()
            .expect("get input"),
    );
    let allowed = [
        ("get_item", &get),
        ("put_item", &put),
        ("query", &query),
        ("batch_write_25", &batch),
    ];
    for (name, input) in allowed {
        assert!(check_capsule_request(&capsule, input).is_ok(), "{name}");
    }
    assert!(check_capsule_request(&capsule, &foreign).is_err());

    let mut group = c.benchmark_group("guard/check");
    for (name, input) in allowed
        .into_iter()
        .chain([("rejected_cross_tenant", &foreign)])
    {
        group.bench_function(name, |b| {
            b.iter(|| check_capsule_request(black_box(&capsule), black_box(input)));
        });
    }
    group.finish();
}

/// Answers every request at once: GetItem with one lead, anything else with `{}`.
#[derive(Debug)]
struct InstantDynamoDb;

impl HttpConnector for InstantDynamoDb {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let body = if target.ends_with(".GetItem") {
            format!(
                r#"{{"Item":{{"pk":{{"S":"{}"}},"lead_id":{{"S":"lead-789"}},"name":{{"S":"Ada Lovelace"}},"score":{{"N":"42"}}}}}}"#,
                own_key("lead-789")
            )
        } else {
            "{}".to_owned()
        };
        let status = StatusCode::try_from(200).expect("valid status");
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(body))))
    }
}

/// The benchmarks' offline factory, its HTTP client replaced by [`InstantDynamoDb`].
fn instant_factory() -> AwsClientFactory {
    let http = http_client_fn(|_, _| SharedHttpConnector::new(InstantDynamoDb));
    let config = support::offline_factory()
        .sdk_config()
        .clone()
        .into_builder()
        .http_client(http)
        .build();
    AwsClientFactory::from_conf(config).expect("offline factory")
}

/// An interceptor that does nothing: what customizing each operation costs by itself.
#[derive(Debug)]
struct Noop;

impl Intercept for Noop {
    fn name(&self) -> &'static str {
        "Noop"
    }
}

fn sdk(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let factory = instant_factory();
    let crm: CapsuleClient<DynamoDb> = factory.capsule_dynamodb(&support::capsule());
    let guarded = crm.raw().clone();
    let unguarded = aws_sdk_dynamodb::Client::new(factory.sdk_config());
    let leads = crm.items::<Lead>();
    let lead = Lead::sample("lead-789");
    let key = own_key("lead-789");

    let get = |client: &aws_sdk_dynamodb::Client| {
        client
            .get_item()
            .table_name(TABLE)
            .key("pk", AttributeValue::S(key.clone()))
    };
    let put = |client: &aws_sdk_dynamodb::Client| {
        client
            .put_item()
            .table_name(TABLE)
            .set_item(Some(lead.raw_item(&key)))
    };

    let mut group = c.benchmark_group("guard/sdk");
    group.bench_function("get_item_unguarded", |b| {
        b.to_async(&runtime)
            .iter(|| async { get(&unguarded).send().await.expect("get") });
    });
    group.bench_function("get_item_guarded", |b| {
        b.to_async(&runtime)
            .iter(|| async { get(&guarded).send().await.expect("get") });
    });
    group.bench_function("get_item_customized", |b| {
        b.to_async(&runtime).iter(|| async {
            get(&unguarded)
                .customize()
                .interceptor(Noop)
                .send()
                .await
                .expect("get")
        });
    });
    group.bench_function("typed_get", |b| {
        b.to_async(&runtime)
            .iter(|| async { leads.get("lead-789").await.expect("get") });
    });
    group.bench_function("put_item_unguarded", |b| {
        b.to_async(&runtime)
            .iter(|| async { put(&unguarded).send().await.expect("put") });
    });
    group.bench_function("put_item_guarded", |b| {
        b.to_async(&runtime)
            .iter(|| async { put(&guarded).send().await.expect("put") });
    });
    group.bench_function("typed_put", |b| {
        b.to_async(&runtime)
            .iter(|| async { leads.put(&lead).await.expect("put") });
    });
    group.finish();

    let capsule = support::capsule();
    let mut group = c.benchmark_group("guard/client");
    group.bench_function("handout", |b| {
        b.iter(|| black_box(&factory).capsule_dynamodb(black_box(&capsule)));
    });
    group.bench_function("handout_and_raw", |b| {
        b.iter(|| {
            let client = black_box(&factory).capsule_dynamodb(black_box(&capsule));
            black_box(client.raw());
        });
    });
    group.finish();
}

criterion_group!(benches, check, sdk);
criterion_main!(benches);
