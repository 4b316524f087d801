//! IAM roles: validated role ARNs, STS session names and external ids, and the operator role.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use crate::error::ScopeError;
use scoped_rules::Rule;

const MAX_ARN: usize = 2048;
const MAX_ROLE_NAME: usize = 64;

/// An IAM role ARN: `arn:aws:iam::123456789012:role/ops/operator`.
///
/// Checked at construction: partition, the `iam` service with an empty region, a 12-digit
/// account, the `role/` resource type, an optional path and a role name of 1–64 characters of
/// `[A-Za-z0-9+=,.@_-]`.
///
/// ```
/// let arn = scoped_runtime::RoleArn::new("arn:aws:iam::123456789012:role/ops/operator")?;
/// assert_eq!(arn.account_id(), "123456789012");
/// assert_eq!(arn.role_name(), "operator");
/// assert!(scoped_runtime::RoleArn::new("arn:aws:iam::1234:role/x").is_err());
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleArn(Box<str>);

impl RoleArn {
    /// Validates `value` as a role ARN.
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] naming the value and the part that is wrong.
    pub fn new(value: impl Into<String>) -> Result<Self, ScopeError> {
        let value = value.into();
        match check_role_arn(&value) {
            Ok(()) => Ok(Self(value.into())),
            Err(rule) => Err(ScopeError::RoleArn { value, rule }),
        }
    }

    /// The ARN as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An ARN built by this crate from already-validated parts (the benchmarks' roles).
    #[cfg(any(test, feature = "test-util"))]
    pub(crate) fn from_trusted(value: String) -> Self {
        debug_assert!(check_role_arn(&value).is_ok(), "{value}");
        Self(value.into())
    }

    /// The partition: `aws`, `aws-cn`, `aws-us-gov`…
    #[must_use]
    pub fn partition(&self) -> &str {
        self.field(1)
    }

    /// The 12-digit account the role lives in.
    #[must_use]
    pub fn account_id(&self) -> &str {
        self.field(4)
    }

    /// The role's name, without its path.
    #[must_use]
    pub fn role_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }

    fn field(&self, n: usize) -> &str {
        self.0.split(':').nth(n).unwrap_or_default()
    }
}

fn check_role_arn(value: &str) -> Result<(), Rule> {
    if value.is_empty() {
        return Err(Rule::Empty);
    }
    if value.len() > MAX_ARN {
        return Err(Rule::TooLong {
            max: MAX_ARN,
            len: value.len(),
        });
    }
    let mut fields = value.splitn(6, ':');
    let mut next = || fields.next().unwrap_or_default();
    let (arn, partition, service, region, account, resource) =
        (next(), next(), next(), next(), next(), next());
    if arn != "arn" {
        return Err(Rule::Format("must start with `arn:`"));
    }
    if partition.is_empty()
        || !partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return Err(Rule::Format(
            "the partition (`aws`, `aws-cn`…) must be lowercase letters and `-`",
        ));
    }
    if service != "iam" {
        return Err(Rule::Format("the service must be `iam`"));
    }
    if !region.is_empty() {
        return Err(Rule::Format("IAM ARNs have an empty region (`iam::`)"));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rule::Format("the account must be 12 digits"));
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(Rule::Format("the resource must be `role/{path}{name}`"));
    };
    let (path, name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (path, name),
        None => ("", path_and_name),
    };
    if path.split('/').any(|segment| {
        !segment
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b':')
    }) {
        return Err(Rule::Format("the role path has a character IAM rejects"));
    }
    if name.is_empty() || name.len() > MAX_ROLE_NAME || !name.bytes().all(is_iam_name_byte) {
        return Err(Rule::Format(
            "the role name must be 1-64 characters of `[A-Za-z0-9+=,.@_-]`",
        ));
    }
    Ok(())
}

const fn is_iam_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-')
}

/// Checks `value` as 2–`max` characters of the IAM name set plus `extra`.
fn check_sts_string(value: &str, max: usize, extra: &[u8]) -> Result<(), Rule> {
    if value.is_empty() {
        return Err(Rule::Empty);
    }
    if let Some((index, ch)) = value.char_indices().find(|&(_, ch)| {
        !(ch.is_ascii() && (is_iam_name_byte(ch as u8) || extra.contains(&(ch as u8))))
    }) {
        return Err(Rule::InvalidChar {
            ch,
            index,
            allowed: if extra.is_empty() {
                "`[A-Za-z0-9+=,.@_-]`"
            } else {
                "`[A-Za-z0-9+=,.@:/_-]`"
            },
        });
    }
    if value.len() < 2 {
        return Err(Rule::TooShort {
            min: 2,
            len: value.len(),
        });
    }
    if value.len() > max {
        return Err(Rule::TooLong {
            max,
            len: value.len(),
        });
    }
    Ok(())
}

