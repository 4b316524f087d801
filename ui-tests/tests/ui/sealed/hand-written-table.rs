use scoped_runtime::{BaseName, Capsule, Table};

/// A tenant's webhook, bound by hand to the capsule tables every tenant shares.
pub struct Webhook;

impl Table for Webhook {
    type Scope = Capsule;
    const BASE_NAME: BaseName = BaseName::from_static("notifications");
}

fn main() {}
