use scoped_runtime::{AwsClientFactory, Capsule, S3, ScopedClient, Tenant, TenantObjects, capsule_objects};

/// A file attached to a lead, kept per capsule.
#[capsule_objects("uploads")]
pub struct Attachment {
    /// The lead.
    #[scoped(id)]
    pub lead_id: String,
}

/// A hand-written scope check that would let a tenant client reach capsule objects.
impl TenantObjects<Capsule> for Attachment {
    fn client_of(_client: &ScopedClient<Tenant, S3>) -> &ScopedClient<Capsule, S3> {
        unimplemented!()
    }
}

/// Tries to use it.
pub fn prefix(factory: &AwsClientFactory, tenant: &Tenant) -> String {
    let _store = factory.tenant_s3(tenant).objects::<Attachment>();
    String::new()
}

fn main() {}
