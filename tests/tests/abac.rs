//! ABAC against moto's STS: scopes on one shared role are assumed with their session tags,
//! cached per scope (the tags are part of the cache key), and sign with their own credentials.
//! moto does not evaluate the role's tag-based permission policy; `scoped-runtime/tests/abac.rs`
//! evaluates it, and docs/credentials.md says what only AWS can prove.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is the test failing"
)]

use scoped_runtime::{Capsule, CredentialCacheConfig, Tenant};
use scoped_tests::{StsTap, factory_with_tap, ping, unique};

#[tokio::test]
async fn scopes_on_one_shared_role_are_assumed_with_their_tags_and_cached_apart() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let role = format!("arn:aws:iam::123456789012:role/scoped-tenants-{run}");
    let (t1, t10) = (format!("t1-{run}"), format!("t1-{run}0"));
    let tenants = [&t1, &t10].map(|id| {
        Tenant::new(id.as_str(), "Acme")
            .unwrap()
            .with_abac_role(role.as_str())
            .unwrap()
    });
    for tenant in &tenants {
        let client = factory.tenant_dynamodb(tenant);
        for _ in 0..3 {
            let table = client.table_name("notifications").unwrap();
            ping(client.raw(), table.as_str()).await.unwrap();
        }
    }
    assert_eq!(
        tap.assume_role_calls(),
        2,
        "one AssumeRole per tenant, then cached"
    );
    let bodies = tap.assume_role_bodies();
    for (tenant, body) in [&t1, &t10].iter().zip(&bodies) {
        assert!(body.contains("Tags.member.1.Key=scoped-kind"), "{body}");
        assert!(body.contains("Tags.member.1.Value=tenant"), "{body}");
        assert!(body.contains("Tags.member.2.Key=scoped-tenant"), "{body}");
        assert!(
            body.contains(&format!("Tags.member.2.Value={tenant}&"))
                || body.ends_with(&format!("Tags.member.2.Value={tenant}")),
            "{body}"
        );
        assert!(
            !body.contains("Policy="),
            "ABAC sends no inline policy: {body}"
        );
    }
    let keys = tap.dynamodb_access_keys();
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        2,
        "each tenant signs with its own session: {keys:?}"
    );
}

#[tokio::test]
async fn a_capsule_session_carries_its_four_tags() {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let capsule = Capsule::new(format!("t-{run}"), "c1", "ABAC")
        .unwrap()
        .with_abac_role("arn:aws:iam::123456789012:role/scoped-capsules")
        .unwrap();
    let client = factory.capsule_dynamodb(&capsule);
    let table = client.table_name("crm").unwrap();
    ping(client.raw(), table.as_str()).await.unwrap();
    let bodies = tap.assume_role_bodies();
    let [body] = bodies.as_slice() else {
        panic!("one AssumeRole: {bodies:?}");
    };
    for (n, (key, value)) in capsule.session_tags().iter().enumerate() {
        let n = n + 1;
        assert!(
            body.contains(&format!("Tags.member.{n}.Key={key}")),
            "{body}"
        );
        assert!(
            body.contains(&format!("Tags.member.{n}.Value={value}")),
            "{body}"
        );
    }
}
