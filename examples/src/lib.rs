//! Example entities, one per scope, as an application declares them.
//!
//! `cargo doc -p scoped-examples --open` shows what the macros generate for each: its scope,
//! table name pattern and partition-key pattern, on the entity's own page. The runnable
//! programs are in `examples/`.
//!
//! | entity        | scope    | table                      | partition key                                             |
//! |---------------|----------|----------------------------|-----------------------------------------------------------|
//! | [`Lead`]      | capsule  | `{capsule_code}_crm`       | `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}`  |
//! | [`Webhook`]   | tenant   | `{tenant_id}_notifications`| `TENANT#{tenant_id}#WEBHOOK#{webhook_id}`                 |
//! | [`MetricPoint`] | platform | `metrics`                | `METRIC_POINT#{metric}#{minute}`                          |
//!
//! ```
//! use scoped_examples::{Lead, MetricPoint, Webhook};
//! use scoped_runtime::{Capsule, Platform, Tenant};
//!
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! let tenant = Tenant::new("tenant-123", "Acme Corp")?;
//!
//! assert_eq!(Lead::table_name(&capsule), "PRODUS_crm");
//! assert_eq!(
//!     Lead::partition_key(&capsule, "lead-789")?,
//!     "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
//! );
//! assert_eq!(Webhook::partition_key(&tenant, 7)?, "TENANT#tenant-123#WEBHOOK#7");
//! assert_eq!(
//!     MetricPoint::partition_key(&Platform::new(), "api.latency", 29_400_000)?,
//!     "METRIC_POINT#api.latency#29400000"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use scoped_runtime::{ScopedKey, capsule_table, platform_table, tenant_table};

/// A sales lead in a tenant's CRM, kept separately per capsule (dev, staging, prod).
#[capsule_table("crm")]
#[derive(Debug, Clone, PartialEq, Eq, ScopedKey)]
#[scoped(entity = "LEAD")]
pub struct Lead {
    /// The lead's id, unique within its capsule.
    #[scoped(id)]
    pub lead_id: String,
    /// The person or company the lead is about.
    pub name: String,
}

/// A webhook a tenant registered to hear about its own events.
#[tenant_table("notifications")]
#[derive(Debug, Clone, PartialEq, Eq, ScopedKey)]
pub struct Webhook {
    /// The webhook's number within its tenant.
    #[scoped(id)]
    pub webhook_id: u64,
    /// Where deliveries are posted.
    pub url: String,
}

/// One minute of one platform metric, shared by all tenants.
#[platform_table("metrics")]
#[derive(Debug, Clone, PartialEq, ScopedKey)]
pub struct MetricPoint {
    /// The metric's name: `api.latency`.
    #[scoped(id)]
    pub metric: String,
    /// Minutes since the Unix epoch.
    #[scoped(id)]
    pub minute: u64,
    /// The value measured.
    pub value: f64,
}
