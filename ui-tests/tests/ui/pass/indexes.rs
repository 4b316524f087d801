//! Index declarations and templates that compile: collection, lookup, sparse and sharded
//! templates, several templates reading one field, and an index on a tenant table.

use scoped_runtime::{
    Entity, Index, IndexedBy, Projection, ScopedKey, Table, capsule_table, tenant_table,
};

/// The accounts table, with indexes.
#[capsule_table(
    "accounts",
    sort_key,
    index(ByDomain),
    index(Newest, sort_key, shards = 8),
    index(ByManager, name = "manager", sort_key, projection = keys_only)
)]
pub(crate) struct Accounts;

/// An account.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Accounts, entity = "ACCOUNT")]
#[scoped(index(ByDomain(partition(domain)), Newest(sort(created, account_id))))]
#[scoped(index(ByManager(partition(manager), sort(created))))]
pub(crate) struct Account {
    /// Its id.
    #[scoped(id)]
    pub(crate) account_id: String,
    /// Its domain: unique among the capsule's accounts.
    #[scoped(unique)]
    pub(crate) domain: String,
    /// Its manager, if any.
    pub(crate) manager: Option<String>,
    /// When it was created.
    pub(crate) created: u64,
}

/// The pipelines table of each tenant.
#[tenant_table("pipelines", index(AllPipelines))]
pub(crate) struct Pipelines;

/// A pipeline, listed in `all_pipelines`.
#[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
#[scoped(table = Pipelines, index(AllPipelines))]
pub(crate) struct Pipeline {
    /// Its id.
    #[scoped(id)]
    pub(crate) pipeline_id: String,
}

pub(crate) fn main() {
    assert_eq!(Accounts::INDEXES.len(), 3);
    assert_eq!(<Account as Table>::INDEXES, Accounts::INDEXES);
    assert_eq!(ByDomain::SCHEMA.name, "by_domain");
    assert_eq!(Newest::SCHEMA.shards, 8);
    assert_eq!(Newest::SCHEMA.sort_attribute(), Some("sk_newest"));
    assert_eq!(ByManager::SCHEMA.partition_attribute(), "pk_manager");
    assert_eq!(ByManager::SCHEMA.projection, Projection::KeysOnly);
    assert_eq!(<Account as IndexedBy<Newest>>::SORT_VALUE_COUNT, 2);
    assert_eq!(AllPipelines::SCHEMA.name, "all_pipelines");
    let account = Account {
        account_id: "a1".into(),
        domain: "example.com".into(),
        manager: None,
        created: 7,
    };
    assert!(<Account as IndexedBy<ByManager>>::index_values(&account).is_none());
    let mut unique = Vec::new();
    account
        .visit_unique(&mut |attribute, value| unique.push((attribute, value.as_str().to_owned())));
    assert_eq!(unique, [("domain", "example.com".to_owned())]);
}
