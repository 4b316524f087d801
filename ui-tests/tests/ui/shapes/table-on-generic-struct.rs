use scoped_runtime::capsule_table;

/// A record generic over its payload.
#[capsule_table("crm")]
pub struct Record<T> {
    /// Its id.
    pub id: String,
    /// Its payload.
    pub payload: T,
}

fn main() {}
