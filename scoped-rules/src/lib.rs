//! The naming rules of `scoped`'s identifiers, as `const fn`s.
//!
//! One definition serves the runtime crate (its validating constructors) and the macro crate
//! (which checks attribute literals at compile time), so the two can never disagree. The rules
//! are chosen so that table names and partition keys are injective; `scoped_runtime`'s crate
//! docs, "Naming rules", explain why. Use `scoped_runtime` rather than this crate directly.

#![no_std]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

use core::fmt;

pub mod sns;
pub mod sqs;

pub use sns::check_topic_base;
pub use sqs::{check_queue_base, check_queue_name};
pub mod s3;
pub use s3::{check_bucket_name, check_object_collection};

/// A set of ASCII characters an identifier may be made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    /// `a-z`, `0-9`.
    LowerAlnum,
    /// `a-z`, `0-9`, `-`.
    LowerAlnumDash,
    /// `a-z`, `0-9`, `.`, `-`.
    LowerAlnumDotDash,
    /// `A-Z`.
    Upper,
    /// `A-Z`, `0-9`.
    UpperAlnum,
    /// `A-Z`, `0-9`, `_`.
    UpperAlnumUnderscore,
    /// `a-z`, `0-9`, `_`.
    LowerAlnumUnderscore,
}

impl Charset {
    const fn contains(self, b: u8) -> bool {
        match self {
            Self::LowerAlnum => b.is_ascii_lowercase() || b.is_ascii_digit(),
            Self::LowerAlnumDash => b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-',
            Self::LowerAlnumDotDash => {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
            }
            Self::Upper => b.is_ascii_uppercase(),
            Self::UpperAlnum => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Self::UpperAlnumUnderscore => b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_',
            Self::LowerAlnumUnderscore => b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_',
        }
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::LowerAlnum => "lowercase ASCII letters and digits",
            Self::LowerAlnumDash => "lowercase ASCII letters, digits and `-`",
            Self::LowerAlnumDotDash => "lowercase ASCII letters, digits, `.` and `-`",
            Self::Upper => "uppercase ASCII letters",
            Self::UpperAlnum => "uppercase ASCII letters and digits",
            Self::UpperAlnumUnderscore => "uppercase ASCII letters, digits and `_`",
            Self::LowerAlnumUnderscore => "lowercase ASCII letters, digits and `_`",
        }
    }
}

/// The shape of one kind of identifier: its length bounds and alphabet.
#[derive(Debug, Clone, Copy)]
struct Spec {
    min: usize,
    max: usize,
    first: Charset,
    rest: Charset,
}

/// Tenant ids: `tenant-123`. No `_` (it separates the tenant id from the base in table names)
/// and no `#` (it separates key segments), and never an uppercase letter, so a tenant table
/// prefix can never equal a capsule code.
const TENANT_ID: Spec = Spec {
    min: 1,
    max: 64,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDash,
};

/// Capsule ids: `caps-456`. Same alphabet as tenant ids.
const CAPSULE_ID: Spec = TENANT_ID;

/// Capsule codes: `PRODUS`. Start with an uppercase letter, so `{capsule_code}_` never equals a
/// tenant id prefix, and contain no `_`.
const CAPSULE_CODE: Spec = Spec {
    min: 1,
    max: 32,
    first: Charset::Upper,
    rest: Charset::UpperAlnum,
};

/// Base table names: `crm`. No `_`, so the first `_` of a scoped table name always ends the
/// scope prefix, and a platform table (which has no prefix) never contains one. At least three
/// characters so a platform table name meets DynamoDB's minimum; at most 128 so that the
/// longest prefix plus base stays within DynamoDB's 255.
const BASE_NAME: Spec = Spec {
    min: 3,
    max: 128,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDotDash,
};

/// Entity tags: `LEAD`. Uppercase, never `#`, never one of [`RESERVED_ENTITY_TAGS`].
const ENTITY_TAG: Spec = Spec {
    min: 1,
    max: 64,
    first: Charset::Upper,
    rest: Charset::UpperAlnumUnderscore,
};

/// Key segment markers that an entity tag may not be, so a key's scope is read from its
/// segments alone, and the tag of the library's own uniqueness items (`#[scoped(unique)]`), so
/// that no entity's key is ever one of theirs.
const RESERVED_ENTITY_TAGS: [&str; 3] = ["TENANT", "CAPSULE", "UNIQUE"];

