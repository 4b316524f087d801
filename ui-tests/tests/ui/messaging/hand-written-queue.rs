use scoped_runtime::{Queue, QueueBase, Tenant};

/// A message that claims a queue without the attribute.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Forged {
    /// Anything.
    pub body: String,
}

impl Queue for Forged {
    type Scope = Tenant;
    const BASE: QueueBase = QueueBase::from_static("notifications");
}

fn main() {}
