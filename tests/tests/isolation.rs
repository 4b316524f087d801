//! The isolation matrix against moto (see `scoped_tests::world`): the platform, two tenants
//! whose ids are prefix siblings and two capsules each write the same entity id. Every scope
//! reads back only its own item, and every raw-SDK attempt to reach another scope's table or
//! key fails with an `IsolationViolation` before the request reaches the HTTP client — the tap
//! in front of it records DynamoDB requests, and a rejected attempt adds none. Afterwards an
//! unscoped client scans the emulator's tables: every item is where it belongs, and nowhere
//! else. `isolation_requests.rs` covers the other request kinds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::IsolationViolation;
use scoped_tests::PK;
use scoped_tests::assert_rejected;
use scoped_tests::entities::{CapsuleNote, PlatformNote, TenantNote};
use scoped_tests::world::{note, world};

/// The matrix: the same id in all seven scopes, each reading only its own item, each raw
/// client rejecting every other scope's table and key, and the emulator holding exactly the
/// seven items afterwards.
#[tokio::test]
async fn every_scope_reads_only_its_own_items() {
    let world = world().await;
    let id = world.note_id.as_str();
    let platform = world
        .factory
        .platform_dynamodb()
        .items::<PlatformNote>()
        .consistent_reads();
    platform
        .put(&PlatformNote {
            note_id: id.into(),
            body: "platform".into(),
        })
        .await
        .unwrap();
    for tenant in &world.tenants {
        let notes = world.factory.tenant_dynamodb(tenant).items::<TenantNote>();
        let body = format!("tenant {}", tenant.id());
        notes
            .put(&TenantNote {
                note_id: id.into(),
                body,
            })
            .await
            .unwrap();
    }
    for capsule in &world.capsules {
        let notes = world
            .factory
            .capsule_dynamodb(capsule)
            .items::<CapsuleNote>();
        let body = format!("capsule {}/{}", capsule.tenant_id(), capsule.id());
        notes
            .put(&CapsuleNote {
                note_id: id.into(),
                body,
            })
            .await
            .unwrap();
    }

    // Typed reads: get, query and batch get each return exactly the scope's own item.
    assert_eq!(platform.get(id).await.unwrap().unwrap().body, "platform");
    for tenant in &world.tenants {
        let notes = world
            .factory
            .tenant_dynamodb(tenant)
            .items::<TenantNote>()
            .consistent_reads();
        let own = format!("tenant {}", tenant.id());
        assert_eq!(notes.get(id).await.unwrap().unwrap().body, own);
        let queried = notes.query(id).try_collect().await.unwrap();
        assert_eq!(queried.iter().map(|n| &n.body).collect::<Vec<_>>(), [&own]);
        let batch = notes.batch_get([id]).await.unwrap();
        assert_eq!(batch.iter().map(|n| &n.body).collect::<Vec<_>>(), [&own]);
    }
    for capsule in &world.capsules {
        let notes = world
            .factory
            .capsule_dynamodb(capsule)
            .items::<CapsuleNote>()
            .consistent_reads();
        let own = format!("capsule {}/{}", capsule.tenant_id(), capsule.id());
        assert_eq!(notes.get(id).await.unwrap().unwrap().body, own);
        let queried = notes.query(id).try_collect().await.unwrap();
        assert_eq!(queried.iter().map(|n| &n.body).collect::<Vec<_>>(), [&own]);
        let batch = notes.batch_get([id]).await.unwrap();
        assert_eq!(batch.iter().map(|n| &n.body).collect::<Vec<_>>(), [&own]);
    }

    // Raw reads: each scope reads its own item, and every other scope's (table, key) is
    // rejected before it is sent: another table, or the same shared table with another key.
    let cells = world.cells();
    for reader in &cells {
        let own = reader
            .raw
            .get_item()
            .table_name(&reader.table)
            .key(PK, AttributeValue::S(reader.key.clone()));
        assert!(
            own.consistent_read(true)
                .send()
                .await
                .unwrap()
                .item
                .is_some(),
            "{}",
            reader.name
        );
        for other in cells.iter().filter(|other| other.key != reader.key) {
            let what = format!("{} reading {}", reader.name, other.name);
            let attempt = reader
                .raw
                .get_item()
                .table_name(&other.table)
                .key(PK, AttributeValue::S(other.key.clone()))
                .send();
            let violation = world.rejected(&what, attempt).await;
            if other.table == reader.table {
                assert!(
                    matches!(
                        violation,
                        IsolationViolation::CrossTenant { .. }
                            | IsolationViolation::CrossCapsule { .. }
                    ),
                    "{what}: {violation:?}"
                );
            } else {
                assert!(
                    matches!(violation, IsolationViolation::CrossTable { .. }),
                    "{what}: {violation:?}"
                );
            }
            // The other scope's key in the reader's own table: the key check alone.
            let attempt = reader
                .raw
                .put_item()
                .table_name(&reader.table)
                .set_item(Some(note(&other.key)))
                .send();
            let violation = world.rejected(&what, attempt).await;
            assert!(
                !matches!(violation, IsolationViolation::CrossTable { .. }),
                "{what}: {violation:?}"
            );
        }
    }

    // Nothing was written anywhere else: the emulator holds exactly the seven items.
    let expected: BTreeSet<_> = cells
        .iter()
        .map(|c| (c.table.clone(), c.key.clone()))
        .collect();
    assert_eq!(world.stored_items().await, expected);
}

