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
    ($name:ident, $check:path, $what:literal, $macro:literal, $example:literal) => {
        impl $name {
            /// Builds the value from a literal, checked when the constant is evaluated.
            ///
            /// Use it in a `const` item, or through the
            #[doc = concat!("[`", $macro, "!`](crate::", $macro, "!)")]
            /// macro, which puts it in one wherever it is used: there a literal that breaks the
            /// rule fails `cargo check` with an error naming the value, the rule and the
            /// offending character. Called at run time outside a `const`, it panics with that
            /// message instead; for values that are not literals, use `new`.
            ///
            /// ```
            #[doc = concat!("const VALUE: scoped_runtime::", stringify!($name), " = scoped_runtime::", stringify!($name), "::from_static(", stringify!($example), ");")]
            #[doc = concat!("assert_eq!(VALUE.as_str(), ", stringify!($example), ");")]
            /// ```
            ///
            /// # Panics
            ///
            /// If `value` breaks the rule (at compile time in a `const`).
            #[must_use]
            pub const fn from_static(value: &'static str) -> Self {
                match $check(value) {
                    Ok(()) => Self(Cow::Borrowed(value)),
                    Err(rule) => {
                        let message = RuleMessage::new($what, value, rule);
                        panic!("{}", message.as_str())
                    }
                }
            }
        }
    };
}

/// A broken rule's message built without allocating, so that `from_static` can name the value,
/// the rule and the character in a compile-time panic (where `format!` is unavailable): the
/// words of [`Rule`]'s `Display`, as the runtime's errors use them.
struct RuleMessage {
    buf: [u8; Self::CAPACITY],
    len: usize,
}

impl RuleMessage {
    const CAPACITY: usize = 384;
    /// How much of the value the message quotes; a longer one is cut with `…`.
    const MAX_VALUE: usize = 96;

    const fn new(what: &str, value: &str, rule: Rule) -> Self {
        let mut message = Self {
            buf: [0; Self::CAPACITY],
            len: 0,
        };
        message.push("invalid ");
        message.push(what);
        message.push(" \"");
        if value.len() > Self::MAX_VALUE {
            message.push(floor_char_boundary(value, Self::MAX_VALUE));
            message.push("…");
        } else {
            message.push(value);
        }
        message.push("\": ");
        match rule {
            Rule::Empty => message.push("must not be empty"),
            Rule::TooShort { min, len } => {
                message.push("must be at least ");
                message.push_usize(min);
                message.push(" characters long, found ");
                message.push_usize(len);
            }
            Rule::TooLong { max, len } => {
                message.push("must be at most ");
                message.push_usize(max);
                message.push(" characters long, found ");
                message.push_usize(len);
            }
            Rule::InvalidStart { ch, allowed } => {
                message.push("must start with one of ");
                message.push(allowed);
                message.push(", found ");
                message.push_char(ch);
            }
            Rule::InvalidChar { ch, index, allowed } => {
                message.push("may contain only ");
                message.push(allowed);
                message.push(", found ");
                message.push_char(ch);
                message.push(" at byte ");
                message.push_usize(index);
            }
            Rule::Reserved => message.push(
                "is reserved by the key format (`TENANT` and `CAPSULE` mark key segments, \
                 `UNIQUE` tags uniqueness items)",
            ),
            other => message.push(other.summary()),
        }
        message
    }

    /// Appends `text`, as much of it as fits.
    const fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < Self::CAPACITY {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
    }

    /// Appends `ch` quoted, as `{ch:?}` would for a printable character.
    const fn push_char(&mut self, ch: char) {
        let mut utf8 = [0; 4];
        self.push("'");
        self.push(ch.encode_utf8(&mut utf8));
        self.push("'");
    }

