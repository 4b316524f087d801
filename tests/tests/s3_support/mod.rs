//! Support of the S3 tests: a factory whose HTTP client records every S3 request it sends (so
//! a test proves a rejected request never left), a fresh bucket per test, the prefix-sibling
//! world (`t1…`/`t1…0`, two capsules each sharing the codes), and an unguarded raw client.
#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    dead_code,
    reason = "test support shared by several test binaries, each using a part"
)]

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
    http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use scoped_runtime::{AwsClientFactory, Capsule, S3Buckets, Tenant};

/// The S3 requests the factory's HTTP client sent: `METHOD path?query`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sent(Arc<Mutex<Vec<String>>>);

impl Sent {
    /// How many requests were sent so far.
    pub(crate) fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

#[derive(Debug)]
struct Recorder {
    inner: SharedHttpConnector,
    sent: Sent,
}

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let line = format!("{} {}", request.method(), request.uri());
        self.sent.0.lock().unwrap().push(line);
        self.inner.call(request)
    }
}

/// One test's world: the factory (buckets configured, path-style for moto), the bucket, the
/// requests sent, the prefix-sibling tenants and their capsules.
pub(crate) struct S3World {
    pub(crate) factory: AwsClientFactory,
    pub(crate) bucket: String,
    pub(crate) sent: Sent,
    pub(crate) run: String,
    /// `[t1…, t1…0]`.
    pub(crate) tenants: [Tenant; 2],
    /// `[t1…/caps-1 PRODUS, t1…/caps-10 PRODUS, t1…0/caps-1 PRODUS, t1…0/caps-10 PRODUS]`: capsule
    /// ids that are prefixes of each other, all sharing one code.
    pub(crate) capsules: [Capsule; 4],
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{:x}{}{}",
        nanos % 0xffff_ffff,
        std::process::id() % 1000,
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A fresh world with its bucket created (by the unguarded client: creating buckets is not a
/// scoped operation).
pub(crate) async fn s3_world() -> S3World {
    assert!(
        std::env::var_os("AWS_ENDPOINT_URL").is_some(),
        "AWS_ENDPOINT_URL is not set: run with `bash scripts/with-moto.sh cargo test -p scoped-tests --test s3_isolation`"
    );
    let run = unique();
    let bucket = format!("scoped-{run}");
    let sent = Sent::default();
    let recorder = sent.clone();
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    let http: SharedHttpClient = http_client_fn(move |settings, components| {
        SharedHttpConnector::new(Recorder {
            inner: http.http_connector(settings, components),
            sent: recorder.clone(),
        })
    });
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http)
        .load()
        .await;
    let factory = AwsClientFactory::builder(config)
        .s3_buckets(S3Buckets::new(&bucket).unwrap().force_path_style(true))
        .build()
        .unwrap();
    let t1 = format!("t1-{run}");
    let t10 = format!("{t1}0");
    let capsule = |t: &str, c: &str| Capsule::new(t, c, "PRODUS").unwrap();
    let world = S3World {
        tenants: [
            Tenant::new(&t1, "One").unwrap(),
            Tenant::new(&t10, "Ten").unwrap(),
        ],
        capsules: [
            capsule(&t1, "caps-1"),
            capsule(&t1, "caps-10"),
            capsule(&t10, "caps-1"),
            capsule(&t10, "caps-10"),
        ],
        factory,
        bucket,
        sent,
        run,
    };
    world
        .attacker()
        .create_bucket()
        .bucket(&world.bucket)
        .send()
        .await
        .expect("create the test bucket");
    world
}

impl S3World {
    /// An S3 client without scope or guard, from the factory's configuration: what an attacker
    /// (or a test checking the emulator's state) uses.
    pub(crate) fn attacker(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(self.factory.sdk_config())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Every key in the bucket, as the unguarded client lists it.
    pub(crate) async fn all_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .attacker()
                .list_objects_v2()
                .bucket(&self.bucket)
                .set_continuation_token(token)
                .send()
                .await
                .expect("list the bucket");
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
            token = page.next_continuation_token().map(str::to_owned);
            if token.is_none() {
                keys.sort();
                return keys;
            }
        }
    }
}

/// Asserts that `result` failed with an S3 violation and that no request was sent meanwhile.
#[macro_export]
macro_rules! assert_rejected {
    ($world:expr, $attempt:expr, $what:expr) => {{
        let before = $world.sent.count();
        let result = $attempt.await;
        let err = match result {
            Ok(_) => panic!("{} was not rejected", $what),
            Err(err) => err,
        };
        let violation = scoped_runtime::S3Violation::find_in(&err)
            .unwrap_or_else(|| panic!("{}: not a guard rejection: {err:?}", $what))
            .clone();
        assert_eq!($world.sent.count(), before, "{}: a request was sent", $what);
        violation
    }};
}
