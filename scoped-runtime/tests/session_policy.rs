//! Session policies generated from scopes: golden JSON, IAM grammar, minimal actions, and
//! `dynamodb:LeadingKeys` evaluated with IAM's `StringLike` semantics against the key codec.
//!
//! Re-bless the golden files after reading the diff: `SCOPED_BLESS=1 cargo test -p
//! scoped-runtime --test session_policy`.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap is the test failing"
)]

mod iam;

use iam::string_like;
use proptest::prelude::*;
use scoped_runtime::{Capsule, EntityTag, Scope, ScopeError, Tenant};
use serde_json::Value;
use std::collections::BTreeMap;

const ROLE: &str = "arn:aws:iam::123456789012:role/scoped-tenant";

/// The item actions the typed operations need, under the `LeadingKeys` condition.
const EXPECTED_ACTIONS: [&str; 8] = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

/// The table-level work the guard allows a tenant on its own (unshared) tables.
const TENANT_TABLE_ACTIONS: [&str; 7] = [
    "dynamodb:CreateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:Scan",
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
];

/// What `provision` needs on a capsule's shared tables.
const CAPSULE_TABLE_ACTIONS: [&str; 3] = [
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
];

/// The statements of the services other than DynamoDB, which every role-carrying scope's session
/// policy also carries (this crate's tests build with every service feature).
const SERVICE_SIDS: [&str; 4] = ["S3Objects", "S3List", "ScopedQueues", "ScopedTopics"];

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

/// Checks the policy against IAM's policy grammar (the parts this generator may use) and
/// returns its statements by `Sid`.
fn check_grammar(policy: &str) -> BTreeMap<String, serde_json::Map<String, Value>> {
    let value: Value = serde_json::from_str(policy).unwrap();
    let top = value.as_object().unwrap();
    assert_eq!(top.len(), 2, "only Version and Statement: {top:?}");
    assert_eq!(top["Version"], "2012-10-17");
    let mut by_sid = BTreeMap::new();
    for statement in top["Statement"].as_array().unwrap() {
        let statement = statement.as_object().unwrap().clone();
        for key in statement.keys() {
            assert!(
                ["Sid", "Effect", "Action", "Resource", "Condition"].contains(&key.as_str()),
                "unknown statement element {key}"
            );
        }
        let sid = statement["Sid"].as_str().unwrap().to_owned();
        assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "Sid {sid}");
        assert_eq!(statement["Effect"], "Allow");
        // The other services' statements (S3, SQS, SNS) are checked by their own tests in
        // src/iam/ and by parliament; this grammar is DynamoDB's.
        if SERVICE_SIDS.contains(&sid.as_str()) {
            assert!(
                by_sid.insert(sid.clone(), statement).is_none(),
                "Sid {sid} twice"
            );
            continue;
        }
        for action in statement["Action"].as_array().unwrap() {
            let action = action.as_str().unwrap();
            let (service, name) = action.split_once(':').unwrap();
            assert_eq!(service, "dynamodb");
            assert!(name.chars().all(|c| c.is_ascii_alphabetic()), "{action}");
        }
        for resource in statement["Resource"].as_array().unwrap() {
            let resource = resource.as_str().unwrap();
            let fields: Vec<_> = resource.splitn(6, ':').collect();
            assert_eq!(fields[..3], ["arn", "aws", "dynamodb"], "{resource}");
            assert_eq!(fields[3], "*", "{resource}");
            assert_eq!(fields[4], "123456789012", "{resource}");
            assert!(fields[5].starts_with("table/"), "{resource}");
        }
        if let Some(condition) = statement.get("Condition") {
            let condition = condition.as_object().unwrap();
            for (operator, block) in condition {
                assert!(
                    ["ForAllValues:StringLike", "Null"].contains(&operator.as_str()),
                    "{operator}"
                );
                for key in block.as_object().unwrap().keys() {
                    assert_eq!(key, "dynamodb:LeadingKeys");
                }
            }
            assert_eq!(condition["Null"]["dynamodb:LeadingKeys"], "false");
        }
        assert!(
            by_sid.insert(sid.clone(), statement).is_none(),
            "Sid {sid} twice"
        );
    }
    // Only the item statement may carry item actions; the others have no condition and grant
    // no item access.
    for (sid, statement) in &by_sid {
        if sid != "ScopedItems" && !SERVICE_SIDS.contains(&sid.as_str()) {
            assert!(statement.get("Condition").is_none(), "{sid}");
            for action in statement["Action"].as_array().unwrap() {
                let action = action.as_str().unwrap();
                assert!(
                    !EXPECTED_ACTIONS.contains(&action)
                        || (sid == "OwnIndexes" && action == "dynamodb:Query"),
                    "{sid} grants item action {action} without LeadingKeys"
                );
            }
        }
    }
    by_sid
}

