//! Role-signed clients and the credential cache against moto's real STS, with a tap in front
//! of STS to count, delay and fault `AssumeRole` requests.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is the test failing"
)]

use std::time::{Duration, Instant, SystemTime};

use scoped_runtime::{CredentialCacheConfig, OperatorRole, Tenant};
use scoped_tests::{Fault, StsTap, factory_with_tap, ping, table_names, unique, unscoped};

fn role_tenant(account: &str, run: &str, n: usize) -> Tenant {
    Tenant::new(format!("tenant-{run}-{n}"), "Acme")
        .unwrap()
        .with_role_arn(format!("arn:aws:iam::{account}:role/tenant-{run}-{n}"))
        .unwrap()
}

/// The error and all its sources on one line.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(" | ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

#[tokio::test]
async fn operator_clients_sign_as_the_role_in_its_account() {
    scoped_tests::needs!(Accounts);
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let role = OperatorRole::new("arn:aws:iam::222222222222:role/org-operator", "inventory")
        .unwrap()
        .with_external_id(format!("ext-{run}"))
        .unwrap()
        .with_duration(Duration::from_secs(900))
        .unwrap();
    let operator = factory.operator(&role);

    let identity = operator
        .sts()
        .raw()
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(identity.account(), Some("222222222222"));
    assert!(
        identity
            .arn()
            .unwrap()
            .contains("assumed-role/org-operator/inventory"),
        "{identity:?}"
    );

    let dynamodb = operator.dynamodb();
    let table = format!("inventory-{run}");
    dynamodb.provision_table(&table).await.unwrap();
    assert!(table_names(dynamodb.raw()).await.contains(&table));
    assert!(!table_names(&unscoped(&factory)).await.contains(&table));

    // Both services of the role share one cached credential: one AssumeRole in all.
    assert_eq!(tap.assume_role_calls(), 1);
    let body = &tap.assume_role_bodies()[0];
    assert!(body.contains(&format!("ExternalId=ext-{run}")), "{body}");
    assert!(body.contains("DurationSeconds=900"), "{body}");
    let stats = factory.credential_stats();
    assert_eq!(stats.sts_calls, 1);
    assert_eq!(stats.misses, 1);
    assert!(stats.hits >= 3, "{stats:?}");
}

