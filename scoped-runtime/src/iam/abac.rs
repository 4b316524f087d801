//! ABAC: one shared role per scope kind, assumed with session tags, instead of a role per
//! tenant.
//!
//! A tenant scope with [`Tenant::with_abac_role`](crate::Tenant::with_abac_role) assumes the
//! shared tenant role tagged `scoped-kind=tenant`, `scoped-tenant={tenant id}`; a capsule adds
//! `scoped-capsule={capsule id}` and `scoped-code={capsule code}`. The role's permission policy
//! ([`AbacPolicies::permission_policy`]) is the scope's session policy with each scope value
//! replaced by the policy variable of its tag (`${aws:PrincipalTag/scoped-tenant}`), so AWS
//! resolves it per session: one role serves every tenant, and each session reaches only its
//! tenant's tables and partition keys. Its trust policy ([`AbacPolicies::trust_policy`]) lets
//! only the service's principal assume it, only with exactly these tags, and only with tag
//! values that cannot widen a pattern (no `*`, `?`, `#` or `_`).
//!
//! IAM allows 1,000 roles per account by default (5,000 at most); ABAC needs two. Sessions
//! are still cached per tenant: the tags are part of the credential cache's key.

use serde_json::{Value, json};

use super::PolicyScope;
use crate::error::ScopeError;
use crate::kind::ScopeKind;
use crate::role::RoleArn;
use crate::scope::{AnyScope, Capsule, Tenant};

/// The session tag naming the scope kind: `tenant` or `capsule`.
pub const TAG_KIND: &str = "scoped-kind";
/// The session tag holding the tenant id.
pub const TAG_TENANT: &str = "scoped-tenant";
/// The session tag holding the capsule id (capsule sessions only).
pub const TAG_CAPSULE: &str = "scoped-capsule";
/// The session tag holding the capsule code (capsule sessions only).
pub const TAG_CODE: &str = "scoped-code";

/// The policy variable a tag's value is read through in a permission policy.
fn variable(tag: &str) -> String {
    format!("${{aws:PrincipalTag/{tag}}}")
}

/// The tag keys a session of `kind` carries, in order.
pub(crate) fn tag_keys(kind: ScopeKind) -> &'static [&'static str] {
    match kind {
        ScopeKind::Platform => &[],
        ScopeKind::Tenant => &[TAG_KIND, TAG_TENANT],
        ScopeKind::Capsule => &[TAG_KIND, TAG_TENANT, TAG_CAPSULE, TAG_CODE],
    }
}

/// The two policies of the shared role that tenant (or capsule) scopes assume with session
/// tags: attach [`permission_policy`](Self::permission_policy) to the role and make
/// [`trust_policy`](Self::trust_policy) its trust policy.
///
/// ```
/// use scoped_runtime::{AbacPolicies, RoleArn, ScopeKind};
///
/// let role = RoleArn::new("arn:aws:iam::123456789012:role/scoped-tenants")?;
/// let service = RoleArn::new("arn:aws:iam::123456789012:role/crm-service")?;
/// let policies = AbacPolicies::new(ScopeKind::Tenant, &role, &service)?;
/// assert!(policies.permission_policy().contains("TENANT#${aws:PrincipalTag/scoped-tenant}#*"));
/// assert!(policies.trust_policy().contains("sts:TagSession"));
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbacPolicies {
    permission: String,
    trust: String,
}

impl AbacPolicies {
    /// The policies of `role`, the shared role of scopes of `kind`, assumed by `service` (the
    /// role the application runs as).
    ///
    /// # Errors
    ///
    /// [`ScopeError::NoAbacRole`] for [`ScopeKind::Platform`]: the platform signs with the
    /// process's own credentials.
    pub fn new(kind: ScopeKind, role: &RoleArn, service: &RoleArn) -> Result<Self, ScopeError> {
        let (tenant, capsule, code) = (
            variable(TAG_TENANT),
            variable(TAG_CAPSULE),
            variable(TAG_CODE),
        );
        let scope = match kind {
            ScopeKind::Platform => return Err(ScopeError::NoAbacRole { kind }),
            ScopeKind::Tenant => PolicyScope::Tenant { tenant_id: &tenant },
            ScopeKind::Capsule => PolicyScope::Capsule {
                tenant_id: &tenant,
                capsule_id: &capsule,
                capsule_code: &code,
                bases: None,
            },
        };
        let mut statements = super::statements(&scope, Some(&placeholder(kind)?), role);
        for statement in &mut statements {
            substitute(
                statement,
                &[
                    (PLACEHOLDER_TENANT, &tenant),
                    (PLACEHOLDER_CAPSULE, &capsule),
                    (PLACEHOLDER_CODE, &code),
                ],
            );
            require_tags(statement, kind);
        }
        let permission = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
        Ok(Self {
            permission,
            trust: trust_policy(kind, service),
        })
    }

