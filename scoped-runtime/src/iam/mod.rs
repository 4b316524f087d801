//! IAM session policies generated from scopes: the core of them, with no SDK and no service
//! module. Each service's statements are built from the scope in `iam/<service>.rs` (DynamoDB:
//! [`dynamodb`]); [`session_policy`] puts those of every enabled service into one policy.
//!
//! A tenant or capsule that carries a role assumes it with this inline session policy, so AWS
//! enforces the isolation the types, names and keys promise, even for a bug or a compromised
//! dependency in this process. The policy is built from the same scope values that build the
//! names and keys, so the two cannot drift.

pub(crate) mod abac;
#[cfg(feature = "dynamodb")]
pub(crate) mod dynamodb;
#[cfg(feature = "s3")]
pub(crate) mod s3;
#[cfg(feature = "sns")]
pub(crate) mod sns;
#[cfg(feature = "sqs")]
pub(crate) mod sqs;

use serde_json::json;

use crate::error::ScopeError;
use crate::ident::BaseName;
use crate::role::{MAX_SESSION_POLICY_CHARS, RoleArn};
use crate::scope::AnyScope;

/// What a policy is generated for: one scope's values (a session policy), or the policy
/// variables that stand for them in a shared ABAC role's permission policy
/// ([`abac`]: `${aws:PrincipalTag/scoped-tenant}`…).
pub(crate) enum PolicyScope<'a> {
    /// Every `{tenant_id}_*` table, keys `TENANT#{tenant_id}#*`.
    Tenant { tenant_id: &'a str },
    /// The `{capsule_code}_{base}` tables (the listed bases, or every base if `None`), keys
    /// `TENANT#{t}#CAPSULE#{c}#*`.
    Capsule {
        tenant_id: &'a str,
        capsule_id: &'a str,
        capsule_code: &'a str,
        bases: Option<&'a [BaseName]>,
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
}

/// The session policy of `scope` for credentials of `role`, compact JSON: the statements of
/// every enabled service.
///
/// Resources name the role's partition and account and any region: a scope's names are the
/// same in every region, and the conditions do the isolating.
///
/// # Errors
///
/// [`ScopeError::PolicyTooLarge`] naming the scope when the policy exceeds STS's 2,048
/// characters (a capsule listing too many tables); no condition is ever dropped to make it fit.
pub(crate) fn session_policy(
    scope: &PolicyScope<'_>,
    any: &AnyScope,
    role: &RoleArn,
) -> Result<String, ScopeError> {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": statements(scope, Some(any), role),
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

/// The statements of every enabled service for `scope`'s credentials of `role`. The services
/// other than DynamoDB build theirs from the scope itself (`any`); ABAC permission policies,
/// which stand for every scope of a kind, have no such scope and carry DynamoDB's only.
pub(crate) fn statements(
    scope: &PolicyScope<'_>,
    any: Option<&AnyScope>,
    role: &RoleArn,
) -> Vec<serde_json::Value> {
    #[allow(unused_mut, reason = "no statements without a service feature")]
    let mut statements: Vec<serde_json::Value> = Vec::new();
    #[cfg(feature = "dynamodb")]
    statements.extend(dynamodb::statements(scope, role));
    if let Some(any) = any {
        #[cfg(feature = "s3")]
        statements.extend(s3::statements(any, role));
        #[cfg(feature = "sqs")]
        statements.extend(sqs::statements(any, role));
        #[cfg(feature = "sns")]
        statements.extend(sns::statements(any, role));
        let _ = any;
    }
    statements
}
