//! Sort keys against the hand-written code they replace, in the same run:
//!
//! - `sort_key/item_key`: an item key with sort ids (pk + order-preserving sk) against
//!   `format!` of the same two strings without escaping or ordering;
//! - `sort_key/collection_decode_100`: 100 items of a lead's partition read as a collection
//!   (tag dispatch, ownership checks) against `serde_dynamo` decoding them directly;
//! - `sort_key/moto`: a typed range query against the same raw `Query` through the SDK, against
//!   moto, alternating and paired like `guard_moto` (needs `AWS_ENDPOINT_URL`).
//!
//! `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench sort_keys`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod paired;
#[allow(dead_code, reason = "only the shared capsule is needed here")]
mod support;

use std::collections::HashMap;
use std::hint::black_box;

use aws_sdk_dynamodb::types::AttributeValue;
use criterion::{Criterion, criterion_group, criterion_main};
use paired::{Timed, alternating, paired};
use scoped_runtime::{AwsClientFactory, Collection, ScopedKey, capsule_table};
use serde::{Deserialize, Serialize};

/// The table the benchmarks use, keyed by `pk` and `sk`.
#[capsule_table("benchsk", sort_key)]
pub struct BenchTable;

/// A lead.
#[derive(ScopedKey, Serialize, Deserialize)]
#[scoped(table = BenchTable, entity = "LEAD")]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its name.
    pub name: String,
}

/// A note in its lead's partition.
#[derive(ScopedKey, Serialize, Deserialize)]
#[scoped(partition = Lead, entity = "NOTE")]
pub struct Note {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When.
    #[scoped(sort)]
    pub created: i64,
    /// Its id.
    #[scoped(sort)]
    pub note_id: String,
    /// Its text.
    pub text: String,
}

/// A lead with its notes.
#[derive(Collection)]
pub enum LeadView {
    /// The lead.
    Lead(Lead),
    /// A note.
    Note(Note),
}

fn item_key(c: &mut Criterion) {
    let capsule = support::capsule();
    let mut group = c.benchmark_group("sort_key/item_key");
    group.bench_function("item_key", |b| {
        b.iter(|| {
            Note::item_key(
                black_box(&capsule),
                black_box("lead-789"),
                black_box(1_764_500_000),
                black_box("note-42"),
            )
            .expect("valid key")
        });
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            let capsule = black_box(&capsule);
            let pk = format!(
                "TENANT#{}#CAPSULE#{}#LEAD#{}",
                capsule.tenant_id().as_str(),
                capsule.id().as_str(),
                black_box("lead-789"),
            );
            let sk = format!(
                "NOTE#{}#{}",
                black_box(1_764_500_000_i64),
                black_box("note-42")
            );
            (pk, sk)
        });
    });
    group.finish();
}

/// The items of lead-789's partition: the lead and 99 notes, as DynamoDB returns them.
fn partition_items() -> (String, Vec<HashMap<String, AttributeValue>>) {
    let capsule = support::capsule();
    let pk = Lead::partition_key(&capsule, "lead-789")
        .expect("valid key")
        .into_string();
    let mut items = Vec::with_capacity(100);
    let mut lead: HashMap<String, AttributeValue> =
        serde_dynamo::aws_sdk_dynamodb_1::to_item(Lead {
            lead_id: "lead-789".into(),
            name: "Ada".into(),
        })
        .expect("lead item");
    lead.insert("pk".into(), AttributeValue::S(pk.clone()));
    lead.insert("sk".into(), AttributeValue::S("LEAD".into()));
    items.push(lead);
    for i in 0..99 {
        let note = Note {
            lead_id: "lead-789".into(),
            created: 1_764_500_000 + i,
            note_id: format!("note-{i}"),
            text: format!("note number {i}"),
        };
        let key = note.to_item_key(&capsule).expect("valid key");
        let mut item: HashMap<String, AttributeValue> =
            serde_dynamo::aws_sdk_dynamodb_1::to_item(&note).expect("note item");
        item.insert("pk".into(), AttributeValue::S(pk.clone()));
        item.insert(
            "sk".into(),
            AttributeValue::S(key.sort().expect("a sort key").to_owned()),
        );
        items.push(item);
    }
    (pk, items)
}

