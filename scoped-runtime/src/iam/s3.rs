//! Session-policy statements for a role scope's S3 objects.
//!
//! Two statements, built from the same scope values that build the object keys:
//!
//! - `S3Objects`: the object actions the guard allows ([`OBJECT_ACTIONS`]) on
//!   `arn:{partition}:s3:::{bucket}/{scope prefix}*`. The prefix ends in `/`, so tenant `t1`'s
//!   `tenant/t1/*` does not match `tenant/t10/…`; IAM's `*` matches `/`, which is what lets
//!   one statement cover every key under the prefix. `CopyObject` needs `GetObject` on the
//!   source and `PutObject` on the target, both under the prefix; `DeleteObjects` is
//!   authorised per key as `DeleteObject`.
//! - `S3List`: `s3:ListBucket` on the bucket, conditioned on `s3:prefix` being `StringLike`
//!   `{scope prefix}*`. A listing without a prefix has no `s3:prefix` value, so the condition
//!   fails and AWS denies it, as the guard does.
//!
//! What only real AWS can prove: that `s3:prefix` is the request's `prefix` parameter as sent
//! and that S3 evaluates object ARNs on the key as stored (not normalised), which AWS
//! documents; moto does not evaluate policies, so the tests below evaluate the JSON with a
//! model of IAM's `StringLike` and resource matching.

use serde_json::{Value, json};

use crate::naming::s3 as naming;
use crate::role::RoleArn;
use crate::scope::AnyScope;

/// The S3 IAM actions of the operations the guard allows: what session policies grant
/// (the tests below check the two agree).
pub(crate) const OBJECT_ACTIONS: [&str; 5] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];

