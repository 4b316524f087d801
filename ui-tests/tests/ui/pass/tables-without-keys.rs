//! A table attribute alone binds any non-generic struct, also through its full path.

use scoped_runtime::{Capsule, Tenant};

/// A tuple struct bound to a capsule table.
#[scoped_runtime::capsule_table("crm")]
pub(crate) struct Snapshot(pub(crate) Vec<u8>);

/// A unit struct bound to a tenant table.
#[scoped_runtime::tenant_table("settings")]
pub(crate) struct Settings;

/// Full paths, and other derives beside `ScopedKey`.
#[scoped_runtime::platform_table("audit")]
#[derive(Debug, Clone, scoped_runtime::ScopedKey)]
pub(crate) struct Audit {
    /// Its id.
    #[scoped(id)]
    pub(crate) audit_id: i64,
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let tenant = Tenant::new("tenant-123", "Acme")?;
    assert_eq!(Snapshot::table_name(&capsule), "PRODUS_crm");
    assert_eq!(Settings::table_name(&tenant), "tenant-123_settings");
    let audit = Audit { audit_id: -1 }.clone();
    assert_eq!(
        audit.to_partition_key(&scoped_runtime::Platform::new())?,
        "AUDIT#-1"
    );
    let _ = (Snapshot(Vec::new()).0, Settings);
    Ok(())
}