#[tokio::test]
async fn raw_requests_to_another_scopes_table_are_rejected() {
    let world = world().await;
    let [t1, t10] = &world.tenants;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let key = world.capsule_note_key(0, "n1");
    let t1_client = world.factory.tenant_dynamodb(t1);
    let t1_key = world.tenant_note_key(0, "n1");
    let platform = world.factory.platform_dynamodb();
    for (what, raw, table, key) in [
        (
            "capsule to the other code's table",
            produs.raw(),
            "DEVUS_iso".to_owned(),
            &key,
        ),
        (
            "capsule to its tenant's table",
            produs.raw(),
            format!("{}_iso", t1.id()),
            &key,
        ),
        (
            "capsule to the platform table",
            produs.raw(),
            "iso".to_owned(),
            &key,
        ),
        (
            "capsule to a table by ARN",
            produs.raw(),
            "arn:aws:dynamodb:us-east-1:123456789012:table/PRODUS_iso".to_owned(),
            &key,
        ),
        (
            "tenant to the prefix sibling's table",
            t1_client.raw(),
            format!("{}_iso", t10.id()),
            &t1_key,
        ),
        (
            "tenant to a capsule table",
            t1_client.raw(),
            "PRODUS_iso".to_owned(),
            &t1_key,
        ),
        (
            "platform to a tenant table",
            platform.raw(),
            format!("{}_iso", t1.id()),
            &t1_key,
        ),
    ] {
        let attempt = raw
            .put_item()
            .table_name(&table)
            .set_item(Some(note(key)))
            .send();
        assert_rejected!(
            world,
            what,
            attempt,
            IsolationViolation::CrossTable { table: t, .. } if *t == table
        );
    }
    assert!(world.stored_items().await.is_empty());
}

