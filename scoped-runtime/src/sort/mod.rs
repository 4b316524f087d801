//! The sort-key codec: sort ids encoded so that DynamoDB's order is the values' order.
//!
//! An item's sort key is `{TAG}` for an entity without sort ids, or `{TAG}#{id1}#{id2}…` with
//! one component per sort id. DynamoDB orders sort keys by their UTF-8 bytes, so each
//! component is encoded such that **comparing encoded sort keys byte by byte gives the order
//! of the values, component by component** (tuple order), also when one text is a prefix of
//! another:
//!
//! | sort id                                   | component                                          | example                                    |
//! |-------------------------------------------|----------------------------------------------------|--------------------------------------------|
//! | text (`String`, `&str`, `Box<str>`…)      | bytes `0x00`–`0x25` as `%XX` (uppercase hex)        | `a b#c` → `a%20b%23c`                      |
//! | unsigned integer                          | zero-padded to the type's widest value              | `9_u32` → `0000000009`                     |
//! | signed integer                            | `0` + (n − MIN) if negative, `1` + n otherwise      | `-1_i8` → `0127`, `5_i8` → `1005`          |
//! | `bool`                                    | `0`, `1`                                            | `true` → `1`                               |
//! | `uuid::Uuid` (feature `uuid`)             | lowercase hyphenated                                | `01234567-89ab-cdef-0123-456789abcdef`     |
//! | timestamp (`SystemTime`; `time`, `chrono`) | RFC 3339 UTC, 9 fractional digits                  | `2026-11-30T14:03:03.000000000Z`           |
//!
//! Widths: `u8` 3 digits, `u16` 5, `u32` 10, `u64`/`usize` 20, `u128` 39; signed types one
//! sign digit plus the width of their largest magnitude (`i8` 3, `i16` 5, `i32` 10,
//! `i64`/`isize` 19, `i128` 39).
//!
//! **Why text keeps its order.** An escaped byte becomes `%` (0x25) and two uppercase hex
//! digits, which order as the byte does; `%` is above the separator `#` (0x23) and below every
//! byte that passes through (0x26 and up), so escaping never reorders two texts. When one text
//! is a prefix of another, the shorter one's component ends with `#` or the end of the key,
//! and the longer one's continues with a byte of at least 0x25: the shorter sorts first, as
//! it should, whatever follows it. Fixed-width components never are prefixes of each other.
//!
//! **What a component never contains.** `#` and `$` (0x24) are always escaped, and no
//! component starts with a byte below 0x25. So `{TAG}#{X}$` is an exclusive upper bound for
//! "first component `X`, anything after", and every component is non-empty (empty text is
//! [`KeyError::EmptySortId`]). Sort keys over DynamoDB's 1,024-byte limit are
//! [`KeyError::SortKeyTooLong`]; [`DecodedSortKey::parse`] accepts exactly the sort keys the
//! codec produces.

mod decode;
mod ids;
mod timestamp;
mod value;

pub use decode::{DecodedSortKey, EncodedSortId};
pub use ids::{SortIds, SortSegment};
pub use value::SortValue;

use crate::error::KeyError;
use crate::ident::EntityTag;

/// DynamoDB's limit on the size of a sort key value, in bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;

const SEPARATOR: u8 = b'#';
const ESCAPE: u8 = b'%';
/// Bytes up to this one are escaped in text sort ids: controls, space, `!"#$%`.
const LAST_ESCAPED: u8 = 0x25;
/// One above the separator; never part of a well-formed sort key, so `{prefix}$` is an
/// exclusive upper bound for every sort key that starts with `{prefix}#`.
pub(crate) const UPPER_BOUND: char = '$';
const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn escaped(b: u8) -> bool {
    b <= LAST_ESCAPED
}

/// How many leading characters of an over-long sort key its error shows.
const ERROR_PREFIX_CHARS: usize = 64;

