//! The data scopes: [`Platform`], [`Tenant`] and [`Capsule`].
//!
//! A scope decides the table names and partition-key prefix of everything stored in it. Scopes
//! are cheap to clone (an `Arc` inside) and can only be built through their validating
//! constructors.

use std::fmt;
use std::sync::Arc;

use crate::error::{IsolationViolation, KeyError, ScopeError};
use crate::iam::{self, PolicyScope};
use crate::ident::{BaseName, CapsuleCode, CapsuleId, EntityTag, TenantId, TenantName};
use crate::key::{self, DecodedKey, KeyPrefix, KeyScope, MAX_PARTITION_KEY_BYTES};
pub use crate::kind::ScopeKind;
use crate::naming::table::TableName;
use crate::role::{RoleArn, RoleSpec, SessionName, SessionTag};

pub(crate) mod sealed {
    use super::{AnyScope, ScopeRef};

    /// What the runtime, but no one else, asks of every scope.
    pub trait Sealed {
        /// The scope as a value of one type: the key of its guarded clients.
        fn any_scope(&self) -> AnyScope;

        /// The scope borrowed as a value of one type: what names are built from, without
        /// the reference-count traffic of a clone.
        fn scope_ref(&self) -> ScopeRef<'_>;
    }

    impl Sealed for super::Platform {
        fn any_scope(&self) -> AnyScope {
            AnyScope::Platform
        }

        fn scope_ref(&self) -> ScopeRef<'_> {
            ScopeRef::Platform
        }
    }

    impl Sealed for super::Tenant {
        fn any_scope(&self) -> AnyScope {
            AnyScope::Tenant(self.clone())
        }

        fn scope_ref(&self) -> ScopeRef<'_> {
            ScopeRef::Tenant(self)
        }
    }

    impl Sealed for super::Capsule {
        fn any_scope(&self) -> AnyScope {
            AnyScope::Capsule(self.clone())
        }

        fn scope_ref(&self) -> ScopeRef<'_> {
            ScopeRef::Capsule(self)
        }
    }
}

/// Any one scope, borrowed: [`AnyScope`] without owning the scope.
#[derive(Debug, Clone, Copy)]
pub enum ScopeRef<'a> {
    Platform,
    Tenant(&'a Tenant),
    Capsule(&'a Capsule),
}

/// Any one scope, as a value: what a service builds a guarded client for, and the key the
/// factory caches it under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnyScope {
    Platform,
    Tenant(Tenant),
    Capsule(Capsule),
}

impl AnyScope {
    /// The scope, borrowed.
    pub(crate) fn scope_ref(&self) -> ScopeRef<'_> {
        match self {
            Self::Platform => ScopeRef::Platform,
            Self::Tenant(tenant) => ScopeRef::Tenant(tenant),
            Self::Capsule(capsule) => ScopeRef::Capsule(capsule),
        }
    }

    /// The role the scope's clients sign with, if it carries one.
    pub(crate) fn signing_role(&self) -> Option<&Arc<RoleSpec>> {
        match self {
            Self::Platform => None,
            Self::Tenant(tenant) => tenant.role(),
            Self::Capsule(capsule) => capsule.role(),
        }
    }
}

