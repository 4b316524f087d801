//! ABAC: the shared roles' generated policies (golden JSON, linted by parliament in the test
//! command), what they grant a tagged session, and who may assume them.
//!
//! moto does not evaluate IAM, so the policies are evaluated here: a session's tags are put
//! in for the policy variables AWS resolves (`${aws:PrincipalTag/…}`), and the result must be
//! exactly the per-tenant session policy that `src/dynamodb/policy_agreement.rs` proves
//! against the isolation guard. The trust policy's conditions are evaluated by a small model
//! of IAM's string operators. Only AWS can prove the models right (docs/credentials.md).
//!
//! Re-bless the golden files after reading the diff: `SCOPED_BLESS=1 cargo test -p
//! scoped-runtime --test abac`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure should stop the test with its cause"
)]

#[path = "iam/mod.rs"]
mod iam;

use std::collections::BTreeMap;

use iam::string_like;
use proptest::prelude::*;
use scoped_runtime::{
    AbacPolicies, Capsule, EntityTag, RoleArn, Scope, ScopeError, ScopeKind, TAG_CAPSULE, TAG_CODE,
    TAG_KIND, TAG_TENANT, Tenant,
};
use serde_json::{Value, json};

const TENANTS_ROLE: &str = "arn:aws:iam::123456789012:role/scoped-tenants";
const CAPSULES_ROLE: &str = "arn:aws:iam::123456789012:role/scoped-capsules";
const SERVICE: &str = "arn:aws:iam::123456789012:role/crm-service";

fn policies(kind: ScopeKind, role: &str) -> AbacPolicies {
    AbacPolicies::new(
        kind,
        &RoleArn::new(role).unwrap(),
        &RoleArn::new(SERVICE).unwrap(),
    )
    .unwrap()
}

fn golden(name: &str, policy: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    let value: Value = serde_json::from_str(policy).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
    if std::env::var_os("SCOPED_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{path}: {err}; bless with SCOPED_BLESS=1"));
    assert_eq!(
        pretty, expected,
        "{path} differs; re-bless after reading the diff"
    );
}

/// The permission policy as AWS applies it to a session with `tags`: each
/// `${aws:PrincipalTag/k}` replaced by the tag's value, and the conditions on principal tags
/// evaluated (a statement whose tag conditions fail is dropped; passing ones are removed).
fn resolve(policy: &str, tags: &[(&str, &str)]) -> Value {
    let mut text = policy.to_owned();
    for (key, value) in tags {
        text = text.replace(&format!("${{aws:PrincipalTag/{key}}}"), value);
    }
    assert!(
        !text.contains("${aws:PrincipalTag/"),
        "a policy variable has no tag in {tags:?}: {text}"
    );
    let mut policy: Value = serde_json::from_str(&text).unwrap();
    let tag = |key: &str| {
        tags.iter()
            .find(|(k, _)| key == format!("aws:PrincipalTag/{k}"))
            .map(|(_, v)| *v)
    };
    let statements = policy["Statement"].as_array_mut().unwrap();
    statements.retain_mut(|statement| {
        let condition = statement["Condition"].as_object_mut().unwrap();
        let mut holds = true;
        for operator in ["StringEquals", "Null"] {
            let Some(Value::Object(entries)) = condition.get_mut(operator) else {
                continue;
            };
            entries.retain(|key, expected| {
                if !key.starts_with("aws:PrincipalTag/") {
                    return true;
                }
                holds &= match operator {
                    "StringEquals" => tag(key) == expected.as_str(),
                    _ => tag(key).is_none() == (expected == "true"),
                };
                false
            });
            if entries.is_empty() {
                condition.remove(operator);
            }
        }
        if condition.is_empty() {
            statement.as_object_mut().unwrap().remove("Condition");
        }
        holds
    });
    policy
}

#[test]
fn policies_are_golden() {
    let tenants = policies(ScopeKind::Tenant, TENANTS_ROLE);
    golden(
        "tenant-abac-permission-policy.json",
        tenants.permission_policy(),
    );
    golden("tenant-abac-trust-policy.json", tenants.trust_policy());
    let capsules = policies(ScopeKind::Capsule, CAPSULES_ROLE);
    golden(
        "capsule-abac-permission-policy.json",
        capsules.permission_policy(),
    );
    golden("capsule-abac-trust-policy.json", capsules.trust_policy());
}

#[test]
fn the_platform_has_no_abac_role() {
    let role = RoleArn::new(TENANTS_ROLE).unwrap();
    assert!(matches!(
        AbacPolicies::new(ScopeKind::Platform, &role, &role),
        Err(ScopeError::NoAbacRole {
            kind: ScopeKind::Platform
        })
    ));
}

