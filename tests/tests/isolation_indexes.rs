//! Isolation on tables with global secondary indexes. A capsule creates a `pk` + `sk` table
//! with the declared indexes `by_email` and `recent` through its scoped client's raw SDK
//! escape hatch; its code is shared with the prefix-sibling tenant's capsule (`t1…` and
//! `t1…0`), and both keep leads with the same email in it.
//!
//! - Every write that carries the sibling's index partition value (put, update expression,
//!   legacy `AttributeUpdates`, batch write, transaction put and update), every index query
//!   bound to it, every forged `ExclusiveStartKey` and every `CreateTable` with an index
//!   outside the convention fails with an `IsolationViolation` and adds no DynamoDB request at
//!   the HTTP tap.
//! - The same raw requests on the capsule's own index partitions are sent, and the emulator's
//!   index queries return only the capsule's own items, page by page.
//! - `provision` creates the declared indexes, and a table without them is an
//!   `Error::KeySchema` naming the missing index.
//!
//! The table is declared through `__private::declare_table_schema`, as a table declaration does
//! when typed code first uses it, under a base name no other test uses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeDefinition, AttributeValue, AttributeValueUpdate, BillingMode,
    ComparisonOperator, Condition, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    Projection as DynamoProjection, ProjectionType, Put, PutRequest, ScalarAttributeType,
    TransactWriteItem, Update, WriteRequest,
};
use scoped_runtime::__private::declare_table_schema;
use scoped_runtime::{
    Error, IndexSchema, IsolationViolation, KeySchema, Projection, SORT_KEY_ATTRIBUTE as SK,
    ScopeKind, TableSchema,
};
use scoped_tests::entities::Contact;
use scoped_tests::world::{World, world};
use scoped_tests::{PK, assert_rejected, factory, lone_capsule, unscoped, wait_active};

const BY_EMAIL: IndexSchema =
    IndexSchema::declared("by_email", "pk_by_email", None, Projection::All, 1);
const RECENT: IndexSchema = IndexSchema::declared(
    "recent",
    "pk_recent",
    Some("sk_recent"),
    Projection::KeysOnly,
    1,
);
const SCHEMA: TableSchema = TableSchema {
    key: KeySchema::PartitionAndSort,
    indexes: &[BY_EMAIL, RECENT],
};

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .unwrap()
}

fn string(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap()
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn gsi(name: &str, key: &[&str], projection: ProjectionType) -> GlobalSecondaryIndex {
    let mut index = GlobalSecondaryIndex::builder().index_name(name).projection(
        DynamoProjection::builder()
            .projection_type(projection)
            .build(),
    );
    for (attribute, key_type) in key.iter().zip([KeyType::Hash, KeyType::Range]) {
        index = index.key_schema(key_element(attribute, key_type));
    }
    index.build().unwrap()
}

/// `CreateTable` of `table` keyed by `pk` and `sk` with `indexes`, every key attribute
/// defined as a string, on demand, through `raw`.
fn create(
    raw: &aws_sdk_dynamodb::Client,
    table: &str,
    indexes: Vec<GlobalSecondaryIndex>,
) -> CreateTableFluentBuilder {
    let mut create = raw
        .create_table()
        .table_name(table)
        .key_schema(key_element(PK, KeyType::Hash))
        .key_schema(key_element(SK, KeyType::Range))
        .attribute_definitions(string(PK))
        .attribute_definitions(string(SK))
        .billing_mode(BillingMode::PayPerRequest);
    let mut defined = vec![PK.to_owned(), SK.to_owned()];
    for index in &indexes {
        for element in index.key_schema() {
            let name = element.attribute_name().to_owned();
            if !defined.contains(&name) {
                create = create.attribute_definitions(string(&name));
                defined.push(name);
            }
        }
    }
    create.set_global_secondary_indexes(Some(indexes))
}

/// The declared indexes, as `provision` creates them.
fn declared_indexes() -> Vec<GlobalSecondaryIndex> {
    vec![
        gsi("by_email", &["pk_by_email"], ProjectionType::All),
        gsi(
            "recent",
            &["pk_recent", "sk_recent"],
            ProjectionType::KeysOnly,
        ),
    ]
}

/// The shared table, the two capsules' index partitions, and their lead keys.
struct Shared {
    table: String,
    /// `by_email` partition of `a@b.c`: the attacker's (capsule 0) and the victim's (capsule 2,
    /// the prefix-sibling tenant's capsule with the same code).
    own_email: String,
    their_email: String,
    /// `recent` partition: the capsule's collection of leads.
    own_recent: String,
    their_recent: String,
    own_lead: String,
    their_lead: String,
}

/// A lead item `pk`/`LEAD` in both indexes.
fn lead(pk: &str, email: &str, recent: &str, created: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s("LEAD")),
        ("pk_by_email".to_owned(), s(email)),
        ("pk_recent".to_owned(), s(recent)),
        ("sk_recent".to_owned(), s(&format!("LEAD#{created}"))),
        ("email".to_owned(), s("a@b.c")),
    ])
}