/// An STS role session name: 2–64 characters of `[A-Za-z0-9+=,.@_-]`. It shows in CloudTrail as
/// who did what.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionName(Box<str>);

impl SessionName {
    /// Validates `value` as a session name.
    ///
    /// # Errors
    ///
    /// [`ScopeError::SessionName`] naming the value and the rule.
    pub fn new(value: impl Into<String>) -> Result<Self, ScopeError> {
        let value = value.into();
        match check_sts_string(&value, 64, b"") {
            Ok(()) => Ok(Self(value.into())),
            Err(rule) => Err(ScopeError::SessionName { value, rule }),
        }
    }

    /// A name built by this crate from already-validated parts.
    pub(crate) fn from_trusted(value: String) -> Self {
        debug_assert!(check_sts_string(&value, 64, b"").is_ok(), "{value}");
        Self(value.into())
    }

    /// The name as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An STS external id, the shared secret a third party's trust policy demands: 2–1224
/// characters of `[A-Za-z0-9+=,.@:/_-]`.
///
/// Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalId(Box<str>);

impl ExternalId {
    /// Validates `value` as an external id.
    ///
    /// # Errors
    ///
    /// [`ScopeError::ExternalId`] naming the rule (the value is in the error, so do not log it
    /// where the secret must not appear).
    pub fn new(value: impl Into<String>) -> Result<Self, ScopeError> {
        let value = value.into();
        match check_sts_string(&value, 1224, b":/") {
            Ok(()) => Ok(Self(value.into())),
            Err(rule) => Err(ScopeError::ExternalId { value, rule }),
        }
    }

    /// The id as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExternalId(<redacted>)")
    }
}

macro_rules! string_traits {
    ($($name:ident),*) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ScopeError;

            fn from_str(value: &str) -> Result<Self, ScopeError> {
                Self::new(value)
            }
        }
    )*};
}

string_traits!(RoleArn, SessionName);

/// The shortest session STS grants, and the default upper bound of a role's sessions.
pub(crate) const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
/// The longest session STS can grant (a role's `MaxSessionDuration` may be lower).
pub(crate) const MAX_SESSION: Duration = Duration::from_secs(12 * 60 * 60);
/// STS's default session length when no duration is asked for.
pub(crate) const DEFAULT_SESSION: Duration = Duration::from_secs(60 * 60);
/// The most managed policy ARNs one AssumeRole call may pass.
const MAX_POLICY_ARNS: usize = 10;

/// Everything an `sts:AssumeRole` call sends, and so everything that changes the permissions of
/// the credentials it returns. Two roles share cached credentials only if all of it is equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RoleSpec {
    pub(crate) role_arn: RoleArn,
    pub(crate) session_name: SessionName,
    pub(crate) external_id: Option<ExternalId>,
    pub(crate) duration: Duration,
    /// An inline session policy, shared by every copy of the spec.
    pub(crate) policy: Option<Arc<str>>,
    /// Boxed, not `Arc`ed: an empty box allocates nothing, and the spec itself is shared.
    pub(crate) policy_arns: Box<[RolePolicyArn]>,
    /// Session tags (ABAC: `scoped-tenant` = the tenant id…), in a fixed order. Part of the
    /// cache key: two tenants on one shared role never share credentials.
    pub(crate) tags: Box<[SessionTag]>,
}

/// One session tag of an `sts:AssumeRole` call: a key from `iam::abac` and a validated scope
/// identifier (`a-z 0-9 -` or `A-Z 0-9`), which IAM accepts as a tag value and which cannot
/// widen a policy pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SessionTag {
    pub(crate) key: &'static str,
    pub(crate) value: Box<str>,
}

impl RoleSpec {
    pub(crate) fn new(role_arn: RoleArn, session_name: SessionName) -> Self {
        Self {
            role_arn,
            session_name,
            external_id: None,
            duration: DEFAULT_SESSION,
            policy: None,
            policy_arns: Box::default(),
            tags: Box::default(),
        }
    }
}

/// The ARN of a managed IAM policy passed to `sts:AssumeRole` as a session policy:
/// `arn:aws:iam::aws:policy/ReadOnlyAccess`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RolePolicyArn(Box<str>);

