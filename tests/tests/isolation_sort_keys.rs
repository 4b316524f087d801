//! Isolation on tables with a sort key: a capsule creates a `pk` + `sk` table its code shares
//! with the prefix-sibling tenant's capsule, through its scoped client's raw SDK escape hatch,
//! and then attacks it with raw SDK calls. Every attack fails with an `IsolationViolation`
//! and adds no DynamoDB request at the HTTP tap; the same requests on its own partition, with
//! every sort-key operator, are sent and return only its own items.
//!
//! The tables are declared through `__private::declare_table`, as a table declaration does
//! when typed code first uses it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ComparisonOperator, Condition,
    KeySchemaElement, KeyType, Put, ScalarAttributeType, TransactWriteItem,
};
use scoped_runtime::__private::declare_table;
use scoped_runtime::{IsolationViolation, KeySchema, SORT_KEY_ATTRIBUTE as SK, ScopeKind};
use scoped_tests::world::{World, world};
use scoped_tests::{PK, assert_rejected, unscoped};

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .unwrap()
}

fn attribute(name: &str, attribute_type: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(attribute_type)
        .build()
        .unwrap()
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn item(pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s(sk)),
        ("body".to_owned(), s("text")),
    ])
}

/// `CreateTable` of `table` keyed by `pk` and, if `sorted`, `sk`, through `raw`.
fn create(raw: &aws_sdk_dynamodb::Client, table: &str, sorted: bool) -> CreateTableFluentBuilder {
    let create = raw
        .create_table()
        .table_name(table)
        .attribute_definitions(attribute(PK, ScalarAttributeType::S))
        .key_schema(key_element(PK, KeyType::Hash))
        .billing_mode(BillingMode::PayPerRequest);
    if sorted {
        create
            .attribute_definitions(attribute(SK, ScalarAttributeType::S))
            .key_schema(key_element(SK, KeyType::Range))
    } else {
        create
    }
}

/// The sort keys of the items a query returned.
fn sort_keys(items: &[HashMap<String, AttributeValue>]) -> Vec<String> {
    items
        .iter()
        .map(|item| item[SK].as_s().unwrap().clone())
        .collect()
}

/// A capsule (`t1…`/`caps-1`, `PRODUS`) and the prefix-sibling tenant's capsule with the same
/// code (`t1…0`/`caps-1`) share a declared `pk` + `sk` table, each with notes in its own
/// partition; returns the table, the attacker's partition and the victim's.
async fn shared_sorted_table(world: &World) -> (String, String, String) {
    let attacker = world.factory.capsule_dynamodb(&world.capsules[0]);
    let victim = world.factory.capsule_dynamodb(&world.capsules[2]);
    let base = format!("sorted-{}", world.run);
    declare_table(
        ScopeKind::Capsule,
        &base,
        KeySchema::PartitionAndSort,
        "isolation_sort_keys::Sorted",
    )
    .unwrap();
    let table = attacker.table_name(&base).unwrap().to_string();
    // The declared schema, and only it.
    let attempt = create(attacker.raw(), &table, false).send();
    assert_rejected!(
        world,
        "a pk-only table declared with a sort key",
        attempt,
        IsolationViolation::ForeignKeySchema { .. }
    );
    create(attacker.raw(), &table, true).send().await.unwrap();
    let own = world.capsule_note_key(0, "lead");
    let theirs = world.capsule_note_key(2, "lead");
    for (raw, pk) in [(attacker.raw(), &own), (victim.raw(), &theirs)] {
        for sk in ["LEAD", "NOTE#1", "NOTE#2", "NOTE#3"] {
            raw.put_item()
                .table_name(&table)
                .set_item(Some(item(pk, sk)))
                .send()
                .await
                .unwrap();
        }
    }
    (table, own, theirs)
}

