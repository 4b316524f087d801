//! The typed entity operations against moto: what each sends (counted at the HTTP client), what
//! it returns, and the errors that name what failed.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeySchemaElement, KeyType};
use scoped_runtime::{
    AwsClientFactory, Capsule, CapsuleClient, CredentialCacheConfig, DynamoDb, Error,
    IsolationViolation, ScopedKey, Tenant, Update, UpdateRule, capsule_table, tenant_table,
};
use scoped_tests::entities::{CapsuleNote, Counter, ForgedKey, TenantNote};
use scoped_tests::{Backend, PK, StsTap, factory_with_tap, lone_capsule, unique, unscoped};
use serde::{Deserialize, Serialize};

/// A contact whose attributes serde renames (`contactId`, `displayName`…), next to the notes.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[scoped(entity = "CONTACT")]
pub struct Contact {
    /// The contact's id, stored as `contactId`.
    #[scoped(id)]
    pub contact_id: String,
    /// Stored as `displayName`.
    pub display_name: String,
    /// Stored as `visits`.
    pub visits: u32,
    /// Never stored.
    #[serde(skip)]
    pub cached: bool,
}

/// Free-form labels: `#[serde(flatten)]` makes the attribute names unknowable to the macro.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "LABELS")]
pub struct Labels {
    /// Its id.
    #[scoped(id)]
    pub labels_id: String,
    /// Every other attribute.
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, String>,
}

/// A tenant entity next to the tenant's notes, with another tag.
#[tenant_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "MEMO")]
pub struct Memo {
    /// Its id.
    #[scoped(id)]
    pub note_id: String,
    /// Its text.
    pub body: String,
}

struct Setup {
    tap: StsTap,
    factory: AwsClientFactory,
    crm: CapsuleClient<DynamoDb>,
}

async fn setup() -> Setup {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    // A table of its own: a failed transaction on moto restores the whole table.
    let capsule = lone_capsule("OPS");
    let crm = factory.capsule_dynamodb(&capsule);
    crm.items::<CapsuleNote>().provision().await.unwrap();
    Setup { tap, factory, crm }
}

impl Setup {
    /// The DynamoDB operations `run` sent.
    async fn sent<T>(&self, run: impl std::future::Future<Output = T>) -> (T, Vec<String>) {
        let before = self.tap.dynamodb_requests();
        let output = run.await;
        (output, self.tap.dynamodb_operations()[before..].to_vec())
    }
}

fn note(id: &str, body: &str) -> CapsuleNote {
    CapsuleNote {
        note_id: id.into(),
        body: body.into(),
    }
}

