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

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::KeyError;
use crate::ident::EntityTag;
use scoped_rules as rule;

/// DynamoDB's limit on the size of a sort key value, in bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;

const SEPARATOR: u8 = b'#';
const ESCAPE: u8 = b'%';
/// Bytes up to this one are escaped in text sort ids: controls, space, `!"#$%`.
const LAST_ESCAPED: u8 = 0x25;
/// One above the separator; never part of a well-formed sort key, so `{prefix}$` is an
/// exclusive upper bound for every sort key that starts with `{prefix}#`.
#[allow(
    dead_code,
    reason = "range bounds use it once queries are wired in (issue 13)"
)]
pub(crate) const UPPER_BOUND: char = '$';
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// How many leading characters of an over-long sort key its error shows.
const ERROR_PREFIX_CHARS: usize = 64;

/// The longest component formatted on the stack: `i128` takes 1 + 39 digits, a timestamp 30,
/// a hyphenated UUID 36.
const INLINE_CAPACITY: usize = 40;

/// One sort id, ready to be encoded into a sort key.
///
/// Built only by the constructors below, so whatever a [`SortSegment`] returns is either text
/// (escaped when it is written, so it can add no separator) or a value in its ordered encoding:
/// no implementation can write an unescaped or unordered component. Its [`Display`](fmt::Display)
/// is the encoded component.
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
    fn encoded(args: fmt::Arguments<'_>) -> Self {
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
    /// For a timestamp type of your own in a [`SortSegment`]. `SystemTime`, and with the
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

/// Seconds since the Unix epoch of 0000-01-01T00:00:00Z and of 9999-12-31T23:59:59Z.
const MIN_UNIX_SECONDS: i64 = -62_167_219_200;
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;
const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Encodes a timestamp. With `leap`, `nanoseconds` of a second or more on the 59th second of a
/// minute are a leap second (chrono's representation) and written as second 60, which sorts
/// between that second and the next minute.
fn timestamp(
    unix_seconds: i64,
    nanoseconds: u32,
    leap: bool,
    value: impl FnOnce() -> String,
) -> Result<SortValue<'static>, KeyError> {
    let out_of_range = |reason| KeyError::TimestampOutOfRange {
        value: value(),
        reason,
    };
    if !(MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&unix_seconds) {
        return Err(out_of_range("the year is outside 0000–9999"));
    }
    let mut second = unix_seconds.rem_euclid(60);
    let mut nanos = nanoseconds;
    if nanos >= NANOS_PER_SECOND {
        if !(leap && second == 59 && nanos < 2 * NANOS_PER_SECOND) {
            return Err(out_of_range("the nanoseconds are a second or more"));
        }
        second = 60;
        nanos -= NANOS_PER_SECOND;
    }
    let minutes = unix_seconds.div_euclid(60);
    let (minute, hours) = (minutes.rem_euclid(60), minutes.div_euclid(60));
    let (hour, days) = (hours.rem_euclid(24), hours.div_euclid(24));
    let (year, month, day) = civil_from_days(days);
    Ok(SortValue::encoded(format_args!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{nanos:09}Z"
    )))
}

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01, after Howard
/// Hinnant's `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl<'a> SortValue<'a> {
    /// Text, escaped into the component as it is written (see the [module docs](self)).
    /// Empty text is rejected when the sort key is built ([`KeyError::EmptySortId`]).
    #[must_use]
    pub const fn text(value: &'a str) -> Self {
        SortValue(Repr::Text(value))
    }

    /// The encoded component's length in bytes.
    pub(crate) fn encoded_len(&self) -> usize {
        match &self.0 {
            Repr::Text(text) => text.len() + 2 * text.bytes().filter(|&b| escaped(b)).count(),
            Repr::Encoded { len, .. } => usize::from(*len),
        }
    }

    /// Whether the component would be empty (only text can be).
    fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Text(""))
    }

    /// Appends the encoded component.
    fn push_encoded(&self, out: &mut String) {
        match &self.0 {
            Repr::Text(text) => push_escaped(out, text),
            Repr::Encoded { buf, len } => {
                // Only whole `str`s are written to the buffer, so this never falls back.
                out.push_str(std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or_default());
            }
        }
    }
}

