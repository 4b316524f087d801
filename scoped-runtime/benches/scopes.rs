//! 100,000 scopes in one process (issue 16, item 5): what each active scope costs in memory,
//! and what handing out a client of a new scope and sending its first request costs, against
//! the design it replaces (an SDK client per scope), in the same run.
//!
//! Everything runs against an HTTP client that answers at once (DynamoDB with `{}`, STS with
//! credentials shaped like STS's), so the SDK's own work is measured, not a network.
//!
//! - `scopes/first_request/*`: a scope never seen before, each iteration: hand out its client
//!   and send its first `GetItem`. `shared` is the typed `get` (through the service's shared
//!   client, the scope stamped on the request); `per_scope_client` is what the typed `get` did
//!   until now, and `raw()` still does: build and cache the scope's own guarded client, then
//!   send the same `GetItem` through it.
//! - `scopes/memory*` (printed): heap bytes per active scope at 100,000 scopes, each with its
//!   client kept and one typed request sent; with a role per scope, less the credentials
//!   themselves; and, for comparison, per-scope clients at 1,000 scopes.
//!
//! `cargo bench -p scoped-runtime --bench scopes`

#![allow(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop with the cause"
)]

#[allow(dead_code, reason = "only the lead entity is needed here")]
mod guard_support;
mod heap;
#[allow(dead_code, reason = "only the offline factory is needed here")]
mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::date_time::{DateTime, Format};
use criterion::{Criterion, criterion_group, criterion_main};
use guard_support::Lead;
use heap::{TOKEN_LEN, heap_per_item, sts_like_credentials};
use scoped_runtime::{
    AwsClientFactory, Capsule, CredentialCacheConfig, DynamoDb, ScopedKey, Tenant, TenantClient,
    tenant_table,
};
use serde::{Deserialize, Serialize};

/// The scopes of the memory measurement.
const SCOPES: usize = 100_000;

/// A tenant's webhook: the entity of the role-carrying scopes.
#[tenant_table("webhooks")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone)]
#[scoped(entity = "WEBHOOK")]
struct Webhook {
    #[scoped(id)]
    webhook_id: String,
    url: String,
}

/// Answers every request at once: STS's `AssumeRole` with fresh credentials, DynamoDB with
/// `{}` (an item that does not exist, for every scope alike).
#[derive(Debug, Clone)]
struct Instant {
    /// The `AssumeRole` answer, built once: an 800-character token, valid for an hour.
    assume_role: Arc<str>,
}

impl Instant {
    fn new() -> Self {
        let expiration = DateTime::from(SystemTime::now() + Duration::from_secs(3600))
            .fmt(Format::DateTime)
            .expect("a formattable time");
        let token = "t".repeat(TOKEN_LEN);
        let assume_role = format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <AssumeRoleResult><Credentials><AccessKeyId>ASIABENCHMARK</AccessKeyId>\
             <SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>\
             <Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser>\
             <Arn>arn:aws:sts::123456789012:assumed-role/tenant/bench</Arn>\
             <AssumedRoleId>AROABENCHMARK:bench</AssumedRoleId></AssumedRoleUser>\
             </AssumeRoleResult><ResponseMetadata><RequestId>bench</RequestId>\
             </ResponseMetadata></AssumeRoleResponse>",
            secret = "s".repeat(40),
        );
        Self {
            assume_role: assume_role.into(),
        }
    }
}

impl HttpConnector for Instant {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let is_sts = request
            .body()
            .bytes()
            .is_some_and(|body| body.starts_with(b"Action=AssumeRole"));
        let body = if is_sts {
            self.assume_role.to_string()
        } else {
            "{}".to_owned()
        };
        let status = StatusCode::try_from(200).expect("valid status");
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(body))))
    }
}