impl RolePolicyArn {
    fn new(value: String) -> Result<Self, ScopeError> {
        let mut fields = value.splitn(6, ':');
        let ok = fields.next() == Some("arn")
            && fields.next().is_some_and(|p| !p.is_empty())
            && fields.next() == Some("iam")
            && fields.next() == Some("")
            && fields.next().is_some_and(|account| {
                account == "aws"
                    || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
            })
            && fields.next().is_some_and(|resource| {
                resource.len() > "policy/".len() && resource.starts_with("policy/")
            });
        if ok && value.len() <= MAX_ARN {
            Ok(Self(value.into()))
        } else {
            Err(ScopeError::PolicyArn {
                value,
                rule: Rule::Format("must be `arn:{partition}:iam::{account or aws}:policy/{name}`"),
            })
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// A role that operator clients assume through STS, usually in another account.
///
/// Everything here is sent with `sts:AssumeRole` and is part of the credential cache's key, so
/// two descriptions that differ in anything get different credentials.
///
/// ```
/// use std::time::Duration;
/// use scoped_runtime::OperatorRole;
///
/// let role = OperatorRole::new("arn:aws:iam::123456789012:role/org-operator", "billing-sync")?
///     .with_external_id("partner-7f3a")?
///     .with_duration(Duration::from_secs(15 * 60))?
///     .with_session_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}"#)?;
/// assert_eq!(role.role_arn().account_id(), "123456789012");
/// assert_eq!(role.session_name().as_str(), "billing-sync");
/// assert_eq!(role.duration(), Duration::from_secs(900));
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperatorRole {
    spec: Arc<RoleSpec>,
}

impl OperatorRole {
    /// Describes the role `role_arn`, assumed with session name `session_name` for STS's
    /// default hour.
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] or [`ScopeError::SessionName`] for a value that breaks its rule.
    pub fn new(
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Result<Self, ScopeError> {
        Ok(Self {
            spec: Arc::new(RoleSpec::new(
                RoleArn::new(role_arn)?,
                SessionName::new(session_name)?,
            )),
        })
    }

    /// Adds the external id the role's trust policy requires.
    ///
    /// # Errors
    ///
    /// [`ScopeError::ExternalId`] if `external_id` breaks STS's rule.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Result<Self, ScopeError> {
        Arc::make_mut(&mut self.spec).external_id = Some(ExternalId::new(external_id)?);
        Ok(self)
    }

    /// Asks for sessions of `duration` (STS allows 15 minutes to 12 hours, and at most the
    /// role's own `MaxSessionDuration`, which STS checks).
    ///
    /// # Errors
    ///
    /// [`ScopeError::SessionDuration`] outside 15 minutes to 12 hours.
    pub fn with_duration(mut self, duration: Duration) -> Result<Self, ScopeError> {
        Arc::make_mut(&mut self.spec).duration = check_duration(duration)?;
        Ok(self)
    }

    /// Restricts the session with an inline session policy (IAM policy JSON): the credentials
    /// can do only what both the role and this policy allow.
    ///
    /// # Errors
    ///
    /// [`ScopeError::SessionPolicy`] if the policy is empty or longer than STS's 2,048
    /// characters.
    pub fn with_session_policy(mut self, policy: impl Into<String>) -> Result<Self, ScopeError> {
        Arc::make_mut(&mut self.spec).policy = Some(check_session_policy(policy.into())?);
        Ok(self)
    }

    /// Restricts the session with managed policies (at most 10 ARNs).
    ///
    /// # Errors
    ///
    /// [`ScopeError::PolicyArn`] for a value that is not an IAM policy ARN or for more than 10.
    pub fn with_policy_arns<I, S>(mut self, arns: I) -> Result<Self, ScopeError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let arns = arns
            .into_iter()
            .map(|arn| RolePolicyArn::new(arn.into()))
            .collect::<Result<Vec<_>, _>>()?;
        if arns.len() > MAX_POLICY_ARNS {
            return Err(ScopeError::PolicyArn {
                value: format!("{} ARNs", arns.len()),
                rule: Rule::TooLong {
                    max: MAX_POLICY_ARNS,
                    len: arns.len(),
                },
            });
        }
        Arc::make_mut(&mut self.spec).policy_arns = arns.into();
        Ok(self)
    }

    /// The role to assume.
    #[must_use]
    pub fn role_arn(&self) -> &RoleArn {
        &self.spec.role_arn
    }

    /// The session name STS records.
    #[must_use]
    pub fn session_name(&self) -> &SessionName {
        &self.spec.session_name
    }

    /// The external id, if the role requires one.
    #[must_use]
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.spec.external_id.as_ref()
    }

