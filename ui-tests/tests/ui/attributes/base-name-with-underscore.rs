use scoped_runtime::tenant_table;

/// A webhook in a table whose base name contains the scope separator.
#[tenant_table("web_hooks")]
pub struct Webhook {
    /// Its id.
    pub webhook_id: String,
}

fn main() {}
