use scoped_runtime::ScopedKey;

/// A struct without a table attribute.
pub struct Crm;

/// A lead referring to it as its table.
#[derive(ScopedKey)]
#[scoped(table = Crm)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
