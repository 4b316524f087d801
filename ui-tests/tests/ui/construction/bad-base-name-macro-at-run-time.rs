use scoped_runtime::{Scope, TableName, Tenant, base_name};

/// Names a table with a base name holding `_`, in a function body.
pub fn table(tenant: &Tenant) -> TableName {
    tenant.table(&base_name!("crm_v2"))
}

fn main() {}