fn escaped(b: u8) -> bool {
    b <= LAST_ESCAPED
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

/// `From` for unsigned integers: zero-padded decimal of the type's widest value.
macro_rules! from_unsigned {
    ($($ty:ty => $width:literal),+ $(,)?) => {$(
        impl From<$ty> for SortValue<'static> {
            fn from(n: $ty) -> Self {
                debug_assert_eq!(<$ty>::MAX.to_string().len(), $width);
                Self::encoded(format_args!("{n:0w$}", w = $width))
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
                    Self::encoded(format_args!("0{:0w$}", n.abs_diff(<$ty>::MIN), w = $width))
                } else {
                    Self::encoded(format_args!("1{:0w$}", n.unsigned_abs(), w = $width))
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

/// Puts the diagnostic shared by the sort-id traits on a trait.
macro_rules! with_sort_id_diagnostic {
    ($message:literal, $item:item) => {
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "not a sort id type",
            note = "sort ids are text (`String`, `&str`, `Box<str>`, `Arc<str>`, `Rc<str>`, `Cow<str>`), integers, `bool`, `SystemTime`, `uuid::Uuid` (feature `uuid`), `time::OffsetDateTime` (feature `time`) or `chrono::DateTime` (feature `chrono`)",
            note = "for a sort id newtype of your own, implement `scoped_runtime::SortSegment` for it"
        )]
        $item
    };
}

with_sort_id_diagnostic! {
    "`{Self}` cannot be a sort id",
    /// A type whose values can be a sort id: one component of a sort key, ordered as the
    /// values are.
    ///
    /// Implemented for text, integers, `bool`, [`SystemTime`], and with features `uuid::Uuid`,
    /// `time::OffsetDateTime` and `chrono::DateTime<Utc | FixedOffset>`. Implement it for a
    /// newtype of your own by returning one of [`SortValue`]'s constructors, which are the only
    /// way to make one: a `SortSegment` cannot write an unescaped or unordered component.
    ///
    /// ```
    /// use scoped_runtime::{KeyError, SortSegment, SortValue};
    ///
    /// /// An invoice number, ordered as a number.
    /// pub struct InvoiceNumber(u32);
    ///
    /// impl SortSegment for InvoiceNumber {
    ///     fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
    ///         Ok(SortValue::from(self.0))
    ///     }
    /// }
    ///
    /// assert_eq!(InvoiceNumber(42).sort_value()?.to_string(), "0000000042");
    /// # Ok::<(), KeyError>(())
    /// ```
    pub trait SortSegment {
        /// The sort id as it goes into the sort key.
        ///
        /// # Errors
        ///
        /// A value that has no ordered encoding: a timestamp outside the years 0000–9999
        /// ([`KeyError::TimestampOutOfRange`]).
        fn sort_value(&self) -> Result<SortValue<'_>, KeyError>;
    }
}

impl SortSegment for str {
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        Ok(SortValue::text(self))
    }
}

/// Defines [`SortSegment`] for each type, with `$id` bound to `&self` in `$value`.
macro_rules! sort_segment {
    (|$id:ident| $value:expr; $($ty:ty),+ $(,)?) => {$(
        impl SortSegment for $ty {
            fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
                let $id = self;
                $value
            }
        }
    )+};
}

// Owned text, through its `&str`.
sort_segment!(|id| Ok(SortValue::text(id)); String, Box<str>, Arc<str>, Rc<str>, Cow<'_, str>);

// Numbers and `bool`, formatted inline.
sort_segment!(
    |id| Ok(SortValue::from(*id));
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, bool,
);

#[cfg(feature = "uuid")]
sort_segment!(|id| Ok(SortValue::from(*id)); uuid::Uuid);

impl SortSegment for SystemTime {
    /// RFC 3339 UTC with nine fractional digits; before 1970 too.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999.
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        let (seconds, nanos) = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                match before.subsec_nanos() {
                    0 => (-i128::from(before.as_secs()), 0),
                    nanos => (-i128::from(before.as_secs()) - 1, NANOS_PER_SECOND - nanos),
                }
            }
        };
        // Out of `i64` is out of range too: map it to a value `timestamp` rejects.
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        timestamp(seconds, nanos, false, || format!("{self:?}"))
    }
}