/// Declares and creates the table through the attacker's raw client, and puts three leads of
/// each capsule with the same email through each capsule's raw client.
async fn shared_indexed_table(world: &World) -> Shared {
    let attacker = world.factory.capsule_dynamodb(&world.capsules[0]);
    let victim = world.factory.capsule_dynamodb(&world.capsules[2]);
    let base = format!("indexed-{}", world.run);
    declare_table_schema(
        ScopeKind::Capsule,
        &base,
        SCHEMA,
        "isolation_indexes::Indexed",
    )
    .unwrap();
    let table = attacker.table_name(&base).unwrap().to_string();
    create(attacker.raw(), &table, declared_indexes())
        .send()
        .await
        .unwrap();
    wait_active(attacker.raw(), &table).await;
    let index_value = |capsule: usize, index: &str, id: &str| {
        format!("{}#{id}", world.capsule_note_key(capsule, index))
    };
    let shared = Shared {
        own_email: index_value(0, "by_email", "a@b.c"),
        their_email: index_value(2, "by_email", "a@b.c"),
        own_recent: world.capsule_note_key(0, "recent"),
        their_recent: world.capsule_note_key(2, "recent"),
        own_lead: world.capsule_note_key(0, "lead"),
        their_lead: world.capsule_note_key(2, "lead"),
        table,
    };
    for (raw, capsule, email, recent) in [
        (attacker.raw(), 0, &shared.own_email, &shared.own_recent),
        (victim.raw(), 2, &shared.their_email, &shared.their_recent),
    ] {
        for n in 1..=3 {
            let pk = world.capsule_note_key(capsule, &format!("lead-{n}"));
            raw.put_item()
                .table_name(&shared.table)
                .set_item(Some(lead(&pk, email, recent, &format!("2026-11-0{n}"))))
                .send()
                .await
                .unwrap();
        }
    }
    shared
}

