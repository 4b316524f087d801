use scoped_runtime::{EntityTag, entity_tag};

/// An application type keeping its entity tag in an associated constant, which rustc only
/// evaluates when it is used: the macro still checks the literal at `cargo check`.
pub struct Legacy;

impl Legacy {
    /// The tag, with a reserved word.
    pub const TAG: EntityTag = entity_tag!("CAPSULE");
}

fn main() {}