#[cfg(feature = "time")]
impl SortSegment for time::OffsetDateTime {
    /// Converted to UTC: RFC 3339 with nine fractional digits.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999 (UTC).
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(self.unix_timestamp(), self.nanosecond(), false, || {
            format!("{self}")
        })
    }
}

#[cfg(feature = "chrono")]
impl SortSegment for chrono::DateTime<chrono::Utc> {
    /// RFC 3339 with nine fractional digits; a leap second is written as second 60.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999.
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(
            self.timestamp(),
            self.timestamp_subsec_nanos(),
            true,
            || self.to_string(),
        )
    }
}

#[cfg(feature = "chrono")]
impl SortSegment for chrono::DateTime<chrono::FixedOffset> {
    /// Converted to UTC: RFC 3339 with nine fractional digits; a leap second is written as
    /// second 60.
    ///
    /// # Errors
    ///
    /// [`KeyError::TimestampOutOfRange`] outside the years 0000–9999 (UTC).
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        timestamp(
            self.timestamp(),
            self.timestamp_subsec_nanos(),
            true,
            || self.to_string(),
        )
    }
}

impl<T: SortSegment + ?Sized> SortSegment for &T {
    fn sort_value(&self) -> Result<SortValue<'_>, KeyError> {
        (**self).sort_value()
    }
}

/// The seal of [`SortIds`]: implemented for exactly `()`, the [`SortSegment`]s and their
/// tuples, so every sort id is encoded by this codec.
mod seal {
    use super::SortSegment;

    #[diagnostic::on_unimplemented(
        message = "`SortIds` cannot be implemented by hand: `{Self}` is not a sort id",
        label = "hand-written `SortIds` impl",
        note = "sort ids are `()`, `SortSegment`s or tuples of them; remove this impl and implement `scoped_runtime::SortSegment` for your sort id type instead"
    )]
    pub trait SortIds {}

    impl SortIds for () {}
    impl<T: SortSegment> SortIds for T {}
}