/// A data scope: it names tables and prefixes partition keys. Implemented by [`Platform`],
/// [`Tenant`] and [`Capsule`] only.
pub trait Scope: sealed::Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    /// Which scope this is.
    const KIND: ScopeKind;

    /// The name of this scope's table with base name `base`: `events`, `tenant-123_events` or
    /// `PRODUS_events`.
    fn table(&self, base: &BaseName) -> TableName;

    /// The length in bytes of the key prefix [`Scope::write_key_prefix`] writes.
    #[doc(hidden)]
    fn key_prefix_len(&self) -> usize;

    /// Writes this scope's partition-key prefix, ending in `#` unless empty.
    #[doc(hidden)]
    fn write_key_prefix(&self, out: &mut String);

    /// `key` after this scope's partition-key prefix, if it starts with exactly that prefix.
    #[doc(hidden)]
    fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str>;

    /// Whether a decoded key's scope segments are exactly this scope's.
    #[doc(hidden)]
    fn owns(&self, key: &DecodedKey<'_>) -> Result<(), IsolationViolation>;

    /// The partition key of entity `entity` with ids `ids` in this scope.
    ///
    /// Each id is escaped (`%` → `%25`, `#` → `%23`), so no id can add a segment; the key is
    /// allocated once, with exact capacity.
    ///
    /// ```
    /// use scoped_runtime::{Capsule, EntityTag, Scope};
    ///
    /// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    /// let key = capsule.partition_key(&EntityTag::from_static("LEAD"), &["lead#789"])?;
    /// assert_eq!(key, "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead%23789");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`KeyError`] if an id is empty, no id is given, or the key exceeds 2048 bytes.
    fn partition_key(&self, entity: &EntityTag, ids: &[&str]) -> Result<String, KeyError> {
        key::encode(self, entity, ids)
    }

    /// Checks that `key` is a well-formed partition key of exactly this scope, comparing whole
    /// segments: `TENANT#t10#…` is not tenant `t1`'s, `…#CAPSULE#caps-4567#…` is not capsule
    /// `caps-456`'s.
    ///
    /// # Errors
    ///
    /// [`IsolationViolation`] saying which segment differs, or that the key is malformed.
    fn check_key(&self, key: &str) -> Result<(), IsolationViolation> {
        // A key that starts with exactly this scope's prefix and is well-formed after it is
        // this scope's own (`TENANT` and `CAPSULE` are not entity tags, so no other scope's
        // segments can follow the prefix): accept it without decoding it. Anything else is
        // decoded in full, for the error that names what is wrong.
        if key.len() <= MAX_PARTITION_KEY_BYTES
            && self
                .strip_key_prefix(key)
                .is_some_and(key::is_entity_and_ids)
        {
            return Ok(());
        }
        let decoded = DecodedKey::parse(key).map_err(IsolationViolation::Malformed)?;
        self.owns(&decoded)
    }
}

/// Every scope is a partition-key prefix: what the key codec asks of it.
impl<S: Scope> KeyPrefix for S {
    fn key_prefix_len(&self) -> usize {
        Scope::key_prefix_len(self)
    }

    fn write_key_prefix(&self, out: &mut String) {
        Scope::write_key_prefix(self, out);
    }

    fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str> {
        Scope::strip_key_prefix(self, key)
    }
}

fn wrong_scope(expected: ScopeKind, key: &DecodedKey<'_>) -> IsolationViolation {
    IsolationViolation::WrongScope {
        key: key.as_str().to_owned(),
        expected,
        found: key.scope().kind(),
    }
}

/// The platform scope: tables and keys shared by the whole platform, without a prefix.
///
/// ```
/// use scoped_runtime::{BaseName, Platform, Scope};
///
/// let platform = Platform::new();
/// assert_eq!(platform.table(&BaseName::from_static("events")).as_str(), "events");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Platform {
    _private: (),
}