/// The S3 statements of `scope`'s session policy. The session policy is built with the scope,
/// before any factory's buckets are known, so it names every bucket (`*`): the scope's key
/// prefix does the isolating, the guard keeps each client to its configured buckets, and the
/// role's own permission policy bounds which buckets a session can reach at all.
pub(crate) fn statements(scope: &AnyScope, role: &RoleArn) -> Vec<Value> {
    let partition = role.partition();
    let bucket = "*";
    let prefix = naming::scope_prefix(scope);
    vec![
        json!({
            "Sid": "S3Objects",
            "Effect": "Allow",
            "Action": OBJECT_ACTIONS,
            "Resource": format!("arn:{partition}:s3:::{bucket}/{prefix}*"),
        }),
        json!({
            "Sid": "S3List",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": format!("arn:{partition}:s3:::{bucket}"),
            "Condition": {"StringLike": {"s3:prefix": format!("{prefix}*")}},
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Capsule, Tenant};

    /// IAM's wildcard match: `*` any run of characters (`/` included), `?` one character.
    fn like(pattern: &str, value: &str) -> bool {
        let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
        let mut dp = vec![vec![false; v.len() + 1]; p.len() + 1];
        dp[0][0] = true;
        for i in 1..=p.len() {
            dp[i][0] = dp[i - 1][0] && p[i - 1] == '*';
            for j in 1..=v.len() {
                dp[i][j] = match p[i - 1] {
                    '*' => dp[i - 1][j] || dp[i][j - 1],
                    '?' => dp[i - 1][j - 1],
                    c => dp[i - 1][j - 1] && c == v[j - 1],
                };
            }
        }
        dp[p.len()][v.len()]
    }

    fn as_list(value: &Value) -> Vec<&str> {
        match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `statements` allow `action` on `resource` with `s3:prefix` = `prefix`.
    fn allows(statements: &[Value], action: &str, resource: &str, prefix: Option<&str>) -> bool {
        statements.iter().any(|s| {
            let actions = as_list(&s["Action"]);
            let resources = as_list(&s["Resource"]);
            let condition = match s.get("Condition") {
                None => true,
                Some(c) => {
                    let pattern = c["StringLike"]["s3:prefix"].as_str().unwrap_or_default();
                    prefix.is_some_and(|p| like(pattern, p))
                }
            };
            s["Effect"] == "Allow"
                && actions.iter().any(|a| like(a, action))
                && resources.iter().any(|r| like(r, resource))
                && condition
        })
    }

    fn role() -> RoleArn {
        RoleArn::new("arn:aws:iam::123456789012:role/tenant").unwrap()
    }

    fn object(key: &str) -> String {
        format!("arn:aws:s3:::acme-data/{key}")
    }

    #[test]
    fn tenant_reaches_its_objects_not_its_prefix_sibling() {
        let scope = AnyScope::Tenant(Tenant::new("t1", "T").unwrap());
        let granted = statements(&scope, &role());
        for action in ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] {
            assert!(allows(
                &granted,
                action,
                &object("tenant/t1/uploads/a"),
                None
            ));
            assert!(!allows(
                &granted,
                action,
                &object("tenant/t10/uploads/a"),
                None
            ));
            assert!(!allows(
                &granted,
                action,
                &object("capsule/t1/c1/uploads/a"),
                None
            ));
            // Any bucket, under the scope's prefix only: the guard keeps a client to the
            // factory's buckets, and the role's permission policy bounds the rest.
            assert!(allows(
                &granted,
                action,
                "arn:aws:s3:::other/tenant/t1/a",
                None
            ));
            assert!(!allows(
                &granted,
                action,
                "arn:aws:s3:::other/tenant/t10/a",
                None
            ));
        }
        let bucket = "arn:aws:s3:::acme-data";
        assert!(allows(
            &granted,
            "s3:ListBucket",
            bucket,
            Some("tenant/t1/")
        ));
        assert!(allows(
            &granted,
            "s3:ListBucket",
            bucket,
            Some("tenant/t1/uploads/x")
        ));
        assert!(!allows(
            &granted,
            "s3:ListBucket",
            bucket,
            Some("tenant/t10/")
        ));
        assert!(!allows(
            &granted,
            "s3:ListBucket",
            bucket,
            Some("tenant/t1")
        ));
        assert!(!allows(&granted, "s3:ListBucket", bucket, Some("")));
        assert!(!allows(&granted, "s3:ListBucket", bucket, None));
        assert!(!allows(&granted, "s3:DeleteBucket", bucket, None));
        assert!(!allows(&granted, "s3:PutBucketPolicy", bucket, None));
    }

    #[test]
    fn capsule_reaches_its_objects_not_a_sibling_capsule() {
        let scope = AnyScope::Capsule(Capsule::new("t1", "caps-456", "PRODUS").unwrap());
        let granted = statements(&scope, &role());
        let object = |key: &str| format!("arn:aws:s3:::acme-produs/{key}");
        assert!(allows(
            &granted,
            "s3:GetObject",
            &object("capsule/t1/caps-456/a"),
            None
        ));
        assert!(!allows(
            &granted,
            "s3:GetObject",
            &object("capsule/t1/caps-4567/a"),
            None
        ));
        assert!(!allows(
            &granted,
            "s3:GetObject",
            &object("capsule/t10/caps-456/a"),
            None
        ));
        assert!(!allows(
            &granted,
            "s3:GetObject",
            &object("tenant/t1/a"),
            None
        ));
        // Any bucket under the capsule's prefix (the guard keeps a client to its bucket).
        assert!(allows(
            &granted,
            "s3:GetObject",
            "arn:aws:s3:::acme-data/capsule/t1/caps-456/a",
            None
        ));
    }

    #[test]
    fn statements_are_compact() {
        let scope =
            AnyScope::Capsule(Capsule::new("t".repeat(64), "c".repeat(64), "PRODUS").unwrap());
        let text = serde_json::to_string(&statements(&scope, &role())).unwrap();
        // DynamoDB's statements take ~700 of the 2,048 characters.
        assert!(text.len() < 700, "{} characters: {text}", text.len());
    }

    #[test]
    fn the_model_matches_like_iam() {
        assert!(like("tenant/t1/*", "tenant/t1/"));
        assert!(like("tenant/t1/*", "tenant/t1/a/b"));
        assert!(!like("tenant/t1/*", "tenant/t10/a"));
        assert!(like("s3:*Object", "s3:GetObject"));
    }
}
