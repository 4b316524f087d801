//! Index keys and index queries against the hand-written code they replace, in the same run:
//!
//! - `index/keys`: an entity's index attributes for one template (`pk_{index}` inside the
//!   scope, `sk_{index}` in the order-preserving codec) against `format!` of the same two
//!   strings without escaping or ordering;
//! - `index/moto`: a typed index query (newest 10 of a capsule's collection, every item
//!   checked) against the same raw `Query` of the index through the SDK, against moto,
//!   alternating and paired like `sort_keys` (needs `AWS_ENDPOINT_URL`).
//!
//! `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench indexes`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod paired;
#[allow(dead_code, reason = "only the shared capsule is needed here")]
mod support;

use std::hint::black_box;

use aws_sdk_dynamodb::types::AttributeValue;
use criterion::{Criterion, criterion_group, criterion_main};
use paired::{Timed, alternating, paired};
use scoped_runtime::{AwsClientFactory, Entity, Index, ScopedKey, capsule_table};
use serde::{Deserialize, Serialize};

/// The table the benchmarks use, keyed by `pk` and `sk`, with two indexes: the capsule's leads
/// newest first, and an owner's leads by creation time.
#[capsule_table("benchix", sort_key, index(Newest, sort_key), index(ByOwner, sort_key))]
pub struct BenchTable;

/// A lead.
#[derive(ScopedKey, Serialize, Deserialize)]
#[scoped(table = BenchTable, entity = "LEAD")]
#[scoped(index(Newest(sort(created)), ByOwner(partition(owner), sort(created))))]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Who owns it.
    pub owner: String,
    /// When it was created.
    pub created: i64,
    /// Its name.
    pub name: String,
}

fn index_keys(c: &mut Criterion) {
    let capsule = support::capsule();
    let lead = Lead {
        lead_id: "lead-789".into(),
        owner: "owner-42".into(),
        created: 1_764_500_000,
        name: "Ada".into(),
    };
    let key = lead.to_item_key(&capsule).expect("valid key");
    let mut group = c.benchmark_group("index/keys");
    group.bench_function("index_attributes", |b| {
        b.iter(|| {
            let mut out = scoped_runtime::IndexAttributes::new();
            scoped_runtime::__private::write_index_attributes::<Lead, ByOwner>(
                black_box(&lead),
                black_box(&capsule),
                black_box(&key),
                &mut out,
            )
            .expect("valid index keys");
            out
        });
    });
    // What hand-written code writes: the two attributes, neither escaped nor ordered.
    group.bench_function("format", |b| {
        b.iter(|| {
            let capsule = black_box(&capsule);
            let lead = black_box(&lead);
            let pk = format!(
                "TENANT#{}#CAPSULE#{}#LEAD#by_owner#{}",
                capsule.tenant_id().as_str(),
                capsule.id().as_str(),
                lead.owner,
            );
            let sk = format!("LEAD#{}", lead.created);
            vec![("pk_by_owner", pk), ("sk_by_owner", sk)]
        });
    });
    group.finish();
}

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the index/moto benchmarks need a DynamoDB endpoint. \
             Run `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench indexes`"
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
    let raw = aws_sdk_dynamodb::Client::new(factory.sdk_config());
    let table = leads.table().to_string();
    runtime
        .block_on(leads.provision())
        .expect("provision PRODUS_benchix with its indexes");
    let written: Vec<Lead> = (0..20)
        .map(|i| Lead {
            lead_id: format!("lead-{i}"),
            owner: "owner-42".into(),
            created: 1_764_500_000 + i,
            name: format!("lead number {i}"),
        })
        .collect();
    runtime
        .block_on(leads.batch_put(&written))
        .expect("write the leads");
    // The same request the typed query sends: the newest 10 leads created before the last.
    let partition = format!(
        "TENANT#{}#CAPSULE#{}#LEAD#newest",
        crm.scope().tenant_id().as_str(),
        crm.scope().id().as_str()
    );
    let newest = crm.index::<Lead, Newest>();
    let bound = runtime
        .block_on(async {
            // The raw query's upper bound is the typed one's: read it off the last lead's
            // stored `sk_newest`.
            let key = leads.item_key("lead-19").expect("valid key");
            raw.get_item()
                .table_name(&table)
                .key("pk", AttributeValue::S(key.partition().as_str().to_owned()))
                .key(
                    "sk",
                    AttributeValue::S(key.sort().expect("sort key").to_owned()),
                )
                .send()
                .await
        })
        .expect("read lead-19")
        .item
        .and_then(
            |mut item| match item.remove(Newest::SCHEMA.sort_attribute()?) {
                Some(AttributeValue::S(value)) => Some(value),
                _ => None,
            },
        )
        .expect("lead-19 is in the index");
    let raw_query = || async {
        let output = raw
            .query()
            .table_name(&table)
            .index_name("newest")
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
            .expression_attribute_names("#pk", "pk_newest")
            .expression_attribute_names("#sk", "sk_newest")
            .expression_attribute_values(":pk", AttributeValue::S(partition.clone()))
            .expression_attribute_values(":lo", AttributeValue::S("LEAD#".into()))
            .expression_attribute_values(":hi", AttributeValue::S(bound.clone()))
            .scan_index_forward(false)
            .limit(11)
            .send()
            .await
            .expect("raw query");
        let leads: Vec<Lead> = output
            .items
            .unwrap_or_default()
            .into_iter()
            .filter(
                |item| matches!(item.get("sk_newest"), Some(AttributeValue::S(sk)) if *sk != bound),
            )
            .take(10)
            .map(|item| serde_dynamo::aws_sdk_dynamodb_1::from_item(item).expect("a lead"))
            .collect();
        assert_eq!(leads.len(), 10);
    };
    let typed_query = || async {
        let found = newest
            .query(())
            .lt(1_764_500_019)
            .descending()
            .limit(10)
            .try_collect()
            .await
            .expect("typed query");
        assert_eq!(found.len(), 10);
    };
    let mut group = c.benchmark_group("index/moto");
    group.bench_function("raw_query", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::First, &raw_query, &typed_query));
    });
    group.bench_function("typed_query", |b| {
        b.to_async(&runtime)
            .iter_custom(|iters| alternating(iters, Timed::Second, &raw_query, &typed_query));
    });
    group.finish();
    if std::env::args().any(|arg| arg == "--bench") {
        runtime.block_on(paired(
            "index/moto/paired_index_query",
            500,
            &raw_query,
            &typed_query,
        ));
    }
}

criterion_group!(offline, index_keys);
criterion_group!(endpoint, moto);
criterion_main!(offline, endpoint);
