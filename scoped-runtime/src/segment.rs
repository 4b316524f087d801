//! Key ids: the values an entity's partition key is built from.
//!
//! An id field of a [`ScopedKey`](crate::ScopedKey) entity can be text (`String`, `&str`,
//! `Box<str>`, `Arc<str>`, `Cow<str>`), an integer, or a `uuid::Uuid` with the `uuid` feature.
//! Numbers and UUIDs are formatted on the stack, so building a key still allocates once: the
//! key itself, with exact capacity.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::rc::Rc;
use std::sync::Arc;

use crate::error::KeyError;
use crate::ident::EntityTag;
use crate::key::{self, KeyPrefix};

/// The longest id formatted on the stack: `i128::MIN` has 40 characters, a hyphenated UUID 36.
const INLINE_CAPACITY: usize = 40;

/// One id of a partition key, ready to be escaped into the key.
///
/// Borrowed text, or a number or UUID formatted into an inline buffer.
///
/// ```
/// use scoped_runtime::{KeySegment, Segment};
///
/// /// A lead's id, as the application types it.
/// pub struct LeadId(String);
///
/// impl KeySegment for LeadId {
///     fn segment(&self) -> Segment<'_> {
///         Segment::from(self.0.as_str())
///     }
/// }
///
/// assert_eq!(LeadId("lead-789".into()).segment().as_str(), "lead-789");
/// assert_eq!(42_u64.segment().as_str(), "42");
/// ```
#[derive(Clone, Copy)]
pub struct Segment<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Borrowed(&'a str),
    Inline {
        buf: [u8; INLINE_CAPACITY],
        len: usize,
        /// Formatted from an integer (not a UUID): stored as a number in items.
        number: bool,
    },
}

impl Segment<'_> {
    /// Formats `value` into the inline buffer; `number` if it is an integer. Only called for
    /// types whose output is known to fit (integers, UUIDs).
    fn inline(value: impl fmt::Display, number: bool) -> Segment<'static> {
        struct Buf {
            buf: [u8; INLINE_CAPACITY],
            len: usize,
        }
        impl fmt::Write for Buf {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let end = self.len + s.len();
                let dest = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
                dest.copy_from_slice(s.as_bytes());
                self.len = end;
                Ok(())
            }
        }
        let mut out = Buf {
            buf: [0; INLINE_CAPACITY],
            len: 0,
        };
        let written = write!(out, "{value}");
        debug_assert!(
            written.is_ok(),
            "inline key ids fit {INLINE_CAPACITY} bytes"
        );
        Segment(Repr::Inline {
            buf: out.buf,
            len: out.len,
            number,
        })
    }

    /// Whether the id was formatted from an integer, so serde stores its field as a number
    /// (`N`) rather than a string: what an upsert writes the id's attribute as.
    pub(crate) fn is_number(&self) -> bool {
        matches!(self.0, Repr::Inline { number: true, .. })
    }

    /// The id as text, before escaping.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Borrowed(s) => s,
            // Only whole `str`s are ever written to the buffer, so this never falls back.
            Repr::Inline { buf, len, .. } => std::str::from_utf8(&buf[..*len]).unwrap_or_default(),
        }
    }
}

impl<'a> From<&'a str> for Segment<'a> {
    fn from(id: &'a str) -> Self {
        Segment(Repr::Borrowed(id))
    }
}

impl fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Puts the diagnostic shared by the key-id traits on a trait: what a key id may be, and how
/// to make one of your own type.
macro_rules! with_key_id_diagnostic {
    ($message:literal, $item:item) => {
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "not a key id type",
            note = "key ids are text (`String`, `&str`, `Box<str>`, `Arc<str>`, `Cow<str>`), integers, or `uuid::Uuid` with the `uuid` feature",
            note = "for an id newtype of your own, implement `scoped_runtime::KeySegment` for it"
        )]
        $item
    };
}

with_key_id_diagnostic! {
    "`{Self}` cannot be an id in a partition key",
    /// A type whose values can be an id in a partition key.
    ///
    /// Implemented for text, integers and (feature `uuid`) `uuid::Uuid`; implement it for an
    /// id newtype of your own by returning its text (see [`Segment`]). An empty id is rejected
    /// when the key is built ([`KeyError::EmptyId`]); `#` and `%` are escaped, so no id can
    /// forge another key's segments.
    pub trait KeySegment {
        /// The id as it goes into the key, before escaping.
        fn segment(&self) -> Segment<'_>;
    }
}

impl KeySegment for str {
    fn segment(&self) -> Segment<'_> {
        Segment::from(self)
    }
}

/// Defines [`KeySegment`] for each type, with `$id` bound to `&self` in `$segment`.
macro_rules! key_segment {
    (|$id:ident| $segment:expr; $($ty:ty),+ $(,)?) => {$(
        impl KeySegment for $ty {
            fn segment(&self) -> Segment<'_> {
                let $id = self;
                $segment
            }
        }
    )+};
}

