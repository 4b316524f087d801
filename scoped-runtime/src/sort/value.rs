//! [`SortValue`]: one sort id in its ordered encoding, and the codec's constructors.

use std::fmt::{self, Write as _};

use super::timestamp::timestamp;
use super::{ESCAPE, HEX, LAST_ESCAPED, escaped};
use crate::error::KeyError;

/// The longest component formatted on the stack: `i128` takes 1 + 39 digits, a timestamp 30,
/// a hyphenated UUID 36.
const INLINE_CAPACITY: usize = 40;

/// One sort id, ready to be encoded into a sort key.
///
/// A sort key is `{TAG}` or `{TAG}#{id1}#{id2}…`, and DynamoDB orders sort keys by their UTF-8
/// bytes. Each sort id is encoded so that comparing encoded sort keys byte by byte gives the
/// order of the values, component by component, also when one text is a prefix of another
/// (docs/keys.md, "Sort keys", explains why):
///
/// | sort id                   | component                                                  | example                           |
/// |---------------------------|------------------------------------------------------------|-----------------------------------|
/// | text                      | bytes `0x00`–`0x25` as `%` and two uppercase hex digits     | `a b#c` → `a%20b%23c`             |
/// | unsigned integer          | zero-padded to the width of the type's maximum              | `9_u32` → `0000000009`            |
/// | signed integer            | `0` and `n − MIN` if negative, else `1` and `n`, zero-padded | `-1_i8` → `0127`, `5_i8` → `1005` |
/// | `bool`                    | `0`, `1`                                                    | `true` → `1`                      |
/// | `uuid::Uuid`              | lowercase hyphenated                                        | `01234567-89ab-…`                 |
/// | timestamp                 | RFC 3339 UTC, nine fractional digits, years 0000–9999       | `2026-11-30T14:03:03.000000000Z`  |
///
/// `usize` and `isize` encode as `u64` and `i64`. A component never contains `#` or `$` and
/// never starts with a byte below `%`.
///
/// Built only by the constructors below, so whatever a [`SortSegment`](crate::SortSegment)
/// returns is either text (escaped when it is written, so it can add no separator) or a value
/// in its ordered encoding: no implementation can write an unescaped or unordered component.
/// Its [`Display`](fmt::Display) is the encoded component.
///
/// ```
/// use scoped_runtime::SortValue;
///
/// assert_eq!(SortValue::text("a b#c").to_string(), "a%20b%23c");
/// assert_eq!(SortValue::from(9_u32).to_string(), "0000000009");
/// assert_eq!(SortValue::from(-1_i64).to_string(), "09223372036854775807");
/// assert_eq!(SortValue::from(5_i64).to_string(), "10000000000000000005");
/// assert_eq!(
///     SortValue::timestamp(1_796_047_383, 0)?.to_string(),
///     "2026-11-30T14:03:03.000000000Z"
/// );
/// # Ok::<(), scoped_runtime::KeyError>(())
/// ```
#[derive(Clone, Copy)]
pub struct SortValue<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    /// Text, escaped as it is written.
    Text(&'a str),
    /// A number, `bool`, UUID or timestamp in its final form: ASCII bytes above `%` only.
    Encoded { buf: [u8; INLINE_CAPACITY], len: u8 },
}

/// Formats into a stack buffer; only given output that is known to fit.
struct Inline {
    buf: [u8; INLINE_CAPACITY],
    len: usize,
}

impl fmt::Write for Inline {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dest = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl SortValue<'static> {
    /// Formats an already-ordered component (digits, `-`, `:`, `.`, `T`, `Z`, hex) inline.
    pub(super) fn encoded(args: fmt::Arguments<'_>) -> Self {
        let mut out = Inline {
            buf: [0; INLINE_CAPACITY],
            len: 0,
        };
        let written = out.write_fmt(args);
        debug_assert!(
            written.is_ok(),
            "encoded sort ids fit {INLINE_CAPACITY} bytes"
        );
        debug_assert!(out.buf[..out.len].iter().all(|&b| b > LAST_ESCAPED));
        #[allow(
            clippy::cast_possible_truncation,
            reason = "len <= INLINE_CAPACITY = 40"
        )]
        let len = out.len as u8;
        SortValue(Repr::Encoded { buf: out.buf, len })
    }

    /// A point in time, as seconds and nanoseconds since the Unix epoch (UTC), encoded as
    /// RFC 3339 UTC with nine fractional digits: `2026-11-30T14:03:03.000000000Z`.
    ///
    /// For a timestamp type of your own in a [`SortSegment`](crate::SortSegment). `SystemTime`,
    /// and with the
    /// features `time` and `chrono` their date-time types, are sort ids already.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] before 0000-01-01 or after 9999-12-31 (UTC), or if
    /// `nanoseconds` is a second or more.
    pub fn timestamp(unix_seconds: i64, nanoseconds: u32) -> Result<Self, KeyError> {
        timestamp(unix_seconds, nanoseconds, false, || {
            format!("{unix_seconds}.{nanoseconds:09} s since the Unix epoch")
        })
    }
}

impl<'a> SortValue<'a> {
    /// Text, escaped into the component as it is written: every byte from `0x00` to `0x25`
    /// (controls, space, `!"#$%`) becomes `%` and two uppercase hex digits.
    /// Empty text is rejected when the sort key is built ([`KeyError::EmptySortId`]).
    #[must_use]
    pub const fn text(value: &'a str) -> Self {
        SortValue(Repr::Text(value))
    }

    /// The encoded component's length in bytes.
    pub(super) fn encoded_len(&self) -> usize {
        match &self.0 {
            Repr::Text(text) => text.len() + 2 * text.bytes().filter(|&b| escaped(b)).count(),
            Repr::Encoded { len, .. } => usize::from(*len),
        }
    }