#[tokio::test]
async fn concurrent_cold_callers_of_one_role_cause_one_assume_role() {
    let tap = StsTap::new();
    tap.set_delay(Duration::from_millis(300));
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let tenant = role_tenant("333333333333", &unique(), 0);
    let callers: Vec<_> = (0..64)
        .map(|_| {
            let client = factory.tenant_dynamodb(&tenant);
            tokio::spawn(async move {
                ping(client.raw(), client.table_name("ping").unwrap().as_str()).await
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(tap.assume_role_calls(), 1);

    // Warm: more requests, no more STS.
    let client = factory.tenant_dynamodb(&tenant);
    for _ in 0..20 {
        ping(client.raw(), client.table_name("ping").unwrap().as_str())
            .await
            .unwrap();
    }
    assert_eq!(tap.assume_role_calls(), 1);
    assert!(factory.credential_stats().hits >= 20);
}

#[tokio::test]
async fn k_roles_cause_k_assume_roles() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let callers: Vec<_> = (0..40)
        .map(|i| {
            let client = factory.tenant_dynamodb(&role_tenant("444444444444", &run, i % 5));
            tokio::spawn(async move {
                ping(client.raw(), client.table_name("ping").unwrap().as_str()).await
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(tap.assume_role_calls(), 5);
    assert_eq!(factory.credential_stats().roles, 5);
}

#[tokio::test]
async fn access_denied_is_remembered_briefly_then_retried() {
    let tap = StsTap::new();
    let ttl = Duration::from_millis(800);
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default().negative_ttl(ttl)).await;
    let client = factory.tenant_dynamodb(&role_tenant("555555555555", &unique(), 0));
    tap.set_fault(Some(Fault::AccessDenied));
    for _ in 0..10 {
        let err = ping(client.raw(), client.table_name("ping").unwrap().as_str())
            .await
            .unwrap_err();
        let message = chain(&err);
        assert!(message.contains("was refused (AccessDenied)"), "{message}");
    }
    assert_eq!(
        tap.assume_role_calls(),
        1,
        "a refusal is not repeated within its TTL"
    );

    tokio::time::sleep(ttl + Duration::from_millis(200)).await;
    tap.set_fault(None);
    ping(client.raw(), client.table_name("ping").unwrap().as_str())
        .await
        .unwrap();
    assert_eq!(tap.assume_role_calls(), 2);
}

#[tokio::test]
async fn transient_failures_are_not_cached() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let client = factory.tenant_dynamodb(&role_tenant("666666666666", &unique(), 0));
    tap.set_fault(Some(Fault::Unavailable));
    let err = ping(client.raw(), client.table_name("ping").unwrap().as_str())
        .await
        .unwrap_err();
    assert!(
        chain(&err).contains("ServiceUnavailable"),
        "{}",
        chain(&err)
    );
    let after_first = tap.assume_role_calls();
    assert!(after_first >= 1);
    tap.set_fault(None);
    ping(client.raw(), client.table_name("ping").unwrap().as_str())
        .await
        .unwrap();
    assert_eq!(tap.assume_role_calls(), after_first + 1);
    assert!(factory.credential_stats().failures >= 1);
}

#[tokio::test]
async fn slow_sts_hits_the_load_timeout() {
    let tap = StsTap::new();
    tap.set_delay(Duration::from_secs(5));
    let timeout = Duration::from_millis(300);
    let factory =
        factory_with_tap(&tap, CredentialCacheConfig::default().load_timeout(timeout)).await;
    let client = factory.tenant_dynamodb(&role_tenant("777777777777", &unique(), 0));
    let started = Instant::now();
    let err = ping(client.raw(), client.table_name("ping").unwrap().as_str())
        .await
        .unwrap_err();
    assert!(
        chain(&err).contains("did not answer within 300ms"),
        "{}",
        chain(&err)
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

/// Decodes `application/x-www-form-urlencoded` value `name` from `body`.
fn form_value(body: &str, name: &str) -> Option<String> {
    let raw = body
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// moto accepts but does not enforce session policies, so this checks what is sent: the
/// AssumeRole request of a role-carrying tenant and capsule carries the policy generated from
/// the scope, byte for byte.
#[tokio::test]
async fn role_scopes_send_their_generated_session_policy() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let tenant = role_tenant("888888888888", &run, 0);
    let client = factory.tenant_dynamodb(&tenant);
    ping(client.raw(), client.table_name("ping").unwrap().as_str())
        .await
        .unwrap();
    let capsule = scoped_runtime::Capsule::new(format!("tenant-{run}"), "caps-456", "PRODUS")
        .unwrap()
        .with_role_arn("arn:aws:iam::888888888888:role/capsules", ["crm"])
        .unwrap();
    let client = factory.capsule_dynamodb(&capsule);
    ping(client.raw(), client.table_name("crm").unwrap().as_str())
        .await
        .unwrap();

    let bodies = tap.assume_role_bodies();
    assert_eq!(bodies.len(), 2);
    let sent: Vec<_> = bodies.iter().map(|b| form_value(b, "Policy")).collect();
    assert_eq!(sent[0].as_deref(), tenant.session_policy());
    assert_eq!(sent[1].as_deref(), capsule.session_policy());
    assert!(
        sent[1]
            .as_deref()
            .unwrap()
            .contains(&format!("TENANT#tenant-{run}#CAPSULE#caps-456#*"))
    );
    assert_eq!(
        form_value(&bodies[1], "RoleSessionName").as_deref(),
        Some(format!("capsule-tenant-{run}-caps-456").as_str())
    );
}

/// STS answers every `AssumeRole` with 503 (the SDK tries each load 3 times, backing off):
/// 10 concurrent first callers of a role share one load and all get its error when it ends.
#[tokio::test]
async fn cold_callers_during_an_sts_outage_share_one_load() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let tenant = role_tenant("121212121212", &unique(), 0);
    tap.set_fault(Some(Fault::Unavailable));
    let started = Instant::now();
    let callers: Vec<_> = (0..10)
        .map(|_| {
            let client = factory.tenant_dynamodb(&tenant);
            tokio::spawn(async move {
                let result = ping(client.raw(), client.table_name("ping").unwrap().as_str()).await;
                (result, started.elapsed())
            })
        })
        .collect();
    let mut answered = Vec::new();
    for caller in callers {
        let (result, after) = caller.await.unwrap();
        let message = chain(&result.unwrap_err());
        assert!(message.contains("ServiceUnavailable"), "{message}");
        answered.push(after);
    }
    let (first, last) = (
        answered.iter().min().unwrap(),
        answered.iter().max().unwrap(),
    );
    let requests = tap.assume_role_calls();
    eprintln!(
        "10 cold callers, STS 503: first error after {first:?}, last after {last:?}, \
         {requests} AssumeRole requests"
    );
    assert!(
        (1..=3).contains(&requests),
        "{requests} AssumeRole requests: more than one load's attempts"
    );
    assert_eq!(factory.credential_stats().sts_calls, 1);
    assert!(
        *last - *first < Duration::from_millis(500),
        "the last caller was answered {:?} after the first",
        *last - *first
    );
    assert!(
        *last < Duration::from_secs(10),
        "{last:?}: beyond one load timeout"
    );
}

/// STS answers in 1.5 s; callers give up after 1 s, one every 100 ms. The load the first one
/// started runs on: the role warms, the callers after it are answered, one `AssumeRole` in
/// all.
#[tokio::test]
async fn callers_that_give_up_do_not_cancel_the_load() {
    let tap = StsTap::new();
    tap.set_delay(Duration::from_millis(1500));
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let tenant = role_tenant("131313131313", &unique(), 0);
    let mut callers = Vec::new();
    for _ in 0..30 {
        let client = factory.tenant_dynamodb(&tenant);
        callers.push(tokio::spawn(async move {
            let table = client.table_name("ping").unwrap();
            tokio::time::timeout(Duration::from_secs(1), ping(client.raw(), table.as_str())).await
        }));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut answered = Vec::new();
    for caller in callers {
        answered.push(matches!(caller.await.unwrap(), Ok(Ok(()))));
    }
    let count = answered.iter().filter(|ok| **ok).count();
    let requests = tap.assume_role_calls();
    eprintln!(
        "STS 1.5 s, callers giving up after 1 s: {count} of 30 answered, \
         {requests} AssumeRole requests"
    );
    assert_eq!(requests, 1, "abandoned loads were started again");
    assert!(
        answered[10..].iter().all(|ok| *ok),
        "callers after the load ended were not all answered: {answered:?}"
    );
}

/// Credentials of 26 s (the tap shortens them) with a 6.5 s floor (at most a quarter of the
/// lifetime before this fix): past the floor, with STS hung, every request is answered at once
/// with the cached credentials, still valid for seconds, while one refresh waits on STS.
#[tokio::test]
async fn past_the_floor_with_sts_hung_requests_are_served_at_once() {
    let tap = StsTap::new();
    tap.set_lifetime(Some(Duration::from_secs(26)));
    // The first refresh near the floor, where the test hangs STS (not at a random point).
    let factory = factory_with_tap(
        &tap,
        CredentialCacheConfig::default()
            .refresh_floor(Duration::from_millis(6500))
            .spread_first_refresh(false),
    )
    .await;
    let client = factory.tenant_dynamodb(&role_tenant("141414141414", &unique(), 0));
    let table = client.table_name("ping").unwrap();
    let loaded = Instant::now();
    ping(client.raw(), table.as_str()).await.unwrap();
    // A warm read marks the role as in use, so its advisory window starts a refresh.
    ping(client.raw(), table.as_str()).await.unwrap();
    tap.set_delay(Duration::from_secs(120));
    // The floor is 6.5 s before expiry, the margin 5 s: request from 19.7 s to 20.8 s.
    tokio::time::sleep_until((loaded + Duration::from_millis(19_700)).into()).await;
    let mut requests = Vec::new();
    while loaded.elapsed() < Duration::from_millis(20_800) {
        let started = Instant::now();
        let result = ping(client.raw(), table.as_str()).await;
        requests.push((started.elapsed(), result.map_err(|err| chain(&err))));
        // Short enough that a loaded machine (requests of 50–80 ms) still takes ten samples
        // in the 1.1 s window.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut latencies: Vec<_> = requests.iter().map(|(latency, _)| *latency).collect();
    latencies.sort();
    let (p50, max) = (
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
    );
    let served = requests.iter().filter(|(_, result)| result.is_ok()).count();
    let stats = factory.credential_stats();
    eprintln!(
        "past the floor, STS hung: {served} of {} requests served, p50 {p50:?}, max {max:?}; \
         {} AssumeRole requests; {stats:?}",
        requests.len(),
        tap.assume_role_calls()
    );
    assert!(max < Duration::from_millis(500), "a request waited {max:?}");
    assert_eq!(served, requests.len(), "{requests:?}");
    assert!(requests.len() >= 10, "{requests:?}");
    assert!(stats.stale_served >= requests.len() as u64, "{stats:?}");
    assert_eq!(
        tap.assume_role_calls(),
        2,
        "the cold load and one hung refresh"
    );
}

/// `refresh_floor(1 s)` is raised to the 5 s margin: a request every 100 ms across the expiry
/// of 10 s credentials (STS healthy) is never signed with credentials that had 5 s or less to
/// live when the request started.
#[tokio::test]
async fn a_floor_below_the_margin_never_hands_out_credentials_within_it() {
    let tap = StsTap::new();
    tap.set_lifetime(Some(Duration::from_secs(10)));
    let factory = factory_with_tap(
        &tap,
        CredentialCacheConfig::default().refresh_floor(Duration::from_secs(1)),
    )
    .await;
    let client = factory.tenant_dynamodb(&role_tenant("151515151515", &unique(), 0));
    let table = client.table_name("ping").unwrap();
    let started = Instant::now();
    let mut least = Duration::MAX;
    while started.elapsed() < Duration::from_secs(7) {
        let asked = SystemTime::now();
        ping(client.raw(), table.as_str()).await.unwrap();
        let key = tap.dynamodb_access_keys().pop().unwrap();
        let expires = tap.expiration_of(&key).unwrap();
        let left = expires.duration_since(asked).unwrap_or(Duration::ZERO);
        assert!(
            left > Duration::from_secs(5),
            "signed with {key}, {left:?} before its expiry"
        );
        least = least.min(left);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "refresh_floor(1 s), 10 s credentials: least validity handed out {least:?}, \
         {} AssumeRole requests",
        tap.assume_role_calls()
    );
    assert!(
        tap.assume_role_calls() >= 2,
        "the credentials were never refreshed"
    );
}
