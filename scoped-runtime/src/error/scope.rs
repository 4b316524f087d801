//! [`ScopeError`]: a value that cannot be part of a scope.

use scoped_rules::Rule;

/// A value that cannot be part of a scope: a bad id, code, name or ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// A tenant id broke [the tenant id rule](crate#naming-rules).
    #[error("invalid tenant id {value:?}: {rule}")]
    TenantId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A tenant display name is empty, too long or contains control characters.
    #[error("invalid tenant name {value:?}: {rule}")]
    TenantName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A capsule id broke [the capsule id rule](crate#naming-rules).
    #[error("invalid capsule id {value:?}: {rule}")]
    CapsuleId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A capsule code broke [the capsule code rule](crate#naming-rules).
    #[error("invalid capsule code {value:?}: {rule}")]
    CapsuleCode {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A base table name broke [the base name rule](crate#naming-rules).
    #[error("invalid base table name {value:?}: {rule}")]
    BaseName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An entity tag broke [the entity tag rule](crate#naming-rules).
    #[error("invalid entity tag {value:?}: {rule}")]
    EntityTag {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An IAM role ARN is not of the form `arn:{partition}:iam::{account}:role/{path}{name}`.
    #[error("invalid IAM role ARN {value:?}: {rule}")]
    RoleArn {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS role session name broke STS's rule (2–64 of `[A-Za-z0-9+=,.@_-]`).
    #[error("invalid role session name {value:?}: {rule}")]
    SessionName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS session duration is outside 15 minutes to 12 hours.
    #[error("invalid session duration {value:?}: {rule}")]
    SessionDuration {
        /// The rejected value.
        value: std::time::Duration,
        /// The rule it broke.
        rule: Rule,
    },
    /// An inline session policy is empty or over STS's 2,048 characters.
    #[error("invalid session policy ({} characters): {rule}", value.chars().count())]
    SessionPolicy {
        /// The rejected policy.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// The session policy generated for a scope exceeds STS's limit.
    #[error(
        "the session policy for {scope} is {len} characters, over STS's limit of {max}: \
         give the scope's role fewer tables, or assume a shared role with session tags instead \
         (`with_abac_role`), whose permission policy is not bound by it"
    )]
    PolicyTooLarge {
        /// The scope the policy was generated for.
        scope: String,
        /// The policy's length in characters.
        len: usize,
        /// STS's limit.
        max: usize,
    },
    /// ABAC roles are for tenant and capsule scopes: the platform signs with the process's
    /// own credentials.
    #[error("the {kind} scope has no ABAC role: only tenant and capsule scopes assume one")]
    NoAbacRole {
        /// The kind asked for.
        kind: crate::kind::ScopeKind,
    },
    /// A managed session policy ARN is malformed, or more than 10 were given.
    #[error("invalid session policy ARN {value:?}: {rule}")]
    PolicyArn {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS external id broke STS's rule (2–1224 of `[A-Za-z0-9+=,.@:/_-]`).
    #[error("invalid external id {value:?}: {rule}")]
    ExternalId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
}