/// Secondary index names: `by_email`. 3–64 of `a-z 0-9 _`, starting with a letter: a valid
/// DynamoDB index name (3–255 of `A-Za-z0-9_.-`), a valid key id (no `#`, no `%`), and the
/// suffix of the index's key attributes `pk_{name}` and `sk_{name}`, which then need no
/// quoting in expressions.
const INDEX_NAME: Spec = Spec {
    min: 3,
    max: 64,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumUnderscore,
};

/// The rule an identifier broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The value is empty.
    Empty,
    /// The value is shorter than the minimum.
    TooShort {
        /// The minimum length in characters.
        min: usize,
        /// The value's length.
        len: usize,
    },
    /// The value is longer than the maximum.
    TooLong {
        /// The maximum length in characters.
        max: usize,
        /// The value's length.
        len: usize,
    },
    /// The first character is not one of the allowed ones.
    InvalidStart {
        /// The offending character.
        ch: char,
        /// What a value may start with.
        allowed: &'static str,
    },
    /// A character other than the first is not allowed.
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte offset in the value.
        index: usize,
        /// What a value may contain.
        allowed: &'static str,
    },
    /// The value is a word the key format reserves.
    Reserved,
    /// The value does not have the documented structure (an ARN, say).
    Format(&'static str),
}

impl Rule {
    /// The rule as a fixed sentence, for compile-time errors where formatting is unavailable.
    #[must_use]
    pub const fn summary(&self) -> &'static str {
        match self {
            Self::Empty => "must not be empty",
            Self::TooShort { .. } => "is too short",
            Self::TooLong { .. } => "is too long",
            Self::InvalidStart { .. } => "starts with a character that is not allowed",
            Self::InvalidChar { .. } => "contains a character that is not allowed",
            Self::Reserved => "is reserved by the key format (TENANT, CAPSULE, UNIQUE)",
            Self::Format(what) => what,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooShort { min, len } => {
                write!(f, "must be at least {min} characters long, found {len}")
            }
            Self::TooLong { max, len } => {
                write!(f, "must be at most {max} characters long, found {len}")
            }
            Self::InvalidStart { ch, allowed } => {
                write!(f, "must start with one of {allowed}, found {ch:?}")
            }
            Self::InvalidChar { ch, index, allowed } => write!(
                f,
                "may contain only {allowed}, found {ch:?} at byte {index}"
            ),
            Self::Reserved => f.write_str(
                "is reserved by the key format (`TENANT` and `CAPSULE` mark key segments, \
                 `UNIQUE` tags uniqueness items)",
            ),
            Self::Format(what) => f.write_str(what),
        }
    }
}

/// Checks a tenant id: 1–64 of `a-z 0-9 -`, starting with a letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_tenant_id(value: &str) -> Result<(), Rule> {
    check(value, TENANT_ID)
}

/// Checks a capsule id: 1–64 of `a-z 0-9 -`, starting with a letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_capsule_id(value: &str) -> Result<(), Rule> {
    check(value, CAPSULE_ID)
}

/// Checks a capsule code: 1–32 of `A-Z 0-9`, starting with a letter.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_capsule_code(value: &str) -> Result<(), Rule> {
    check(value, CAPSULE_CODE)
}

/// Checks a base table name: 3–128 of `a-z 0-9 . -`, starting with a letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_base_name(value: &str) -> Result<(), Rule> {
    check(value, BASE_NAME)
}

/// Checks a secondary index name: 3–64 of `a-z 0-9 _`, starting with a lowercase letter or
/// digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_index_name(value: &str) -> Result<(), Rule> {
    check(value, INDEX_NAME)
}

/// Checks `value` against `spec`.
const fn check(value: &str, spec: Spec) -> Result<(), Rule> {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return Err(Rule::Empty);
    }
    let mut i = 0;
    while i < bytes.len() {
        let set = if i == 0 { spec.first } else { spec.rest };
        if !set.contains(bytes[i]) {
            let ch = char_at(bytes, i);
            return Err(if i == 0 {
                Rule::InvalidStart {
                    ch,
                    allowed: set.describe(),
                }
            } else {
                Rule::InvalidChar {
                    ch,
                    index: i,
                    allowed: set.describe(),
                }
            });
        }
        i += 1;
    }
    // Every byte is ASCII here, so bytes are characters.
    if bytes.len() < spec.min {
        return Err(Rule::TooShort {
            min: spec.min,
            len: bytes.len(),
        });
    }
    if bytes.len() > spec.max {
        return Err(Rule::TooLong {
            max: spec.max,
            len: bytes.len(),
        });
    }
    Ok(())
}

