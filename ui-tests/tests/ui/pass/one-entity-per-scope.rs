//! One entity per scope, each reached through its own client.

use scoped_runtime::{
    AwsClientFactory, Capsule, EntityTable, KeyError, PartitionKey, Platform, ScopedKey, Tenant,
    capsule_table, platform_table, tenant_table,
};

/// A sales lead, kept per capsule.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = "LEAD")]
pub(crate) struct Lead {
    /// Its id.
    #[scoped(id)]
    pub(crate) lead_id: String,
    /// Its name.
    pub(crate) name: String,
}

/// A webhook a tenant registered.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub(crate) struct Webhook {
    /// Its id.
    #[scoped(id)]
    pub(crate) webhook_id: u64,
}

/// A platform-wide event.
#[platform_table("events")]
#[derive(ScopedKey)]
pub(crate) struct Event {
    /// Its id.
    #[scoped(id)]
    pub(crate) event_id: String,
}

/// Each client reaches its own scope's entities.
pub(crate) fn tables(
    factory: &AwsClientFactory,
    tenant: &Tenant,
    capsule: &Capsule,
) -> (EntityTable<Lead>, EntityTable<Webhook>, EntityTable<Event>) {
    (
        factory.capsule_dynamodb(capsule).table::<Lead>(),
        factory.tenant_dynamodb(tenant).table::<Webhook>(),
        factory.platform_dynamodb().table::<Event>(),
    )
}

/// One key of each entity.
type Keys = (
    PartitionKey<Lead>,
    PartitionKey<Webhook>,
    PartitionKey<Event>,
);

/// Keys from the clients are typed by entity.
pub(crate) fn keys(
    factory: &AwsClientFactory,
    tenant: &Tenant,
    capsule: &Capsule,
) -> Result<Keys, KeyError> {
    Ok((
        factory.capsule_dynamodb(capsule).key::<Lead>("lead-789")?,
        factory.tenant_dynamodb(tenant).key::<Webhook>(7)?,
        factory.platform_dynamodb().key::<Event>("e1")?,
    ))
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let tenant = Tenant::new("tenant-123", "Acme")?;
    let platform = Platform::new();

    assert_eq!(Lead::table_name(&capsule), "PRODUS_crm");
    assert_eq!(Webhook::table_name(&tenant), "tenant-123_notifications");
    assert_eq!(Event::table_name(&platform), "events");

    let lead = Lead {
        lead_id: "lead-789".into(),
        name: "Ada".into(),
    };
    assert_eq!(lead.name, "Ada");
    assert_eq!(
        lead.to_partition_key(&capsule)?,
        "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
    );
    assert_eq!(
        Webhook::partition_key(&tenant, 7)?,
        "TENANT#tenant-123#WEBHOOK#7"
    );
    assert_eq!(
        Event::partition_key(&platform, "e#1")?.into_string(),
        "EVENT#e%231"
    );
    assert!(Lead::partition_key(&capsule, "").is_err());
    let _ = (tables, keys);
    Ok(())
}