fn empty_sort_id(tag: &EntityTag, position: usize) -> KeyError {
    KeyError::EmptySortId {
        entity: tag.to_string(),
        position,
    }
}

fn too_long(key: &str, len: usize) -> KeyError {
    KeyError::SortKeyTooLong {
        prefix: key.chars().take(ERROR_PREFIX_CHARS).collect(),
        len,
    }
}

/// The length of `{TAG}#{c1}#…#{cn}` plus one `#` when `trailing`, checking that no
/// component is empty.
fn sort_key_len(
    tag: &EntityTag,
    values: &[SortValue<'_>],
    trailing: bool,
) -> Result<usize, KeyError> {
    let mut len = tag.as_str().len() + usize::from(trailing);
    for (i, value) in values.iter().enumerate() {
        if value.is_empty() {
            return Err(empty_sort_id(tag, i + 1));
        }
        len += 1 + value.encoded_len();
    }
    Ok(len)
}

fn write_sort_key(tag: &EntityTag, values: &[SortValue<'_>], trailing: bool, len: usize) -> String {
    let mut key = String::with_capacity(len);
    key.push_str(tag.as_str());
    for value in values {
        key.push(char::from(SEPARATOR));
        value.push_encoded(&mut key);
    }
    if trailing {
        key.push(char::from(SEPARATOR));
    }
    debug_assert_eq!(key.len(), len, "sort key capacity must be exact");
    key
}

/// Whether `sk` is exactly the sort key [`encode`] builds of `tag` with `values`, compared in
/// place without building it.
pub(crate) fn matches(tag: &EntityTag, values: &[SortValue<'_>], sk: &str) -> bool {
    let Some(mut rest) = sk.strip_prefix(tag.as_str()) else {
        return false;
    };
    for value in values {
        if value.is_empty() {
            return false;
        }
        let Some(after) = rest
            .strip_prefix(char::from(SEPARATOR))
            .and_then(|after| value.strip_encoded(after))
        else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

/// Builds the sort key `{TAG}` or `{TAG}#{c1}#…` of `tag` with `values`, allocating once
/// with exact capacity.
pub(crate) fn encode(tag: &EntityTag, values: &[SortValue<'_>]) -> Result<String, KeyError> {
    let len = sort_key_len(tag, values, false)?;
    let key = write_sort_key(tag, values, false, len);
    check_len(&key)?;
    Ok(key)
}

/// Appends one encoded component (no separator) to a range bound being built: `value`, the
/// sort id at 1-based `position` of `tag`'s sort ids.
pub(crate) fn push_component(
    out: &mut String,
    tag: &EntityTag,
    position: usize,
    value: &SortValue<'_>,
) -> Result<(), KeyError> {
    if value.is_empty() {
        return Err(empty_sort_id(tag, position));
    }
    out.reserve(value.encoded_len());
    value.push_encoded(out);
    Ok(())
}

/// [`KeyError::SortKeyTooLong`] if `sk` is over DynamoDB's sort-key limit.
pub(crate) fn check_len(sk: &str) -> Result<(), KeyError> {
    if sk.len() > MAX_SORT_KEY_BYTES {
        return Err(too_long(sk, sk.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sort::SortIds;

    const NOTE: EntityTag = EntityTag::from_static("NOTE");

    #[test]
    fn sort_keys_match_exactly_what_encode_builds() {
        let cases: [(i64, &str); 4] = [(0, "n1"), (-5, "a b#$%"), (i64::MAX, "ünï"), (7, "%20")];
        for (time, id) in cases {
            let values = [SortValue::from(time), SortValue::text(id)];
            let sk = encode(&NOTE, &values).unwrap();
            assert!(matches(&NOTE, &values, &sk), "{sk}");
            for other in [
                format!("{sk}x"),
                format!("{sk}#y"),
                sk.to_lowercase(),
                sk.replacen("NOTE", "NOTA", 1),
                {
                    let mut shorter = sk.clone();
                    shorter.pop();
                    shorter
                },
            ] {
                if other != sk {
                    assert!(!matches(&NOTE, &values, &other), "{other}");
                }
            }
        }
        assert!(matches(&NOTE, &[], "NOTE"));
        assert!(!matches(&NOTE, &[], "NOTE#"));
        assert!(!matches(&NOTE, &[SortValue::text("")], "NOTE#"));
    }

    fn sk(ids: impl SortIds) -> String {
        ids.encode(&NOTE).unwrap()
    }

    #[test]
    fn components_of_each_type() {
        assert_eq!(sk(()), "NOTE");
        assert_eq!(sk("a b#c%$!\"\u{1}&"), "NOTE#a%20b%23c%25%24%21%22%01&");
        assert_eq!(sk(0_u8), "NOTE#000");
        assert_eq!(sk(u8::MAX), "NOTE#255");
        assert_eq!(sk(u16::MAX), "NOTE#65535");
        assert_eq!(sk(9_u32), "NOTE#0000000009");
        assert_eq!(sk(u64::MAX), "NOTE#18446744073709551615");
        assert_eq!(sk(7_usize), "NOTE#00000000000000000007");
        assert_eq!(sk(u128::MAX), format!("NOTE#{}", u128::MAX));
        assert_eq!(sk(1_u128), format!("NOTE#{:039}", 1));
        assert_eq!(sk(i8::MIN), "NOTE#0000");
        assert_eq!(sk(-1_i8), "NOTE#0127");
        assert_eq!(sk(0_i8), "NOTE#1000");
        assert_eq!(sk(i8::MAX), "NOTE#1127");
        assert_eq!(sk(-1_i64), "NOTE#09223372036854775807");
        assert_eq!(sk(5_i64), "NOTE#10000000000000000005");
        assert_eq!(sk(-1_isize), "NOTE#09223372036854775807");
        assert_eq!(sk(i128::MIN), format!("NOTE#0{:039}", 0));
        assert_eq!(sk(i128::MAX), format!("NOTE#1{}", i128::MAX));
        assert_eq!(sk((false, true)), "NOTE#0#1");
        assert_eq!(
            sk(("x", 1_u8, -1_i16, "y", true, 2_u16)),
            "NOTE#x#001#032767#y#1#00002"
        );
        assert_eq!(<(u8, &str) as SortIds>::LEN, 2);
        assert_eq!(<() as SortIds>::LEN, 0);
        assert_eq!(<String as SortIds>::LEN, 1);
    }

    #[test]
    fn bad_sort_ids_are_errors() {
        assert_eq!(
            ("a", "").encode(&NOTE),
            Err(KeyError::EmptySortId {
                entity: "NOTE".into(),
                position: 2
            })
        );
        let fits = "x".repeat(MAX_SORT_KEY_BYTES - "NOTE#".len());
        assert!(fits.as_str().encode(&NOTE).is_ok());
        let over = "#".repeat(400);
        assert!(matches!(
            over.as_str().encode(&NOTE),
            Err(KeyError::SortKeyTooLong { len: 1205, .. })
        ));
    }

    #[test]
    fn prefixes_and_bounds() {
        let leading = [SortValue::from(3_u8), SortValue::text("a#")];
        let mut bound = String::from("NOTE#");
        push_component(&mut bound, &NOTE, 1, &leading[0]).unwrap();
        bound.push('#');
        push_component(&mut bound, &NOTE, 2, &leading[1]).unwrap();
        bound.push(UPPER_BOUND);
        assert_eq!(bound, "NOTE#003#a%23$");
        assert!(matches!(
            push_component(&mut bound, &NOTE, 2, &SortValue::text("")),
            Err(KeyError::EmptySortId { position: 2, .. })
        ));
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_are_hyphenated_lowercase() {
        let id = uuid::Uuid::from_u128(0x0123_4567_89AB_CDEF_0123_4567_89AB_CDEF);
        assert_eq!(sk(id), "NOTE#01234567-89ab-cdef-0123-456789abcdef");
    }
}
