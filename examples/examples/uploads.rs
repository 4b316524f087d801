//! A capsule's attachments in S3: a presigned PUT the browser uploads to, the list of one
//! lead's attachments, and a download — every key built from the capsule and the
//! attachment's ids, every request checked by the S3 guard.
//!
//! Run it with `bash scripts/with-moto.sh cargo run -p scoped-examples --example uploads`, or
//! let `bash scripts/test.sh` run it with every other example.

use std::error::Error;
use std::time::Duration;

use scoped_runtime::{AwsClientFactory, Capsule, S3Buckets, S3Violation, capsule_objects};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A file attached to a lead of a capsule's CRM: `capsule/{tenant}/{capsule}/attachments/{lead_id}/{file_name}`.
#[capsule_objects("attachments")]
pub struct Attachment {
    /// The lead the file is attached to.
    #[scoped(id)]
    pub lead_id: String,
    /// The file's name, as the user uploaded it (any text: `/` is escaped).
    #[scoped(id)]
    pub file_name: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        return Err("AWS_ENDPOINT_URL is not set; run this example through \
                    `bash scripts/with-moto.sh`, which starts moto and sets it"
            .into());
    }
    let bucket = format!("acme-attachments-{}", std::process::id());
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await;
    let factory = AwsClientFactory::builder(config)
        .s3_buckets(S3Buckets::new(&bucket)?.force_path_style(true))
        .build()?;
    // Provisioning, outside any scope: an unscoped client creates the bucket.
    let admin = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(factory.sdk_config())
            .force_path_style(true)
            .build(),
    );
    admin.create_bucket().bucket(&bucket).send().await?;

    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let s3 = factory.capsule_s3(&capsule);
    let attachments = s3.objects::<Attachment>();
    println!("bucket {bucket}, capsule prefix {}", s3.object_prefix());

    // 1. The server hands the browser a presigned PUT for the lead's new attachment...
    let contract = Attachment {
        lead_id: "lead-789".into(),
        file_name: "Q3/contract.pdf".into(),
    };
    let url = attachments
        .presign_put(&contract, Some("application/pdf"), Duration::from_secs(900))
        .await?;
    println!("presigned PUT for {}", attachments.key(&contract)?);
    // ...and the browser uploads to it, without credentials.
    let status = browser_put(url.uri(), url.headers(), b"%PDF-1.7 contract").await?;
    println!("browser upload: HTTP {status}");

    // The server adds a note of its own, and another lead gets a file.
    let note = Attachment {
        lead_id: "lead-789".into(),
        file_name: "notes.txt".into(),
    };
    attachments
        .put(&note, b"call back on Monday".to_vec(), Some("text/plain"))
        .await?;
    let other = Attachment {
        lead_id: "lead-7890".into(),
        file_name: "other.txt".into(),
    };
    attachments
        .put(&other, b"another lead".to_vec(), None)
        .await?;

    // 2. The lead's attachments: `lead-7890`'s file is not among them.
    println!("attachments of lead-789:");
    for attachment in attachments.list(&["lead-789"]).await? {
        println!(
            "  {} ({} bytes)",
            attachment.ids[1],
            attachment.size.unwrap_or(0)
        );
    }

    // 3. Download.
    let download = attachments
        .get(&contract)
        .await?
        .ok_or("the upload is missing")?;
    let bytes = download.body.collect().await?.into_bytes();
    println!(
        "downloaded {} ({}): {:?}",
        contract.file_name,
        download.content_type.unwrap_or_default(),
        String::from_utf8_lossy(&bytes)
    );

    // The guard: another capsule's prefix is out of reach, even through the raw client.
    let err = s3
        .raw()
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("capsule/tenant-123/caps-4567/")
        .send()
        .await
        .err()
        .ok_or("a foreign listing went through")?;
    println!(
        "rejected before sending: {}",
        S3Violation::find_in(&err).ok_or("not a guard rejection")?
    );
    Ok(())
}

/// What a browser does with a presigned PUT: sends the body with the signed headers. Plain
/// HTTP/1.1 over TCP, enough for moto's `http://` endpoint.
async fn browser_put<'a>(
    url: &str,
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    body: &[u8],
) -> Result<u16, Box<dyn Error>> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("this example's browser speaks plain HTTP only (moto)")?;
    let (host, path) = rest.split_once('/').ok_or("a URL without a path")?;
    let mut request = format!(
        "PUT /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or("no HTTP status line")?;
    if status != 200 {
        return Err(format!("the presigned upload failed: {response}").into());
    }
    Ok(status)
}
