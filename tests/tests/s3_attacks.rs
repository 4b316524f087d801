//! The S3 attack list against moto, each from a scoped client's raw SDK client: prefix
//! siblings, `..` and `//` in keys, encoded slashes and dot segments in `CopySource`, a foreign
//! `CopySource`, empty and foreign listing prefixes, presigned URLs for foreign keys, a batch
//! delete with one foreign entry, another bucket, and bucket-level operations. Each is
//! rejected with an `S3Violation` before a request is sent, and the victim's object is intact
//! afterwards (checked with an unguarded client).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

mod s3_support;

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use s3_support::{S3World, s3_world};
use scoped_runtime::{S3Violation, tenant_objects};

/// A tenant's document.
#[tenant_objects("docs")]
pub struct Doc {
    /// Its name.
    #[scoped(id)]
    pub name: String,
}

/// The world with tenant `t1…`'s and `t1…0`'s documents written; returns (own prefix,
/// victim's key).
async fn setup(world: &S3World) -> (String, String) {
    let [own, victim] = &world.tenants;
    let doc = Doc {
        name: "secret".into(),
    };
    world
        .factory
        .tenant_s3(own)
        .objects::<Doc>()
        .put(&doc, b"own".to_vec(), None)
        .await
        .unwrap();
    let victim_key = world
        .factory
        .tenant_s3(victim)
        .objects::<Doc>()
        .put(&doc, b"victim".to_vec(), None)
        .await
        .unwrap();
    (
        world.factory.tenant_s3(own).object_prefix(),
        victim_key.to_string(),
    )
}

async fn victim_intact(world: &S3World, key: &str) {
    let object = world
        .attacker()
        .get_object()
        .bucket(&world.bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    let body = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(&body[..], b"victim");
}

#[tokio::test]
async fn keys_outside_the_prefix_or_not_normal_are_rejected() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let bucket = world.bucket.as_str();
    let victim_rest = victim.strip_prefix("tenant/").unwrap();
    let sibling_id = world.tenants[1].id().as_str();
    for key in [
        // the prefix sibling, and the prefix without its `/`
        victim.clone(),
        format!("tenant/{sibling_id}"),
        prefix.trim_end_matches('/').to_owned(),
        prefix.clone(),
        // dot segments and empty segments that resolve to the sibling
        format!("{prefix}../{victim_rest}"),
        format!("{prefix}./../../{victim}"),
        format!("{prefix}/../{victim_rest}"),
        format!("{prefix}docs//secret"),
        // an encoded slash is a literal `%2F` in a key: not under `tenant/t1/`
        format!("{}%2F..%2F{victim_rest}", prefix.trim_end_matches('/')),
    ] {
        assert_rejected!(
            world,
            raw.get_object().bucket(bucket).key(&key).send(),
            format!("GetObject {key}")
        );
        assert_rejected!(
            world,
            raw.put_object()
                .bucket(bucket)
                .key(&key)
                .body(ByteStream::from_static(b"x"))
                .send(),
            format!("PutObject {key}")
        );
        assert_rejected!(
            world,
            raw.delete_object().bucket(bucket).key(&key).send(),
            format!("DeleteObject {key}")
        );
    }
    victim_intact(&world, &victim).await;
}

#[tokio::test]
async fn copy_sources_are_checked_as_s3_decodes_them() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let bucket = world.bucket.as_str();
    let victim_rest = victim.strip_prefix("tenant/").unwrap();
    let own_tenant = prefix.trim_end_matches('/');
    let target = format!("{prefix}docs/stolen");
    for source in [
        format!("{bucket}/{victim}"),
        format!("/{bucket}/{victim}"),
        format!("{bucket}/{}", victim.replace('/', "%2F")),
        format!("{bucket}%2F{}", victim.replace('/', "%2F")),
        format!("{bucket}/{prefix}..%2F{victim_rest}"),
        format!("{bucket}/{prefix}%2E%2E/{victim_rest}"),
        format!("{bucket}/{own_tenant}%2F..%2F{victim_rest}"),
        format!("{bucket}/{victim}?versionId=null"),
        format!("{bucket}/{prefix}docs/secret?acl"),
        format!("{bucket}/{prefix}docs/a+b"),
        format!("other-bucket/{prefix}docs/secret"),
    ] {
        let v = assert_rejected!(
            world,
            raw.copy_object()
                .bucket(bucket)
                .key(&target)
                .copy_source(&source)
                .send(),
            format!("CopyObject from {source}")
        );
        assert!(
            matches!(
                v,
                S3Violation::OutsideScope { .. }
                    | S3Violation::NotNormal { .. }
                    | S3Violation::MalformedCopySource { .. }
                    | S3Violation::ForeignBucket { .. }
            ),
            "{source}: {v:?}"
        );
        assert_rejected!(
            world,
            raw.upload_part_copy()
                .bucket(bucket)
                .key(&target)
                .upload_id("u")
                .part_number(1)
                .copy_source(&source)
                .send(),
            format!("UploadPartCopy from {source}")
        );
    }
    // The same copy inside the scope goes through.
    raw.copy_object()
        .bucket(bucket)
        .key(&target)
        .copy_source(format!("{bucket}/{prefix}docs/secret"))
        .send()
        .await
        .unwrap();
    let keys = world.all_keys().await;
    assert!(keys.contains(&target), "{keys:?}");
    victim_intact(&world, &victim).await;
}

