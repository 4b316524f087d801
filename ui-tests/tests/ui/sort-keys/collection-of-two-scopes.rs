use scoped_runtime::{Collection, ScopedKey, capsule_table, tenant_table};

/// A lead of a capsule.
#[capsule_table("crm")]
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// A webhook of a tenant.
#[tenant_table("hooks")]
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
pub struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Variants from two scopes.
#[derive(Collection)]
pub enum Mixed {
    /// A lead.
    Lead(Lead),
    /// A webhook.
    Webhook(Webhook),
}

fn main() {}
