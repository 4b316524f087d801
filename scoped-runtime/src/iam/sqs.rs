//! SQS session-policy statements: a role-carrying scope may use only its own queues.
//!
//! One statement, `ScopedQueues`, allows the actions behind the operations the guard allows
//! ([`ACTIONS`]; a batch call is authorised by its single action) on
//! `arn:{partition}:sqs:*:{account}:{scope part}_*`, the ARNs of the scope's queues and
//! dead-letter queues. The scope part ends in `_`, which no id contains, so `t_t1_*` never
//! matches `t_t10_…`, and hashed scope parts have a fixed length. `ListQueues` is not granted
//! (AWS authorises it per account, not per queue): under role credentials it is denied.
//!
//! What only AWS can prove: that it authorises each SQS action against the queue ARN as
//! documented; moto does not evaluate IAM policies.

use serde_json::json;

use crate::naming::sqs as naming;
use crate::role::RoleArn;
use crate::scope::AnyScope;

/// The SQS actions granted on the scope's queues: those behind the operations the guard
/// allows, `ListQueues` aside.
pub(crate) const ACTIONS: [&str; 10] = [
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:GetQueueAttributes",
    "sqs:CreateQueue",
    "sqs:SetQueueAttributes",
    "sqs:PurgeQueue",
    "sqs:DeleteQueue",
];

/// The statements that grant `scope`'s role its own queues in the role's account.
pub(crate) fn statements(scope: &AnyScope, role: &RoleArn) -> Vec<serde_json::Value> {
    let resource = format!(
        "arn:{}:sqs:*:{}:{}*",
        role.partition(),
        role.account_id(),
        naming::queue_prefix(scope)
    );
    vec![json!({
        "Sid": "ScopedQueues",
        "Effect": "Allow",
        "Action": ACTIONS,
        "Resource": resource,
    })]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Capsule, Tenant};

    /// Whether `pattern` (IAM's `*` and `?` wildcards) matches `value`.
    pub(crate) fn glob(pattern: &str, value: &str) -> bool {
        let (p, v) = (pattern.as_bytes(), value.as_bytes());
        let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
        while j < v.len() {
            if i < p.len() && (p[i] == b'?' || p[i] == v[j]) {
                i += 1;
                j += 1;
            } else if i < p.len() && p[i] == b'*' {
                star = Some(i);
                mark = j;
                i += 1;
            } else if let Some(s) = star {
                i = s + 1;
                mark += 1;
                j = mark;
            } else {
                return false;
            }
        }
        p[i..].iter().all(|&b| b == b'*')
    }

    fn strings(value: &serde_json::Value) -> Vec<&str> {
        match value {
            serde_json::Value::String(s) => vec![s.as_str()],
            serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `statements` (Allow only, no conditions) allow `action` on `resource`.
    pub(crate) fn allows(statements: &[serde_json::Value], action: &str, resource: &str) -> bool {
        statements.iter().any(|statement| {
            statement["Effect"] == "Allow"
                && statement.get("Condition").is_none()
                && strings(&statement["Action"])
                    .iter()
                    .any(|a| glob(a, action))
                && strings(&statement["Resource"])
                    .iter()
                    .any(|r| glob(r, resource))
        })
    }

    fn role() -> RoleArn {
        RoleArn::new("arn:aws:iam::123456789012:role/scoped").unwrap()
    }

    fn arn(name: &str) -> String {
        format!("arn:aws:sqs:us-east-1:123456789012:{name}")
    }

    #[test]
    fn own_queues_only() {
        let t1 = AnyScope::Tenant(Tenant::new("t1", "T").unwrap());
        let t10 = AnyScope::Tenant(Tenant::new("t10", "T").unwrap());
        let c1 = AnyScope::Capsule(Capsule::new("t1", "caps-1", "PRODUS").unwrap());
        let c2 = AnyScope::Capsule(Capsule::new("t1", "caps-2", "PRODUS").unwrap());
        let scopes = [&t1, &t10, &c1, &c2, &AnyScope::Platform];
        for own in scopes {
            let granted = statements(own, &role());
            for other in scopes {
                for name in [
                    naming::queue_name(other, "hooks"),
                    naming::dead_letter_name(other, "hooks"),
                ] {
                    for action in ACTIONS {
                        assert_eq!(
                            allows(&granted, action, &arn(&name)),
                            own == other,
                            "{own:?} {action} {name}"
                        );
                    }
                }
            }
            // Not another account's queue, not an action the guard rejects.
            let own_name = naming::queue_name(own, "hooks");
            assert!(!allows(
                &granted,
                "sqs:SendMessage",
                &format!("arn:aws:sqs:us-east-1:999999999999:{own_name}")
            ));
            assert!(!allows(&granted, "sqs:AddPermission", &arn(&own_name)));
            assert!(!allows(&granted, "sqs:ListQueues", &arn(&own_name)));
        }
        let long = AnyScope::Tenant(Tenant::new("a".repeat(64), "T").unwrap());
        let granted = statements(&long, &role());
        assert!(allows(
            &granted,
            "sqs:SendMessage",
            &arn(&naming::queue_name(&long, "hooks"))
        ));
        let sibling = AnyScope::Tenant(Tenant::new(format!("{}b", "a".repeat(63)), "T").unwrap());
        assert!(!allows(
            &granted,
            "sqs:SendMessage",
            &arn(&naming::queue_name(&sibling, "hooks"))
        ));
        let json = serde_json::to_string(&statements(&c1, &role())).unwrap();
        assert!(json.len() < 400, "{} characters: {json}", json.len());
    }

    /// The guard and the policy agree on what they allow: every granted action belongs to an
    /// operation the guard allows.
    #[test]
    fn actions_are_the_guards() {
        for action in ACTIONS {
            let operation = action.trim_start_matches("sqs:");
            assert!(
                crate::sqs::guard::ALLOWED_OPERATIONS.contains(&operation),
                "{operation}"
            );
        }
    }
}
