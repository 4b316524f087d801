//! Index keys as typed writes store them against a real DynamoDB: every put writes `pk_{index}`
//! (and `sk_{index}`) inside the scope, sparse templates leave the item out, sharded indexes
//! pick the shard of the item's key, and updates cannot change what an index or a uniqueness
//! claim reads.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{Capsule, Error, Index, ItemKey, Scope, Tenant, Update, UpdateRule, shard_of};
use scoped_tests::entities::{ByEmail, ByOwner, Contact, Hook, Recent};
use scoped_tests::{factory, unique, unscoped};

fn contact(id: &str, email: &str, owner: Option<&str>, created: i64) -> Contact {
    Contact {
        contact_id: id.into(),
        email: email.into(),
        owner: owner.map(str::to_owned),
        created,
        name: format!("name of {id}"),
    }
}

/// The stored item of `key` in `table`, read with an unscoped client.
async fn stored<E>(
    raw: &aws_sdk_dynamodb::Client,
    table: &str,
    key: &ItemKey<E>,
) -> HashMap<String, AttributeValue> {
    let mut request = raw
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(key.partition().as_str().to_owned()));
    if let Some(sk) = key.sort() {
        request = request.key("sk", AttributeValue::S(sk.to_owned()));
    }
    request.send().await.unwrap().item.unwrap()
}

fn string(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.clone()),
        Some(other) => panic!("{name} is not a string: {other:?}"),
        None => None,
    }
}

#[tokio::test]
async fn puts_write_every_index_key_inside_the_scope() {
    // `Contact` has a unique email: its puts are transactions.
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = Capsule::new(format!("t-{}", unique()), "caps-1", "PRODUS").unwrap();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts
        .put(&contact("c1", "ada#1@example.com", Some("bob"), -5))
        .await
        .unwrap();
    contacts
        .put(&contact("c2", "grace@example.com", None, 7))
        .await
        .unwrap();

    let raw = unscoped(&factory);
    let key = contacts.item_key("c1").unwrap();
    let item = stored(&raw, contacts.table().as_str(), &key).await;
    let prefix = format!("TENANT#{}#CAPSULE#caps-1#", capsule.tenant_id());
    // The email is escaped like any key id: `#` cannot add a segment.
    assert_eq!(
        string(&item, "pk_by_email").unwrap(),
        format!("{prefix}CONTACT#by_email#ada%231@example.com")
    );
    assert_eq!(
        string(&item, "sk_by_email"),
        None,
        "by_email has no sort key"
    );
    let shard = shard_of(key.partition().as_str(), key.sort(), Recent::SCHEMA.shards);
    assert!(shard < 4);
    assert_eq!(
        string(&item, "pk_recent").unwrap(),
        format!("{prefix}CONTACT#recent#{shard}")
    );
    // Sort values in the order-preserving codec: a negative number sorts before a positive one.
    let sk_recent = string(&item, "sk_recent").unwrap();
    assert!(sk_recent.starts_with("CONTACT#"), "{sk_recent}");
    assert!(sk_recent.ends_with("#c1"), "{sk_recent}");
    assert_eq!(
        string(&item, "pk_owner").unwrap(),
        format!("{prefix}CONTACT#owner#bob")
    );
    assert!(string(&item, "sk_owner").unwrap().starts_with("CONTACT#"));
    assert_eq!(ByOwner::SCHEMA.partition_attribute(), "pk_owner");
    assert_eq!(ByEmail::SCHEMA.name, "by_email");
    // Every index partition value is a key of the scope.
    for name in ["pk_by_email", "pk_recent", "pk_owner"] {
        capsule.check_key(&string(&item, name).unwrap()).unwrap();
    }

    // Without an owner, the contact is not in the sparse `owner` index.
    let key = contacts.item_key("c2").unwrap();
    let item = stored(&raw, contacts.table().as_str(), &key).await;
    assert_eq!(string(&item, "pk_owner"), None);
    assert_eq!(string(&item, "sk_owner"), None);
    assert!(string(&item, "pk_by_email").is_some());

    // Reading back ignores the index attributes.
    let read = contacts.get("c1").await.unwrap().unwrap();
    assert_eq!(read, contact("c1", "ada#1@example.com", Some("bob"), -5));
}

#[tokio::test]
async fn sort_values_order_as_the_fields_do() {
    // `Contact` has a unique email: its puts are transactions.
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = Capsule::new(format!("t-{}", unique()), "caps-1", "PRODUS").unwrap();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    let created = [-100_i64, -1, 0, 9, 10, 1_000_000];
    for (i, at) in created.iter().enumerate() {
        contacts
            .put(&contact(
                &format!("c{i}"),
                &format!("{i}@x.io"),
                Some("o"),
                *at,
            ))
            .await
            .unwrap();
    }
    let raw = unscoped(&factory);
    let mut sorted = Vec::new();
    for i in 0..created.len() {
        let key = contacts.item_key(&format!("c{i}")).unwrap();
        let item = stored(&raw, contacts.table().as_str(), &key).await;
        sorted.push(string(&item, "sk_owner").unwrap());
    }
    let mut by_text = sorted.clone();
    by_text.sort();
    assert_eq!(sorted, by_text, "index sort values sort as `created` does");
}

#[tokio::test]
async fn a_tenant_collection_index_holds_the_tenant_prefix() {
    let factory = factory().await;
    let tenant = Tenant::new(format!("t-{}", unique()), "Acme").unwrap();
    let hooks = factory.tenant_dynamodb(&tenant).items::<Hook>();
    hooks.provision().await.unwrap();
    hooks
        .put(&Hook {
            hook_id: "h1".into(),
            url: "https://example.com".into(),
        })
        .await
        .unwrap();
    let raw = unscoped(&factory);
    let item = stored(&raw, hooks.table().as_str(), &hooks.item_key("h1").unwrap()).await;
    assert_eq!(
        string(&item, "pk_all_hooks").unwrap(),
        format!("TENANT#{}#HOOK#all_hooks", tenant.id())
    );
}

#[tokio::test]
async fn updates_cannot_change_what_an_index_or_a_unique_value_reads() {
    // `Contact` has a unique email: its puts are transactions.
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = Capsule::new(format!("t-{}", unique()), "caps-1", "PRODUS").unwrap();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts
        .put(&contact("c1", "a@x.io", None, 1))
        .await
        .unwrap();
    for (attribute, value) in [("email", "b@x.io"), ("owner", "bob"), ("created", "2")] {
        let err = contacts
            .update("c1", Update::new().set(attribute, value))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::UpdateAttribute { attribute: a, rule: UpdateRule::Indexed, .. } if a == attribute),
            "{attribute}: {err}"
        );
    }
    for reserved in ["pk_by_email", "sk_recent", "pk_anything"] {
        let err = contacts
            .update("c1", Update::new().set(reserved, "x"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::UpdateAttribute {
                    rule: UpdateRule::Reserved,
                    ..
                }
            ),
            "{reserved}: {err}"
        );
    }
    // Other fields update as before.
    let updated = contacts
        .update("c1", Update::new().set("name", "Ada"))
        .await
        .unwrap();
    assert_eq!(updated.name, "Ada");
}