/// A tenant session of the shared role is granted exactly the tenant's own session policy:
/// the one the guard-agreement tests prove, with its `t1` vs `t10` isolation.
#[test]
fn a_tenant_session_gets_exactly_its_session_policy() {
    let permission = policies(ScopeKind::Tenant, TENANTS_ROLE);
    for id in ["t1", "t10", "tenant-123"] {
        let tenant = Tenant::new(id, "T")
            .unwrap()
            .with_abac_role(TENANTS_ROLE)
            .unwrap();
        let tags = tenant.session_tags();
        assert_eq!(tags, [(TAG_KIND, "tenant"), (TAG_TENANT, id)]);
        assert_eq!(tenant.session_policy(), None, "ABAC sends no inline policy");
        let own = Tenant::new(id, "T")
            .unwrap()
            .with_role_arn(TENANTS_ROLE)
            .unwrap();
        let expected: Value = serde_json::from_str(own.session_policy().unwrap()).unwrap();
        assert_eq!(resolve(permission.permission_policy(), &tags), expected);
    }
}

/// A session of the wrong kind, or without its tags, is granted nothing.
#[test]
fn sessions_of_another_kind_or_without_tags_get_nothing() {
    let tenants = policies(ScopeKind::Tenant, TENANTS_ROLE);
    let as_capsule = resolve(
        tenants.permission_policy(),
        &[(TAG_KIND, "capsule"), (TAG_TENANT, "t1")],
    );
    assert_eq!(as_capsule["Statement"], json!([]));
    let capsules = policies(ScopeKind::Capsule, CAPSULES_ROLE);
    let no_capsule_tag = resolve(
        &capsules
            .permission_policy()
            .replace("${aws:PrincipalTag/scoped-capsule}", "x"),
        &[
            (TAG_KIND, "capsule"),
            (TAG_TENANT, "t1"),
            (TAG_CODE, "PRODUS"),
        ],
    );
    assert_eq!(no_capsule_tag["Statement"], json!([]));
}

/// A capsule session reaches its code's tables and, in them, only its own partition keys.
#[test]
fn a_capsule_session_reaches_its_keys_in_its_codes_tables() {
    let capsules = policies(ScopeKind::Capsule, CAPSULES_ROLE);
    let capsule = Capsule::new("t1", "c1", "PRODUS")
        .unwrap()
        .with_abac_role(CAPSULES_ROLE)
        .unwrap();
    let tags = capsule.session_tags();
    assert_eq!(
        tags,
        [
            (TAG_KIND, "capsule"),
            (TAG_TENANT, "t1"),
            (TAG_CAPSULE, "c1"),
            (TAG_CODE, "PRODUS")
        ]
    );
    let policy = resolve(capsules.permission_policy(), &tags);
    let statements: BTreeMap<&str, &Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["Sid"].as_str().unwrap(), s))
        .collect();
    assert_eq!(
        statements.keys().copied().collect::<Vec<_>>(),
        [
            "ProvisionTables",
            "S3List",
            "S3Objects",
            "ScopedItems",
            "ScopedQueues",
            "ScopedTopics"
        ]
    );
    let items = statements["ScopedItems"];
    let pattern = items["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"][0]
        .as_str()
        .unwrap();
    assert_eq!(pattern, "TENANT#t1#CAPSULE#c1#*");
    let resource = items["Resource"][0].as_str().unwrap();
    let table = |name: &str| format!("arn:aws:dynamodb:us-east-1:123456789012:table/{name}");
    assert!(string_like(resource, &table("PRODUS_crm")));
    assert!(string_like(resource, &table("PRODUS_crm/index/by_email")));
    assert!(!string_like(resource, &table("PRODUSX_crm")));
    assert!(!string_like(resource, &table("STAGING_crm")));
    let lead = EntityTag::new("LEAD").unwrap();
    let sibling = Capsule::new("t1", "c10", "PRODUS").unwrap();
    assert!(string_like(
        pattern,
        &capsule.partition_key(&lead, &["l1"]).unwrap()
    ));
    assert!(!string_like(
        pattern,
        &sibling.partition_key(&lead, &["l1"]).unwrap()
    ));
    assert!(!string_like(
        pattern,
        &Tenant::new("t1", "T")
            .unwrap()
            .partition_key(&lead, &["l1"])
            .unwrap()
    ));
}

/// IAM's `StringNotLike` with `${*}` and `${?}`, the literal `*` and `?`.
fn string_not_like_any(patterns: &Value, value: &str) -> bool {
    patterns.as_array().unwrap().iter().all(|pattern| {
        let pattern = pattern.as_str().unwrap();
        // Model the literals with characters IDs never contain, on both sides.
        let pattern = pattern.replace("${*}", "\u{1}").replace("${?}", "\u{2}");
        let value = value.replace('*', "\u{1}").replace('?', "\u{2}");
        !string_like(&pattern, &value)
    })
}

