//! Support for the integration tests: the emulator's endpoint, fresh names, an unscoped client
//! to look at the emulator's tables directly, and raw-SDK item helpers.
//!
//! The tests run against a real DynamoDB and STS endpoint: moto server, which `scripts/test.sh`
//! installs, starts and points `AWS_ENDPOINT_URL` at, and then a second time with DynamoDB at
//! dynalite (see [`backend`]). Without an endpoint every test fails with instructions; none is
//! skipped, and a test that needs what one backend lacks says so on that backend
//! ([`needs!`]).
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "test support: a failed setup must stop the test with its cause"
)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use scoped_runtime::{AwsClientFactory, CredentialCacheConfig};

pub mod backend;
pub mod entities;
pub mod messaging;
mod sts_tap;
pub mod world;

pub use backend::{Backend, Capability};
pub use sts_tap::{Fault, StsTap};

/// The partition-key attribute of every scoped table.
pub const PK: &str = scoped_runtime::PARTITION_KEY_ATTRIBUTE;

pub(crate) const MISSING_ENDPOINT: &str = "AWS_ENDPOINT_URL is not set: these tests need a DynamoDB and STS \
endpoint. Run them with `bash scripts/test.sh`, which installs moto into .venv and starts it, or \
start one yourself (`.venv/bin/moto_server -p 5000`) and set AWS_ENDPOINT_URL=http://127.0.0.1:5000 \
AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing";

/// Panics, saying how to start one, unless the endpoints of the selected [`Backend`] are
/// configured; the first call in a test binary names the backend on stderr.
pub fn require_endpoint() {
    let _ = Backend::current();
}

/// A factory configured from the environment, which must point at the emulator.
pub async fn factory() -> AwsClientFactory {
    require_endpoint();
    AwsClientFactory::from_env()
        .await
        .expect("the test environment sets a region")
}

/// A factory whose STS traffic passes through `tap`, with credential cache settings `cache`.
pub async fn factory_with_tap(tap: &StsTap, cache: CredentialCacheConfig) -> AwsClientFactory {
    require_endpoint();
    use aws_smithy_http_client::{Builder, tls};

    let http = Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(tap.wrap(http))
        .load()
        .await;
    AwsClientFactory::from_conf_with(config, cache).expect("the test environment sets a region")
}

/// A DynamoDB client built from `factory`'s configuration without any scope or guard: the
/// test's view of the emulator as it is, to check what scoped clients wrote.
#[must_use]
pub fn unscoped(factory: &AwsClientFactory) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(factory.sdk_config())
}

/// A suffix no other test, process or earlier run against the same emulator has used, made of
/// characters valid in every identifier (`a-z`, `0-9`).
#[must_use]
pub fn unique() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos();
    format!(
        "{}x{}x{}",
        radix36(nanos),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A capsule code no other test uses (`{prefix}{UNIQUE}`), so the tables of a capsule with it
/// are the test's alone: moto restores a whole-table snapshot when a transaction fails
/// (docs/testing.md), which would erase what tests running beside it wrote to a shared table.
#[must_use]
pub fn lone_code(prefix: &str) -> String {
    format!("{prefix}{}", unique().to_uppercase())
}

/// A capsule of a new tenant with a capsule code of its own ([`lone_code`]).
#[must_use]
pub fn lone_capsule(prefix: &str) -> scoped_runtime::Capsule {
    scoped_runtime::Capsule::new(format!("t-{}", unique()), "caps-1", lone_code(prefix))
        .unwrap_or_else(|err| panic!("a lone capsule: {err}"))
}

fn radix36(mut n: u128) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("digits are ASCII")
}

/// Sends one signed request through `raw`, a scoped client's SDK client: `DescribeTable` of
/// its scope's table `table`. A `ResourceNotFoundException` is DynamoDB's answer all the same
/// (the request was signed and sent), so it counts as success; any other error is returned.
///
/// # Errors
///
/// The SDK's error for anything but a missing table: credentials that could not be loaded,
/// the isolation guard's rejection, a network failure.
pub async fn ping(
    raw: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), SdkError<DescribeTableError, HttpResponse>> {
    match raw.describe_table().table_name(table).send().await {
        Ok(_) => Ok(()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(DescribeTableError::is_resource_not_found_exception) =>
        {
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// Writes `{pk: key, value: value}` to `table`.
pub async fn put(client: &aws_sdk_dynamodb::Client, table: &str, key: &str, value: &str) {
    client
        .put_item()
        .table_name(table)
        .item(PK, AttributeValue::S(key.to_owned()))
        .item("value", AttributeValue::S(value.to_owned()))
        .send()
        .await
        .unwrap_or_else(|err| panic!("put {key} into {table}: {err:?}"));
}

/// Reads the `value` attribute of item `key` in `table`, `None` if there is no such item.
pub async fn get(client: &aws_sdk_dynamodb::Client, table: &str, key: &str) -> Option<String> {
    let output = client
        .get_item()
        .table_name(table)
        .key(PK, AttributeValue::S(key.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .unwrap_or_else(|err| panic!("get {key} from {table}: {err:?}"));
    output
        .item()
        .and_then(|item| item.get("value"))
        .map(|value| value.as_s().expect("value is a string").clone())
}

/// Every partition key stored in `table`, sorted, read with a (test-only) scan.
pub async fn all_keys(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut pages = client
        .scan()
        .table_name(table)
        .consistent_read(true)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        let item = item.unwrap_or_else(|err| panic!("scan {table}: {err:?}"));
        let key = item
            .get(PK)
            .and_then(|v| v.as_s().ok())
            .expect("every item has a pk");
        keys.push(key.clone());
    }
    keys.sort();
    keys
}

/// Every table name the client's account has in the emulator.
pub async fn table_names(client: &aws_sdk_dynamodb::Client) -> Vec<String> {
    let mut names = Vec::new();
    let mut pages = client.list_tables().into_paginator().items().send();
    while let Some(name) = pages.next().await {
        names.push(name.unwrap_or_else(|err| panic!("list tables: {err:?}")));
    }
    names
}

/// Waits until `table` and each of its global secondary indexes are `ACTIVE`: emulators such
/// as dynalite create tables asynchronously, and a write right after a raw `CreateTable` may
/// find no table yet. Panics after 30 seconds.
pub async fn wait_active(client: &aws_sdk_dynamodb::Client, table: &str) {
    use aws_sdk_dynamodb::types::{IndexStatus, TableStatus};
    for _ in 0..300 {
        let described = client.describe_table().table_name(table).send().await;
        if let Ok(output) = described
            && let Some(description) = output.table()
        {
            let table_active = description.table_status() == Some(&TableStatus::Active);
            let indexes_active = description
                .global_secondary_indexes()
                .iter()
                .all(|index| index.index_status() == Some(&IndexStatus::Active));
            if table_active && indexes_active {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{table} did not become active in 30 s");
}
