//! Validated identifiers: the pieces scopes, table names and keys are made of.
//!
//! Each type can only hold a value that passes its rule (see the crate docs, "Naming rules"),
//! so code that holds one never checks it again.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::ScopeError;
use scoped_rules::{self as rule, Rule};

/// Defines a validated string newtype: constructor, accessors and the usual conversions.
macro_rules! identifier {
    (
        $(#[$doc:meta])*
        $name:ident($repr:ty), $variant:ident, $check:path, $example:literal
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($repr);

        impl $name {
            #[doc = concat!("Validates `value` as a ", stringify!($name), ".")]
            ///
            /// # Errors
            ///
            #[doc = concat!("[`ScopeError::", stringify!($variant), "`] naming the value and the rule it broke.")]
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("let value = scoped_runtime::", stringify!($name), "::new(", stringify!($example), ")?;")]
            #[doc = concat!("assert_eq!(value.as_str(), ", stringify!($example), ");")]
            /// # Ok::<(), scoped_runtime::ScopeError>(())
            /// ```
            pub fn new(value: impl Into<String>) -> Result<Self, ScopeError> {
                let value = value.into();
                match $check(&value) {
                    Ok(()) => Ok(Self(value.into())),
                    Err(rule) => Err(ScopeError::$variant { value, rule }),
                }
            }

            /// The value as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

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

        impl TryFrom<&str> for $name {
            type Error = ScopeError;

            fn try_from(value: &str) -> Result<Self, ScopeError> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ScopeError;

            fn try_from(value: String) -> Result<Self, ScopeError> {
                Self::new(value)
            }
        }
    };
}

/// Adds a `const` constructor for `'static` values to a `Cow`-backed identifier.
macro_rules! static_identifier {
    ($name:ident, $check:path) => {
        impl $name {
            /// Builds the value from a literal, checked when the constant is evaluated: an invalid
            /// literal in a `const` is a compile error, anywhere else a panic. Prefer `new` for
            /// values that are not literals.
            ///
            /// # Panics
            ///
            /// If `value` breaks the rule (at compile time when used in a `const`).
            #[must_use]
            pub const fn from_static(value: &'static str) -> Self {
                match $check(value) {
                    Ok(()) => Self(Cow::Borrowed(value)),
                    Err(rule) => panic!("{}", rule.summary()),
                }
            }
        }
    };
}

const MAX_TENANT_NAME: usize = 256;

fn check_tenant_name(value: &str) -> Result<(), Rule> {
    if value.trim().is_empty() {
        return Err(Rule::Empty);
    }
    let len = value.chars().count();
    if len > MAX_TENANT_NAME {
        return Err(Rule::TooLong {
            max: MAX_TENANT_NAME,
            len,
        });
    }
    match value.char_indices().find(|(_, ch)| ch.is_control()) {
        Some((index, ch)) => Err(Rule::InvalidChar {
            ch,
            index,
            allowed: "printable characters",
        }),
        None => Ok(()),
    }
}

identifier! {
    /// A tenant's id: `tenant-123`.
    ///
    /// 1–64 characters of `a-z`, `0-9` and `-`, starting with a letter or digit. It appears in
    /// tenant table names (`{tenant_id}_{base}`) and in every tenant and capsule partition key.
    TenantId(Box<str>), TenantId, rule::check_tenant_id, "tenant-123"
}

identifier! {
    /// A tenant's display name: `Acme Corp`. Any printable text of 1–256 characters; it never
    /// appears in a table name or key.
    TenantName(Box<str>), TenantName, check_tenant_name, "Acme Corp"
}

identifier! {
    /// A capsule's id, unique within its tenant: `caps-456`.
    ///
    /// Same rule as [`TenantId`]: 1–64 characters of `a-z`, `0-9` and `-`.
    CapsuleId(Box<str>), CapsuleId, rule::check_capsule_id, "caps-456"
}

identifier! {
    /// A capsule's code, naming its SDLC environment: `PRODUS`.
    ///
    /// 1–32 characters of `A-Z` and `0-9`, starting with a letter. It prefixes capsule table
    /// names (`{capsule_code}_{base}`); every tenant with a `PRODUS` capsule shares the
    /// `PRODUS_*` tables, told apart by partition key.
    CapsuleCode(Box<str>), CapsuleCode, rule::check_capsule_code, "PRODUS"
}

identifier! {
    /// The scope-independent part of a table name: `crm` in `PRODUS_crm`.
    ///
    /// 3–128 characters of `a-z`, `0-9`, `.` and `-`, starting with a letter or digit; never
    /// `_`, which separates the scope prefix from the base.
    BaseName(Cow<'static, str>), BaseName, rule::check_base_name, "crm"
}
static_identifier!(BaseName, rule::check_base_name);

identifier! {
    /// An entity's tag in partition keys: `LEAD` in `…#LEAD#lead-789`.
    ///
    /// 1–64 characters of `A-Z`, `0-9` and `_`, starting with a letter; `TENANT` and `CAPSULE`
    /// are reserved because they mark scope segments.
    EntityTag(Cow<'static, str>), EntityTag, rule::check_entity_tag, "LEAD"
}
static_identifier!(EntityTag, rule::check_entity_tag);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_value_and_rule() {
        let err = TenantId::new("Tenant-1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid tenant id \"Tenant-1\": must start with one of lowercase ASCII letters and \
             digits, found 'T'"
        );
        let err = CapsuleCode::new("prodUS").unwrap_err();
        assert!(err.to_string().contains("\"prodUS\""), "{err}");
    }

    #[test]
    fn tenant_name_allows_text_but_not_control_characters() {
        assert!(TenantName::new("Acme Corp — Zürich").is_ok());
        assert!(matches!(
            TenantName::new("   "),
            Err(ScopeError::TenantName {
                rule: Rule::Empty,
                ..
            })
        ));
        assert!(matches!(
            TenantName::new("a\nb"),
            Err(ScopeError::TenantName {
                rule: Rule::InvalidChar { ch: '\n', .. },
                ..
            })
        ));
    }

    #[test]
    fn static_constructors_are_const() {
        const BASE: BaseName = BaseName::from_static("crm");
        const TAG: EntityTag = EntityTag::from_static("LEAD");
        assert_eq!(BASE.as_str(), "crm");
        assert_eq!(TAG.as_str(), "LEAD");
    }
}
