//! IAM roles: validated role ARNs, STS session names and external ids, and the operator role.

use std::fmt;
use std::str::FromStr;

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

/// A role in another account that operator clients assume through STS.
///
/// ```
/// use scoped_runtime::OperatorRole;
///
/// let role = OperatorRole::new("arn:aws:iam::123456789012:role/org-operator", "billing-sync")?
///     .with_external_id("partner-7f3a")?;
/// assert_eq!(role.role_arn().account_id(), "123456789012");
/// assert_eq!(role.session_name().as_str(), "billing-sync");
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperatorRole {
    role_arn: RoleArn,
    session_name: SessionName,
    external_id: Option<ExternalId>,
}

impl OperatorRole {
    /// Describes the role `role_arn`, assumed with session name `session_name`.
    ///
    /// # Errors
    ///
    /// [`ScopeError::RoleArn`] or [`ScopeError::SessionName`] for a value that breaks its rule.
    pub fn new(
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Result<Self, ScopeError> {
        Ok(Self {
            role_arn: RoleArn::new(role_arn)?,
            session_name: SessionName::new(session_name)?,
            external_id: None,
        })
    }

    /// Adds the external id the role's trust policy requires.
    ///
    /// # Errors
    ///
    /// [`ScopeError::ExternalId`] if `external_id` breaks STS's rule.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Result<Self, ScopeError> {
        self.external_id = Some(ExternalId::new(external_id)?);
        Ok(self)
    }

    /// The role to assume.
    #[must_use]
    pub fn role_arn(&self) -> &RoleArn {
        &self.role_arn
    }

    /// The session name STS records.
    #[must_use]
    pub fn session_name(&self) -> &SessionName {
        &self.session_name
    }

    /// The external id, if the role requires one.
    #[must_use]
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.external_id.as_ref()
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
}
