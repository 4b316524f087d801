//! The generated code is clean under strict lints: every macro form, in a crate that denies
//! missing docs, needless qualification and clippy's pedantic group. `cargo clippy
//! --all-targets -- -D warnings` checks the clippy half.

#![deny(missing_docs, unused_qualifications, clippy::pedantic)]

use std::borrow::Cow;

use scoped_runtime::{
    Capsule, Platform, ScopedKey, Tenant, capsule_table, platform_table, tenant_table,
};

/// A capsule entity with an explicit tag.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = "LEAD")]
pub struct Lead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// A tenant entity with a composite key of text and integer ids.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
pub struct WebhookDelivery {
    /// The webhook.
    #[scoped(id)]
    pub webhook_id: Cow<'static, str>,
    /// The attempt.
    #[scoped(id)]
    pub attempt: u16,
}

/// A platform entity whose derive comes first, with a crate-private visibility.
#[derive(ScopedKey)]
#[platform_table("events")]
pub(crate) struct Event {
    /// Its id.
    #[scoped(id)]
    pub(crate) event_id: i64,
}

/// A capsule table with indexes of every kind.
#[capsule_table(
    "accounts",
    sort_key,
    index(ByDomain),
    index(Newest, sort_key, shards = 4),
    index(ByManager, name = "manager", sort_key, projection = keys_only)
)]
pub struct Accounts;

/// An account in every index, with a unique domain and an optional manager.
#[derive(ScopedKey)]
#[scoped(table = Accounts, entity = "ACCOUNT")]
#[scoped(index(
    ByDomain(partition(domain)),
    Newest(sort(created, account_id)),
    ByManager(partition(manager), sort(created))
))]
pub struct Account {
    /// Its id.
    #[scoped(id)]
    pub account_id: String,
    /// Its domain.
    #[scoped(unique)]
    pub domain: String,
    /// Its manager, if any.
    pub manager: Option<u64>,
    /// When it was created.
    pub created: i64,
}

/// A table without a key, as a tuple struct.
#[capsule_table("blobs")]
pub struct Blob(pub Vec<u8>);

/// A table without a key, as a unit struct.
#[tenant_table("settings")]
pub struct Settings;

#[test]
fn every_macro_form_builds_keys() {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
    let tenant = Tenant::new("tenant-123", "Acme").unwrap();
    let lead = Lead {
        lead_id: "lead-789".into(),
    };
    assert_eq!(
        lead.to_partition_key(&capsule).unwrap(),
        "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
    );
    assert_eq!(
        WebhookDelivery::partition_key(&tenant, "w1", 2).unwrap(),
        "TENANT#tenant-123#WEBHOOK_DELIVERY#w1#2"
    );
    let event = Event { event_id: 9 };
    assert_eq!(event.to_partition_key(&Platform::new()).unwrap(), "EVENT#9");
    assert_eq!(Blob::table_name(&capsule), "PRODUS_blobs");
    assert_eq!(Settings::table_name(&tenant), "tenant-123_settings");
    assert!(Blob(Vec::new()).0.is_empty());
}
