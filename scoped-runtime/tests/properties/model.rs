//! The test's model of scopes: plain-data scopes, the scopes built from them, and oracles for
//! the naming rules and the key format written from `docs/design.md` and the crate docs
//! ("Naming rules"), never from the crate's own code.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use proptest::prelude::*;
use scoped_runtime::{
    AwsClientFactory, BaseName, Capsule, EntityTag, IsolationViolation, KeyError, KeyScope,
    MAX_PARTITION_KEY_BYTES, Platform, Scope, ScopeError, ScopeKind, TableName, Tenant,
};

/// DynamoDB's bounds on a table name's length.
const TABLE_NAME_CHARS: RangeInclusive<usize> = 3..=255;

/// A scope as plain data, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ScopeSpec {
    Platform,
    Tenant {
        tenant: String,
    },
    Capsule {
        tenant: String,
        capsule: String,
        code: String,
    },
}

/// What a table name stands for. Capsule tables are per capsule code, shared by every tenant's
/// capsule with that code (`docs/design.md`: `PRODUS_crm`), so tenant and capsule id are not
/// part of it.
pub(crate) type TableOwner<'a> = (ScopeKind, Option<&'a str>, &'a str);

/// What a key's scope segments stand for. The capsule code never appears in a key.
pub(crate) type KeyOwner<'a> = (ScopeKind, Option<&'a str>, Option<&'a str>);

impl ScopeSpec {
    pub(crate) fn build(&self) -> Result<AnyScope, ScopeError> {
        Ok(match self {
            Self::Platform => AnyScope::Platform(Platform::new()),
            Self::Tenant { tenant } => AnyScope::Tenant(Tenant::new(tenant.as_str(), "Acme")?),
            Self::Capsule {
                tenant,
                capsule,
                code,
            } => AnyScope::Capsule(Capsule::new(
                tenant.as_str(),
                capsule.as_str(),
                code.as_str(),
            )?),
        })
    }

    pub(crate) fn kind(&self) -> ScopeKind {
        match self {
            Self::Platform => ScopeKind::Platform,
            Self::Tenant { .. } => ScopeKind::Tenant,
            Self::Capsule { .. } => ScopeKind::Capsule,
        }
    }

    pub(crate) fn table_owner<'a>(&'a self, base: &'a str) -> TableOwner<'a> {
        match self {
            Self::Platform => (ScopeKind::Platform, None, base),
            Self::Tenant { tenant } => (ScopeKind::Tenant, Some(tenant), base),
            Self::Capsule { code, .. } => (ScopeKind::Capsule, Some(code), base),
        }
    }

    pub(crate) fn key_owner(&self) -> KeyOwner<'_> {
        match self {
            Self::Platform => (ScopeKind::Platform, None, None),
            Self::Tenant { tenant } => (ScopeKind::Tenant, Some(tenant), None),
            Self::Capsule {
                tenant, capsule, ..
            } => (ScopeKind::Capsule, Some(tenant), Some(capsule)),
        }
    }

    pub(crate) fn key_scope(&self) -> KeyScope<'_> {
        match self {
            Self::Platform => KeyScope::Platform,
            Self::Tenant { tenant } => KeyScope::Tenant { tenant_id: tenant },
            Self::Capsule {
                tenant, capsule, ..
            } => KeyScope::Capsule {
                tenant_id: tenant,
                capsule_id: capsule,
            },
        }
    }

    /// The spec of the scope a decoded key's segments name (with a placeholder capsule code).
    pub(crate) fn of_key(scope: KeyScope<'_>) -> Self {
        match scope {
            KeyScope::Platform => Self::Platform,
            KeyScope::Tenant { tenant_id } => Self::Tenant {
                tenant: tenant_id.to_owned(),
            },
            KeyScope::Capsule {
                tenant_id,
                capsule_id,
            } => Self::Capsule {
                tenant: tenant_id.to_owned(),
                capsule: capsule_id.to_owned(),
                code: "X".to_owned(),
            },
        }
    }

    /// The table name `docs/design.md` specifies: `events`, `{tenant_id}_{base}`,
    /// `{capsule_code}_{base}`.
    pub(crate) fn expected_table(&self, base: &str) -> String {
        match self {
            Self::Platform => base.to_owned(),
            Self::Tenant { tenant } => format!("{tenant}_{base}"),
            Self::Capsule { code, .. } => format!("{code}_{base}"),
        }
    }

    /// The key `docs/design.md` specifies, with `%` → `%25` and `#` → `%23` in each id.
    pub(crate) fn expected_key(&self, entity: &str, ids: &[String]) -> String {
        let mut key = match self {
            Self::Platform => String::new(),
            Self::Tenant { tenant } => format!("TENANT#{tenant}#"),
            Self::Capsule {
                tenant, capsule, ..
            } => format!("TENANT#{tenant}#CAPSULE#{capsule}#"),
        };
        key.push_str(entity);
        for id in ids {
            key.push('#');
            key.push_str(&id.replace('%', "%25").replace('#', "%23"));
        }
        key
    }

    /// The result `partition_key` must give: the first error in argument order, or the key.
    pub(crate) fn expected_key_result(
        &self,
        entity: &str,
        ids: &[String],
    ) -> Result<String, KeyError> {
        if ids.is_empty() {
            return Err(KeyError::NoIds {
                entity: entity.to_owned(),
            });
        }
        if let Some(at) = ids.iter().position(String::is_empty) {
            return Err(KeyError::EmptyId {
                entity: entity.to_owned(),
                position: at + 1,
            });
        }
        let key = self.expected_key(entity, ids);
        if key.len() > MAX_PARTITION_KEY_BYTES {
            return Err(KeyError::TooLong {
                prefix: String::new(),
                len: key.len(),
            });
        }
        Ok(key)
    }
}