fn collection_decode(c: &mut Criterion) {
    let capsule = support::capsule();
    let (pk, items) = partition_items();
    let mut group = c.benchmark_group("sort_key/collection_decode_100");
    group.bench_function("collection", |b| {
        b.iter_batched(
            || items.clone(),
            |items| {
                scoped_runtime::test_util::decode_collection::<LeadView>(&capsule, &pk, items)
                    .expect("own items")
            },
            criterion::BatchSize::SmallInput,
        );
    });
    // What a hand-written reader does: dispatch on the sort key's prefix and decode with
    // serde_dynamo, checking nothing.
    group.bench_function("serde_dynamo", |b| {
        b.iter_batched(
            || items.clone(),
            |items| {
                items
                    .into_iter()
                    .map(|item| {
                        let is_lead =
                            matches!(item.get("sk"), Some(AttributeValue::S(sk)) if sk == "LEAD");
                        if is_lead {
                            LeadView::Lead(
                                serde_dynamo::aws_sdk_dynamodb_1::from_item(item).expect("lead"),
                            )
                        } else {
                            LeadView::Note(
                                serde_dynamo::aws_sdk_dynamodb_1::from_item(item).expect("note"),
                            )
                        }
                    })
                    .collect::<Vec<_>>()
            },
            criterion::BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the sort-key/moto benchmarks need a DynamoDB endpoint. \
             Run `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench sort_keys`"
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
    let notes = crm.items::<Note>();
    runtime
        .block_on(notes.provision())
        .expect("provision PRODUS_benchsk");
    let written: Vec<Note> = (0..20)
        .map(|i| Note {
            lead_id: "lead-789".into(),
            created: 1_764_500_000 + i,
            note_id: format!("note-{i}"),
            text: format!("note number {i}"),
        })
        .collect();
    runtime
        .block_on(notes.batch_put(&written))
        .expect("write the notes");
    let raw = aws_sdk_dynamodb::Client::new(factory.sdk_config());
    let table = notes.table().to_string();
    let pk = notes.key("lead-789").expect("valid key").into_string();
    // The same request the typed query sends: the newest 10 notes created before the last.
    let upper = Note::item_key(crm.scope(), "lead-789", 1_764_500_019, "a")
        .expect("valid key")
        .sort()
        .expect("a sort key")
        .split('#')
        .nth(1)
        .expect("the encoded time")
        .to_owned();
    let raw_query = || async {
        let output = raw
            .query()
            .table_name(&table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
            .expression_attribute_names("#pk", "pk")
            .expression_attribute_names("#sk", "sk")
            .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
            .expression_attribute_values(":lo", AttributeValue::S("NOTE#".into()))
            .expression_attribute_values(":hi", AttributeValue::S(format!("NOTE#{upper}")))
            .scan_index_forward(false)
            .limit(10)
            .send()
            .await
            .expect("raw query");
        let notes: Vec<Note> = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::aws_sdk_dynamodb_1::from_item(item).expect("a note"))
            .collect();
        assert_eq!(notes.len(), 10);
    };
    let typed_query = || async {
        let found = notes
            .query("lead-789")
            .lt(Note::CREATED, 1_764_500_019)
            .descending()
            .limit(10)
            .try_collect()
            .await
            .expect("typed query");
        assert_eq!(found.len(), 10);
    };
    let mut group = c.benchmark_group("sort_key/moto");
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
            "sort_key/moto/paired_range_query",
            500,
            &raw_query,
            &typed_query,
        ));
    }
}

criterion_group!(offline, item_key, collection_decode);
criterion_group!(endpoint, moto);
criterion_main!(offline, endpoint);