fn leading_keys(policy: &str) -> Vec<String> {
    let statements = check_grammar(policy);
    statements["ScopedItems"]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn string_like_follows_iam() {
    assert!(string_like("TENANT#t1#*", "TENANT#t1#LEAD#x"));
    assert!(string_like("TENANT#t1#*", "TENANT#t1#"));
    assert!(!string_like("TENANT#t1#*", "TENANT#t10#LEAD#x"));
    assert!(!string_like("TENANT#t1#*", "tenant#t1#LEAD#x"));
    assert!(string_like("a?c*", "abcdef"));
    assert!(!string_like("a?c", "ac"));
}

#[test]
fn tenant_policy_golden_and_minimal() {
    let tenant = Tenant::new("tenant-123", "Acme")
        .unwrap()
        .with_role_arn(ROLE)
        .unwrap();
    let policy = tenant.session_policy().unwrap();
    golden("tenant-session-policy.json", policy);
    let statements = check_grammar(policy);
    assert_eq!(
        statements.keys().collect::<Vec<_>>(),
        [
            "OwnIndexes",
            "OwnTables",
            "S3List",
            "S3Objects",
            "ScopedItems",
            "ScopedQueues",
            "ScopedTopics"
        ]
    );
    let items = &statements["ScopedItems"];
    assert_eq!(items["Action"], serde_json::json!(EXPECTED_ACTIONS));
    assert_eq!(
        items["Resource"],
        serde_json::json!(["arn:aws:dynamodb:*:123456789012:table/tenant-123_*"])
    );
    assert_eq!(leading_keys(policy), ["TENANT#tenant-123#*"]);
    // Table-level work and scans on its own tables only, which hold only its items.
    let tables = &statements["OwnTables"];
    assert_eq!(tables["Action"], serde_json::json!(TENANT_TABLE_ACTIONS));
    assert_eq!(tables["Resource"], items["Resource"]);
    let indexes = &statements["OwnIndexes"];
    assert_eq!(indexes["Action"], serde_json::json!(["dynamodb:Query"]));
    assert_eq!(
        indexes["Resource"],
        serde_json::json!(["arn:aws:dynamodb:*:123456789012:table/tenant-123_*/index/*"])
    );
    println!("tenant policy: {} characters", policy.chars().count());
}

#[test]
fn capsule_policy_golden_and_minimal() {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")
        .unwrap()
        .with_role_arn(ROLE, ["crm", "billing", "crm"])
        .unwrap();
    let policy = capsule.session_policy().unwrap();
    golden("capsule-session-policy.json", policy);
    let statements = check_grammar(policy);
    assert_eq!(
        statements.keys().collect::<Vec<_>>(),
        [
            "ProvisionTables",
            "S3List",
            "S3Objects",
            "ScopedItems",
            "ScopedQueues",
            "ScopedTopics"
        ]
    );
    let items = &statements["ScopedItems"];
    assert_eq!(items["Action"], serde_json::json!(EXPECTED_ACTIONS));
    assert_eq!(
        items["Resource"],
        serde_json::json!([
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_billing",
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_billing/index/*",
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_crm",
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_crm/index/*",
        ])
    );
    assert_eq!(
        leading_keys(policy),
        ["TENANT#tenant-123#CAPSULE#caps-456#*"]
    );
    // What `provision` needs on the shared tables themselves; no scan, no table change.
    let tables = &statements["ProvisionTables"];
    assert_eq!(tables["Action"], serde_json::json!(CAPSULE_TABLE_ACTIONS));
    assert_eq!(
        tables["Resource"],
        serde_json::json!([
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_billing",
            "arn:aws:dynamodb:*:123456789012:table/PRODUS_crm",
        ])
    );
    assert!(
        !policy.contains("Scan"),
        "no Scan of a shared table: {policy}"
    );
    println!("capsule policy: {} characters", policy.chars().count());
}

#[test]
fn policies_that_cannot_fit_are_errors_naming_the_scope() {
    let bases: Vec<String> = (0..40).map(|i| format!("table-number-{i:03}")).collect();
    let err = Capsule::new("tenant-123", "caps-456", "PRODUS")
        .unwrap()
        .with_role_arn(ROLE, &bases)
        .unwrap_err();
    assert!(matches!(err, ScopeError::PolicyTooLarge { .. }));
    let message = err.to_string();
    assert!(
        message.contains("capsule caps-456 (PRODUS) of tenant tenant-123"),
        "{message}"
    );
    assert!(message.contains("over STS's limit of 2048"), "{message}");
    let none: [&str; 0] = [];
    assert!(
        Capsule::new("t", "c", "P")
            .unwrap()
            .with_role_arn(ROLE, none)
            .is_err()
    );
}

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,8}"
}

fn key_id() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[#%*?a-zA-Z0-9]{0,12}"]
        .prop_filter("non-empty", |s| !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    /// A tenant's pattern matches every key its scope produces, and none of a sibling tenant
    /// (`t1` against `t10`, `t1-x`…) or of the platform scope.
    #[test]
    fn tenant_leading_keys_match_exactly_its_keys(
        tenant in id(),
        suffix in "[a-z0-9-]{1,3}",
        other in id(),
        entity in "[A-Z][A-Z0-9_]{0,6}",
        ids in prop::collection::vec(key_id(), 1..3),
    ) {
        prop_assume!(entity != "TENANT" && entity != "CAPSULE");
        let entity = EntityTag::new(entity).unwrap();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let own = Tenant::new(tenant.as_str(), "T").unwrap().with_role_arn(ROLE).unwrap();
        let pattern = &leading_keys(own.session_policy().unwrap())[0];
        let key = own.partition_key(&entity, &ids).unwrap();
        prop_assert!(string_like(pattern, &key), "{pattern} must match {key}");
        // Capsule keys of the same tenant live in capsule tables, which the tenant policy's
        // resources (`{tenant_id}_*`) do not cover; the pattern itself may match them.
        for sibling in [format!("{tenant}{suffix}"), other] {
            if sibling == tenant {
                continue;
            }
            let sibling = Tenant::new(sibling, "S").unwrap();
            let key = sibling.partition_key(&entity, &ids).unwrap();
            prop_assert!(!string_like(pattern, &key), "{pattern} must not match {key}");
        }
        let platform = scoped_runtime::Platform::new().partition_key(&entity, &ids).unwrap();
        prop_assert!(!string_like(pattern, &platform));
    }

    /// A capsule's pattern matches every key it produces and none of a sibling capsule
    /// (`caps-456` against `caps-4567`), of another tenant, or of its own tenant scope.
    #[test]
    fn capsule_leading_keys_match_exactly_its_keys(
        tenant in id(),
        capsule in id(),
        suffix in "[a-z0-9-]{1,3}",
        entity in "[A-Z][A-Z0-9_]{0,6}",
        ids in prop::collection::vec(key_id(), 1..3),
    ) {
        prop_assume!(entity != "TENANT" && entity != "CAPSULE");
        let entity = EntityTag::new(entity).unwrap();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let own = Capsule::new(tenant.as_str(), capsule.as_str(), "PRODUS")
            .unwrap()
            .with_role_arn(ROLE, ["crm"])
            .unwrap();
        let pattern = &leading_keys(own.session_policy().unwrap())[0];
        prop_assert!(string_like(pattern, &own.partition_key(&entity, &ids).unwrap()));
        let siblings = [
            Capsule::new(tenant.as_str(), format!("{capsule}{suffix}"), "PRODUS").unwrap(),
            Capsule::new(format!("{tenant}{suffix}"), capsule.as_str(), "PRODUS").unwrap(),
        ];
        for sibling in siblings {
            let key = sibling.partition_key(&entity, &ids).unwrap();
            prop_assert!(!string_like(pattern, &key), "{pattern} must not match {key}");
        }
        let tenant_key = Tenant::new(tenant.as_str(), "T").unwrap().partition_key(&entity, &ids).unwrap();
        prop_assert!(!string_like(pattern, &tenant_key));
    }
}