    /// Whether the component would be empty (only text can be).
    pub(super) fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Text(""))
    }

    /// `s` after this encoded component, if `s` starts with it.
    pub(super) fn strip_encoded<'s>(&self, s: &'s str) -> Option<&'s str> {
        match &self.0 {
            Repr::Text(text) => {
                let mut rest = s.as_bytes();
                for &b in text.as_bytes() {
                    if escaped(b) {
                        let escape = [ESCAPE, HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]];
                        rest = rest.strip_prefix(&escape[..])?;
                    } else {
                        rest = rest.strip_prefix(std::slice::from_ref(&b))?;
                    }
                }
                s.get(s.len() - rest.len()..)
            }
            Repr::Encoded { buf, len } => {
                let encoded = buf.get(..usize::from(*len))?;
                let rest = s.as_bytes().strip_prefix(encoded)?;
                s.get(s.len() - rest.len()..)
            }
        }
    }

    /// Appends the encoded component.
    pub(super) fn push_encoded(&self, out: &mut String) {
        match &self.0 {
            Repr::Text(text) => push_escaped(out, text),
            Repr::Encoded { buf, len } => {
                // Only whole `str`s are written to the buffer, so this never falls back.
                out.push_str(std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or_default());
            }
        }
    }
}

fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(escaped) {
        out.push_str(&rest[..at]);
        let b = rest.as_bytes()[at];
        out.push(char::from(ESCAPE));
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

impl<'a> From<&'a str> for SortValue<'a> {
    fn from(text: &'a str) -> Self {
        Self::text(text)
    }
}

impl SortValue<'static> {
    /// `n` as `width` zero-padded decimal digits after an optional leading digit, written
    /// with a digit loop (no formatting machinery: a sort key of integers builds faster than
    /// `format!` of the same text).
    fn digits(mut n: u128, width: usize, lead: Option<u8>) -> Self {
        let mut buf = [0_u8; INLINE_CAPACITY];
        let start = usize::from(lead.is_some());
        let len = start + width;
        debug_assert!(
            len <= INLINE_CAPACITY,
            "integer sort ids fit the inline buffer"
        );
        if let Some(lead) = lead {
            buf[0] = lead;
        }
        // Below 2^64 the narrower division is several times faster.
        let mut at = len;
        while at > start {
            at -= 1;
            let digit = if let Ok(small) = u64::try_from(n) {
                n = u128::from(small / 10);
                small % 10
            } else {
                let digit = n % 10;
                n /= 10;
                #[allow(
                    clippy::cast_possible_truncation,
                    reason = "a remainder of 10 fits a u64"
                )]
                let digit = digit as u64;
                digit
            };
            #[allow(clippy::cast_possible_truncation, reason = "a digit fits a u8")]
            let digit = digit as u8;
            buf[at] = b'0' + digit;
        }
        debug_assert_eq!(n, 0, "the width holds every digit");
        #[allow(
            clippy::cast_possible_truncation,
            reason = "len <= INLINE_CAPACITY = 40"
        )]
        let len = len as u8;
        SortValue(Repr::Encoded { buf, len })
    }
}

/// `From` for unsigned integers: zero-padded decimal of the type's widest value.
macro_rules! from_unsigned {
    ($($ty:ty => $width:literal),+ $(,)?) => {$(
        impl From<$ty> for SortValue<'static> {
            fn from(n: $ty) -> Self {
                debug_assert_eq!(<$ty>::MAX.to_string().len(), $width);
                Self::digits(u128::from(n), $width, None)
            }
        }
    )+};
}

from_unsigned!(u8 => 3, u16 => 5, u32 => 10, u64 => 20, u128 => 39);

/// `From` for signed integers: `0` + (n − MIN) for negative n, `1` + n otherwise, both padded
/// to the width of the type's largest magnitude.
macro_rules! from_signed {
    ($($ty:ty => $width:literal),+ $(,)?) => {$(
        impl From<$ty> for SortValue<'static> {
            fn from(n: $ty) -> Self {
                debug_assert_eq!(<$ty>::MIN.unsigned_abs().to_string().len(), $width);
                if n < 0 {
                    Self::digits(u128::from(n.abs_diff(<$ty>::MIN)), $width, Some(b'0'))
                } else {
                    Self::digits(u128::from(n.unsigned_abs()), $width, Some(b'1'))
                }
            }
        }
    )+};
}

from_signed!(i8 => 3, i16 => 5, i32 => 10, i64 => 19, i128 => 39);

impl From<usize> for SortValue<'static> {
    /// As a `u64`, so a sort key does not depend on the platform's pointer width.
    fn from(n: usize) -> Self {
        Self::from(n as u64)
    }
}

impl From<isize> for SortValue<'static> {
    /// As an `i64`, so a sort key does not depend on the platform's pointer width.
    fn from(n: isize) -> Self {
        Self::from(n as i64)
    }
}

impl From<bool> for SortValue<'static> {
    fn from(b: bool) -> Self {
        Self::encoded(format_args!("{}", u8::from(b)))
    }
}

#[cfg(feature = "uuid")]
impl From<uuid::Uuid> for SortValue<'static> {
    /// Lowercase hyphenated: lowercase hex orders as the UUID's bytes do.
    fn from(id: uuid::Uuid) -> Self {
        Self::encoded(format_args!("{}", id.hyphenated()))
    }
}

impl fmt::Display for SortValue<'_> {
    /// The encoded component.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(self.encoded_len());
        self.push_encoded(&mut out);
        f.write_str(&out)
    }
}

impl fmt::Debug for SortValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Repr::Encoded { .. } => f.debug_tuple("Encoded").field(&self.to_string()).finish(),
        }
    }
}
