//! TEMPORARY stand-in for the sort-id codec (being written on branch i13-sort): the interface
//! the entity model and queries use. Replaced wholesale by the real codec before issue 13
//! lands.

use crate::error::KeyError;
use crate::ident::EntityTag;
use crate::segment::KeySegment;

/// A type whose values can be a sort id.
pub trait SortSegment {
    /// Appends the encoded id to `out`.
    #[doc(hidden)]
    fn push_sort(&self, out: &mut String) -> Result<(), KeyError>;
}

impl<T: KeySegment + ?Sized> SortSegment for T {
    fn push_sort(&self, out: &mut String) -> Result<(), KeyError> {
        for byte in self.segment().as_str().bytes() {
            if byte <= 0x25 {
                out.push_str(&format!("%{byte:02X}"));
            } else {
                out.push(byte as char);
            }
        }
        Ok(())
    }
}

mod seal {
    pub trait Ids {}
    impl Ids for () {}
    impl<T: super::SortSegment> Ids for T {}
    impl<A: super::SortSegment, B: super::SortSegment> Ids for (A, B) {}
}

/// The sort ids of one entity's items.
pub trait SortIds: seal::Ids {
    /// How many.
    const LEN: usize;
    /// `{TAG}` or `{TAG}#{ids}`.
    #[doc(hidden)]
    fn encode(self, tag: &EntityTag) -> Result<String, KeyError>;
}

impl SortIds for () {
    const LEN: usize = 0;
    fn encode(self, tag: &EntityTag) -> Result<String, KeyError> {
        Ok(tag.as_str().to_owned())
    }
}

impl<T: SortSegment> SortIds for T {
    const LEN: usize = 1;
    fn encode(self, tag: &EntityTag) -> Result<String, KeyError> {
        let mut out = tag.as_str().to_owned();
        out.push('#');
        self.push_sort(&mut out)?;
        Ok(out)
    }
}

impl<A: SortSegment, B: SortSegment> SortIds for (A, B) {
    const LEN: usize = 2;
    fn encode(self, tag: &EntityTag) -> Result<String, KeyError> {
        let mut out = tag.as_str().to_owned();
        out.push('#');
        self.0.push_sort(&mut out)?;
        out.push('#');
        self.1.push_sort(&mut out)?;
        Ok(out)
    }
}

/// Appends one encoded component.
pub(crate) fn push_component<T: SortSegment + ?Sized>(
    out: &mut String,
    value: &T,
) -> Result<(), KeyError> {
    value.push_sort(out)
}
