use scoped_runtime::{ScopedKey, platform_table};

/// A platform record whose entity tag is a key segment marker.
#[platform_table("events")]
#[derive(ScopedKey)]
#[scoped(entity = "TENANT")]
pub struct TenantCreated {
    /// Its id.
    #[scoped(id)]
    pub tenant_id: String,
}

fn main() {}