/// A scope built through the public constructors.
#[derive(Debug, Clone)]
pub(crate) enum AnyScope {
    Platform(Platform),
    Tenant(Tenant),
    Capsule(Capsule),
}

impl AnyScope {
    pub(crate) fn table(&self, base: &BaseName) -> TableName {
        match self {
            Self::Platform(s) => s.table(base),
            Self::Tenant(s) => s.table(base),
            Self::Capsule(s) => s.table(base),
        }
    }

    pub(crate) fn partition_key(
        &self,
        entity: &EntityTag,
        ids: &[String],
    ) -> Result<String, KeyError> {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        match self {
            Self::Platform(s) => s.partition_key(entity, &ids),
            Self::Tenant(s) => s.partition_key(entity, &ids),
            Self::Capsule(s) => s.partition_key(entity, &ids),
        }
    }

    pub(crate) fn check_key(&self, key: &str) -> Result<(), IsolationViolation> {
        match self {
            Self::Platform(s) => s.check_key(key),
            Self::Tenant(s) => s.check_key(key),
            Self::Capsule(s) => s.check_key(key),
        }
    }

    /// `validate_pk` of the scoped DynamoDB client the factory hands out for this scope.
    pub(crate) fn validate_pk(
        &self,
        factory: &AwsClientFactory,
        key: &str,
    ) -> Result<(), IsolationViolation> {
        match self {
            Self::Platform(_) => factory.platform_dynamodb().validate_pk(key),
            Self::Tenant(s) => factory.tenant_dynamodb(s).validate_pk(key),
            Self::Capsule(s) => factory.capsule_dynamodb(s).validate_pk(key),
        }
    }
}

/// A factory that never sends a request: the tests only ask its clients to check keys.
pub(crate) static FACTORY: LazyLock<Result<AwsClientFactory, String>> = LazyLock::new(|| {
    let config = SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .build();
    AwsClientFactory::from_conf(config).map_err(|err| err.to_string())
});

pub(crate) fn factory() -> Result<&'static AwsClientFactory, TestCaseError> {
    FACTORY
        .as_ref()
        .map_err(|err| TestCaseError::fail(err.clone()))
}

pub(crate) fn built<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, TestCaseError> {
    result.map_err(|err| TestCaseError::fail(format!("a valid input was rejected: {err}")))
}

// ---------------------------------------------------------------------------------------------
// Oracles for the naming rules (crate docs, "Naming rules"), written from the documentation.
// ---------------------------------------------------------------------------------------------

pub(crate) fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

pub(crate) fn lower_alnum_dash(c: char) -> bool {
    lower_alnum(c) || c == '-'
}

pub(crate) fn upper_alnum(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

pub(crate) fn follows_rule(
    value: &str,
    len: RangeInclusive<usize>,
    first: fn(char) -> bool,
    rest: fn(char) -> bool,
) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(first) && chars.all(rest) && len.contains(&value.chars().count())
}

/// 1–64 of `a-z 0-9 -`, starting with a letter or digit (tenant and capsule ids alike).
pub(crate) fn is_valid_id(value: &str) -> bool {
    follows_rule(value, 1..=64, lower_alnum, lower_alnum_dash)
}

/// 1–32 of `A-Z 0-9`, starting with a letter.
pub(crate) fn is_valid_code(value: &str) -> bool {
    follows_rule(value, 1..=32, |c| c.is_ascii_uppercase(), upper_alnum)
}

/// 3–128 of `a-z 0-9 . -`, starting with a letter or digit.
pub(crate) fn is_valid_base(value: &str) -> bool {
    follows_rule(value, 3..=128, lower_alnum, |c| {
        lower_alnum_dash(c) || c == '.'
    })
}

/// 1–64 of `A-Z 0-9 _`, starting with a letter; not `TENANT` or `CAPSULE`.
pub(crate) fn is_valid_entity(value: &str) -> bool {
    follows_rule(
        value,
        1..=64,
        |c| c.is_ascii_uppercase(),
        |c| upper_alnum(c) || c == '_',
    ) && value != "TENANT"
        && value != "CAPSULE"
}

/// DynamoDB's table name rule: 3–255 characters of `[A-Za-z0-9_.-]`.
pub(crate) fn is_dynamodb_table_name(name: &str) -> bool {
    TABLE_NAME_CHARS.contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}