    const fn push_usize(&mut self, mut n: usize) {
        let mut digits = [0; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let (_, digits) = digits.split_at(start);
        match std::str::from_utf8(digits) {
            Ok(digits) => self.push(digits),
            Err(_) => self.push("?"),
        }
    }

    /// The message, up to the last whole character that fit.
    const fn as_str(&self) -> &str {
        let (written, _) = self.buf.split_at(self.len);
        match std::str::from_utf8(written) {
            Ok(message) => message,
            Err(error) => match std::str::from_utf8(written.split_at(error.valid_up_to()).0) {
                Ok(message) => message,
                Err(_) => "invalid literal",
            },
        }
    }
}

/// The longest prefix of `value` of at most `max` bytes that ends on a character boundary.
const fn floor_char_boundary(value: &str, max: usize) -> &str {
    let mut end = max;
    while end > 0 && !value.is_char_boundary(end) {
        end -= 1;
    }
    match std::str::from_utf8(value.as_bytes().split_at(end).0) {
        Ok(prefix) => prefix,
        Err(_) => "",
    }
}

/// A [`BaseName`] from a literal, checked by `cargo check` wherever the macro is used (in a
/// function body too): the value is built in a `const` item, so a literal that breaks the
/// [base name rule](crate#naming-rules) is a compile error naming the value, the rule and the
/// offending character.
///
/// ```
/// use scoped_runtime::{Scope, Tenant, base_name};
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// assert_eq!(tenant.table(&base_name!("notifications")), "tenant-123_notifications");
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
///
/// ```compile_fail
/// let base = scoped_runtime::base_name!("Notifications"); // must start with a lowercase letter
/// ```
#[macro_export]
macro_rules! base_name {
    ($value:expr $(,)?) => {{
        const VALUE: $crate::BaseName = $crate::BaseName::from_static($value);
        VALUE
    }};
}

/// An [`EntityTag`] from a literal, checked by `cargo check` wherever the macro is used (in a
/// function body too): the value is built in a `const` item, so a literal that breaks the
/// [entity tag rule](crate#naming-rules) is a compile error naming the value, the rule and the
/// offending character.
///
/// ```
/// use scoped_runtime::{Capsule, Scope, entity_tag};
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// let key = capsule.partition_key(&entity_tag!("LEAD"), &["lead-789"])?;
/// assert_eq!(key, "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```compile_fail
/// let tag = scoped_runtime::entity_tag!("TENANT"); // reserved by the key format
/// ```
#[macro_export]
macro_rules! entity_tag {
    ($value:expr $(,)?) => {{
        const VALUE: $crate::EntityTag = $crate::EntityTag::from_static($value);
        VALUE
    }};
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
static_identifier!(
    BaseName,
    rule::check_base_name,
    "base table name",
    "base_name",
    "crm"
);

identifier! {
    /// An entity's tag in partition keys: `LEAD` in `…#LEAD#lead-789`.
    ///
    /// 1–64 characters of `A-Z`, `0-9` and `_`, starting with a letter; `TENANT` and `CAPSULE`
    /// are reserved because they mark scope segments.
    EntityTag(Cow<'static, str>), EntityTag, rule::check_entity_tag, "LEAD"
}
static_identifier!(
    EntityTag,
    rule::check_entity_tag,
    "entity tag",
    "entity_tag",
    "LEAD"
);

impl EntityTag {
    /// The tag of uniqueness items (`{scope prefix}UNIQUE#{ENTITY}#{attribute}#{value}`),
    /// reserved so that no entity can have it (see `ops::unique`).
    pub(crate) const UNIQUE: Self = Self(Cow::Borrowed("UNIQUE"));
}

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
    fn static_constructor_messages_name_value_rule_and_character() {
        let message = |what, value, rule| RuleMessage::new(what, value, rule).as_str().to_owned();
        for (value, check, what) in [
            (
                "CRM",
                rule::check_base_name as fn(&str) -> Result<(), Rule>,
                "base table name",
            ),
            ("crm_x", rule::check_base_name, "base table name"),
            ("ab", rule::check_base_name, "base table name"),
            ("", rule::check_entity_tag, "entity tag"),
            ("lead", rule::check_entity_tag, "entity tag"),
            ("LEAD#1", rule::check_entity_tag, "entity tag"),
            ("LEAD-É", rule::check_entity_tag, "entity tag"),
            ("TENANT", rule::check_entity_tag, "entity tag"),
        ] {
            let Err(broken) = check(value) else {
                panic!("{value:?} should break the rule");
            };
            assert_eq!(
                message(what, value, broken),
                format!("invalid {what} {value:?}: {broken}"),
            );
        }
        let long = format!("{}é", "a".repeat(RuleMessage::MAX_VALUE - 1));
        let Err(broken) = rule::check_base_name(&long) else {
            panic!("too long");
        };
        assert!(
            message("base table name", &long, broken)
                .starts_with(&format!("invalid base table name \"{}…\"", "a".repeat(95))),
        );
    }

    #[test]
    fn static_constructors_are_const() {
        const BASE: BaseName = BaseName::from_static("crm");
        const TAG: EntityTag = EntityTag::from_static("LEAD");
        assert_eq!(BASE.as_str(), "crm");
        assert_eq!(TAG.as_str(), "LEAD");
    }
}