/// Whether the trust policy lets `principal` assume the role with `tags`.
fn trusts(policy: &str, principal: &str, tags: &[(&str, &str)]) -> bool {
    let policy: Value = serde_json::from_str(policy).unwrap();
    let [statement] = policy["Statement"].as_array().unwrap().as_slice() else {
        panic!("one statement: {policy}");
    };
    assert_eq!(statement["Effect"], "Allow");
    assert_eq!(
        statement["Action"],
        json!(["sts:AssumeRole", "sts:TagSession"])
    );
    if statement["Principal"]["AWS"] != principal {
        return false;
    }
    let request = |key: &str| {
        tags.iter()
            .find(|(k, _)| key == format!("aws:RequestTag/{k}"))
            .map(|(_, v)| *v)
    };
    let condition = statement["Condition"].as_object().unwrap();
    let mut holds = true;
    for (operator, entries) in condition {
        for (key, expected) in entries.as_object().unwrap() {
            holds &= match operator.as_str() {
                "StringEquals" => request(key) == expected.as_str(),
                "StringNotLike" => request(key).is_none_or(|v| string_not_like_any(expected, v)),
                "Null" => request(key).is_none() == (expected == "true"),
                "ForAllValues:StringEquals" => {
                    assert_eq!(key, "aws:TagKeys");
                    let allowed = expected.as_array().unwrap();
                    tags.iter().all(|(k, _)| allowed.iter().any(|a| a == k))
                }
                other => panic!("operator {other} is not modelled"),
            };
        }
    }
    holds
}

#[test]
fn only_the_service_assumes_the_role_and_only_with_well_formed_tags() {
    let tenants = policies(ScopeKind::Tenant, TENANTS_ROLE)
        .trust_policy()
        .to_owned();
    let ok = [(TAG_KIND, "tenant"), (TAG_TENANT, "t1")];
    assert!(trusts(&tenants, SERVICE, &ok));
    let other = "arn:aws:iam::123456789012:role/reporting";
    assert!(!trusts(&tenants, other, &ok), "another principal");
    assert!(!trusts(&tenants, SERVICE, &[(TAG_TENANT, "t1")]), "no kind");
    assert!(
        !trusts(&tenants, SERVICE, &[(TAG_KIND, "tenant")]),
        "no tenant"
    );
    assert!(
        !trusts(
            &tenants,
            SERVICE,
            &[(TAG_KIND, "capsule"), (TAG_TENANT, "t1")]
        ),
        "a capsule session of the tenant role"
    );
    for widening in ["*", "t?", "t1#CAPSULE", "t1_x", "a*b"] {
        assert!(
            !trusts(
                &tenants,
                SERVICE,
                &[(TAG_KIND, "tenant"), (TAG_TENANT, widening)]
            ),
            "tenant tag {widening:?} would widen a pattern"
        );
    }
    assert!(
        !trusts(
            &tenants,
            SERVICE,
            &[(TAG_KIND, "tenant"), (TAG_TENANT, "t1"), ("admin", "1")]
        ),
        "an extra tag"
    );
    let capsules = policies(ScopeKind::Capsule, CAPSULES_ROLE)
        .trust_policy()
        .to_owned();
    let capsule = Capsule::new("t1", "c1", "PRODUS")
        .unwrap()
        .with_abac_role(CAPSULES_ROLE)
        .unwrap();
    assert!(trusts(&capsules, SERVICE, &capsule.session_tags()));
    assert!(
        !trusts(&capsules, SERVICE, &capsule.session_tags()[..3]),
        "no code"
    );
}

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,8}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// The tags of every valid scope pass the trust policy, and the permission policy resolved
    /// for one tenant matches none of a prefix sibling's keys.
    #[test]
    fn every_scope_is_trusted_and_isolated(tenant in id(), suffix in "[a-z0-9-]{1,3}", capsule in id(), code in "[A-Z][A-Z0-9]{0,6}") {
        let tenants = policies(ScopeKind::Tenant, TENANTS_ROLE);
        let own = Tenant::new(tenant.as_str(), "T").unwrap().with_abac_role(TENANTS_ROLE).unwrap();
        prop_assert!(trusts(tenants.trust_policy(), SERVICE, &own.session_tags()));
        let resolved = resolve(tenants.permission_policy(), &own.session_tags());
        let pattern = resolved["Statement"][0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"][0]
            .as_str().unwrap().to_owned();
        let lead = EntityTag::new("LEAD").unwrap();
        let sibling = Tenant::new(format!("{tenant}{suffix}"), "S").unwrap();
        prop_assert!(string_like(&pattern, &own.partition_key(&lead, &["x"]).unwrap()));
        prop_assert!(!string_like(&pattern, &sibling.partition_key(&lead, &["x"]).unwrap()));
        let capsules = policies(ScopeKind::Capsule, CAPSULES_ROLE);
        let caps = Capsule::new(tenant.as_str(), capsule.as_str(), code.as_str()).unwrap().with_abac_role(CAPSULES_ROLE).unwrap();
        prop_assert!(trusts(capsules.trust_policy(), SERVICE, &caps.session_tags()));
    }
}