with_sort_id_diagnostic! {
    "`{Self}` cannot be the sort ids of a sort key",
    /// The sort ids of one entity's sort key, in order: `()` for an entity without sort ids,
    /// one sort id, or a tuple of up to six for an entity with several `#[scoped(sort)]`
    /// fields. The sort key is `{TAG}` or `{TAG}#{id1}#{id2}…` (see [`SortValue`]).
    ///
    /// Sealed: implemented for `()`, every [`SortSegment`] and tuples of up to six, never by
    /// hand. Implement [`SortSegment`] for a sort id type of your own.
    pub trait SortIds: seal::SortIds {
        /// How many sort ids: 0 for `()`, 1 for one, the arity for a tuple.
        const LEN: usize;

        /// Calls `f` with the sort ids' values, in order.
        #[doc(hidden)]
        fn with_sort_values<R>(
            &self,
            f: impl FnOnce(&[SortValue<'_>]) -> R,
        ) -> Result<R, KeyError>;

        /// Builds the sort key of the entity tagged `tag` with these sort ids.
        #[doc(hidden)]
        fn encode(self, tag: &EntityTag) -> Result<String, KeyError>
        where
            Self: Sized,
        {
            self.with_sort_values(|values| encode(tag, values))?
        }
    }
}

impl SortIds for () {
    const LEN: usize = 0;

    fn with_sort_values<R>(&self, f: impl FnOnce(&[SortValue<'_>]) -> R) -> Result<R, KeyError> {
        Ok(f(&[]))
    }
}

impl<T: SortSegment> SortIds for T {
    const LEN: usize = 1;

    fn with_sort_values<R>(&self, f: impl FnOnce(&[SortValue<'_>]) -> R) -> Result<R, KeyError> {
        Ok(f(&[self.sort_value()?]))
    }
}

/// Defines [`SortIds`], and its seal, for a tuple of sort ids.
macro_rules! tuple_sort_ids {
    ($len:literal; $($id:ident),+) => {
        impl<$($id: SortSegment),+> seal::SortIds for ($($id,)+) {}

        impl<$($id: SortSegment),+> SortIds for ($($id,)+) {
            const LEN: usize = $len;

            fn with_sort_values<R>(
                &self,
                f: impl FnOnce(&[SortValue<'_>]) -> R,
            ) -> Result<R, KeyError> {
                #[allow(non_snake_case, reason = "the bindings are named after the type parameters")]
                let ($($id,)+) = self;
                Ok(f(&[$($id.sort_value()?),+]))
            }
        }
    };
}

tuple_sort_ids!(1; A);
tuple_sort_ids!(2; A, B);
tuple_sort_ids!(3; A, B, C);
tuple_sort_ids!(4; A, B, C, D);
tuple_sort_ids!(5; A, B, C, D, E);
tuple_sort_ids!(6; A, B, C, D, E, F);

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

/// Builds the sort key `{TAG}` or `{TAG}#{c1}#…` of `tag` with `values`, allocating once
/// with exact capacity.
pub(crate) fn encode(tag: &EntityTag, values: &[SortValue<'_>]) -> Result<String, KeyError> {
    let len = sort_key_len(tag, values, false)?;
    let key = write_sort_key(tag, values, false, len);
    check_len(&key)?;
    Ok(key)
}

/// `{TAG}#{c1}#…#{ck}#`: the prefix of every sort key of `tag` whose leading sort ids are
/// `leading` (`{TAG}#` when `leading` is empty), for `begins_with`.
#[allow(
    dead_code,
    reason = "range queries use it once they are wired in (issue 13)"
)]
pub(crate) fn prefix(tag: &EntityTag, leading: &[SortValue<'_>]) -> Result<String, KeyError> {
    let len = sort_key_len(tag, leading, true)?;
    let key = write_sort_key(tag, leading, true, len);
    check_len(&key)?;
    Ok(key)
}

/// Appends one encoded component (no separator) to a range bound being built: `value`, the
/// sort id at 1-based `position` of `tag`'s sort ids.
#[allow(
    dead_code,
    reason = "range queries use it once they are wired in (issue 13)"
)]
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

/// A sort key parsed back into its entity tag and encoded sort ids, borrowing from it.
///
/// ```
/// use scoped_runtime::DecodedSortKey;
///
/// let sk = DecodedSortKey::parse("NOTE#2026-11-30T14:03:03.000000000Z#a%20b%23c")?;
/// assert_eq!(sk.tag(), "NOTE");
/// assert_eq!(sk.len(), 2);
/// let ids: Vec<_> = sk.sort_ids().collect();
/// assert_eq!(ids[1].as_str(), "a%20b%23c");
/// assert_eq!(ids[1].to_text(), "a b#c");
/// assert_eq!(DecodedSortKey::parse("LEAD")?.len(), 0);
/// # Ok::<(), scoped_runtime::KeyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodedSortKey<'a> {
    key: &'a str,
    tag: &'a str,
    /// The components joined by `#`, empty when there are none.
    ids: &'a str,
}

fn malformed(key: &str, reason: &'static str) -> KeyError {
    KeyError::MalformedSortKey {
        key: key.to_owned(),
        reason,
    }
}

impl<'a> DecodedSortKey<'a> {
    /// Parses `sk`, accepting exactly the sort keys this codec produces: `{TAG}` or
    /// `{TAG}#{c1}#…` with a valid entity tag and non-empty components in which every byte up
    /// to `%` (0x25) is escaped as `%` and two uppercase hex digits.
    ///
    /// # Errors
    ///
    /// [`KeyError::SortKeyTooLong`] over 1,024 bytes; [`KeyError::MalformedSortKey`] naming
    /// what breaks the format: a bad entity tag, an empty component, an unescaped byte up to
    /// `%`, or an escape that is not `%` and two uppercase hex digits of such a byte.
    pub fn parse(sk: &'a str) -> Result<Self, KeyError> {
        check_len(sk)?;
        let (tag, ids) = match sk.split_once(char::from(SEPARATOR)) {
            Some((tag, ids)) => (tag, Some(ids)),
            None => (sk, None),
        };
        if rule::check_entity_tag(tag).is_err() {
            return Err(malformed(
                sk,
                "a sort key starts with a valid entity tag (1–64 of `A-Z 0-9 _`, starting with a \
                 letter, not `TENANT` or `CAPSULE`)",
            ));
        }
        if let Some(ids) = ids
            && let Some(reason) = encoded_ids_fault(ids)
        {
            return Err(malformed(sk, reason));
        }
        Ok(Self {
            key: sk,
            tag,
            ids: ids.unwrap_or_default(),
        })
    }

    /// The whole sort key.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.key
    }

    /// The entity tag.
    #[must_use]
    pub fn tag(&self) -> &'a str {
        self.tag
    }

    /// How many sort ids the sort key has.
    #[must_use]
    pub fn len(&self) -> usize {
        if self.ids.is_empty() {
            0
        } else {
            self.ids.bytes().filter(|&b| b == SEPARATOR).count() + 1
        }
    }

    /// Whether the sort key is the tag alone, without sort ids.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The encoded sort ids, in order.
    pub fn sort_ids(&self) -> impl Iterator<Item = EncodedSortId<'a>> + 'a {
        let ids = (!self.ids.is_empty()).then_some(self.ids);
        ids.into_iter()
            .flat_map(|ids| ids.split(char::from(SEPARATOR)))
            .map(EncodedSortId)
    }
}

/// One encoded component of a [`DecodedSortKey`], already checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EncodedSortId<'a>(&'a str);

impl<'a> EncodedSortId<'a> {
    /// The component as it is in the sort key.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// The component read as a text sort id: its escapes undone. Borrowed unless it has one.
    #[must_use]
    pub fn to_text(&self) -> Cow<'a, str> {
        unescape(self.0)
    }
}

/// Why `ids`, a sort key's components joined by `#`, are not what the encoder writes. One pass
/// over the bytes.
fn encoded_ids_fault(ids: &str) -> Option<&'static str> {
    const EMPTY: &str = "sort ids must not be empty";
    let bytes = ids.as_bytes();
    let mut id_is_empty = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            SEPARATOR if id_is_empty => return Some(EMPTY),
            SEPARATOR => id_is_empty = true,
            ESCAPE => {
                let escaped = bytes.get(i + 1..i + 3).and_then(|hex| {
                    let digit = |d: u8| HEX.iter().position(|&h| h == d);
                    Some(digit(hex[0])? * 16 + digit(hex[1])?)
                });
                if !escaped.is_some_and(|b| b <= usize::from(LAST_ESCAPED)) {
                    return Some(
                        "`%` in a sort id must start an escape of a byte from 00 to 25 in \
                         uppercase hex",
                    );
                }
                id_is_empty = false;
                i += 2;
            }
            _ if escaped(b) => {
                return Some(
                    "bytes from 0x00 to 0x25 other than the `#` separators must be escaped",
                );
            }
            _ => id_is_empty = false,
        }
        i += 1;
    }
    id_is_empty.then_some(EMPTY)
}