#[tokio::test]
async fn keys_of_another_tenant_or_capsule_are_rejected() {
    let world = world().await;
    let [t1, t10] = &world.tenants;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    // The prefix-sibling tenant's key in the shared PRODUS table.
    let attempt = produs
        .raw()
        .put_item()
        .table_name("PRODUS_iso")
        .set_item(Some(note(&world.capsule_note_key(2, "n1"))))
        .send();
    assert_rejected!(
        world,
        "other tenant's capsule key",
        attempt,
        IsolationViolation::CrossTenant { found, .. } if found == t10.id().as_str()
    );
    // The same tenant's other capsule (`caps-10`, a prefix sibling of `caps-1`).
    let attempt = produs
        .raw()
        .delete_item()
        .table_name("PRODUS_iso")
        .key(PK, AttributeValue::S(world.capsule_note_key(1, "n1")))
        .send();
    assert_rejected!(
        world,
        "sibling capsule's key",
        attempt,
        IsolationViolation::CrossCapsule { found, .. } if found == "caps-10"
    );
    // A tenant key in a capsule client, and a capsule key in a tenant client.
    let t1_client = world.factory.tenant_dynamodb(t1);
    let tenant_key = world.tenant_note_key(0, "n1");
    let attempt = produs
        .raw()
        .get_item()
        .table_name("PRODUS_iso")
        .key(PK, AttributeValue::S(tenant_key))
        .send();
    assert_rejected!(
        world,
        "tenant key in a capsule client",
        attempt,
        IsolationViolation::WrongScope { .. }
    );
    let attempt = t1_client
        .raw()
        .update_item()
        .table_name(format!("{}_iso", t1.id()))
        .key(PK, AttributeValue::S(world.capsule_note_key(0, "n1")))
        .update_expression("SET body = :b")
        .expression_attribute_values(":b", AttributeValue::S("x".into()))
        .send();
    assert_rejected!(
        world,
        "capsule key in a tenant client",
        attempt,
        IsolationViolation::WrongScope { .. }
    );
    // The prefix-sibling tenant's key in t1's own table.
    let t10_key = world.tenant_note_key(1, "n1");
    let attempt = t1_client
        .raw()
        .get_item()
        .table_name(format!("{}_iso", t1.id()))
        .key(PK, AttributeValue::S(t10_key))
        .send();
    assert_rejected!(
        world,
        "prefix sibling's tenant key",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    // An item without `pk`, or with a number `pk`.
    let attempt = produs
        .raw()
        .put_item()
        .table_name("PRODUS_iso")
        .item("id", AttributeValue::S("x".into()))
        .send();
    assert_rejected!(
        world,
        "item without pk",
        attempt,
        IsolationViolation::MissingPartitionKey { .. }
    );
    let attempt = produs
        .raw()
        .put_item()
        .table_name("PRODUS_iso")
        .item(PK, AttributeValue::N("1".into()))
        .send();
    assert_rejected!(
        world,
        "number pk",
        attempt,
        IsolationViolation::MissingPartitionKey { .. }
    );
    assert!(world.stored_items().await.is_empty());
}

/// Keys built by hand with `#`, the way a `format!` with an attacker-chosen id builds them.
#[tokio::test]
async fn forged_keys_are_rejected() {
    let world = world().await;
    let t1 = world.tenants[0].id().as_str();
    let t10 = world.tenants[1].id().as_str();
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    for forged in [
        // format!("TENANT#{t}#CAPSULE#{c}#NOTE#{id}") with t = "t1…0" sneaked in as an id
        format!("TENANT#{t10}#CAPSULE#caps-1#NOTE#x"),
        // a capsule id carrying the separator, escaped or not
        format!("TENANT#{t1}#CAPSULE#caps-1%23x#NOTE#x"),
        format!("TENANT#{t1}#CAPSULE#caps-1#CAPSULE#caps-10#NOTE#x"),
        // the reserved tags as entity
        format!("TENANT#{t1}#CAPSULE#caps-1#TENANT#{t10}"),
        // truncated, empty id, trailing separator, bad escape
        format!("TENANT#{t1}#CAPSULE#caps-1"),
        format!("TENANT#{t1}#CAPSULE#caps-1#NOTE#"),
        format!("TENANT#{t1}#CAPSULE#caps-1#NOTE#x#"),
        format!("TENANT#{t1}#CAPSULE#caps-1#NOTE#50%"),
        // a tenant id that is not one (uppercase), a key of no scope at all
        format!("TENANT#{}#CAPSULE#caps-1#NOTE#x", t1.to_uppercase()),
        "#".to_owned(),
        String::new(),
    ] {
        let attempt = produs
            .raw()
            .put_item()
            .table_name("PRODUS_iso")
            .set_item(Some(note(&forged)))
            .send();
        let violation = world.rejected(&forged, attempt).await;
        assert!(
            matches!(
                violation,
                IsolationViolation::Malformed(_)
                    | IsolationViolation::CrossTenant { .. }
                    | IsolationViolation::CrossCapsule { .. }
                    | IsolationViolation::WrongScope { .. }
            ),
            "{forged}: {violation:?}"
        );
    }
    // Through the typed API, an id full of separators is escaped into the writer's own
    // partition, and the prefix-sibling tenant's capsule with the same id does not see it.
    let sneaky = format!("x#CAPSULE#caps-10#NOTE#{}", world.note_id);
    let notes = produs.items::<CapsuleNote>().consistent_reads();
    notes
        .put(&CapsuleNote {
            note_id: sneaky.clone(),
            body: "mine".into(),
        })
        .await
        .unwrap();
    let key = notes.key(&sneaky).unwrap();
    produs.validate_pk(key.as_str()).unwrap();
    assert!(key.as_str().ends_with(&format!(
        "#NOTE#x%23CAPSULE%23caps-10%23NOTE%23{}",
        world.note_id
    )));
    let sibling = world
        .factory
        .capsule_dynamodb(&world.capsules[2])
        .items::<CapsuleNote>()
        .consistent_reads();
    assert_eq!(sibling.get(&sneaky).await.unwrap(), None);
    assert_eq!(notes.get(&sneaky).await.unwrap().unwrap().body, "mine");
    let expected = BTreeSet::from([("PRODUS_iso".to_owned(), key.into_string())]);
    assert_eq!(world.stored_items().await, expected);
}