// Owned text, through its `&str`.
key_segment!(|id| Segment::from(&**id); String, Box<str>, Arc<str>, Rc<str>, Cow<'_, str>);

// Numbers, formatted into the inline buffer.
key_segment!(
    |id| Segment::inline(id, true);
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize,
);

#[cfg(feature = "uuid")]
key_segment!(|id| Segment::inline(id, false); uuid::Uuid);

impl<T: KeySegment + ?Sized> KeySegment for &T {
    fn segment(&self) -> Segment<'_> {
        (**self).segment()
    }
}

/// The seal of [`KeyIds`]: implemented for exactly the [`KeySegment`]s and their tuples, so a
/// key's ids are always escaped into it and no hand-written `encode` can write another scope's
/// key. It also hands the crate each id (an upsert writes them as attributes), which keeps
/// that out of `KeyIds`'s surface.
pub(crate) mod seal {
    use super::{KeySegment, Segment};

    #[diagnostic::on_unimplemented(
        message = "`KeyIds` cannot be implemented by hand: `{Self}` is not a key id",
        label = "hand-written `KeyIds` impl",
        note = "key ids are `KeySegment`s or tuples of them; remove this impl and implement `scoped_runtime::KeySegment` for your id type instead: its text is escaped into the key"
    )]
    pub trait Ids {
        /// Calls `visit` with each id, in order.
        fn visit_segments(&self, visit: &mut dyn FnMut(Segment<'_>));
    }

    impl<T: KeySegment> Ids for T {
        fn visit_segments(&self, visit: &mut dyn FnMut(Segment<'_>)) {
            visit(self.segment());
        }
    }
}

with_key_id_diagnostic! {
    "`{Self}` cannot be the ids of a partition key",
    /// The ids of one entity's partition key, in order: one id, or a tuple of ids for an entity
    /// with several `#[scoped(id)]` fields.
    ///
    /// This is [`Entity::Ids`](crate::Entity::Ids); a key builder such as
    /// [`CapsuleClient::key`](crate::CapsuleClient::key) takes a value of it.
    ///
    /// Sealed: implemented for every [`KeySegment`] and tuples of up to six, never by hand, so
    /// every id is escaped into the key. Implement [`KeySegment`] for an id type of your own.
    pub trait KeyIds: seal::Ids {
        /// Builds the key of `entity` with these ids in `scope`.
        #[doc(hidden)]
        fn encode<P: KeyPrefix + ?Sized>(self, scope: &P, entity: &EntityTag) -> Result<String, KeyError>;
    }
}

impl<T: KeySegment> KeyIds for T {
    fn encode<P: KeyPrefix + ?Sized>(
        self,
        scope: &P,
        entity: &EntityTag,
    ) -> Result<String, KeyError> {
        key::encode(scope, entity, &[self.segment().as_str()])
    }
}

/// Defines [`KeyIds`], and its seal, for a tuple of ids.
macro_rules! tuple_ids {
    ($($id:ident),+) => {
        impl<$($id: KeySegment),+> seal::Ids for ($($id,)+) {
            fn visit_segments(&self, visit: &mut dyn FnMut(Segment<'_>)) {
                #[allow(non_snake_case, reason = "the bindings are named after the type parameters")]
                let ($($id,)+) = self;
                $(visit($id.segment());)+
            }
        }

        impl<$($id: KeySegment),+> KeyIds for ($($id,)+) {
            fn encode<P: KeyPrefix + ?Sized>(self, scope: &P, entity: &EntityTag) -> Result<String, KeyError> {
                #[allow(non_snake_case, reason = "the bindings are named after the type parameters")]
                let ($($id,)+) = self;
                key::encode(scope, entity, &[$($id.segment().as_str()),+])
            }

        }
    };
}

tuple_ids!(A);
tuple_ids!(A, B);
tuple_ids!(A, B, C);
tuple_ids!(A, B, C, D);
tuple_ids!(A, B, C, D, E);
tuple_ids!(A, B, C, D, E, F);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Platform;

    const ORDER: EntityTag = EntityTag::from_static("ORDER");

    #[test]
    fn integers_fit_inline() {
        assert_eq!(i128::MIN.segment().as_str(), i128::MIN.to_string());
        assert_eq!(u128::MAX.segment().as_str(), u128::MAX.to_string());
        assert_eq!(0_u8.segment().as_str(), "0");
    }

    #[test]
    fn integers_are_numbers_and_text_is_not() {
        use seal::Ids as _;

        assert!(7_u32.segment().is_number() && (-3_i64).segment().is_number());
        assert!(!"7".segment().is_number());
        let mut numbers = Vec::new();
        ("a", 7_u8).visit_segments(&mut |segment| numbers.push(segment.is_number()));
        assert_eq!(numbers, [false, true]);
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_are_text() {
        assert!(!uuid::Uuid::nil().segment().is_number());
    }

    #[test]
    fn tuples_keep_their_order() {
        let key = ("a#b", 7_u32, String::from("c"))
            .encode(&Platform::new(), &ORDER)
            .unwrap();
        assert_eq!(key, "ORDER#a%23b#7#c");
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_are_hyphenated_lowercase() {
        let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        assert_eq!(
            id.segment().as_str(),
            "01234567-89ab-cdef-0123-456789abcdef"
        );
    }
}
