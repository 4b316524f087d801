//! [`ScopeKind`]: which of the three data scopes a scope, key or table belongs to.
//!
//! Its own module so that the key codec and the scopes can both name it without importing
//! each other.

use std::fmt;

/// Which of the three data scopes a table, key or client belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKind {
    /// Cross-tenant infrastructure: `events`, `EVENT#{id}`.
    Platform,
    /// One customer: `tenant-123_notifications`, `TENANT#tenant-123#…`.
    Tenant,
    /// One SDLC environment of one customer: `PRODUS_crm`, `TENANT#…#CAPSULE#caps-456#…`.
    Capsule,
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Platform => "platform",
            Self::Tenant => "tenant",
            Self::Capsule => "capsule",
        })
    }
}
