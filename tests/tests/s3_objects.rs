//! The typed S3 operations against moto: streaming put and get, listing page by page with the
//! ids read back, copy within the scope, multipart upload (completed and aborted), presigned
//! PUT then GET fetched over plain HTTP, and the expiry bound.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

mod s3_support;

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use s3_support::s3_world;
use scoped_runtime::{MAX_PRESIGNED_EXPIRY, S3Error, capsule_objects};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

fn attachment(lead: &str, file: &str) -> Attachment {
    Attachment {
        lead_id: lead.into(),
        file: file.into(),
    }
}

async fn text(download: Option<scoped_runtime::Download>) -> Vec<u8> {
    download
        .expect("the object exists")
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes()
        .to_vec()
}

#[tokio::test]
async fn streaming_put_and_get_round_trip() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    // 3 MiB from a file on disk, streamed.
    let data: Vec<u8> = (0..3 * 1024 * 1024_u32).map(|i| (i % 251) as u8).collect();
    let path = std::env::temp_dir().join(format!("scoped-s3-{}.bin", world.run));
    std::fs::write(&path, &data).unwrap();
    let file = attachment("lead/7", "big.bin");
    let key = objects
        .put(
            &file,
            ByteStream::from_path(&path).await.unwrap(),
            Some("application/octet-stream"),
        )
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        key.as_str(),
        format!(
            "capsule/{}/caps-1/uploads/lead%2F7/big.bin",
            world.tenants[0].id()
        )
    );
    let download = objects.get(&file).await.unwrap().unwrap();
    assert_eq!(download.content_length, Some(data.len() as i64));
    assert_eq!(
        download.content_type.as_deref(),
        Some("application/octet-stream")
    );
    let mut body = download.body;
    let mut read = Vec::new();
    while let Some(chunk) = body.try_next().await.unwrap() {
        read.extend_from_slice(&chunk);
    }
    assert!(read == data, "the body read back differs");
    // Missing objects are `None`; deleting removes.
    assert!(
        objects
            .get(&attachment("lead/7", "none"))
            .await
            .unwrap()
            .is_none()
    );
    objects.delete(&file).await.unwrap();
    assert!(objects.get(&file).await.unwrap().is_none());
}

#[tokio::test]
async fn listing_pages_through_one_leads_objects() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    for i in 0..5 {
        objects
            .put(
                &attachment("lead-1", &format!("f{i}/x")),
                b"a".to_vec(),
                None,
            )
            .await
            .unwrap();
    }
    objects
        .put(&attachment("lead-10", "other"), b"b".to_vec(), None)
        .await
        .unwrap();
    // A sibling capsule's object of the same lead stays out of the listing.
    world
        .factory
        .capsule_s3(&world.capsules[1])
        .objects::<Attachment>()
        .put(&attachment("lead-1", "sibling"), b"c".to_vec(), None)
        .await
        .unwrap();

    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = objects
            .list_page(&["lead-1"], token.as_deref(), 2)
            .await
            .unwrap();
        pages.push(page.objects.len());
        for summary in &page.objects {
            assert_eq!(summary.ids[0], "lead-1");
            assert_eq!(summary.size, Some(1));
        }
        match page.next {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, [2, 2, 1]);
    let all = objects.list(&["lead-1"]).await.unwrap();
    let files: Vec<&str> = all.iter().map(|s| s.ids[1].as_str()).collect();
    assert_eq!(files, ["f0/x", "f1/x", "f2/x", "f3/x", "f4/x"]);
    assert_eq!(objects.list(&[]).await.unwrap().len(), 6);
}

#[tokio::test]
async fn copy_stays_in_the_scope() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    let from = attachment("lead-1", "a b+c%.txt");
    objects.put(&from, b"copied".to_vec(), None).await.unwrap();
    let to = attachment("lead-2", "copy.txt");
    let key = objects.copy(&from, &to).await.unwrap();
    assert!(key.as_str().starts_with(&s3.object_prefix()));
    assert_eq!(text(objects.get(&to).await.unwrap()).await, b"copied");
}

#[tokio::test]
async fn multipart_uploads_complete_and_abort() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    let file = attachment("lead-1", "video.mp4");
    let part = vec![7_u8; 5 * 1024 * 1024];
    let mut upload = objects
        .start_multipart(&file, Some("video/mp4"))
        .await
        .unwrap();
    upload.upload_part(part.clone()).await.unwrap();
    upload.upload_part(b"tail".to_vec()).await.unwrap();
    upload.complete().await.unwrap();
    let body = text(objects.get(&file).await.unwrap()).await;
    assert_eq!(body.len(), part.len() + 4);
    assert_eq!(&body[part.len()..], b"tail");

    let aborted = attachment("lead-1", "aborted.mp4");
    let mut upload = objects.start_multipart(&aborted, None).await.unwrap();
    upload.upload_part(b"x".to_vec()).await.unwrap();
    upload.abort().await.unwrap();
    assert!(objects.get(&aborted).await.unwrap().is_none());
}

/// A minimal HTTP/1.1 exchange over TCP (moto listens on plain `http://127.0.0.1`): returns
/// the status and the body.
async fn http(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let rest = url
        .strip_prefix("http://")
        .expect("moto's endpoint is http");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut body = response[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
    out
}

#[tokio::test]
async fn presigned_put_then_get_over_http() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    let file = attachment("lead-1", "scan.pdf");
    let put = objects
        .presign_put(&file, Some("application/pdf"), Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(put.method(), "PUT");
    let headers: Vec<(String, String)> = put
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let (status, body) = http("PUT", put.uri(), &headers, b"%PDF-1.7 scanned").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

    let download = objects.get(&file).await.unwrap().unwrap();
    assert_eq!(download.content_type.as_deref(), Some("application/pdf"));
    let get = objects
        .presign_get(&file, Duration::from_secs(60))
        .await
        .unwrap();
    let headers: Vec<(String, String)> = get
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let (status, body) = http("GET", get.uri(), &headers, b"").await;
    assert_eq!(status, 200);
    assert_eq!(body, b"%PDF-1.7 scanned");
}

#[tokio::test]
async fn presigned_expiry_is_bounded() {
    let world = s3_world().await;
    let s3 = world.factory.capsule_s3(&world.capsules[0]);
    let objects = s3.objects::<Attachment>();
    let file = attachment("lead-1", "x");
    assert!(
        objects
            .presign_get(&file, MAX_PRESIGNED_EXPIRY)
            .await
            .is_ok()
    );
    let err = objects
        .presign_get(&file, MAX_PRESIGNED_EXPIRY + Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, S3Error::PresignExpiry { .. }), "{err:?}");
    assert!(err.to_string().contains("3601s"), "{err}");
    assert!(
        objects
            .presign_put(&file, None, Duration::from_secs(7 * 24 * 3600))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_factory_without_buckets_names_the_builder_method() {
    let world = s3_world().await;
    let factory =
        scoped_runtime::AwsClientFactory::from_conf(world.factory.sdk_config().clone()).unwrap();
    let s3 = factory.capsule_s3(&world.capsules[0]);
    let err = s3
        .objects::<Attachment>()
        .get(&attachment("a", "b"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("s3_buckets"), "{err}");
    let err = s3
        .raw()
        .get_object()
        .bucket(&world.bucket)
        .key("capsule/x")
        .send()
        .await
        .unwrap_err();
    let violation = scoped_runtime::S3Violation::find_in(&err).unwrap();
    assert!(violation.to_string().contains("s3_buckets"), "{violation}");
}
