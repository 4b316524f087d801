//! What the guard needs to know of a scope: which table names are its own, whether they are
//! shared with other scopes.

use crate::scope::{Capsule, Platform, Scope, Tenant};

/// A scope the isolation guard can stand for. Implemented by the three data scopes.
pub(crate) trait GuardedScope: Scope {
    /// Whether the scope's tables hold other scopes' items too: capsule tables are shared by
    /// every tenant's capsule with the same code.
    const SHARES_TABLES: bool;

    /// The part of the scope's table names before the `_`, `None` for the platform.
    fn table_prefix(&self) -> Option<&str>;

    /// Whether `table` is a name this scope produces: its prefix (if any), `_`, and a valid
    /// base name. Table names are injective (crate docs, "Naming rules"), so no other scope
    /// produces it.
    fn owns_table(&self, table: &str) -> bool {
        self.base_name(table).is_some()
    }

    /// The base name of `table` if it is one of the scope's ([`owns_table`](Self::owns_table)):
    /// the part after `{prefix}_`, or the whole name for the platform. A table's declaration
    /// is registered under its scope kind and base name.
    fn base_name<'t>(&self, table: &'t str) -> Option<&'t str> {
        let base = match self.table_prefix() {
            None => Some(table),
            Some(prefix) => table
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('_')),
        };
        base.filter(|base| scoped_rules::check_base_name(base).is_ok())
    }

    /// The scope's table names as a pattern, for errors: `PRODUS_{base}`.
    fn table_pattern(&self) -> String {
        match self.table_prefix() {
            None => "`{base}`, without `_`".to_owned(),
            Some(prefix) => format!("`{prefix}_{{base}}`"),
        }
    }
}

impl GuardedScope for Platform {
    const SHARES_TABLES: bool = false;

    fn table_prefix(&self) -> Option<&str> {
        None
    }
}

impl GuardedScope for Tenant {
    const SHARES_TABLES: bool = false;

    fn table_prefix(&self) -> Option<&str> {
        Some(self.id().as_str())
    }
}

impl GuardedScope for Capsule {
    const SHARES_TABLES: bool = true;

    fn table_prefix(&self) -> Option<&str> {
        Some(self.code().as_str())
    }
}