/// The table partition keys of `items`, sorted.
fn partitions(items: &[HashMap<String, AttributeValue>]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .map(|item| item[PK].as_s().unwrap().clone())
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn own_index_queries_are_sent_and_read_only_own_items() {
    let world = world().await;
    let shared = shared_indexed_table(&world).await;
    let own_leads: Vec<String> = (1..=3)
        .map(|n| world.capsule_note_key(0, &format!("lead-{n}")))
        .collect();
    let their_leads: Vec<String> = (1..=3)
        .map(|n| world.capsule_note_key(2, &format!("lead-{n}")))
        .collect();
    for (capsule, email, recent, leads) in [
        (0, &shared.own_email, &shared.own_recent, &own_leads),
        (2, &shared.their_email, &shared.their_recent, &their_leads),
    ] {
        let raw = world
            .factory
            .capsule_dynamodb(&world.capsules[capsule])
            .raw()
            .clone();
        let by_email = raw
            .query()
            .table_name(&shared.table)
            .index_name("by_email")
            .key_condition_expression("#i = :v")
            .expression_attribute_names("#i", "pk_by_email")
            .expression_attribute_values(":v", s(email))
            .send()
            .await
            .unwrap();
        assert_eq!(
            &partitions(by_email.items()),
            leads,
            "capsule {capsule}, by_email"
        );
        // The collection, newest first, one item per page: every start key the emulator
        // returns (table and index keys) passes the guard.
        let mut pages = vec![];
        let mut start = None;
        loop {
            let page = raw
                .query()
                .table_name(&shared.table)
                .index_name("recent")
                .key_condition_expression("pk_recent = :v AND begins_with(sk_recent, :lead)")
                .expression_attribute_values(":v", s(recent))
                .expression_attribute_values(":lead", s("LEAD#"))
                .scan_index_forward(false)
                .limit(1)
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            pages.extend(partitions(page.items()));
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        let newest_first: Vec<String> = leads.iter().rev().cloned().collect();
        assert_eq!(pages, newest_first, "capsule {capsule}, recent");
        // The legacy KeyConditions, bound to the index partition.
        let legacy = raw
            .query()
            .table_name(&shared.table)
            .index_name("by_email")
            .key_conditions(
                "pk_by_email",
                Condition::builder()
                    .comparison_operator(ComparisonOperator::Eq)
                    .attribute_value_list(s(email))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            &partitions(legacy.items()),
            leads,
            "capsule {capsule}, legacy"
        );
    }
    // An update that sets an own index value, and one that removes it: sent.
    let raw = world
        .factory
        .capsule_dynamodb(&world.capsules[0])
        .raw()
        .clone();
    raw.update_item()
        .table_name(&shared.table)
        .key(PK, s(&own_leads[0]))
        .key(SK, s("LEAD"))
        .update_expression("REMOVE pk_by_email")
        .send()
        .await
        .unwrap();
    let after = raw
        .query()
        .table_name(&shared.table)
        .index_name("by_email")
        .key_condition_expression("pk_by_email = :v")
        .expression_attribute_values(":v", s(&shared.own_email))
        .send()
        .await
        .unwrap();
    assert_eq!(partitions(after.items()), own_leads[1..].to_vec());
    raw.update_item()
        .table_name(&shared.table)
        .key(PK, s(&own_leads[0]))
        .key(SK, s("LEAD"))
        .update_expression("SET pk_by_email = :v")
        .expression_attribute_values(":v", s(&shared.own_email))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn writes_carrying_another_tenants_index_value_are_rejected_before_sending() {
    let world = world().await;
    let shared = shared_indexed_table(&world).await;
    let raw = world
        .factory
        .capsule_dynamodb(&world.capsules[0])
        .raw()
        .clone();
    let table = shared.table.as_str();
    // An own item (own `pk`) whose index partition is the prefix sibling's.
    let forged = lead(
        &shared.own_lead,
        &shared.their_email,
        &shared.own_recent,
        "2026-11-09",
    );
    let is_theirs = |attribute: &str, value: &str| {
        attribute == "pk_by_email" && value.contains(&shared.their_email)
    };
    assert_rejected!(
        world,
        "put",
        raw.put_item().table_name(table).set_item(Some(forged.clone())).send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    let into_their_collection = lead(
        &shared.own_lead,
        &shared.own_email,
        &shared.their_recent,
        "2026-11-09",
    );
    assert_rejected!(
        world,
        "put into the sibling's collection",
        raw.put_item()
            .table_name(table)
            .set_item(Some(into_their_collection))
            .send(),
        IsolationViolation::IndexKey { attribute, .. } if attribute == "pk_recent"
    );
    assert_rejected!(
        world,
        "update expression",
        raw.update_item()
            .table_name(table)
            .key(PK, s(&shared.own_lead))
            .key(SK, s("LEAD"))
            .update_expression("SET #i = :v")
            .expression_attribute_names("#i", "pk_by_email")
            .expression_attribute_values(":v", s(&shared.their_email))
            .send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    for expression in [
        "SET pk_by_email = if_not_exists(pk_by_email, :v)",
        "SET pk_by_email = email",
        "ADD pk_by_email :v",
    ] {
        assert_rejected!(
            world,
            expression,
            raw.update_item()
                .table_name(table)
                .key(PK, s(&shared.own_lead))
                .key(SK, s("LEAD"))
                .update_expression(expression)
                .expression_attribute_values(":v", s(&shared.own_email))
                .send(),
            IsolationViolation::KeyUpdate { reason, .. } if reason.contains("pk_by_email")
        );
    }
    assert_rejected!(
        world,
        "legacy AttributeUpdates",
        raw.update_item()
            .table_name(table)
            .key(PK, s(&shared.own_lead))
            .key(SK, s("LEAD"))
            .attribute_updates(
                "pk_by_email",
                AttributeValueUpdate::builder()
                    .action(AttributeAction::Put)
                    .value(s(&shared.their_email))
                    .build(),
            )
            .send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    assert_rejected!(
        world,
        "batch write",
        raw.batch_write_item()
            .request_items(
                table,
                vec![
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(forged.clone()))
                                .build()
                                .unwrap(),
                        )
                        .build(),
                ],
            )
            .send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    assert_rejected!(
        world,
        "transaction put",
        raw.transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name(table)
                            .set_item(Some(forged.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    assert_rejected!(
        world,
        "transaction update",
        raw.transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(table)
                            .key(PK, s(&shared.own_lead))
                            .key(SK, s("LEAD"))
                            .update_expression("SET pk_by_email = :v")
                            .expression_attribute_values(":v", s(&shared.their_email))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send(),
        IsolationViolation::IndexKey { attribute, value, .. } if is_theirs(attribute, value)
    );
    // Nothing of the capsule's reached the sibling's index partition.
    let victim = world
        .factory
        .capsule_dynamodb(&world.capsules[2])
        .raw()
        .clone();
    let theirs = victim
        .query()
        .table_name(table)
        .index_name("by_email")
        .key_condition_expression("pk_by_email = :v")
        .expression_attribute_values(":v", s(&shared.their_email))
        .send()
        .await
        .unwrap();
    let their_leads: Vec<String> = (1..=3)
        .map(|n| world.capsule_note_key(2, &format!("lead-{n}")))
        .collect();
    assert_eq!(partitions(theirs.items()), their_leads);
}

#[tokio::test]
async fn index_queries_and_start_keys_of_another_tenant_are_rejected_before_sending() {
    let world = world().await;
    let shared = shared_indexed_table(&world).await;
    let raw = world
        .factory
        .capsule_dynamodb(&world.capsules[0])
        .raw()
        .clone();
    let table = shared.table.as_str();
    let by_email = |expression: &str, value: &str| {
        raw.query()
            .table_name(table)
            .index_name("by_email")
            .key_condition_expression(expression)
            .expression_attribute_values(":v", s(value))
            .send()
    };
    assert_rejected!(
        world,
        "the prefix sibling's index partition",
        by_email("pk_by_email = :v", &shared.their_email),
        IsolationViolation::IndexKey { attribute, .. } if attribute == "pk_by_email"
    );
    assert_rejected!(
        world,
        "the prefix sibling's table partition through the index",
        by_email("pk = :v", &shared.their_lead),
        IsolationViolation::CrossTenant { .. }
    );
    assert_rejected!(
        world,
        "the email itself",
        by_email("email = :v", "a@b.c"),
        IsolationViolation::UnboundQuery { .. }
    );
    assert_rejected!(
        world,
        "a prefix of index partitions",
        by_email("begins_with(pk_by_email, :v)", &shared.own_email),
        IsolationViolation::UnboundQuery { .. }
    );
    assert_rejected!(
        world,
        "the sibling's collection",
        raw.query()
            .table_name(table)
            .index_name("recent")
            .key_condition_expression("pk_recent = :v")
            .expression_attribute_values(":v", s(&shared.their_recent))
            .send(),
        IsolationViolation::IndexKey { attribute, .. } if attribute == "pk_recent"
    );
    assert_rejected!(
        world,
        "an undeclared index",
        raw.query()
            .table_name(table)
            .index_name("by_phone")
            .key_condition_expression("pk_by_phone = :v")
            .expression_attribute_values(":v", s(&shared.own_email))
            .send(),
        IsolationViolation::UndeclaredIndex { declared, .. } if declared == "`by_email`, `recent`"
    );
    assert_rejected!(
        world,
        "the sibling's index partition, legacy KeyConditions",
        raw.query()
            .table_name(table)
            .index_name("by_email")
            .key_conditions(
                "pk_by_email",
                Condition::builder()
                    .comparison_operator(ComparisonOperator::Eq)
                    .attribute_value_list(s(&shared.their_email))
                    .build()
                    .unwrap(),
            )
            .send(),
        IsolationViolation::IndexKey { .. }
    );
    assert_rejected!(
        world,
        "a scan of the shared index",
        raw.scan().table_name(table).index_name("by_email").send(),
        IsolationViolation::SharedTableScan { .. }
    );
    // Forged start keys of an own index query.
    let start = |pk: &str, email: &str| {
        HashMap::from([
            (PK.to_owned(), s(pk)),
            (SK.to_owned(), s("LEAD")),
            ("pk_by_email".to_owned(), s(email)),
        ])
    };
    for (what, key) in [
        (
            "the sibling's index partition",
            start(&shared.own_lead, &shared.their_email),
        ),
        (
            "the sibling's item",
            start(&shared.their_lead, &shared.own_email),
        ),
        ("a number index sort key", {
            let mut key = start(&shared.own_lead, &shared.own_email);
            key.insert("sk_recent".to_owned(), AttributeValue::N("1".into()));
            key
        }),
    ] {
        let violation = world
            .rejected(
                what,
                raw.query()
                    .table_name(table)
                    .index_name("by_email")
                    .key_condition_expression("pk_by_email = :v")
                    .expression_attribute_values(":v", s(&shared.own_email))
                    .set_exclusive_start_key(Some(key))
                    .send(),
            )
            .await;
        assert!(
            matches!(
                violation,
                IsolationViolation::IndexKey { .. } | IsolationViolation::CrossTenant { .. }
            ),
            "{what}: {violation:?}"
        );
    }
}

#[tokio::test]
async fn create_table_takes_only_indexes_of_the_convention_and_the_declaration() {
    let world = world().await;
    let attacker = world.factory.capsule_dynamodb(&world.capsules[0]);
    let raw = attacker.raw();
    let declared = format!("declared-{}", world.run);
    declare_table_schema(
        ScopeKind::Capsule,
        &declared,
        SCHEMA,
        "isolation_indexes::Declared",
    )
    .unwrap();
    let declared = attacker.table_name(&declared).unwrap().to_string();
    let free = attacker
        .table_name(&format!("free-{}", world.run))
        .unwrap()
        .to_string();
    assert_rejected!(
        world,
        "an index keyed by a plain attribute",
        create(raw, &free, vec![gsi("by_email", &["email"], ProjectionType::All)]).send(),
        IsolationViolation::IndexSchema { index, .. } if index == "by_email"
    );
    assert_rejected!(
        world,
        "an index keyed by the table's pk",
        create(
            raw,
            &free,
            vec![gsi("by_pk", &[PK, "created"], ProjectionType::All)]
        )
        .send(),
        IsolationViolation::IndexSchema { .. }
    );
    assert_rejected!(
        world,
        "a declared table without a declared index",
        create(raw, &declared, declared_indexes()[..1].to_vec()).send(),
        IsolationViolation::IndexSchema { index, .. } if index == "recent"
    );
    assert_rejected!(
        world,
        "a declared index with another projection",
        create(
            raw,
            &declared,
            vec![
                gsi("by_email", &["pk_by_email"], ProjectionType::KeysOnly),
                declared_indexes()[1].clone(),
            ],
        )
        .send(),
        IsolationViolation::IndexSchema { index, .. } if index == "by_email"
    );
    let tenant = world.factory.tenant_dynamodb(&world.tenants[0]);
    let tenant_table = tenant
        .table_name(&format!("free-{}", world.run))
        .unwrap()
        .to_string();
    assert_rejected!(
        world,
        "a tenant's index keyed by a plain attribute",
        create(
            tenant.raw(),
            &tenant_table,
            vec![gsi("by_email", &["email"], ProjectionType::All)],
        )
        .send(),
        IsolationViolation::IndexSchema { .. }
    );
    // Indexes of the convention are sent.
    create(
        raw,
        &free,
        vec![gsi(
            "by_owner",
            &["pk_by_owner", "sk_by_owner"],
            ProjectionType::KeysOnly,
        )],
    )
    .send()
    .await
    .unwrap();
    create(
        tenant.raw(),
        &tenant_table,
        vec![gsi("by_owner", &["pk_by_owner"], ProjectionType::All)],
    )
    .send()
    .await
    .unwrap();
}

#[tokio::test]
async fn provision_creates_the_declared_indexes_and_names_a_missing_one() {
    let factory = factory().await;
    let contacts = factory
        .capsule_dynamodb(&lone_capsule("IX"))
        .items::<Contact>();
    contacts.provision().await.unwrap();
    let described = unscoped(&factory)
        .describe_table()
        .table_name(contacts.table().as_str())
        .send()
        .await
        .unwrap();
    let mut indexes: Vec<(String, Vec<String>, String)> = described
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .map(|index| {
            (
                index.index_name().unwrap().to_owned(),
                index
                    .key_schema()
                    .iter()
                    .map(|element| format!("{} {}", element.attribute_name(), element.key_type()))
                    .collect(),
                index
                    .projection()
                    .and_then(DynamoProjection::projection_type)
                    .unwrap()
                    .as_str()
                    .to_owned(),
            )
        })
        .collect();
    indexes.sort();
    let expected: Vec<(String, Vec<String>, String)> = [
        ("by_email", vec!["pk_by_email HASH"], "ALL"),
        (
            "owner",
            vec!["pk_owner HASH", "sk_owner RANGE"],
            "KEYS_ONLY",
        ),
        ("recent", vec!["pk_recent HASH", "sk_recent RANGE"], "ALL"),
    ]
    .into_iter()
    .map(|(name, key, projection)| {
        (
            name.to_owned(),
            key.into_iter().map(str::to_owned).collect(),
            projection.to_owned(),
        )
    })
    .collect();
    assert_eq!(indexes, expected);
    // Provisioning the existing table again checks it and succeeds.
    contacts.provision().await.unwrap();

    // A table created without the indexes (by an unscoped client) is refused by name.
    let bare = factory
        .capsule_dynamodb(&lone_capsule("IX"))
        .items::<Contact>();
    unscoped(&factory)
        .create_table()
        .table_name(bare.table().as_str())
        .key_schema(key_element(PK, KeyType::Hash))
        .key_schema(key_element(SK, KeyType::Range))
        .attribute_definitions(string(PK))
        .attribute_definitions(string(SK))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let err = bare.provision().await.unwrap_err();
    assert!(
        matches!(&err, Error::KeySchema { index: Some("by_email"), found, .. } if found == "no index `by_email`"),
        "{err:?}"
    );
    assert!(err.to_string().contains("declares index by_email"), "{err}");
}