/// Reverses [`push_escaped`] on a component already checked by [`encoded_ids_fault`].
fn unescape(id: &str) -> Cow<'_, str> {
    if !id.contains(char::from(ESCAPE)) {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len());
    let mut rest = id;
    while let Some(at) = rest.find(char::from(ESCAPE)) {
        out.push_str(&rest[..at]);
        let byte = rest
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .unwrap_or(ESCAPE);
        // Checked escapes are of bytes up to 0x25: ASCII, so a whole `char`.
        out.push(char::from(byte));
        rest = rest.get(at + 3..).unwrap_or_default();
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: EntityTag = EntityTag::from_static("NOTE");

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
    fn timestamps_are_rfc3339_utc_with_nanoseconds() {
        let ts = |s, n| SortValue::timestamp(s, n).map(|v| v.to_string());
        assert_eq!(ts(0, 0).unwrap(), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            ts(-1, 999_999_999).unwrap(),
            "1969-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            ts(951_782_400, 1).unwrap(),
            "2000-02-29T00:00:00.000000001Z"
        );
        assert_eq!(
            ts(MIN_UNIX_SECONDS, 0).unwrap(),
            "0000-01-01T00:00:00.000000000Z"
        );
        assert_eq!(
            ts(MAX_UNIX_SECONDS, 999_999_999).unwrap(),
            "9999-12-31T23:59:59.999999999Z"
        );
        for (s, n) in [
            (MIN_UNIX_SECONDS - 1, 0),
            (MAX_UNIX_SECONDS + 1, 0),
            (0, NANOS_PER_SECOND),
        ] {
            assert!(
                matches!(ts(s, n), Err(KeyError::TimestampOutOfRange { .. })),
                "{s}.{n}"
            );
        }
        let before = UNIX_EPOCH - std::time::Duration::new(1, 250_000_000);
        assert_eq!(
            before.sort_value().unwrap().to_string(),
            "1969-12-31T23:59:58.750000000Z"
        );
        let far = UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
        let err = far.sort_value().unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot be a sort id: sort ids hold RFC 3339 UTC timestamps"),
            "{err}"
        );
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
        assert_eq!(prefix(&NOTE, &leading).unwrap(), "NOTE#003#a%23#");
        assert_eq!(prefix(&NOTE, &[]).unwrap(), "NOTE#");
        let mut bound = prefix(&NOTE, &leading[..1]).unwrap();
        push_component(&mut bound, &NOTE, 2, &leading[1]).unwrap();
        bound.push(UPPER_BOUND);
        assert_eq!(bound, "NOTE#003#a%23$");
        assert!(matches!(
            push_component(&mut bound, &NOTE, 2, &SortValue::text("")),
            Err(KeyError::EmptySortId { position: 2, .. })
        ));
    }

    #[test]
    fn decoding_round_trips() {
        let text = "a b#c%$\u{7f}é\u{0}";
        let key = (text, 7_u32).encode(&NOTE).unwrap();
        let decoded = DecodedSortKey::parse(&key).unwrap();
        assert_eq!(decoded.tag(), "NOTE");
        let ids: Vec<_> = decoded.sort_ids().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].to_text(), text);
        assert_eq!(ids[1].as_str(), "0000000007");
        assert_eq!(DecodedSortKey::parse("NOTE").unwrap().sort_ids().count(), 0);
    }

    #[test]
    fn malformed_sort_keys() {
        for key in [
            "",
            "note",
            "NOTE#",
            "NOTE##a",
            "NOTE#a#",
            "#a",
            "TENANT#a",
            "NOTE#a b",
            "NOTE#a$",
            "NOTE#a%",
            "NOTE#a%2",
            "NOTE#a%2g",
            "NOTE#%2a",
            "NOTE#%26",
            "NOTE#%41",
            "NOTE#\u{1}",
        ] {
            assert!(
                matches!(
                    DecodedSortKey::parse(key),
                    Err(KeyError::MalformedSortKey { .. })
                ),
                "{key:?} should be malformed"
            );
        }
        let long = format!("NOTE#{}", "x".repeat(MAX_SORT_KEY_BYTES));
        assert!(matches!(
            DecodedSortKey::parse(&long),
            Err(KeyError::SortKeyTooLong { .. })
        ));
    }
}
