//! SQS naming rules: queue base names and the characters and length of queue names.
//!
//! A scoped queue name is `{scope part}_{base}` (and `{scope part}_{base}_dlq` for its
//! dead-letter queue); `scoped_runtime`'s `naming::sqs` builds it and its docs (docs/sqs.md)
//! explain why it is injective. The base may not contain `_`, so the scope part and the
//! `_dlq` marker are always found again, and stays short enough that the longest name fits
//! SQS's 80 characters with `.fifo` to spare.

use crate::{Charset, Rule, Spec, check};

/// SQS's limit on a queue name, `.fifo` included.
pub const QUEUE_NAME_MAX: usize = 80;

/// The length scoped queue names stay within: [`QUEUE_NAME_MAX`] less the five characters of
/// `.fifo`, so every name can also name a FIFO queue.
pub const QUEUE_NAME_BUDGET: usize = QUEUE_NAME_MAX - ".fifo".len();

/// The longest queue base name. With the `_` before it and the `_dlq` after it a base takes
/// at most 37 characters, which leaves 38 of [`QUEUE_NAME_BUDGET`] for the scope part.
pub const QUEUE_BASE_MAX: usize = 32;

/// Queue base names: `notifications`. 1–32 of `a-z 0-9 -`, starting with a letter or digit:
/// no `_` (it separates a name's parts), no uppercase (kept for the scope part's tags).
const QUEUE_BASE: Spec = Spec {
    min: 1,
    max: QUEUE_BASE_MAX,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDash,
};

/// Checks a queue base name: 1–32 of `a-z 0-9 -`, starting with a lowercase letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_queue_base(value: &str) -> Result<(), Rule> {
    check(value, QUEUE_BASE)
}

/// Whether `b` may appear in an SQS queue name: `A-Z a-z 0-9 _ -` (and `.` only in the
/// `.fifo` suffix, which this does not accept).
#[must_use]
pub const fn is_queue_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Checks a whole queue name as SQS does: 1–80 characters of `A-Z a-z 0-9 _ -`, optionally
/// ending in `.fifo` within the 80.
///
/// # Errors
///
/// [`Rule::Empty`], [`Rule::TooLong`] or [`Rule::InvalidChar`].
pub const fn check_queue_name(value: &str) -> Result<(), Rule> {
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return Err(Rule::Empty);
    }
    if bytes.len() > QUEUE_NAME_MAX {
        return Err(Rule::TooLong {
            max: QUEUE_NAME_MAX,
            len: bytes.len(),
        });
    }
    let fifo = b".fifo";
    let mut end = bytes.len();
    if end > fifo.len() && ends_with(bytes, fifo) {
        end -= fifo.len();
    }
    let mut i = 0;
    while i < end {
        if !is_queue_name_byte(bytes[i]) {
            return Err(Rule::InvalidChar {
                ch: crate::char_at(bytes, i),
                index: i,
                allowed: "ASCII letters, digits, `_` and `-`",
            });
        }
        i += 1;
    }
    Ok(())
}

const fn ends_with(bytes: &[u8], suffix: &[u8]) -> bool {
    if bytes.len() < suffix.len() {
        return false;
    }
    let start = bytes.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if bytes[start + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_bases() {
        assert_eq!(check_queue_base("notifications"), Ok(()));
        assert_eq!(check_queue_base("a"), Ok(()));
        assert_eq!(check_queue_base(&"a".repeat(32)), Ok(()));
        assert_eq!(
            check_queue_base(&"a".repeat(33)),
            Err(Rule::TooLong { max: 32, len: 33 })
        );
        assert!(matches!(
            check_queue_base("web_hooks"),
            Err(Rule::InvalidChar { ch: '_', .. })
        ));
        assert!(matches!(
            check_queue_base("Hooks"),
            Err(Rule::InvalidStart { ch: 'H', .. })
        ));
        assert!(matches!(
            check_queue_base("a.b"),
            Err(Rule::InvalidChar { ch: '.', .. })
        ));
    }

    #[test]
    fn queue_names() {
        assert_eq!(check_queue_name("t_tenant-1_hooks"), Ok(()));
        assert_eq!(check_queue_name("t_tenant-1_hooks.fifo"), Ok(()));
        assert_eq!(check_queue_name(&"a".repeat(80)), Ok(()));
        assert_eq!(
            check_queue_name(&"a".repeat(81)),
            Err(Rule::TooLong { max: 80, len: 81 })
        );
        assert!(matches!(
            check_queue_name("a.b"),
            Err(Rule::InvalidChar { ch: '.', .. })
        ));
        assert!(matches!(
            check_queue_name(".fifo"),
            Err(Rule::InvalidChar { ch: '.', .. })
        ));
        assert_eq!(check_queue_name(""), Err(Rule::Empty));
    }
}
