//! A table attribute alone binds any non-generic struct, also through its full path.

use scoped_runtime::{Capsule, Tenant};

/// A tuple struct bound to a capsule table.
#[scoped_runtime::capsule_table("crm")]
pub(crate) struct Snapshot(pub(crate) Vec<u8>);

/// A table without a key, with other derives after the attribute (which leaves its hint after
/// them).
#[scoped_runtime::capsule_table("blobs")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Blob {
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
}

/// A table without a key whose other derives come first.
#[derive(Debug, Default)]
#[scoped_runtime::tenant_table("preferences")]
pub(crate) struct Preferences;

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
    assert_eq!(Preferences::table_name(&tenant), "tenant-123_preferences");
    assert_eq!(format!("{Preferences:?}"), "Preferences");
    let blob = Blob { bytes: vec![1] };
    assert_eq!(blob.clone(), blob);
    assert_eq!(Blob::table_name(&capsule), "PRODUS_blobs");
    let audit = Audit { audit_id: -1 }.clone();
    assert_eq!(
        audit.to_partition_key(&scoped_runtime::Platform::new())?,
        "AUDIT#-1"
    );
    let _ = (Snapshot(Vec::new()).0, Settings);
    Ok(())
}
