//! Table names: `events`, `{tenant_id}_{base}`, `{capsule_code}_{base}`.

use std::fmt;

use crate::ident::BaseName;

/// A DynamoDB table name produced by a scope.
///
/// Always 3–255 characters of `[A-Za-z0-9_.-]`, and injective: the prefix before the first `_`
/// is the scope (a lowercase tenant id or a capsule code starting with an uppercase letter,
/// neither containing `_`), and a platform table contains no `_` at all.
///
/// ```
/// use scoped_runtime::{BaseName, Scope, Tenant};
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// let name = tenant.table(&BaseName::new("notifications")?);
/// assert_eq!(name, "tenant-123_notifications");
/// # Ok::<(), scoped_runtime::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableName(String);

impl TableName {
    /// Joins an optional scope prefix and a base with `_`, allocating once.
    pub(crate) fn new(prefix: Option<&str>, base: &BaseName) -> Self {
        let base = base.as_str();
        let Some(prefix) = prefix else {
            return Self(base.to_owned());
        };
        let mut name = String::with_capacity(prefix.len() + 1 + base.len());
        name.push_str(prefix);
        name.push('_');
        name.push_str(base);
        Self(name)
    }

    /// The name as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned `String`, as the SDK's builders take it.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<str> for TableName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl From<TableName> for String {
    fn from(name: TableName) -> Self {
        name.0
    }
}

impl PartialEq<str> for TableName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for TableName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
