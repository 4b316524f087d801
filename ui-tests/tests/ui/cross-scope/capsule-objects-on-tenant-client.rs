use scoped_runtime::{AwsClientFactory, Tenant, capsule_objects};

/// A file attached to a lead, kept per capsule.
#[capsule_objects("uploads")]
pub struct Attachment {
    /// The lead.
    #[scoped(id)]
    pub lead_id: String,
}

/// Asks a tenant's S3 client for a capsule object type's key.
pub fn key(factory: &AwsClientFactory, tenant: &Tenant) -> String {
    let attachment = Attachment { lead_id: "lead-789".into() };
    factory
        .tenant_s3(tenant)
        .objects::<Attachment>()
        .key(&attachment)
        .map(|key| key.to_string())
        .unwrap_or_default()
}

fn main() {}