/// The benchmarks' offline factory with [`Instant`] as its HTTP client and an STS budget that
/// never makes a load wait (the STS here answers at once).
fn instant_factory() -> AwsClientFactory {
    let instant = Instant::new();
    let http = http_client_fn(move |_, _| SharedHttpConnector::new(instant.clone()));
    let config = support::offline_factory()
        .sdk_config()
        .clone()
        .into_builder()
        .http_client(http)
        .build();
    AwsClientFactory::from_conf_with(
        config,
        CredentialCacheConfig::default().sts_rate_limit(u32::MAX),
    )
    .expect("offline factory")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// Capsule number `n` of tenant-123, each a scope of its own.
fn capsule(n: usize) -> Capsule {
    Capsule::new("tenant-123", format!("caps-{n}"), "PRODUS").expect("valid capsule")
}

/// Tenant number `n`, with a role of its own.
fn tenant_with_role(n: usize) -> Tenant {
    Tenant::new(format!("tenant-{n}"), "Bench")
        .and_then(|tenant| {
            tenant.with_role_arn(format!("arn:aws:iam::123456789012:role/tenant-{n}"))
        })
        .expect("valid tenant")
}

fn first_request(c: &mut Criterion) {
    let rt = runtime();
    let factory = instant_factory();
    let next = AtomicUsize::new(0);
    let mut group = c.benchmark_group("scopes/first_request");
    group.bench_function("shared", |b| {
        b.to_async(&rt).iter(|| async {
            let capsule = capsule(next.fetch_add(1, Ordering::Relaxed));
            let crm = factory.capsule_dynamodb(&capsule);
            black_box(crm.items::<Lead>().get("lead-789").await.expect("get"))
        });
    });
    group.bench_function("per_scope_client", |b| {
        b.to_async(&rt).iter(|| async {
            let capsule = capsule(next.fetch_add(1, Ordering::Relaxed));
            let crm = factory.capsule_dynamodb(&capsule);
            let key = Lead::partition_key(&capsule, "lead-789").expect("key");
            black_box(
                crm.raw()
                    .get_item()
                    .table_name("PRODUS_crm")
                    .key("pk", AttributeValue::S(key.to_string()))
                    .send()
                    .await
                    .expect("get"),
            )
        });
    });
    group.finish();
}

fn memory(_: &mut Criterion) {
    let rt = runtime();

    // Capsules without roles: the clients alone.
    let factory = instant_factory();
    // The shared client and the SDK's lazily built statics exist before counting.
    rt.block_on(
        factory
            .capsule_dynamodb(&capsule(SCOPES))
            .items::<Lead>()
            .get("lead-789"),
    )
    .expect("get");
    let (per_scope, kept) = heap_per_item(SCOPES, || {
        (0..SCOPES)
            .map(|n| {
                let crm = factory.capsule_dynamodb(&capsule(n));
                rt.block_on(crm.items::<Lead>().get("lead-789"))
                    .expect("get");
                crm
            })
            .collect::<Vec<_>>()
    });
    let stats = factory.client_stats();
    let (scopes, values) = heap_per_item(SCOPES, || (0..SCOPES).map(capsule).collect::<Vec<_>>());
    drop(values);
    println!(
        "scopes/memory: {SCOPES} capsule scopes, {per_scope:.0} heap bytes per scope (its \
         client kept, one typed request sent), {:.0} over the scope values themselves; {} SDK \
         client builds, {} per-scope clients",
        per_scope - scopes,
        stats.client_builds,
        stats.scope_clients,
    );
    drop(kept);

    // Tenants with a role each: clients and the credential cache's entries, credentials
    // counted separately.
    let factory = instant_factory();
    rt.block_on(
        factory
            .tenant_dynamodb(&tenant_with_role(SCOPES))
            .items::<Webhook>()
            .get("w-1"),
    )
    .expect("get");
    let (with_roles, kept) = heap_per_item(SCOPES, || {
        (0..SCOPES)
            .map(|n| {
                let client: TenantClient<DynamoDb> = factory.tenant_dynamodb(&tenant_with_role(n));
                rt.block_on(client.items::<Webhook>().get("w-1"))
                    .expect("get");
                client
            })
            .collect::<Vec<_>>()
    });
    let credentials = factory.credential_stats();
    let stats = factory.client_stats();
    // What the caller holds anyway: the scope values (ids, role ARN, session name, session
    // policy), and the credentials STS returned.
    let (scopes, values) = heap_per_item(SCOPES, || {
        (0..SCOPES).map(tenant_with_role).collect::<Vec<_>>()
    });
    drop(values);
    let (alone, creds) = heap_per_item(SCOPES, || {
        (0..SCOPES).map(sts_like_credentials).collect::<Vec<_>>()
    });
    drop(creds);
    println!(
        "scopes/memory/roles: {SCOPES} tenant scopes with a role each, {with_roles:.0} heap bytes \
         per scope: the scope values {scopes:.0}, their credentials {alone:.0}, the clients' and \
         the credential cache's overhead {:.0}; {} SDK client builds, {} AssumeRole calls",
        with_roles - scopes - alone,
        stats.client_builds,
        credentials.sts_calls,
    );
    drop(kept);

    // The design replaced: an SDK client per scope (what `raw()` builds), at 1,000 scopes.
    const PER_SCOPE: usize = 1_000;
    let factory = instant_factory();
    let (per_scope_client, kept) = heap_per_item(PER_SCOPE, || {
        (0..PER_SCOPE)
            .map(|n| {
                let crm = factory.capsule_dynamodb(&capsule(n));
                black_box(crm.raw());
                crm
            })
            .collect::<Vec<_>>()
    });
    println!(
        "scopes/memory/per_scope_clients: {PER_SCOPE} capsule scopes with their own SDK client \
         each, {per_scope_client:.0} heap bytes per scope"
    );
    drop(kept);
}

criterion_group!(benches, first_request, memory);
criterion_main!(benches);
