//! The S3 isolation matrix against moto: the platform, two tenants whose ids are prefix
//! siblings (`t1…`, `t1…0`) and two capsules of each whose ids are prefix siblings too
//! (`caps-1`, `caps-10`, all sharing the code `PRODUS` and so the bucket) each write an object
//! with the same ids. Each scope reads back only its own; every raw-SDK attempt from one
//! scope's client on another scope's key or prefix is rejected with an `S3Violation` before a
//! request is sent (the factory's HTTP client records every request); afterwards an unguarded
//! client finds exactly one object per scope, each holding its own scope's body.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

mod s3_support;

use aws_sdk_s3::primitives::ByteStream;
use s3_support::s3_world;
use scoped_runtime::{S3Violation, capsule_objects, platform_objects, tenant_objects};

/// A platform file.
#[platform_objects("files")]
pub struct PlatformFile {
    /// Its name.
    #[scoped(id)]
    pub name: String,
}

/// A tenant file.
#[tenant_objects("files")]
pub struct TenantFile {
    /// Its name.
    #[scoped(id)]
    pub name: String,
}

/// A capsule file.
#[capsule_objects("files")]
pub struct CapsuleFile {
    /// Its name.
    #[scoped(id)]
    pub name: String,
}

/// One scope of the matrix: its name, the key of the shared object, its prefix, its raw client.
struct Cell {
    name: String,
    key: String,
    prefix: String,
    raw: aws_sdk_s3::Client,
}

async fn body(download: Option<scoped_runtime::Download>) -> String {
    let download = download.expect("the object exists");
    let bytes = download.body.collect().await.unwrap().into_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn every_scope_reaches_only_its_own_objects() {
    let world = s3_world().await;
    let name = format!("report-{}.txt", world.run);
    let mut cells = Vec::new();

    let platform = world.factory.platform_s3();
    let file = PlatformFile { name: name.clone() };
    let key = platform
        .objects::<PlatformFile>()
        .put(
            &file,
            ByteStream::from_static(b"platform"),
            Some("text/plain"),
        )
        .await
        .unwrap();
    cells.push(Cell {
        name: "platform".into(),
        key: key.to_string(),
        prefix: platform.object_prefix(),
        raw: platform.raw().clone(),
    });
    for tenant in &world.tenants {
        let client = world.factory.tenant_s3(tenant);
        let file = TenantFile { name: name.clone() };
        let body = format!("tenant {}", tenant.id());
        let key = client
            .objects::<TenantFile>()
            .put(&file, body.into_bytes(), None)
            .await
            .unwrap();
        cells.push(Cell {
            name: format!("tenant {}", tenant.id()),
            key: key.to_string(),
            prefix: client.object_prefix(),
            raw: client.raw().clone(),
        });
    }
    for capsule in &world.capsules {
        let client = world.factory.capsule_s3(capsule);
        let file = CapsuleFile { name: name.clone() };
        let body = format!("capsule {}/{}", capsule.tenant_id(), capsule.id());
        let key = client
            .objects::<CapsuleFile>()
            .put(&file, body.into_bytes(), None)
            .await
            .unwrap();
        cells.push(Cell {
            name: format!("capsule {}/{}", capsule.tenant_id(), capsule.id()),
            key: key.to_string(),
            prefix: client.object_prefix(),
            raw: client.raw().clone(),
        });
    }

    // Typed reads return each scope's own object.
    let file = PlatformFile { name: name.clone() };
    assert_eq!(
        body(platform.objects::<PlatformFile>().get(&file).await.unwrap()).await,
        "platform"
    );
    for tenant in &world.tenants {
        let objects = world.factory.tenant_s3(tenant);
        let got = body(
            objects
                .objects::<TenantFile>()
                .get(&TenantFile { name: name.clone() })
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(got, format!("tenant {}", tenant.id()));
    }
    for capsule in &world.capsules {
        let objects = world.factory.capsule_s3(capsule);
        let got = body(
            objects
                .objects::<CapsuleFile>()
                .get(&CapsuleFile { name: name.clone() })
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            got,
            format!("capsule {}/{}", capsule.tenant_id(), capsule.id())
        );
    }

    // Every cross pair: each raw operation on the other scope's key or prefix is rejected
    // before sending.
    let bucket = world.bucket.as_str();
    let mut pairs = 0;
    for own in &cells {
        for other in cells.iter().filter(|c| c.name != own.name) {
            let what = format!("{} on {}'s", own.name, other.name);
            let raw = &own.raw;
            let v = assert_rejected!(
                world,
                raw.get_object().bucket(bucket).key(&other.key).send(),
                format!("{what} GetObject")
            );
            assert!(
                matches!(v, S3Violation::OutsideScope { .. }),
                "{what}: {v:?}"
            );
            assert_rejected!(
                world,
                raw.head_object().bucket(bucket).key(&other.key).send(),
                format!("{what} HeadObject")
            );
            assert_rejected!(
                world,
                raw.put_object()
                    .bucket(bucket)
                    .key(&other.key)
                    .body(ByteStream::from_static(b"forged"))
                    .send(),
                format!("{what} PutObject")
            );
            assert_rejected!(
                world,
                raw.delete_object().bucket(bucket).key(&other.key).send(),
                format!("{what} DeleteObject")
            );
            assert_rejected!(
                world,
                raw.list_objects_v2()
                    .bucket(bucket)
                    .prefix(&other.prefix)
                    .send(),
                format!("{what} ListObjectsV2")
            );
            assert_rejected!(
                world,
                raw.copy_object()
                    .bucket(bucket)
                    .key(format!("{}stolen", own.prefix))
                    .copy_source(format!("{bucket}/{}", other.key))
                    .send(),
                format!("{what} CopyObject source")
            );
            assert_rejected!(
                world,
                raw.copy_object()
                    .bucket(bucket)
                    .key(&other.key)
                    .copy_source(format!("{bucket}/{}", own.key))
                    .send(),
                format!("{what} CopyObject target")
            );
            assert_rejected!(
                world,
                raw.create_multipart_upload()
                    .bucket(bucket)
                    .key(&other.key)
                    .send(),
                format!("{what} CreateMultipartUpload")
            );
            pairs += 1;
        }
    }
    assert_eq!(pairs, 7 * 6);

    // Nothing was written, deleted or copied across: one object per scope, its own body.
    let mut expected: Vec<String> = cells.iter().map(|c| c.key.clone()).collect();
    expected.sort();
    assert_eq!(world.all_keys().await, expected);
    let attacker = world.attacker();
    for cell in &cells {
        let object = attacker
            .get_object()
            .bucket(bucket)
            .key(&cell.key)
            .send()
            .await
            .unwrap();
        let text = object.body.collect().await.unwrap().into_bytes();
        assert_eq!(
            String::from_utf8(text.to_vec()).unwrap(),
            cell.name,
            "{}",
            cell.key
        );
    }
}
