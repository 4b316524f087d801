use scoped_runtime::{Index, IndexSchema, Table};

/// An index written by hand, to reach another table's items.
#[derive(Debug, Clone, Copy, Default)]
pub struct Forged;

/// The table it claims.
#[scoped_runtime::capsule_table("crm")]
pub struct Crm;

impl Index for Forged {
    type Table = Crm;
    const SCHEMA: IndexSchema = <Crm as Table>::INDEXES[0];
}

fn main() {}