#[tokio::test]
async fn single_item_operations() {
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>().consistent_reads();

    let (put, sent) = setup.sent(notes.put(&note("n1", "first"))).await;
    put.unwrap();
    assert_eq!(sent, ["PutItem"]);
    let (got, sent) = setup.sent(notes.get("n1")).await;
    assert_eq!(got.unwrap(), Some(note("n1", "first")));
    assert_eq!(sent, ["GetItem"]);
    assert_eq!(notes.get("absent").await.unwrap(), None);

    // Create writes only absent items.
    let err = notes.create(&note("n1", "second")).await.unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyExists { key, .. } if key.ends_with("#NOTE#n1")),
        "{err}"
    );
    assert_eq!(notes.get("n1").await.unwrap().unwrap().body, "first");
    notes.create(&note("n2", "created")).await.unwrap();

    // Update changes non-key attributes of existing items and returns the new item.
    let updated = notes
        .update("n1", Update::new().set("body", "updated"))
        .await
        .unwrap();
    assert_eq!(updated, note("n1", "updated"));
    let err = notes
        .update("absent", Update::new().set("body", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert_eq!(
        notes.get("absent").await.unwrap(),
        None,
        "update never creates"
    );

    // The item as stored: the entity's attributes and the key the library wrote.
    let key = notes.key("n1").unwrap();
    let stored = unscoped(&setup.factory)
        .get_item()
        .table_name(notes.table().as_str())
        .key(PK, AttributeValue::S(key.to_string()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let mut names: Vec<_> = stored.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["body", "note_id", "pk"]);

    let (deleted, sent) = setup.sent(notes.delete("n1")).await;
    deleted.unwrap();
    assert_eq!(sent, ["DeleteItem"]);
    assert_eq!(notes.get("n1").await.unwrap(), None);
    notes.delete("n1").await.unwrap();
}

#[tokio::test]
async fn queries_follow_last_evaluated_key() {
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>().consistent_reads();
    notes.put(&note("n1", "one")).await.unwrap();
    notes.put(&note("n2", "two")).await.unwrap();

    let (found, sent) = setup.sent(notes.query("n1").try_collect()).await;
    assert_eq!(found.unwrap(), [note("n1", "one")]);
    assert_eq!(sent, ["Query"]);
    // One item per page. DynamoDB ends a full page with a LastEvaluatedKey and the stream
    // asks once more; moto leaves it out when nothing follows. (Following the key across
    // pages is unit-tested in scoped-runtime's `ops::query`: with partition-only keys a
    // partition holds one item, so no emulator page can be followed by a non-empty one.)
    let paged = notes.clone().page_size(1);
    let (found, sent) = setup.sent(paged.query("n2").try_collect()).await;
    assert_eq!(found.unwrap(), [note("n2", "two")]);
    assert_eq!(sent, Backend::current().query_requests_for_one_full_page());
    let mut none = notes.query("absent").stream();
    assert!(none.next().await.is_none());
    // A bad id is the stream's only item, and nothing is sent.
    let (empty, sent) = setup.sent(notes.query("").try_collect()).await;
    assert!(matches!(empty, Err(Error::Key(_))));
    assert!(sent.is_empty());
}

#[tokio::test]
async fn batches_are_chunked_deduplicated_and_complete() {
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>().consistent_reads();
    let mut written: Vec<_> = (0..60).map(|i| note(&format!("b{i}"), "old")).collect();
    written.push(note("b0", "new")); // the same key again: the last one wins
    let (put, sent) = setup.sent(notes.batch_put(&written)).await;
    put.unwrap();
    assert_eq!(sent, ["BatchWriteItem"; 3], "60 distinct items in 25s");

    let mut ids: Vec<String> = (0..150).map(|i| format!("b{i}")).collect();
    ids.push("b0".into());
    let (found, sent) = setup
        .sent(notes.batch_get(ids.iter().map(String::as_str)))
        .await;
    let mut found = found.unwrap();
    assert_eq!(sent, ["BatchGetItem"; 2], "150 distinct keys in 100s");
    found.sort_by_key(|note| note.note_id.trim_start_matches('b').parse::<u32>().unwrap());
    assert_eq!(found.len(), 60);
    assert_eq!(found[0], note("b0", "new"));

    let (deleted, sent) = setup
        .sent(notes.batch_delete(ids.iter().take(60).map(String::as_str)))
        .await;
    deleted.unwrap();
    assert_eq!(sent, ["BatchWriteItem"; 3]);
    assert!(
        notes
            .batch_get(ids.iter().map(String::as_str))
            .await
            .unwrap()
            .is_empty()
    );
    // An empty id fails before anything is sent.
    let (empty, sent) = setup.sent(notes.batch_get(["b1", ""])).await;
    assert!(matches!(empty, Err(Error::Key(_))));
    assert!(sent.is_empty());
}

#[tokio::test]
async fn transactions_write_entities_of_one_scope_together() {
    scoped_tests::needs!(Transactions);
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>().consistent_reads();
    let counters = setup.crm.items::<Counter>().consistent_reads();
    counters
        .put(&Counter {
            counter_id: "notes".into(),
            count: 0,
        })
        .await
        .unwrap();

    let transaction = setup
        .crm
        .transaction()
        .create(&note("t1", "in a transaction"))
        .update::<Counter>("notes", Update::new().add("count", 1));
    assert_eq!(transaction.len(), 2);
    let (sent_ok, sent) = setup.sent(transaction.send()).await;
    sent_ok.unwrap();
    assert_eq!(sent, ["TransactWriteItems"]);
    assert_eq!(counters.get("notes").await.unwrap().unwrap().count, 1);
    assert!(notes.get("t1").await.unwrap().is_some());

    // Creating the same note again cancels the whole transaction: the counter stays at 1.
    let err = setup
        .crm
        .transaction()
        .create(&note("t1", "again"))
        .update::<Counter>("notes", Update::new().add("count", 1))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::TransactionCanceled { reasons, .. } => {
            let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
            assert_eq!(codes, ["ConditionalCheckFailed", "None"]);
        }
        other => panic!("expected a cancelled transaction, got {other}"),
    }
    assert_eq!(counters.get("notes").await.unwrap().unwrap().count, 1);

    // A condition on a missing item cancels too; delete and put go through together.
    let err = setup
        .crm
        .transaction()
        .require_exists::<CapsuleNote>("absent")
        .delete::<CapsuleNote>("t1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err}");
    setup
        .crm
        .transaction()
        .require_exists::<Counter>("notes")
        .delete::<CapsuleNote>("t1")
        .put(&note("t2", "replacement"))
        .send()
        .await
        .unwrap();
    assert!(notes.get("t1").await.unwrap().is_none());
    assert!(notes.get("t2").await.unwrap().is_some());
    // An empty transaction sends nothing; a write that cannot be built fails before sending.
    let (empty, sent) = setup.sent(setup.crm.transaction().send()).await;
    empty.unwrap();
    assert!(sent.is_empty());
    let (bad, sent) = setup
        .sent(
            setup
                .crm
                .transaction()
                .put(&note("t3", "x"))
                .delete::<CapsuleNote>("")
                .send(),
        )
        .await;
    assert!(matches!(bad, Err(Error::Key(_))));
    assert!(sent.is_empty());
}

#[tokio::test]
async fn entities_cannot_write_key_attributes() {
    let setup = setup().await;
    let forged = ForgedKey {
        id: "f1".into(),
        pk: "TENANT#victim#CAPSULE#caps-1#NOTE#n1".into(),
    };
    let items = setup.crm.items::<ForgedKey>();
    for (what, attempt) in [
        (
            "put",
            Box::pin(items.put(&forged))
                as std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>>>>,
        ),
        ("create", Box::pin(items.create(&forged))),
        ("batch put", Box::pin(items.batch_put([&forged]))),
        (
            "transaction",
            Box::pin(setup.crm.transaction().put(&forged).send()),
        ),
    ] {
        let (result, sent) = setup.sent(attempt).await;
        assert!(
            matches!(&result, Err(Error::ReservedAttribute { attribute, .. }) if attribute == "pk"),
            "{what}: {result:?}"
        );
        assert!(sent.is_empty(), "{what}");
    }
    let notes = setup.crm.items::<CapsuleNote>();
    notes.put(&note("n1", "x")).await.unwrap();
    let (result, sent) = setup
        .sent(notes.update("n1", Update::new().set("pk", "TENANT#victim#X#1")))
        .await;
    assert!(
        matches!(
            result,
            Err(Error::UpdateAttribute {
                rule: UpdateRule::Reserved,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(sent.is_empty());
}

/// The item as stored, read without the library: every attribute, `pk` included.
async fn stored(setup: &Setup, table: &str, key: &str) -> HashMap<String, AttributeValue> {
    unscoped(&setup.factory)
        .get_item()
        .table_name(table)
        .key(PK, AttributeValue::S(key.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

#[tokio::test]
async fn updates_check_attribute_names() {
    scoped_tests::needs!(Transactions);
    let setup = setup().await;
    let contacts = setup.crm.items::<Contact>().consistent_reads();
    let ada = Contact {
        contact_id: "c1".into(),
        display_name: "Ada".into(),
        visits: 1,
        cached: false,
    };
    contacts.put(&ada).await.unwrap();
    let key = contacts.key("c1").unwrap();
    let before = stored(&setup, contacts.table().as_str(), key.as_str()).await;

    // (update, the attribute named, the rule, the suggestion)
    let cases: [(Update, &str, UpdateRule, Option<&str>); 8] = [
        // A typo would have written a new attribute.
        (
            Update::new().set("displayNmae", "Bob"),
            "displayNmae",
            UpdateRule::Unknown,
            Some("displayName"),
        ),
        (
            Update::new().add("visit", 1),
            "visit",
            UpdateRule::Unknown,
            Some("visits"),
        ),
        // The Rust name on a `rename_all` entity would have done nothing visible.
        (
            Update::new().set("display_name", "Bob"),
            "display_name",
            UpdateRule::Unknown,
            Some("displayName"),
        ),
        // A skipped field is not stored.
        (
            Update::new().set("cached", true),
            "cached",
            UpdateRule::Unknown,
            None,
        ),
        // An id would have left the item under its old key with a new id.
        (
            Update::new().set("contactId", "c999"),
            "contactId",
            UpdateRule::Id,
            None,
        ),
        (
            Update::new().remove("contact_id"),
            "contact_id",
            UpdateRule::Id,
            None,
        ),
        (
            Update::new()
                .set("displayName", "Bob")
                .set("pk", "TENANT#victim#X#1"),
            "pk",
            UpdateRule::Reserved,
            None,
        ),
        (Update::new().remove("sk"), "sk", UpdateRule::Reserved, None),
    ];
    for (update, name, rule, suggestion) in cases {
        let described = format!("{update:?}");
        let (result, sent) = setup.sent(contacts.update("c1", update)).await;
        match &result {
            Err(
                err @ Error::UpdateAttribute {
                    entity,
                    attribute,
                    rule: found,
                    suggestion: offered,
                },
            ) => {
                assert!(entity.ends_with("Contact"), "{err}");
                assert_eq!(attribute, name, "{err}");
                assert_eq!(*found, rule, "{err}");
                assert_eq!(offered.as_deref(), suggestion, "{err}");
                let message = err.to_string();
                assert!(
                    message.contains("Contact") && message.contains(&format!("{name:?}")),
                    "{message}"
                );
                if let Some(suggestion) = suggestion {
                    assert!(
                        message.ends_with(&format!("did you mean `{suggestion}`?")),
                        "{message}"
                    );
                }
            }
            other => panic!("{described}: expected a rejected attribute, got {other:?}"),
        }
        assert!(sent.is_empty(), "{described} sent {sent:?}");
    }
    // The same checks in a transaction, before anything is sent.
    let (result, sent) = setup
        .sent(
            setup
                .crm
                .transaction()
                .put(&note("x1", "x"))
                .update::<Contact>("c1", Update::new().set("contactId", "c999"))
                .send(),
        )
        .await;
    assert!(
        matches!(
            result,
            Err(Error::UpdateAttribute {
                rule: UpdateRule::Id,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(sent.is_empty(), "{sent:?}");
    let after = stored(&setup, contacts.table().as_str(), key.as_str()).await;
    assert_eq!(after, before, "rejected updates leave the item as it was");
    assert!(
        setup
            .crm
            .items::<CapsuleNote>()
            .get("x1")
            .await
            .unwrap()
            .is_none()
    );

    // The reproduction: a note's id cannot be updated.
    let notes = setup.crm.items::<CapsuleNote>();
    notes.put(&note("p1", "x")).await.unwrap();
    let err = notes
        .update("p1", Update::new().set("note_id", "p999"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::UpdateAttribute {
                rule: UpdateRule::Id,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(notes.get("p1").await.unwrap(), Some(note("p1", "x")));

    // Serialized names are updatable, in items and in transactions.
    let updated = contacts
        .update(
            "c1",
            Update::new().set("displayName", "Bob").add("visits", 1),
        )
        .await
        .unwrap();
    assert_eq!((updated.display_name.as_str(), updated.visits), ("Bob", 2));
    setup
        .crm
        .transaction()
        .update::<Contact>("c1", Update::new().add("visits", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(contacts.get("c1").await.unwrap().unwrap().visits, 3);
}

#[tokio::test]
async fn updates_of_flattened_entities_accept_any_name_but_ids_and_keys() {
    let setup = setup().await;
    let labels = setup.crm.items::<Labels>().consistent_reads();
    labels
        .put(&Labels {
            labels_id: "l1".into(),
            extra: [("color".to_owned(), "red".to_owned())].into(),
        })
        .await
        .unwrap();
    let updated = labels
        .update("l1", Update::new().set("size", "xl").remove("color"))
        .await
        .unwrap();
    assert_eq!(updated.extra, [("size".to_owned(), "xl".to_owned())].into());
    for (name, rule) in [
        ("labels_id", UpdateRule::Id),
        ("pk", UpdateRule::Reserved),
        ("sk", UpdateRule::Reserved),
    ] {
        let (result, sent) = setup
            .sent(labels.update("l1", Update::new().set(name, "x")))
            .await;
        assert!(
            matches!(&result, Err(Error::UpdateAttribute { rule: found, .. }) if *found == rule),
            "{name}: {result:?}"
        );
        assert!(sent.is_empty(), "{name}");
    }
    assert_eq!(labels.get("l1").await.unwrap().unwrap(), updated);
}

#[tokio::test]
async fn cancellation_reasons_name_each_write() {
    scoped_tests::needs!(Transactions);
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>().consistent_reads();
    let counters = setup.crm.items::<Counter>().consistent_reads();
    notes.put(&note("taken", "first")).await.unwrap();
    counters
        .put(&Counter {
            counter_id: "c".into(),
            count: 0,
        })
        .await
        .unwrap();

    // The failing condition is in the middle: a create of an existing note.
    let err = setup
        .crm
        .transaction()
        .put(&note("fresh", "x"))
        .create(&note("taken", "second"))
        .update::<Counter>("c", Update::new().add("count", 1))
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCanceled { reasons, .. } = &err else {
        panic!("expected a cancelled transaction, got {err}");
    };
    let table = notes.table().to_string();
    let described: Vec<(usize, &str, &str, &str, &str, &str)> = reasons
        .iter()
        .map(|r| {
            (
                r.position,
                r.write,
                r.tag.as_str(),
                r.table.as_str(),
                r.key.as_str(),
                r.code.as_str(),
            )
        })
        .collect();
    let fresh = notes.key("fresh").unwrap();
    let taken = notes.key("taken").unwrap();
    let counter = counters.key("c").unwrap();
    assert_eq!(
        described,
        [
            (1, "put", "NOTE", table.as_str(), fresh.as_str(), "None"),
            (
                2,
                "create",
                "NOTE",
                table.as_str(),
                taken.as_str(),
                "ConditionalCheckFailed"
            ),
            (
                3,
                "update",
                "COUNTER",
                table.as_str(),
                counter.as_str(),
                "None"
            ),
        ]
    );
    assert!(reasons[1].entity.ends_with("CapsuleNote"), "{err}");
    assert_eq!(
        reasons.iter().map(|r| r.is_cause()).collect::<Vec<_>>(),
        [false, true, false]
    );
    // The message names the failed write, and only it.
    let message = err.to_string();
    assert!(
        message.contains("write 2 (create of `")
            && message.contains(&format!("{:?}", taken.as_str()))
            && message.contains("ConditionalCheckFailed"),
        "{message}"
    );
    assert!(
        !message.contains(fresh.as_str()) && !message.contains(counter.as_str()),
        "{message}"
    );
    // Nothing was written.
    assert!(notes.get("fresh").await.unwrap().is_none());
    assert_eq!(counters.get("c").await.unwrap().unwrap().count, 0);
}

#[tokio::test]
async fn from_item_reads_only_own_items() {
    let setup = setup().await;
    let run = unique();
    let tenant = Tenant::new(format!("t-{run}"), "Own").unwrap();
    let other = Tenant::new(format!("t-{run}0"), "Other").unwrap();
    let client = setup.factory.tenant_dynamodb(&tenant);
    let notes = client.items::<TenantNote>();
    notes.provision().await.unwrap();
    let table = notes.table().to_string();
    let own = TenantNote {
        note_id: "n1".into(),
        body: "own".into(),
    };
    notes.put(&own).await.unwrap();
    client
        .items::<Memo>()
        .put(&Memo {
            note_id: "n1".into(),
            body: "a memo".into(),
        })
        .await
        .unwrap();
    // Items the scoped client cannot write, put there behind its back: a prefix sibling's
    // note, and a note whose id attribute disagrees with its key.
    let foreign_key = setup
        .factory
        .tenant_dynamodb(&other)
        .key::<TenantNote>("n1")
        .unwrap();
    let unscoped = unscoped(&setup.factory);
    for (key, note_id) in [
        (foreign_key.to_string(), "n1"),
        (notes.key("n2").unwrap().to_string(), "n3"),
    ] {
        unscoped
            .put_item()
            .table_name(&table)
            .item(PK, AttributeValue::S(key))
            .item("note_id", AttributeValue::S(note_id.into()))
            .item("body", AttributeValue::S("planted".into()))
            .send()
            .await
            .unwrap();
    }

    // The scan of the doc example, through the guarded client.
    let mut read = Vec::new();
    let mut rejected = Vec::new();
    let mut pages = notes
        .raw()
        .scan()
        .table_name(&table)
        .consistent_read(true)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match notes.from_item(item.unwrap()) {
            Ok(note) => read.push(note),
            Err(err) => rejected.push(err),
        }
    }
    assert_eq!(read, [own]);
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    let found = |pattern: fn(&Error) -> bool| rejected.iter().filter(|e| pattern(e)).count();
    assert_eq!(
        found(|e| matches!(e, Error::Isolation(IsolationViolation::CrossTenant { .. }))),
        1,
        "another tenant's item: {rejected:?}"
    );
    let foreign: Vec<String> = rejected
        .iter()
        .filter(|e| matches!(e, Error::ForeignItem { .. }))
        .map(ToString::to_string)
        .collect();
    assert_eq!(foreign.len(), 2, "{rejected:?}");
    assert!(
        foreign
            .iter()
            .any(|m| m.contains("entity tag `MEMO`, not `NOTE`")),
        "another entity's item: {foreign:?}"
    );
    assert!(
        foreign
            .iter()
            .any(|m| m.contains("its id attributes make the key") && m.contains("#NOTE#n3")),
        "ids that disagree with the key: {foreign:?}"
    );

    // A capsule item of another tenant's capsule is another scope's too.
    let capsule_notes = setup.crm.items::<CapsuleNote>();
    let neighbour = Capsule::new(format!("t-{run}1"), "caps-1", "PRODUS").unwrap();
    let mut item = HashMap::new();
    item.insert(
        PK.to_owned(),
        AttributeValue::S(
            setup
                .factory
                .capsule_dynamodb(&neighbour)
                .key::<CapsuleNote>("n1")
                .unwrap()
                .into_string(),
        ),
    );
    item.insert("note_id".into(), AttributeValue::S("n1".into()));
    item.insert("body".into(), AttributeValue::S("x".into()));
    let err = capsule_notes.from_item(item.clone()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Isolation(IsolationViolation::CrossTenant { .. })
        ),
        "{err}"
    );
    // An item without a string `pk` belongs to no scope.
    item.insert(PK.to_owned(), AttributeValue::N("1".into()));
    let err = capsule_notes.from_item(item).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Isolation(IsolationViolation::MissingPartitionKey { .. })
        ),
        "{err}"
    );
}

#[tokio::test]
async fn stored_items_of_another_shape_are_errors_naming_the_item() {
    let setup = setup().await;
    let notes = setup.crm.items::<CapsuleNote>();
    let key = notes.key("odd").unwrap();
    setup
        .crm
        .raw()
        .put_item()
        .table_name(notes.table().as_str())
        .item(PK, AttributeValue::S(key.to_string()))
        .item("note_id", AttributeValue::N("7".into()))
        .send()
        .await
        .unwrap();
    let err = notes.get("odd").await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Item { .. }), "{message}");
    assert!(
        message.contains(key.as_str()) && message.contains(notes.table().as_str()),
        "{message}"
    );
}

#[tokio::test]
async fn provisioning_is_idempotent_and_checks_the_key_schema() {
    let setup = setup().await;
    let run = unique();
    let base = format!("prov-{run}");
    let table = setup.crm.provision_table(&base).await.unwrap();
    assert_eq!(setup.crm.provision_table(&base).await.unwrap(), table);

    // A table created elsewhere with another key is an error naming its schema.
    let other = format!("other-{run}");
    unscoped(&setup.factory)
        .create_table()
        .table_name(setup.crm.table_name(&other).unwrap().as_str())
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let err = setup.crm.provision_table(&other).await.unwrap_err();
    assert!(
        matches!(&err, Error::KeySchema { found, .. } if found == "id (HASH)"),
        "{err}"
    );
    // A bad base name is an error before anything is sent.
    let (bad, sent) = setup.sent(setup.crm.provision_table("Bad_Name")).await;
    assert!(matches!(bad, Err(Error::Scope(_))));
    assert!(sent.is_empty());
}
