//! Accept/reject tables of the S3 guard, on typed inputs (no network).

use aws_sdk_s3::types::{Delete, ObjectIdentifier};

use super::*;

const BUCKET: &str = "acme-data";
const PREFIX: &str = "tenant/t1/";

fn guard() -> ScopeObjects {
    ScopeObjects::new(Some(BUCKET.into()), PREFIX.into())
}

fn get(bucket: &str, key: &str) -> Input {
    Input::erase(
        GetObjectInput::builder()
            .bucket(bucket)
            .key(key)
            .build()
            .unwrap(),
    )
}

fn copy(source: &str) -> Input {
    Input::erase(
        CopyObjectInput::builder()
            .bucket(BUCKET)
            .key("tenant/t1/copy")
            .copy_source(source)
            .build()
            .unwrap(),
    )
}

fn list(prefix: Option<&str>) -> Input {
    Input::erase(
        ListObjectsV2Input::builder()
            .bucket(BUCKET)
            .set_prefix(prefix.map(str::to_owned))
            .build()
            .unwrap(),
    )
}

#[test]
fn keys() {
    let g = guard();
    for ok in [
        "tenant/t1/a",
        "tenant/t1/uploads/x%2Fy/z.pdf",
        "tenant/t1/a..b/c.",
    ] {
        assert_eq!(g.check("GetObject", &get(BUCKET, ok)), Ok(()), "{ok}");
    }
    for (bad, what) in [
        ("tenant/t10/a", "OutsideScope"),
        ("tenant/t1", "OutsideScope"),
        ("tenant/t1/", "OutsideScope"),
        ("tenant/t2/a", "OutsideScope"),
        ("capsule/t1/c1/a", "OutsideScope"),
        ("/tenant/t1/a", "OutsideScope"),
        ("tenant/t1/../t2/a", "NotNormal"),
        ("tenant/t1/./a", "NotNormal"),
        ("tenant/t1//a", "NotNormal"),
        ("tenant/t1/a/", "NotNormal"),
        ("tenant/t1/a\r", "NotNormal"),
    ] {
        let err = g.check("GetObject", &get(BUCKET, bad)).unwrap_err();
        assert!(format!("{err:?}").starts_with(what), "{bad}: {err:?}");
    }
    let err = g
        .check("GetObject", &get("other-bucket", "tenant/t1/a"))
        .unwrap_err();
    assert!(matches!(err, S3Violation::ForeignBucket { .. }), "{err:?}");
}

#[test]
fn prefixes() {
    let g = guard();
    for ok in ["tenant/t1/", "tenant/t1/uploads/", "tenant/t1/uploads/le"] {
        assert_eq!(g.check("ListObjectsV2", &list(Some(ok))), Ok(()), "{ok}");
    }
    for bad in [
        None,
        Some(""),
        Some("tenant/t1"),
        Some("tenant/t"),
        Some("tenant/t10/"),
        Some("tenant/"),
        Some("tenant/t1/../t2/"),
    ] {
        assert!(g.check("ListObjectsV2", &list(bad)).is_err(), "{bad:?}");
    }
    assert!(matches!(
        g.check("ListObjectsV2", &list(None)),
        Err(S3Violation::MissingPrefix { .. })
    ));
}

#[test]
fn copy_sources_are_read_as_s3_reads_them() {
    let g = guard();
    for ok in [
        "acme-data/tenant/t1/a",
        "/acme-data/tenant/t1/a",
        "acme-data/tenant/t1/a%20b",
        "acme-data/tenant/t1/a?versionId=3",
        "acme-data%2Ftenant%2Ft1%2Fa",
    ] {
        assert_eq!(g.check("CopyObject", &copy(ok)), Ok(()), "{ok}");
    }
    for bad in [
        "acme-data/tenant/t10/a",
        "acme-data/tenant%2Ft10%2Fa",
        "acme-data/tenant/t1/%2E%2E/t2/a",
        "acme-data/tenant/t1/..%2Ft2%2Fa",
        "acme-data/tenant/t1%2F..%2Ft2/a",
        "other-bucket/tenant/t1/a",
        "acme-data/tenant/t1/a%zz",
        "acme-data/tenant/t1/a+b",
        "acme-data/tenant/t1/a?acl",
        "acme-data/tenant/t1/a?versionId=1&x=2",
        "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/tenant/t1/a",
        "",
    ] {
        assert!(g.check("CopyObject", &copy(bad)).is_err(), "{bad}");
    }
}

#[test]
fn copy_source_encoding_round_trips() {
    for key in ["tenant/t1/a b", "tenant/t1/x%2Fy", "tenant/t1/ü+?#"] {
        let encoded = encode_copy_source(BUCKET, key);
        assert_eq!(
            parse_copy_source(&encoded),
            Ok((BUCKET.to_owned(), key.to_owned()))
        );
    }
}

#[test]
fn one_foreign_entry_rejects_a_batch_delete() {
    let entry = |key: &str| ObjectIdentifier::builder().key(key).build().unwrap();
    let input = |keys: &[&str]| {
        Input::erase(
            DeleteObjectsInput::builder()
                .bucket(BUCKET)
                .delete(
                    Delete::builder()
                        .set_objects(Some(keys.iter().map(|k| entry(k)).collect()))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
    };
    let g = guard();
    assert_eq!(
        g.check("DeleteObjects", &input(&["tenant/t1/a", "tenant/t1/b"])),
        Ok(())
    );
    let err = g
        .check("DeleteObjects", &input(&["tenant/t1/a", "tenant/t10/b"]))
        .unwrap_err();
    assert!(err.to_string().contains("Delete.Objects[1].Key"), "{err}");
}

#[test]
fn bucket_operations_and_unconfigured_buckets_are_rejected() {
    let input = Input::erase(
        aws_sdk_s3::operation::delete_bucket::DeleteBucketInput::builder()
            .bucket(BUCKET)
            .build()
            .unwrap(),
    );
    assert!(matches!(
        guard().check("DeleteBucket", &input),
        Err(S3Violation::UnsupportedOperation { .. })
    ));
    let unconfigured = ScopeObjects::new(None, PREFIX.into());
    assert!(matches!(
        unconfigured.check("GetObject", &get(BUCKET, "tenant/t1/a")),
        Err(S3Violation::NoBuckets { .. })
    ));
}
