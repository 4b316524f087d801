use scoped_runtime::EntityTag;

/// An entity tag with a `#`, written by hand.
pub const LEAD: EntityTag = EntityTag::from_static("LEAD#1");

fn main() {}
