//! The sort-id traits: [`SortSegment`] (open: one sort id) and [`SortIds`] (sealed: an entity's
//! sort ids, in order).

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use super::{SortValue, encode};
use crate::error::KeyError;
use crate::ident::EntityTag;

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
    /// Implemented for text, integers, `bool`, [`SystemTime`](std::time::SystemTime), and with features `uuid::Uuid`,
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
    ///
    /// ```
    /// use scoped_runtime::SortIds;
    ///
    /// assert_eq!(<() as SortIds>::LEN, 0);
    /// assert_eq!(<std::time::SystemTime as SortIds>::LEN, 1);
    /// assert_eq!(<(i64, String) as SortIds>::LEN, 2);
    /// ```
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
