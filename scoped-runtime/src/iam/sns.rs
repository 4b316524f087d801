//! SNS session-policy statements: a role-carrying scope may use only its own topics.
//!
//! One statement, `ScopedTopics`, allows the actions behind the operations the guard allows
//! ([`ACTIONS`]) on `arn:{partition}:sns:*:{account}:{scope part}_*`, the scope's topics. The
//! scope part ends in `_`, which no id contains, so `t_t1_*` never matches `t_t10_…`.
//! `Subscribe` and `ListSubscriptionsByTopic` are authorised on the topic's ARN. `Unsubscribe`
//! and the subscription attributes (`Get`/`SetSubscriptionAttributes`) have no resource-level
//! permissions in IAM (their only resource is `*`), so no session policy can keep them to the
//! scope: role-carrying scopes are not granted them, and those calls fail with `AccessDenied`
//! under role credentials (scopes signing with the factory's own credentials keep them, checked
//! by the guard). parliament flags the three on a topic ARN, which is how this was found. The queue an SQS subscription
//! delivers to is not in this statement: which queue a topic may subscribe is the guard's
//! check, and on AWS the queue's own policy decides whether the topic may send to it.
//!
//! What only AWS can prove: that it authorises each SNS action against the topic ARN as
//! documented; moto does not evaluate IAM policies.

use serde_json::json;

use crate::naming::sns as naming;
use crate::role::RoleArn;
use crate::scope::AnyScope;

/// The SNS actions granted on the scope's topics: those behind the operations the guard
/// allows.
pub(crate) const ACTIONS: [&str; 7] = [
    "sns:Publish",
    "sns:Subscribe",
    "sns:CreateTopic",
    "sns:DeleteTopic",
    "sns:GetTopicAttributes",
    "sns:SetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
];

/// The statements that grant `scope`'s role its own topics in the role's account.
pub(crate) fn statements(scope: &AnyScope, role: &RoleArn) -> Vec<serde_json::Value> {
    let resource = format!(
        "arn:{}:sns:*:{}:{}*",
        role.partition(),
        role.account_id(),
        naming::topic_prefix(scope)
    );
    vec![json!({
        "Sid": "ScopedTopics",
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
    fn glob(pattern: &str, value: &str) -> bool {
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

    fn allows(statements: &[serde_json::Value], action: &str, resource: &str) -> bool {
        statements.iter().any(|statement| {
            let actions = statement["Action"].as_array().cloned().unwrap_or_default();
            statement["Effect"] == "Allow"
                && statement.get("Condition").is_none()
                && actions
                    .iter()
                    .any(|a| a.as_str().is_some_and(|a| glob(a, action)))
                && statement["Resource"]
                    .as_str()
                    .is_some_and(|r| glob(r, resource))
        })
    }

    #[test]
    fn own_topics_only() {
        let role = RoleArn::new("arn:aws:iam::123456789012:role/scoped").unwrap();
        let t1 = AnyScope::Tenant(Tenant::new("t1", "T").unwrap());
        let t10 = AnyScope::Tenant(Tenant::new("t10", "T").unwrap());
        let c1 = AnyScope::Capsule(Capsule::new("t1", "caps-1", "PRODUS").unwrap());
        let c10 = AnyScope::Capsule(Capsule::new("t1", "caps-10", "PRODUS").unwrap());
        let scopes = [&t1, &t10, &c1, &c10, &AnyScope::Platform];
        for own in scopes {
            let granted = statements(own, &role);
            for other in scopes {
                let arn = format!(
                    "arn:aws:sns:us-east-1:123456789012:{}",
                    naming::topic_name(other, "webhooks")
                );
                for action in ACTIONS {
                    assert_eq!(
                        allows(&granted, action, &arn),
                        own == other,
                        "{own:?} {action} {arn}"
                    );
                }
                assert!(!allows(&granted, "sns:AddPermission", &arn));
            }
        }
        let json = serde_json::to_string(&statements(&c1, &role)).unwrap();
        assert!(json.len() < 400, "{} characters: {json}", json.len());
    }
}