#[tokio::test]
async fn listings_need_a_prefix_inside_the_scope() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let bucket = world.bucket.as_str();
    let v = assert_rejected!(
        world,
        raw.list_objects_v2().bucket(bucket).send(),
        "listing without a prefix"
    );
    assert!(matches!(v, S3Violation::MissingPrefix { .. }), "{v:?}");
    assert_rejected!(
        world,
        raw.list_objects_v2().bucket(bucket).prefix("").send(),
        "an empty prefix"
    );
    for foreign in [
        "tenant/".to_owned(),
        prefix.trim_end_matches('/').to_owned(),
        victim.clone(),
        format!("{prefix}../"),
        "capsule/".to_owned(),
    ] {
        assert_rejected!(
            world,
            raw.list_objects_v2().bucket(bucket).prefix(&foreign).send(),
            format!("prefix {foreign}")
        );
    }
    let v = assert_rejected!(
        world,
        raw.list_objects().bucket(bucket).prefix(&prefix).send(),
        "ListObjects v1"
    );
    assert!(
        matches!(v, S3Violation::UnsupportedOperation { .. }),
        "{v:?}"
    );
    // The own prefix lists the own object only.
    let own = raw
        .list_objects_v2()
        .bucket(bucket)
        .prefix(&prefix)
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = own.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, [format!("{prefix}docs/secret")]);
}

#[tokio::test]
async fn presigned_urls_for_foreign_keys_are_refused() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let bucket = world.bucket.as_str();
    let config = || PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();
    let victim_rest = victim.strip_prefix("tenant/").unwrap();
    for key in [victim.clone(), format!("{prefix}../{victim_rest}")] {
        assert_rejected!(
            world,
            raw.get_object()
                .bucket(bucket)
                .key(&key)
                .presigned(config()),
            format!("presigned GET {key}")
        );
        assert_rejected!(
            world,
            raw.put_object()
                .bucket(bucket)
                .key(&key)
                .presigned(config()),
            format!("presigned PUT {key}")
        );
        assert_rejected!(
            world,
            raw.delete_object()
                .bucket(bucket)
                .key(&key)
                .presigned(config()),
            format!("presigned DELETE {key}")
        );
    }
    // The own key presigns.
    let own = raw
        .get_object()
        .bucket(bucket)
        .key(format!("{prefix}docs/secret"))
        .presigned(config())
        .await
        .unwrap();
    assert!(
        own.uri().contains(&format!("{prefix}docs/secret")),
        "{}",
        own.uri()
    );
}

#[tokio::test]
async fn one_foreign_entry_rejects_a_whole_batch_delete() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let own_key = format!("{prefix}docs/secret");
    let entry = |key: &str| ObjectIdentifier::builder().key(key).build().unwrap();
    let delete = Delete::builder()
        .objects(entry(&own_key))
        .objects(entry(&victim))
        .build()
        .unwrap();
    let v = assert_rejected!(
        world,
        raw.delete_objects()
            .bucket(&world.bucket)
            .delete(delete)
            .send(),
        "DeleteObjects with a foreign entry"
    );
    assert!(v.to_string().contains("Delete.Objects[1].Key"), "{v}");
    // Neither object was deleted.
    assert!(world.all_keys().await.contains(&own_key));
    victim_intact(&world, &victim).await;
    // A batch of own keys goes through.
    let delete = Delete::builder().objects(entry(&own_key)).build().unwrap();
    raw.delete_objects()
        .bucket(&world.bucket)
        .delete(delete)
        .send()
        .await
        .unwrap();
    assert!(!world.all_keys().await.contains(&own_key));
}

#[tokio::test]
async fn other_buckets_and_bucket_operations_are_rejected() {
    let world = s3_world().await;
    let (prefix, victim) = setup(&world).await;
    let raw = world.factory.tenant_s3(&world.tenants[0]).raw().clone();
    let bucket = world.bucket.as_str();
    let v = assert_rejected!(
        world,
        raw.get_object()
            .bucket("another-bucket")
            .key(format!("{prefix}docs/secret"))
            .send(),
        "another bucket"
    );
    assert!(matches!(v, S3Violation::ForeignBucket { .. }), "{v:?}");
    let unsupported = |v: S3Violation| {
        assert!(
            matches!(v, S3Violation::UnsupportedOperation { .. }),
            "{v:?}"
        )
    };
    unsupported(assert_rejected!(
        world,
        raw.list_buckets().send(),
        "ListBuckets"
    ));
    unsupported(assert_rejected!(
        world,
        raw.delete_bucket().bucket(bucket).send(),
        "DeleteBucket"
    ));
    unsupported(assert_rejected!(
        world,
        raw.create_bucket().bucket("scoped-new-bucket").send(),
        "CreateBucket"
    ));
    unsupported(assert_rejected!(
        world,
        raw.put_bucket_policy().bucket(bucket).policy("{}").send(),
        "PutBucketPolicy"
    ));
    unsupported(assert_rejected!(
        world,
        raw.list_object_versions()
            .bucket(bucket)
            .prefix(&prefix)
            .send(),
        "ListObjectVersions"
    ));
    unsupported(assert_rejected!(
        world,
        raw.list_multipart_uploads()
            .bucket(bucket)
            .prefix(&prefix)
            .send(),
        "ListMultipartUploads"
    ));
    victim_intact(&world, &victim).await;
}