impl Platform {
    /// The platform scope.
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl Scope for Platform {
    const KIND: ScopeKind = ScopeKind::Platform;

    fn table(&self, base: &BaseName) -> TableName {
        TableName::new(None, base)
    }

    fn key_prefix_len(&self) -> usize {
        0
    }

    fn write_key_prefix(&self, _out: &mut String) {}

    fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str> {
        Some(key)
    }

    fn owns(&self, key: &DecodedKey<'_>) -> Result<(), IsolationViolation> {
        match key.scope() {
            KeyScope::Platform => Ok(()),
            _ => Err(wrong_scope(Self::KIND, key)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TenantInner {
    id: TenantId,
    name: TenantName,
    role: Option<Arc<RoleSpec>>,
}

/// One customer of the platform.
///
/// ```
/// use scoped_runtime::{BaseName, Scope, Tenant};
///
/// let tenant = Tenant::new("tenant-123", "Acme Corp")?
///     .with_role_arn("arn:aws:iam::123456789012:role/tenant-123")?;
/// assert_eq!(tenant.table(&BaseName::from_static("notifications")).as_str(), "tenant-123_notifications");
/// assert!(Tenant::new("Tenant_123", "Acme").is_err());
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tenant {
    inner: Arc<TenantInner>,
}

impl Tenant {
    /// A tenant with id `tenant_id` (see [`TenantId`]) and display name `tenant_name`.
    ///
    /// # Errors
    ///
    /// [`ScopeError::TenantId`] or [`ScopeError::TenantName`] naming the bad value.
    pub fn new(
        tenant_id: impl Into<String>,
        tenant_name: impl Into<String>,
    ) -> Result<Self, ScopeError> {
        Ok(Self {
            inner: Arc::new(TenantInner {
                id: TenantId::new(tenant_id)?,
                name: TenantName::new(tenant_name)?,
                role: None,
            }),
        })
    }

    /// The same tenant, whose clients sign with the credentials of role `role_arn`, assumed
    /// with session name `tenant-{tenant_id}` for STS's default hour, with a session policy
    /// generated from the tenant (see [`Tenant::session_policy`]), and cached by the factory
    /// (see [`AwsClientFactory`](crate::AwsClientFactory), "Credentials").
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] if `role_arn` is not an IAM role ARN.
    pub fn with_role_arn(self, role_arn: impl Into<String>) -> Result<Self, ScopeError> {
        let any = AnyScope::Tenant(self.clone());
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let role_arn = RoleArn::new(role_arn)?;
        let scope = PolicyScope::Tenant {
            tenant_id: inner.id.as_str(),
        };
        inner.role = Some(scope_role(
            role_arn,
            &scope,
            &any,
            &["tenant", inner.id.as_str()],
        )?);
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The tenant assuming the **shared** tenant role `role_arn` with session tags
    /// (`scoped-kind=tenant`, `scoped-tenant={id}`) instead of a role of its own (ABAC): the
    /// role's permission policy, from [`AbacPolicies`](crate::AbacPolicies), reads the tenant
    /// from the tags, so one role serves every tenant. No inline session policy is sent.
    /// Credentials are cached per tenant.
    ///
    /// ```
    /// use scoped_runtime::Tenant;
    ///
    /// let tenant = Tenant::new("tenant-123", "Acme")?
    ///     .with_abac_role("arn:aws:iam::123456789012:role/scoped-tenants")?;
    /// assert_eq!(tenant.session_tags(), [("scoped-kind", "tenant"), ("scoped-tenant", "tenant-123")]);
    /// assert_eq!(tenant.session_policy(), None);
    /// # Ok::<(), scoped_runtime::ScopeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] if `role_arn` is not an IAM role ARN.
    pub fn with_abac_role(self, role_arn: impl Into<String>) -> Result<Self, ScopeError> {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let mut spec = RoleSpec::new(
            RoleArn::new(role_arn)?,
            session_name(&["tenant", inner.id.as_str()]),
        );
        spec.tags = session_tags(ScopeKind::Tenant, &[inner.id.as_str()]);
        inner.role = Some(Arc::new(spec));
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The session tags the tenant's role is assumed with: empty unless
    /// [`with_abac_role`](Self::with_abac_role).
    #[must_use]
    pub fn session_tags(&self) -> Vec<(&'static str, &str)> {
        tags_of(self.inner.role.as_deref())
    }

    /// The tenant's id.
    #[must_use]
    pub fn id(&self) -> &TenantId {
        &self.inner.id
    }

    /// The tenant's display name.
    #[must_use]
    pub fn name(&self) -> &TenantName {
        &self.inner.name
    }

    /// The role the tenant's clients assume, if any.
    #[must_use]
    pub fn role_arn(&self) -> Option<&RoleArn> {
        self.inner.role.as_ref().map(|role| &role.role_arn)
    }

    /// The session policy the tenant's role is assumed with, if it has a role: item access to
    /// every `{tenant_id}_*` table of the role's account for partition keys starting
    /// `TENANT#{tenant_id}#` only, and on those tables, which hold only the tenant's items, the
    /// table-level work the isolation guard allows (create, describe, update, delete, TTL,
    /// scan, index queries by any key).
    ///
    /// ```
    /// use scoped_runtime::Tenant;
    ///
    /// let tenant = Tenant::new("t1", "Acme")?.with_role_arn("arn:aws:iam::123456789012:role/t1")?;
    /// let policy = tenant.session_policy().unwrap();
    /// assert!(policy.contains(r#""dynamodb:LeadingKeys":["TENANT#t1#*"]"#));
    /// assert!(policy.contains("table/t1_*"));
    /// # Ok::<(), scoped_runtime::ScopeError>(())
    /// ```
    #[must_use]
    pub fn session_policy(&self) -> Option<&str> {
        self.inner.role.as_ref()?.policy.as_deref()
    }

    /// The full description of the tenant's role, as the credential cache keys it.
    pub(crate) fn role(&self) -> Option<&Arc<RoleSpec>> {
        self.inner.role.as_ref()
    }
}

/// The role description of a role-carrying scope: session name from `session`, session policy
/// generated from `scope`.
/// The ABAC session tags of a scope of `kind` whose identifiers (after the kind) are `values`.
fn session_tags(kind: ScopeKind, values: &[&str]) -> Box<[SessionTag]> {
    let keys = iam::abac::tag_keys(kind);
    let kind = kind.to_string();
    std::iter::once(kind.as_str())
        .chain(values.iter().copied())
        .zip(keys)
        .map(|(value, key)| SessionTag {
            key,
            value: value.into(),
        })
        .collect()
}

fn tags_of(role: Option<&RoleSpec>) -> Vec<(&'static str, &str)> {
    role.map(|role| role.tags.iter().map(|tag| (tag.key, &*tag.value)).collect())
        .unwrap_or_default()
}

fn scope_role(
    role_arn: RoleArn,
    scope: &PolicyScope<'_>,
    any: &AnyScope,
    session: &[&str],
) -> Result<Arc<RoleSpec>, ScopeError> {
    let policy = iam::session_policy(scope, any, &role_arn)?;
    let mut spec = RoleSpec::new(role_arn, session_name(session));
    spec.policy = Some(policy.into());
    Ok(Arc::new(spec))
}

/// `{parts joined by -}`, cut to STS's 64 characters. The parts are ids of `[a-z0-9-]`, so
/// every prefix is a valid session name.
fn session_name(parts: &[&str]) -> SessionName {
    let mut name = parts.join("-");
    name.truncate(64);
    SessionName::from_trusted(name)
}

const TENANT_MARK: &str = "TENANT#";
const CAPSULE_MARK: &str = "#CAPSULE#";

impl Scope for Tenant {
    const KIND: ScopeKind = ScopeKind::Tenant;

    fn table(&self, base: &BaseName) -> TableName {
        TableName::new(Some(self.inner.id.as_str()), base)
    }

    fn key_prefix_len(&self) -> usize {
        TENANT_MARK.len() + self.inner.id.as_str().len() + 1
    }

    fn write_key_prefix(&self, out: &mut String) {
        out.push_str(TENANT_MARK);
        out.push_str(self.inner.id.as_str());
        out.push('#');
    }

    fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(TENANT_MARK)?
            .strip_prefix(self.inner.id.as_str())?
            .strip_prefix('#')
    }

    fn owns(&self, key: &DecodedKey<'_>) -> Result<(), IsolationViolation> {
        match key.scope() {
            KeyScope::Tenant { tenant_id } if tenant_id == self.inner.id.as_str() => Ok(()),
            KeyScope::Tenant { tenant_id } => Err(IsolationViolation::CrossTenant {
                key: key.as_str().to_owned(),
                expected: self.inner.id.to_string(),
                found: tenant_id.to_owned(),
            }),
            _ => Err(wrong_scope(Self::KIND, key)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CapsuleInner {
    tenant_id: TenantId,
    id: CapsuleId,
    code: CapsuleCode,
    role: Option<Arc<RoleSpec>>,
}

/// One SDLC environment (dev, staging, prod…) of one tenant.
///
/// Capsule tables are named by capsule code and shared by every tenant's capsule with that
/// code (`PRODUS_crm` holds all `PRODUS` capsules); keys carry tenant and capsule id.
///
/// ```
/// use scoped_runtime::{BaseName, Capsule, Scope};
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// assert_eq!(capsule.table(&BaseName::from_static("crm")).as_str(), "PRODUS_crm");
/// assert_eq!(capsule.code().as_str(), "PRODUS");
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Capsule {
    inner: Arc<CapsuleInner>,
}

impl Capsule {
    /// Capsule `capsule_id` of tenant `tenant_id`, with code `capsule_code` (see
    /// [`CapsuleCode`]).
    ///
    /// # Errors
    ///
    /// [`ScopeError::TenantId`], [`ScopeError::CapsuleId`] or [`ScopeError::CapsuleCode`]
    /// naming the bad value.
    pub fn new(
        tenant_id: impl Into<String>,
        capsule_id: impl Into<String>,
        capsule_code: impl Into<String>,
    ) -> Result<Self, ScopeError> {
        Ok(Self {
            inner: Arc::new(CapsuleInner {
                tenant_id: TenantId::new(tenant_id)?,
                id: CapsuleId::new(capsule_id)?,
                code: CapsuleCode::new(capsule_code)?,
                role: None,
            }),
        })
    }

    /// The owning tenant's id.
    #[must_use]
    pub fn tenant_id(&self) -> &TenantId {
        &self.inner.tenant_id
    }

    /// The capsule's id.
    #[must_use]
    pub fn id(&self) -> &CapsuleId {
        &self.inner.id
    }

    /// The capsule's code.
    #[must_use]
    pub fn code(&self) -> &CapsuleCode {
        &self.inner.code
    }

    /// The same capsule, whose clients sign with the credentials of role `role_arn`, assumed
    /// with session name `capsule-{tenant_id}-{capsule_id}` and a session policy that allows
    /// only the `{capsule_code}_{base}` tables for `bases`, only this capsule's partition
    /// keys, and on those (shared) tables only what `provision` needs besides items:
    /// `CreateTable`, `DescribeTable`, `DescribeTimeToLive` (see [`Capsule::session_policy`]).
    ///
    /// ```
    /// use scoped_runtime::Capsule;
    ///
    /// let capsule = Capsule::new("t1", "caps-456", "PRODUS")?
    ///     .with_role_arn("arn:aws:iam::123456789012:role/capsules", ["crm", "billing"])?;
    /// let policy = capsule.session_policy().unwrap();
    /// assert!(policy.contains("table/PRODUS_crm"));
    /// assert!(policy.contains("TENANT#t1#CAPSULE#caps-456#*"));
    /// # Ok::<(), scoped_runtime::ScopeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] or [`ScopeError::BaseName`] for a bad value,
    /// [`ScopeError::BaseName`] with [`Rule::Empty`](crate::Rule::Empty) when `bases` is
    /// empty, [`ScopeError::PolicyTooLarge`] when so many tables are listed that the policy
    /// exceeds STS's 2,048 characters.
    pub fn with_role_arn<I, S>(
        self,
        role_arn: impl Into<String>,
        bases: I,
    ) -> Result<Self, ScopeError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut bases = bases
            .into_iter()
            .map(BaseName::new)
            .collect::<Result<Vec<_>, _>>()?;
        if bases.is_empty() {
            return Err(ScopeError::BaseName {
                value: String::new(),
                rule: scoped_rules::Rule::Empty,
            });
        }
        bases.sort();
        bases.dedup();
        let any = AnyScope::Capsule(self.clone());
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let role_arn = RoleArn::new(role_arn)?;
        let scope = PolicyScope::Capsule {
            tenant_id: inner.tenant_id.as_str(),
            capsule_id: inner.id.as_str(),
            capsule_code: inner.code.as_str(),
            bases: Some(&bases),
        };
        let session = ["capsule", inner.tenant_id.as_str(), inner.id.as_str()];
        inner.role = Some(scope_role(role_arn, &scope, &any, &session)?);
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The capsule assuming the **shared** capsule role `role_arn` with session tags
    /// (`scoped-kind=capsule`, `scoped-tenant`, `scoped-capsule`, `scoped-code`) instead of a
    /// role of its own (ABAC); see [`Tenant::with_abac_role`]. The role's permission policy
    /// reaches every `{code}_{base}` table of the capsule's code, and in them only the
    /// capsule's partition keys.
    ///
    /// ```
    /// use scoped_runtime::Capsule;
    ///
    /// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?
    ///     .with_abac_role("arn:aws:iam::123456789012:role/scoped-capsules")?;
    /// assert_eq!(capsule.session_tags()[3], ("scoped-code", "PRODUS"));
    /// # Ok::<(), scoped_runtime::ScopeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] if `role_arn` is not an IAM role ARN.
    pub fn with_abac_role(self, role_arn: impl Into<String>) -> Result<Self, ScopeError> {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let mut spec = RoleSpec::new(
            RoleArn::new(role_arn)?,
            session_name(&["capsule", inner.tenant_id.as_str(), inner.id.as_str()]),
        );
        spec.tags = session_tags(
            ScopeKind::Capsule,
            &[
                inner.tenant_id.as_str(),
                inner.id.as_str(),
                inner.code.as_str(),
            ],
        );
        inner.role = Some(Arc::new(spec));
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The session tags the capsule's role is assumed with: empty unless
    /// [`with_abac_role`](Self::with_abac_role).
    #[must_use]
    pub fn session_tags(&self) -> Vec<(&'static str, &str)> {
        tags_of(self.inner.role.as_deref())
    }

    /// The role the capsule's clients assume, if any.
    #[must_use]
    pub fn role_arn(&self) -> Option<&RoleArn> {
        self.inner.role.as_ref().map(|role| &role.role_arn)
    }

    /// The session policy the capsule's role is assumed with, if it has a role: item access to
    /// the listed tables and their indexes for this capsule's partition keys only, and
    /// `CreateTable`, `DescribeTable`, `DescribeTimeToLive` on the listed tables; never `Scan`
    /// or a table change, since the tables are shared with every tenant of the code.
    #[must_use]
    pub fn session_policy(&self) -> Option<&str> {
        self.inner.role.as_ref()?.policy.as_deref()
    }

    pub(crate) fn role(&self) -> Option<&Arc<RoleSpec>> {
        self.inner.role.as_ref()
    }
}

impl Scope for Capsule {
    const KIND: ScopeKind = ScopeKind::Capsule;

    fn table(&self, base: &BaseName) -> TableName {
        TableName::new(Some(self.inner.code.as_str()), base)
    }

    fn key_prefix_len(&self) -> usize {
        TENANT_MARK.len()
            + self.inner.tenant_id.as_str().len()
            + CAPSULE_MARK.len()
            + self.inner.id.as_str().len()
            + 1
    }

    fn write_key_prefix(&self, out: &mut String) {
        out.push_str(TENANT_MARK);
        out.push_str(self.inner.tenant_id.as_str());
        out.push_str(CAPSULE_MARK);
        out.push_str(self.inner.id.as_str());
        out.push('#');
    }

    fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(TENANT_MARK)?
            .strip_prefix(self.inner.tenant_id.as_str())?
            .strip_prefix(CAPSULE_MARK)?
            .strip_prefix(self.inner.id.as_str())?
            .strip_prefix('#')
    }

    fn owns(&self, key: &DecodedKey<'_>) -> Result<(), IsolationViolation> {
        let KeyScope::Capsule {
            tenant_id,
            capsule_id,
        } = key.scope()
        else {
            return Err(wrong_scope(Self::KIND, key));
        };
        if tenant_id != self.inner.tenant_id.as_str() {
            return Err(IsolationViolation::CrossTenant {
                key: key.as_str().to_owned(),
                expected: self.inner.tenant_id.to_string(),
                found: tenant_id.to_owned(),
            });
        }
        if capsule_id != self.inner.id.as_str() {
            return Err(IsolationViolation::CrossCapsule {
                key: key.as_str().to_owned(),
                expected: self.inner.id.to_string(),
                found: capsule_id.to_owned(),
            });
        }
        Ok(())
    }
}
