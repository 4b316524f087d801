//! Names and keys against the hand-written code they replace, measured in the same run:
//! building a capsule partition key, checking a key's scope, decoding a key and naming a
//! table, each next to its `format!`/`contains`/`split` baseline.
//!
//! `cargo bench -p scoped-runtime --bench codec`

#![allow(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scoped_runtime::{BaseName, DecodedKey, EntityTag, Scope, ScopedKey, capsule_table};

/// The entity the typed benchmarks build keys and table names for.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = "LEAD")]
pub struct Lead {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
}

const LEAD: EntityTag = EntityTag::from_static("LEAD");
const CRM: BaseName = BaseName::from_static("crm");
const LEAD_ID: &str = "lead-789";

fn partition_key(c: &mut Criterion) {
    let capsule = support::capsule();
    let mut group = c.benchmark_group("key/capsule_partition_key");
    group.bench_function("scope_partition_key", |b| {
        b.iter(|| {
            black_box(&capsule)
                .partition_key(black_box(&LEAD), &[black_box(LEAD_ID)])
                .expect("valid key")
        });
    });
    group.bench_function("entity_partition_key", |b| {
        b.iter(|| Lead::partition_key(black_box(&capsule), black_box(LEAD_ID)).expect("valid key"));
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            let capsule = black_box(&capsule);
            format!(
                "TENANT#{}#CAPSULE#{}#{}#{}",
                capsule.tenant_id().as_str(),
                capsule.id().as_str(),
                black_box(&LEAD).as_str(),
                black_box(LEAD_ID),
            )
        });
    });
    group.finish();
}

fn validate_pk(c: &mut Criterion) {
    let capsule = support::capsule();
    let crm = support::offline_factory().capsule_dynamodb(&capsule);
    let pk = capsule.partition_key(&LEAD, &[LEAD_ID]).expect("valid key");
    let mut group = c.benchmark_group("key/validate_pk");
    group.bench_function("validate_pk", |b| {
        b.iter(|| {
            black_box(&crm)
                .validate_pk(black_box(&pk))
                .expect("own key")
        });
    });
    // The check this crate replaces: it also accepts `caps-4567`'s keys.
    group.bench_function("naive_contains", |b| {
        b.iter(|| {
            let id = black_box(&capsule).id().as_str();
            black_box(&pk).contains(&format!("CAPSULE#{id}"))
        });
    });
    group.finish();
}

/// Parses `key` and reads every segment, as a caller that routes on a key's parts does.
fn parse_and_read(key: &str) {
    let decoded = DecodedKey::parse(key).expect("valid key");
    black_box(decoded.scope());
    black_box(decoded.entity());
    decoded.ids().for_each(|id| {
        black_box(id);
    });
}

fn decode(c: &mut Criterion) {
    let key = "TENANT#tenant-123#CAPSULE#caps-456#LEAD_NOTE#lead-789#42";
    let mut group = c.benchmark_group("key/decode");
    group.bench_function("parse_and_ids", |b| {
        b.iter(|| parse_and_read(black_box(key)));
    });
    // Splits without checking anything.
    group.bench_function("naive_split", |b| {
        b.iter(|| black_box(key).split('#').collect::<Vec<_>>());
    });
    // An escaped id is unescaped into a new `String`: the decoder's one allocation.
    group.bench_function("parse_and_ids_escaped", |b| {
        let key = "TENANT#tenant-123#CAPSULE#caps-456#LEAD_NOTE#lead%23789#42";
        b.iter(|| parse_and_read(black_box(key)));
    });
    group.finish();
}

fn table_name(c: &mut Criterion) {
    let capsule = support::capsule();
    let crm = support::offline_factory().capsule_dynamodb(&capsule);
    let mut group = c.benchmark_group("table/capsule_table_name");
    group.bench_function("scope_table", |b| {
        b.iter(|| black_box(&capsule).table(black_box(&CRM)));
    });
    group.bench_function("entity_table_name", |b| {
        b.iter(|| Lead::table_name(black_box(&capsule)));
    });
    // A base name known only at run time, validated on every call.
    group.bench_function("client_table_name", |b| {
        b.iter(|| {
            black_box(&crm)
                .table_name(black_box("crm"))
                .expect("valid base")
        });
    });
    group.bench_function("format", |b| {
        b.iter(|| {
            format!(
                "{}_{}",
                black_box(&capsule).code().as_str(),
                black_box("crm")
            )
        });
    });
    group.finish();
}

criterion_group!(benches, partition_key, validate_pk, decode, table_name);
criterion_main!(benches);
