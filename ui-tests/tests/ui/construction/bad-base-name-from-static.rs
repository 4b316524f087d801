use scoped_runtime::BaseName;

/// A base name with an uppercase letter, written by hand.
pub const CRM: BaseName = BaseName::from_static("Crm");

fn main() {}