    /// The session length asked for.
    #[must_use]
    pub fn duration(&self) -> Duration {
        self.spec.duration
    }

    /// The inline session policy, if any.
    #[must_use]
    pub fn session_policy(&self) -> Option<&str> {
        self.spec.policy.as_deref()
    }

    /// The managed session policy ARNs.
    pub fn policy_arns(&self) -> impl ExactSizeIterator<Item = &str> {
        self.spec.policy_arns.iter().map(RolePolicyArn::as_str)
    }

    pub(crate) fn spec(&self) -> &Arc<RoleSpec> {
        &self.spec
    }
}

/// STS's limit on an inline session policy, in characters.
pub(crate) const MAX_SESSION_POLICY_CHARS: usize = 2048;

pub(crate) fn check_session_policy(policy: String) -> Result<Arc<str>, ScopeError> {
    let len = policy.chars().count();
    let rule = if policy.trim().is_empty() {
        Rule::Empty
    } else if len > MAX_SESSION_POLICY_CHARS {
        Rule::TooLong {
            max: MAX_SESSION_POLICY_CHARS,
            len,
        }
    } else {
        return Ok(policy.into());
    };
    Err(ScopeError::SessionPolicy {
        value: policy,
        rule,
    })
}

fn check_duration(duration: Duration) -> Result<Duration, ScopeError> {
    if (MIN_SESSION..=MAX_SESSION).contains(&duration) {
        Ok(duration)
    } else {
        Err(ScopeError::SessionDuration {
            value: duration,
            rule: Rule::Format("STS sessions last from 15 minutes to 12 hours"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        for ok in [
            "arn:aws:iam::123456789012:role/a",
            "arn:aws-cn:iam::123456789012:role/path/to/Role+Name=,.@_-",
            "arn:aws-us-gov:iam::000000000000:role/service-role/x",
        ] {
            assert!(RoleArn::new(ok).is_ok(), "{ok}");
        }
        for (bad, part) in [
            ("", "empty"),
            ("arn:aws:iam::12345678901:role/a", "12 digits"),
            ("arn:aws:s3::123456789012:role/a", "`iam`"),
            ("arn:aws:iam:us-east-1:123456789012:role/a", "empty region"),
            ("arn:aws:iam::123456789012:user/a", "role/"),
            ("arn:aws:iam::123456789012:role/", "role name"),
            ("arn:aws:iam::123456789012:role/a b", "role name"),
            ("arn:AWS:iam::123456789012:role/a", "partition"),
        ] {
            let err = RoleArn::new(bad).unwrap_err().to_string();
            assert!(err.contains(part), "{bad}: {err}");
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
        let arn = RoleArn::new("arn:aws:iam::123456789012:role/ops/operator").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.role_name(), "operator");
    }

    #[test]
    fn session_names_and_external_ids() {
        assert!(SessionName::new("ok-session@1").is_ok());
        assert!(SessionName::new("x").is_err());
        assert!(SessionName::new("a".repeat(65)).is_err());
        assert!(SessionName::new("no/slash").is_err());
        assert!(ExternalId::new("urn:x/y").is_ok());
        assert_eq!(
            format!("{:?}", ExternalId::new("secret-1").unwrap()),
            "ExternalId(<redacted>)"
        );
    }

    #[test]
    fn operator_role_description() {
        let role = OperatorRole::new("arn:aws:iam::123456789012:role/op", "ops").unwrap();
        assert_eq!(role.duration(), DEFAULT_SESSION);
        assert!(
            role.clone()
                .with_duration(Duration::from_secs(899))
                .is_err()
        );
        assert!(
            role.clone()
                .with_duration(MAX_SESSION + Duration::from_secs(1))
                .is_err()
        );
        assert!(role.clone().with_session_policy(" ").is_err());
        assert!(role.clone().with_session_policy("x".repeat(2049)).is_err());
        let with_arns = role
            .clone()
            .with_policy_arns(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
            .unwrap();
        assert_eq!(with_arns.policy_arns().count(), 1);
        assert_ne!(with_arns, role, "policy ARNs are part of the description");
        assert!(
            role.clone()
                .with_policy_arns(["arn:aws:iam::aws:role/x"])
                .is_err()
        );
        assert!(
            role.with_policy_arns(vec!["arn:aws:iam::aws:policy/x"; 11])
                .is_err()
        );
    }
}