#[tokio::test]
async fn own_queries_with_every_sort_key_operator_are_sent() {
    let world = world().await;
    let (table, own, _) = shared_sorted_table(&world).await;
    let raw = world
        .factory
        .capsule_dynamodb(&world.capsules[0])
        .raw()
        .clone();
    for (expression, expected) in [
        ("#pk = :pk", &["LEAD", "NOTE#1", "NOTE#2", "NOTE#3"][..]),
        ("#pk = :pk AND #sk = :a", &["NOTE#1"]),
        ("#pk = :pk AND #sk < :b", &["LEAD", "NOTE#1"]),
        ("#pk = :pk AND #sk <= :b", &["LEAD", "NOTE#1", "NOTE#2"]),
        ("#pk = :pk AND #sk > :a", &["NOTE#2", "NOTE#3"]),
        ("#pk = :pk AND #sk >= :b", &["NOTE#2", "NOTE#3"]),
        ("#pk = :pk AND #sk BETWEEN :a AND :b", &["NOTE#1", "NOTE#2"]),
        (
            "#pk = :pk AND begins_with(#sk, :prefix)",
            &["NOTE#1", "NOTE#2", "NOTE#3"],
        ),
        ("pk = :pk AND sk > :a", &["NOTE#2", "NOTE#3"]),
    ] {
        let names: HashMap<String, String> = [("#pk", PK), ("#sk", SK)]
            .into_iter()
            .filter(|(placeholder, _)| expression.contains(placeholder))
            .map(|(placeholder, name)| (placeholder.to_owned(), name.to_owned()))
            .collect();
        let names = (!names.is_empty()).then_some(names);
        let mut values = HashMap::from([(":pk".to_owned(), s(&own))]);
        for (placeholder, value) in [(":a", "NOTE#1"), (":b", "NOTE#2"), (":prefix", "NOTE#")] {
            if expression.contains(placeholder) {
                values.insert(placeholder.to_owned(), s(value));
            }
        }
        let before = world.tap.dynamodb_requests();
        let output = raw
            .query()
            .table_name(&table)
            .key_condition_expression(expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(Some(values))
            .consistent_read(true)
            .send()
            .await
            .unwrap_or_else(|err| panic!("{expression}: {err:?}"));
        assert_eq!(world.tap.dynamodb_requests(), before + 1, "{expression}");
        assert_eq!(sort_keys(output.items()), expected, "{expression}");
        assert!(
            output
                .items()
                .iter()
                .all(|item| item[PK].as_s().unwrap() == &own)
        );
    }
    // The legacy KeyConditions, and a page started from an own key.
    let output = raw
        .query()
        .table_name(&table)
        .key_conditions(
            PK,
            Condition::builder()
                .comparison_operator(ComparisonOperator::Eq)
                .attribute_value_list(s(&own))
                .build()
                .unwrap(),
        )
        .key_conditions(
            SK,
            Condition::builder()
                .comparison_operator(ComparisonOperator::BeginsWith)
                .attribute_value_list(s("NOTE#"))
                .build()
                .unwrap(),
        )
        .exclusive_start_key(PK, s(&own))
        .exclusive_start_key(SK, s("NOTE#1"))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(sort_keys(output.items()), ["NOTE#2", "NOTE#3"]);
}

#[tokio::test]
async fn attacks_on_a_shared_sorted_table_are_rejected_before_sending() {
    let world = world().await;
    let (table, own, theirs) = shared_sorted_table(&world).await;
    let raw = world
        .factory
        .capsule_dynamodb(&world.capsules[0])
        .raw()
        .clone();
    let query = |expression: &str, pk: &str| {
        raw.query()
            .table_name(&table)
            .key_condition_expression(expression)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":a", s("NOTE#"))
            .send()
    };
    assert_rejected!(
        world,
        "the victim's partition with a sort-key condition",
        query("#pk = :pk AND begins_with(#sk, :a)", &theirs),
        IsolationViolation::CrossTenant { .. }
    );
    assert_rejected!(
        world,
        "the victim's partition with a range",
        query("#pk = :pk AND #sk > :a", &theirs),
        IsolationViolation::CrossTenant { .. }
    );
    for (what, expression) in [
        ("a sort-key condition alone", "#sk > :a"),
        ("begins_with on sk alone", "begins_with(#sk, :a)"),
        ("begins_with on pk", "begins_with(#pk, :pk) AND #sk > :a"),
        ("a range of partitions", "#pk > :pk AND #sk > :a"),
        (
            "an OR around the sort key",
            "#pk = :pk AND #sk > :a OR #sk < :a",
        ),
        (
            "a condition on another attribute",
            "#pk = :pk AND body = :a",
        ),
    ] {
        assert_rejected!(
            world,
            what,
            query(expression, &own),
            IsolationViolation::UnboundQuery { .. }
        );
    }
    let attempt = raw
        .query()
        .table_name(&table)
        .key_conditions(
            PK,
            Condition::builder()
                .comparison_operator(ComparisonOperator::Eq)
                .attribute_value_list(s(&theirs))
                .build()
                .unwrap(),
        )
        .key_conditions(
            SK,
            Condition::builder()
                .comparison_operator(ComparisonOperator::Gt)
                .attribute_value_list(s("A"))
                .build()
                .unwrap(),
        )
        .send();
    assert_rejected!(
        world,
        "the victim's partition through the legacy KeyConditions",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let attempt = raw
        .query()
        .table_name(&table)
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", PK)
        .expression_attribute_values(":pk", s(&own))
        .exclusive_start_key(PK, s(&theirs))
        .exclusive_start_key(SK, s("NOTE#1"))
        .send();
    assert_rejected!(
        world,
        "a forged ExclusiveStartKey in the victim's partition",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let attempt = raw
        .query()
        .table_name(&table)
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", PK)
        .expression_attribute_values(":pk", s(&own))
        .exclusive_start_key(PK, s(&own))
        .send();
    assert_rejected!(
        world,
        "an ExclusiveStartKey without sk",
        attempt,
        IsolationViolation::KeyShape { .. }
    );

    // Writes.
    let mut without_sk = item(&own, "x");
    without_sk.remove(SK);
    let attempt = raw
        .put_item()
        .table_name(&table)
        .set_item(Some(without_sk))
        .send();
    assert_rejected!(
        world,
        "a put without sk",
        attempt,
        IsolationViolation::KeyShape { what: "item", .. }
    );
    let mut numeric = item(&own, "x");
    numeric.insert(SK.to_owned(), AttributeValue::N("7".to_owned()));
    let attempt = raw
        .put_item()
        .table_name(&table)
        .set_item(Some(numeric.clone()))
        .send();
    assert_rejected!(
        world,
        "a put with a numeric sk",
        attempt,
        IsolationViolation::KeyShape { reason, .. } if reason.contains("type N")
    );
    let attempt = raw
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&table)
                        .set_item(Some(numeric))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send();
    assert_rejected!(
        world,
        "a transaction putting a numeric sk",
        attempt,
        IsolationViolation::KeyShape { .. }
    );
    let attempt = raw.get_item().table_name(&table).key(PK, s(&own)).send();
    assert_rejected!(
        world,
        "a get without sk",
        attempt,
        IsolationViolation::KeyShape { what: "key", .. }
    );
    let attempt = raw
        .delete_item()
        .table_name(&table)
        .key(PK, s(&theirs))
        .key(SK, s("NOTE#1"))
        .send();
    assert_rejected!(
        world,
        "a delete in the victim's partition",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    for (what, expression) in [
        ("an update that sets sk", "SET #sk = :a"),
        ("an update that removes sk", "SET body = :a REMOVE #sk"),
        ("an update that sets pk", "SET #pk = :a"),
    ] {
        let attempt = raw
            .update_item()
            .table_name(&table)
            .key(PK, s(&own))
            .key(SK, s("NOTE#1"))
            .update_expression(expression)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":a", s(&theirs))
            .send();
        assert_rejected!(world, what, attempt, IsolationViolation::KeyUpdate { .. });
    }

    // The victim's partition is as it wrote it, and the attacker's as it was.
    for pk in [&own, &theirs] {
        let stored = unscoped(&world.factory)
            .query()
            .table_name(&table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert_eq!(
            sort_keys(stored.items()),
            ["LEAD", "NOTE#1", "NOTE#2", "NOTE#3"]
        );
        assert!(stored.items().iter().all(|item| item["body"] == s("text")));
    }
}

/// A table no typed code declares: the guard accepts either canonical key and both item
/// shapes, and still checks the partition and the type of `sk`.
#[tokio::test]
async fn undeclared_tables_take_either_key() {
    let world = world().await;
    let t1 = world.factory.tenant_dynamodb(&world.tenants[0]);
    let own = world.tenant_note_key(0, "lead");
    let theirs = world.tenant_note_key(1, "lead");
    let sorted = t1
        .table_name(&format!("raw-sorted-{}", world.run))
        .unwrap()
        .to_string();
    let plain = t1
        .table_name(&format!("raw-plain-{}", world.run))
        .unwrap()
        .to_string();
    create(t1.raw(), &sorted, true).send().await.unwrap();
    create(t1.raw(), &plain, false).send().await.unwrap();
    t1.raw()
        .put_item()
        .table_name(&sorted)
        .set_item(Some(item(&own, "NOTE#1")))
        .send()
        .await
        .unwrap();
    let mut plain_item = item(&own, "x");
    plain_item.remove(SK);
    t1.raw()
        .put_item()
        .table_name(&plain)
        .set_item(Some(plain_item))
        .send()
        .await
        .unwrap();
    let mut numeric = item(&own, "x");
    numeric.insert(SK.to_owned(), AttributeValue::N("1".to_owned()));
    let attempt = t1
        .raw()
        .put_item()
        .table_name(&sorted)
        .set_item(Some(numeric))
        .send();
    assert_rejected!(
        world,
        "a numeric sk on an undeclared table",
        attempt,
        IsolationViolation::KeyShape { .. }
    );
    let attempt = t1
        .raw()
        .query()
        .table_name(&sorted)
        .key_condition_expression("pk = :pk AND sk > :a")
        .expression_attribute_values(":pk", s(&theirs))
        .expression_attribute_values(":a", s("A"))
        .send();
    assert_rejected!(
        world,
        "the prefix sibling's partition",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let found = t1
        .raw()
        .query()
        .table_name(&sorted)
        .key_condition_expression("pk = :pk AND begins_with(sk, :a)")
        .expression_attribute_values(":pk", s(&own))
        .expression_attribute_values(":a", s("NOTE#"))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(sort_keys(found.items()), ["NOTE#1"]);
}