    /// The permission policy to attach to the shared role, compact JSON.
    #[must_use]
    pub fn permission_policy(&self) -> &str {
        &self.permission
    }

    /// The shared role's trust policy, compact JSON.
    #[must_use]
    pub fn trust_policy(&self) -> &str {
        &self.trust
    }
}

/// Stand-ins for a session's scope values: the services whose statements are built from a
/// scope value (S3, SQS, SNS) build them for a scope with these ids, and each is then replaced
/// by its tag's policy variable. Valid ids that no name contains by accident.
const PLACEHOLDER_TENANT: &str = "zz-abac-tenant-zz";
const PLACEHOLDER_CAPSULE: &str = "zz-abac-capsule-zz";
const PLACEHOLDER_CODE: &str = "ZZABACCODEZZ";

/// The scope of `kind` whose ids are the placeholders.
fn placeholder(kind: ScopeKind) -> Result<AnyScope, ScopeError> {
    Ok(match kind {
        ScopeKind::Platform => return Err(ScopeError::NoAbacRole { kind }),
        ScopeKind::Tenant => AnyScope::Tenant(Tenant::new(PLACEHOLDER_TENANT, "abac")?),
        ScopeKind::Capsule => AnyScope::Capsule(Capsule::new(
            PLACEHOLDER_TENANT,
            PLACEHOLDER_CAPSULE,
            PLACEHOLDER_CODE,
        )?),
    })
}

/// Replaces every placeholder in the strings of `value` by its policy variable.
fn substitute(value: &mut Value, pairs: &[(&str, &str)]) {
    match value {
        Value::String(text) => {
            for (placeholder, variable) in pairs {
                if text.contains(placeholder) {
                    *text = text.replace(placeholder, variable);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| substitute(item, pairs)),
        Value::Object(entries) => {
            // Keys too: a condition could be keyed by a name (none is today).
            let taken = std::mem::take(entries);
            for (mut key, mut item) in taken {
                for (placeholder, variable) in pairs {
                    if key.contains(placeholder) {
                        key = key.replace(placeholder, variable);
                    }
                }
                substitute(&mut item, pairs);
                entries.insert(key, item);
            }
        }
        _ => {}
    }
}

/// Adds to `statement` that the session is of `kind` and carries every tag its resources and
/// conditions read: a session without them matches nothing.
fn require_tags(statement: &mut Value, kind: ScopeKind) {
    let Some(statement) = statement.as_object_mut() else {
        return;
    };
    let condition = statement.entry("Condition").or_insert_with(|| json!({}));
    let Some(condition) = condition.as_object_mut() else {
        return;
    };
    let equals = condition.entry("StringEquals").or_insert_with(|| json!({}));
    if let Some(equals) = equals.as_object_mut() {
        equals.insert(
            format!("aws:PrincipalTag/{TAG_KIND}"),
            json!(kind.to_string()),
        );
    }
    let null = condition.entry("Null").or_insert_with(|| json!({}));
    if let Some(null) = null.as_object_mut() {
        for tag in &tag_keys(kind)[1..] {
            null.insert(format!("aws:PrincipalTag/{tag}"), json!("false"));
        }
    }
}

/// The trust policy: `service` may assume the role and tag the session, with exactly the tags
/// of `kind`, `scoped-kind` set to `kind`, and values that cannot widen a pattern.
fn trust_policy(kind: ScopeKind, service: &RoleArn) -> String {
    let keys = tag_keys(kind);
    let values: Vec<String> = keys[1..]
        .iter()
        .map(|tag| format!("aws:RequestTag/{tag}"))
        .collect();
    let mut not_like = serde_json::Map::new();
    let mut present = serde_json::Map::new();
    for key in &values {
        // `${*}` and `${?}` are IAM's literal `*` and `?`; `#` and `_` are the separators of
        // keys and table names.
        not_like.insert(key.clone(), json!(["*${*}*", "*${?}*", "*#*", "*_*"]));
        present.insert(key.clone(), json!("false"));
    }
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AssumeWithScopeTags",
            "Effect": "Allow",
            "Principal": { "AWS": service.as_str() },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": { format!("aws:RequestTag/{TAG_KIND}"): kind.to_string() },
                "ForAllValues:StringEquals": { "aws:TagKeys": keys },
                "StringNotLike": not_like,
                "Null": present,
            },
        }],
    })
    .to_string()
}
