//! IAM session policies generated from scopes.
//!
//! A tenant or capsule that carries a role assumes it with an inline session policy that
//! allows only that scope's tables and, through `dynamodb:LeadingKeys`, only partition keys
//! with that scope's prefix **including its trailing separator**, so `TENANT#t1#…` never
//! matches `TENANT#t10#…`. AWS then enforces the isolation the types and the key codec
//! promise, even for a bug or a compromised dependency in this process. The policy is built
//! from the same scope values that build the keys, so the two cannot drift.
//!
//! The actions are exactly those item operations need (get, put, update, delete, condition
//! checks, query, batch get and write; transactions are authorised per item action). There is
//! no `Scan`: `ForAllValues` conditions pass for requests without leading keys, so a `Scan`
//! would read every tenant's items in a shared table; the `Null` condition additionally denies
//! any request that carries no leading keys.

use serde_json::json;

use crate::error::ScopeError;
use crate::ident::{BaseName, CapsuleId, TenantId};
use crate::role::{MAX_SESSION_POLICY_CHARS, RoleArn};

/// The DynamoDB actions the typed item operations need, sorted.
pub(crate) const ITEM_ACTIONS: [&str; 8] = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

/// What a session policy is generated for.
pub(crate) enum PolicyScope<'a> {
    /// Every `{tenant_id}_*` table, keys `TENANT#{tenant_id}#*`.
    Tenant { tenant_id: &'a TenantId },
    /// The listed `{capsule_code}_{base}` tables, keys `TENANT#{t}#CAPSULE#{c}#*`.
    Capsule {
        tenant_id: &'a TenantId,
        capsule_id: &'a CapsuleId,
        capsule_code: &'a str,
        bases: &'a [BaseName],
    },
}

impl PolicyScope<'_> {
    fn describe(&self) -> String {
        match self {
            Self::Tenant { tenant_id } => format!("tenant {tenant_id}"),
            Self::Capsule {
                tenant_id,
                capsule_id,
                capsule_code,
                ..
            } => format!("capsule {capsule_id} ({capsule_code}) of tenant {tenant_id}"),
        }
    }

    /// The `dynamodb:LeadingKeys` pattern: the scope's key prefix, separator included.
    pub(crate) fn leading_keys(&self) -> String {
        match self {
            Self::Tenant { tenant_id } => format!("TENANT#{tenant_id}#*"),
            Self::Capsule {
                tenant_id,
                capsule_id,
                ..
            } => format!("TENANT#{tenant_id}#CAPSULE#{capsule_id}#*"),
        }
    }

    fn resources(&self, role: &RoleArn) -> Vec<String> {
        let table = |name: &str| {
            format!(
                "arn:{}:dynamodb:*:{}:table/{name}",
                role.partition(),
                role.account_id()
            )
        };
        match self {
            Self::Tenant { tenant_id } => vec![table(&format!("{tenant_id}_*"))],
            Self::Capsule {
                capsule_code,
                bases,
                ..
            } => bases
                .iter()
                .flat_map(|base| {
                    let name = format!("{capsule_code}_{base}");
                    [table(&name), table(&format!("{name}/index/*"))]
                })
                .collect(),
        }
    }
}

/// The session policy of `scope` for credentials of `role`, compact JSON.
///
/// Resources name the role's partition and account and any region: a scope's table names are
/// the same in every region, and the leading-keys condition does the isolating.
///
/// # Errors
///
/// [`ScopeError::PolicyTooLarge`] naming the scope when the policy exceeds STS's 2,048
/// characters (a capsule listing too many tables); no condition is ever dropped to make it fit.
pub(crate) fn session_policy(
    scope: &PolicyScope<'_>,
    role: &RoleArn,
) -> Result<String, ScopeError> {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ScopedItems",
            "Effect": "Allow",
            "Action": ITEM_ACTIONS,
            "Resource": scope.resources(role),
            "Condition": {
                "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [scope.leading_keys()] },
                "Null": { "dynamodb:LeadingKeys": "false" },
            },
        }],
    })
    .to_string();
    let len = policy.chars().count();
    if len > MAX_SESSION_POLICY_CHARS {
        return Err(ScopeError::PolicyTooLarge {
            scope: scope.describe(),
            len,
            max: MAX_SESSION_POLICY_CHARS,
        });
    }
    Ok(policy)
}