/// Checks an entity tag: 1–64 of `A-Z 0-9 _`, starting with a letter, and not one of the
/// reserved tags `TENANT`, `CAPSULE` (segment markers) and `UNIQUE` (uniqueness items).
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_entity_tag(value: &str) -> Result<(), Rule> {
    if let Err(rule) = check(value, ENTITY_TAG) {
        return Err(rule);
    }
    let mut i = 0;
    while i < RESERVED_ENTITY_TAGS.len() {
        if bytes_eq(value.as_bytes(), RESERVED_ENTITY_TAGS[i].as_bytes()) {
            return Err(Rule::Reserved);
        }
        i += 1;
    }
    Ok(())
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The character that starts at byte `i` of valid UTF-8 (or U+FFFD if `i` is not a boundary).
const fn char_at(bytes: &[u8], i: usize) -> char {
    let b0 = bytes[i] as u32;
    let (width, init) = match bytes[i] {
        0x00..=0x7F => (1, b0),
        0xC0..=0xDF => (2, b0 & 0x1F),
        0xE0..=0xEF => (3, b0 & 0x0F),
        0xF0..=0xF7 => (4, b0 & 0x07),
        _ => return char::REPLACEMENT_CHARACTER,
    };
    if i + width > bytes.len() {
        return char::REPLACEMENT_CHARACTER;
    }
    let mut code = init;
    let mut k = 1;
    while k < width {
        code = (code << 6) | (bytes[i + k] as u32 & 0x3F);
        k += 1;
    }
    match char::from_u32(code) {
        Some(ch) => ch,
        None => char::REPLACEMENT_CHARACTER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_offending_character() {
        assert_eq!(
            check("tenant_1", TENANT_ID),
            Err(Rule::InvalidChar {
                ch: '_',
                index: 6,
                allowed: Charset::LowerAlnumDash.describe()
            })
        );
        assert_eq!(
            check("é", TENANT_ID),
            Err(Rule::InvalidStart {
                ch: 'é',
                allowed: Charset::LowerAlnum.describe()
            })
        );
        assert_eq!(
            check("a😀", TENANT_ID),
            Err(Rule::InvalidChar {
                ch: '😀',
                index: 1,
                allowed: Charset::LowerAlnumDash.describe()
            })
        );
    }

    #[test]
    fn length_bounds() {
        assert_eq!(check("", BASE_NAME), Err(Rule::Empty));
        assert_eq!(
            check("ab", BASE_NAME),
            Err(Rule::TooShort { min: 3, len: 2 })
        );
        assert_eq!(check(&"a".repeat(128), BASE_NAME), Ok(()));
        assert_eq!(
            check(&"a".repeat(129), BASE_NAME),
            Err(Rule::TooLong { max: 128, len: 129 })
        );
    }

    #[test]
    fn reserved_entity_tags() {
        assert_eq!(check_entity_tag("TENANT"), Err(Rule::Reserved));
        assert_eq!(check_entity_tag("CAPSULE"), Err(Rule::Reserved));
        assert_eq!(check_entity_tag("UNIQUE"), Err(Rule::Reserved));
        assert_eq!(check_entity_tag("UNIQUES"), Ok(()));
        assert_eq!(check_entity_tag("CAPSULES"), Ok(()));
        assert_eq!(check_entity_tag("LEAD_NOTE"), Ok(()));
    }

    #[test]
    fn index_names() {
        assert_eq!(check_index_name("by_email"), Ok(()));
        assert_eq!(check_index_name("all"), Ok(()));
        assert_eq!(
            check_index_name("ab"),
            Err(Rule::TooShort { min: 3, len: 2 })
        );
        assert!(matches!(
            check_index_name("_all"),
            Err(Rule::InvalidStart { .. })
        ));
        assert!(matches!(
            check_index_name("ByEmail"),
            Err(Rule::InvalidStart { .. })
        ));
        assert!(matches!(
            check_index_name("by-email"),
            Err(Rule::InvalidChar { .. })
        ));
        assert!(matches!(
            check_index_name("by#email"),
            Err(Rule::InvalidChar { .. })
        ));
    }
}
