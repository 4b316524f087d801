use scoped_runtime::{DynamoDb, Entity, Items, TenantClient};

/// Generic code over any entity, asking a tenant client for its items.
pub fn items_of<E: Entity>(client: &TenantClient<DynamoDb>) -> Items<E> {
    client.items::<E>()
}

fn main() {}
