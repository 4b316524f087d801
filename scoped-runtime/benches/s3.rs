//! Scoped S3 against the hand-written code it replaces, in the same run:
//!
//! - `s3/keys`: an object key built from a capsule and two ids (escaped, length-checked)
//!   against `format!` of the same string without escaping;
//! - `s3/moto`: typed put, get and list of one capsule's objects against the same raw SDK
//!   calls on an unguarded client, against moto, alternating and paired like `indexes`
//!   (needs `AWS_ENDPOINT_URL`).
//!
//! `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench s3 --features s3`

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

mod paired;
#[allow(dead_code, reason = "only the shared capsule is needed here")]
mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paired::{Timed, alternating, paired};
use scoped_runtime::{AwsClientFactory, S3Buckets, capsule_objects};

/// A file attached to a lead.
#[capsule_objects("uploads")]
pub struct Attachment {
    /// The lead.
    #[scoped(id)]
    pub lead_id: String,
    /// The file's name.
    #[scoped(id)]
    pub file: String,
}

fn object_keys(c: &mut Criterion) {
    let capsule = support::capsule();
    let attachment = Attachment {
        lead_id: "lead-789".into(),
        file: "contract.pdf".into(),
    };
    let mut group = c.benchmark_group("s3/keys");
    group.bench_function("object_key", |b| {
        b.iter(|| {
            black_box(&attachment)
                .to_object_key(black_box(&capsule))
                .expect("a valid key")
        });
    });
    group.bench_function("object_key_from_ids", |b| {
        b.iter(|| {
            Attachment::object_key(
                black_box(&capsule),
                black_box("lead-789"),
                black_box("contract.pdf"),
            )
            .expect("a valid key")
        });
    });
    // What hand-written code writes: the same key, ids neither escaped nor checked.
    group.bench_function("format", |b| {
        b.iter(|| {
            let capsule = black_box(&capsule);
            let attachment = black_box(&attachment);
            format!(
                "capsule/{}/{}/uploads/{}/{}",
                capsule.tenant_id().as_str(),
                capsule.id().as_str(),
                attachment.lead_id,
                attachment.file
            )
        });
    });
    group.finish();
}

fn moto(c: &mut Criterion) {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        panic!(
            "AWS_ENDPOINT_URL is not set: the s3/moto benchmarks need an S3 endpoint. Run \
             `bash scripts/with-moto.sh cargo bench -p scoped-runtime --bench s3 --features s3`"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let bucket = format!("scoped-bench-{}", std::process::id());
    let config =
        runtime.block_on(aws_config::defaults(aws_config::BehaviorVersion::latest()).load());
    let factory = AwsClientFactory::builder(config)
        .s3_buckets(
            S3Buckets::new(&bucket)
                .expect("a valid bucket name")
                .force_path_style(true),
        )
        .build()
        .expect("a factory from the environment");
    let raw = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(factory.sdk_config())
            .force_path_style(true)
            .build(),
    );
    runtime
        .block_on(raw.create_bucket().bucket(&bucket).send())
        .expect("create the bench bucket");
    let s3 = factory.capsule_s3(&support::capsule());
    let objects = s3.objects::<Attachment>();
    let attachment = Attachment {
        lead_id: "lead-789".into(),
        file: "contract.pdf".into(),
    };
    let key = objects.key(&attachment).expect("a valid key").to_string();
    let list_prefix = format!("{}uploads/lead-789/", s3.object_prefix());
    let body = vec![7_u8; 4096];

    let raw_put = || async {
        raw.put_object()
            .bucket(&bucket)
            .key(&key)
            .body(body.clone().into())
            .send()
            .await
            .expect("raw put");
    };
    let typed_put = || async {
        objects
            .put(&attachment, body.clone(), None)
            .await
            .expect("typed put");
    };
    let raw_get = || async {
        let output = raw
            .get_object()
            .bucket(&bucket)
            .key(&key)
            .send()
            .await
            .expect("raw get");
        let bytes = output.body.collect().await.expect("raw body").into_bytes();
        assert_eq!(bytes.len(), 4096);
    };
    let typed_get = || async {
        let download = objects
            .get(&attachment)
            .await
            .expect("typed get")
            .expect("present");
        let bytes = download
            .body
            .collect()
            .await
            .expect("typed body")
            .into_bytes();
        assert_eq!(bytes.len(), 4096);
    };
    let raw_list = || async {
        let output = raw
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&list_prefix)
            .max_keys(1000)
            .send()
            .await
            .expect("raw list");
        assert_eq!(output.contents().len(), 1);
    };
    let typed_list = || async {
        let listed = objects
            .list_page(&["lead-789"], None, 1000)
            .await
            .expect("typed list");
        assert_eq!(listed.objects.len(), 1);
    };
    runtime.block_on(typed_put());

    let mut group = c.benchmark_group("s3/moto");
    macro_rules! pair {
        ($raw_name:literal, $typed_name:literal, $raw:expr, $typed:expr) => {
            group.bench_function($raw_name, |b| {
                b.to_async(&runtime)
                    .iter_custom(|iters| alternating(iters, Timed::First, &$raw, &$typed));
            });
            group.bench_function($typed_name, |b| {
                b.to_async(&runtime)
                    .iter_custom(|iters| alternating(iters, Timed::Second, &$raw, &$typed));
            });
        };
    }
    pair!("raw_put", "typed_put", raw_put, typed_put);
    pair!("raw_get", "typed_get", raw_get, typed_get);
    pair!("raw_list", "typed_list", raw_list, typed_list);
    group.finish();
    if std::env::args().any(|arg| arg == "--bench") {
        runtime.block_on(paired("s3/moto/paired_put", 300, &raw_put, &typed_put));
        runtime.block_on(paired("s3/moto/paired_get", 300, &raw_get, &typed_get));
        runtime.block_on(paired("s3/moto/paired_list", 300, &raw_list, &typed_list));
    }
}

criterion_group!(offline, object_keys);
criterion_group!(endpoint, moto);
criterion_main!(offline, endpoint);
