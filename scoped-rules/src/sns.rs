//! SNS naming rules: topic base names and the characters and length of topic names.
//!
//! A scoped topic name is `{scope part}_{base}`, built by `scoped_runtime`'s `naming::sns`
//! from the same scope parts as queue names; the base may not contain `_`, so the scope part
//! is always found again. The longest name (a capsule's: 164 characters of scope part, `_`,
//! 64 of base) fits SNS's 256 with `.fifo` to spare, so topic names never need a hash.

use crate::{Charset, Rule, Spec, check};

/// SNS's limit on a topic name, `.fifo` included.
pub const TOPIC_NAME_MAX: usize = 256;

/// The longest topic base name.
pub const TOPIC_BASE_MAX: usize = 64;

/// Topic base names: `webhooks`. 1–64 of `a-z 0-9 -`, starting with a letter or digit: no
/// `_` (it separates a name's parts).
const TOPIC_BASE: Spec = Spec {
    min: 1,
    max: TOPIC_BASE_MAX,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDash,
};

/// Checks a topic base name: 1–64 of `a-z 0-9 -`, starting with a lowercase letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_topic_base(value: &str) -> Result<(), Rule> {
    check(value, TOPIC_BASE)
}

/// Whether `b` may appear in an SNS topic name: `A-Z a-z 0-9 _ -` (and `.` only in the
/// `.fifo` suffix, which this does not accept).
#[must_use]
pub const fn is_topic_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_bases() {
        assert_eq!(check_topic_base("webhooks"), Ok(()));
        assert_eq!(check_topic_base(&"a".repeat(64)), Ok(()));
        assert_eq!(
            check_topic_base(&"a".repeat(65)),
            Err(Rule::TooLong { max: 64, len: 65 })
        );
        assert!(matches!(
            check_topic_base("web_hooks"),
            Err(Rule::InvalidChar { ch: '_', .. })
        ));
        assert!(is_topic_name_byte(b'_') && !is_topic_name_byte(b'.'));
    }
}
