//! Secondary indexes: index key attributes (`pk_*`, `sk_*`) in every kind of write, index
//! queries and their start keys, and indexes in `CreateTable` and `UpdateTable`, on a declared
//! table with two indexes and on an undeclared one, from each scope.
//!
//! The declarations registry is process-wide: these tests declare only the `guard-indexed`
//! base name and leave `guard-idx-free` undeclared; no other test of the crate uses them.

use std::sync::Once;

use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeValueUpdate, CreateGlobalSecondaryIndexAction,
    DeleteGlobalSecondaryIndexAction, UpdateGlobalSecondaryIndexAction,
};

use super::*;
use crate::schema::{self as declared, IndexSchema, KeySchema, TableSchema, declare};
use crate::scope::ScopeKind;

/// Declared with a sort key and indexes `by_email` (no sort key, `ALL`) and `recent` (sort
/// key, `KEYS_ONLY`).
const INDEXED: &str = "guard-indexed";
/// Declared by no test of the crate.
const FREE: &str = "guard-idx-free";

const BY_EMAIL: IndexSchema = IndexSchema::declared(
    "by_email",
    "pk_by_email",
    None,
    declared::Projection::All,
    1,
);
const RECENT: IndexSchema = IndexSchema::declared(
    "recent",
    "pk_recent",
    Some("sk_recent"),
    declared::Projection::KeysOnly,
    4,
);

fn declare_tables() {
    static DECLARED: Once = Once::new();
    DECLARED.call_once(|| {
        for kind in [ScopeKind::Capsule, ScopeKind::Tenant, ScopeKind::Platform] {
            let schema = TableSchema {
                key: KeySchema::PartitionAndSort,
                indexes: &[BY_EMAIL, RECENT],
            };
            declare(kind, INDEXED, schema, "tests::Indexed").unwrap();
        }
    });
}

/// `PRODUS_{base}`, declared if `base` is [`INDEXED`].
fn table(base: &str) -> String {
    declare_tables();
    format!("PRODUS_{base}")
}

/// The capsule's index value of lead `l1` by email: a key of the scope.
const OWN_INDEX: &str = "TENANT#t1#CAPSULE#caps-456#LEAD#by_email#a@b.c";
/// The same index value of the prefix-sibling tenant `t10`'s capsule with the same id and code.
const SIBLING_INDEX: &str = "TENANT#t10#CAPSULE#caps-456#LEAD#by_email#a@b.c";
/// Values no `pk_*` attribute of the capsule may hold.
const FOREIGN_INDEX: [&str; 6] = [
    SIBLING_INDEX,
    "TENANT#t2#CAPSULE#caps-456#LEAD#by_email#a@b.c",
    "TENANT#t1#CAPSULE#caps-4567#LEAD#by_email#a@b.c",
    "TENANT#t1#LEAD#by_email#a@b.c",
    "LEAD#by_email#a@b.c",
    "a@b.c",
];

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// An item of the declared table with `extra` attributes.
fn item_with(extra: &[(&str, AttributeValue)]) -> Key {
    let mut item = key(OWN_KEY);
    item.insert(SK.to_owned(), s("LEAD"));
    for (name, value) in extra {
        item.insert((*name).to_owned(), value.clone());
    }
    item
}

fn violation_name(result: &Result<(), IsolationViolation>) -> &'static str {
    match result {
        Ok(()) => "allowed",
        Err(IsolationViolation::IndexKey { .. }) => "IndexKey",
        Err(IsolationViolation::IndexSchema { .. }) => "IndexSchema",
        Err(IsolationViolation::UndeclaredIndex { .. }) => "UndeclaredIndex",
        Err(IsolationViolation::KeyUpdate { .. }) => "KeyUpdate",
        Err(IsolationViolation::UnboundQuery { .. }) => "UnboundQuery",
        Err(IsolationViolation::CrossTenant { .. }) => "CrossTenant",
        Err(IsolationViolation::TableSetting { .. }) => "TableSetting",
        Err(IsolationViolation::SharedTableScan { .. }) => "SharedTableScan",
        Err(IsolationViolation::SharedTableChange { .. }) => "SharedTableChange",
        Err(_) => "another violation",
    }
}

/// The three ways to put `item` into `table`: `PutItem`, a batch put, a transaction put.
fn puts(table: &str, item: &Key) -> Vec<(&'static str, Input)> {
    vec![
        (
            "PutItem",
            Input::erase(
                PutItemInput::builder()
                    .table_name(table)
                    .set_item(Some(item.clone()))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "BatchWriteItem",
            Input::erase(
                BatchWriteItemInput::builder()
                    .request_items(
                        table,
                        vec![
                            WriteRequest::builder()
                                .put_request(
                                    PutRequest::builder()
                                        .set_item(Some(item.clone()))
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        ],
                    )
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "TransactWriteItems",
            Input::erase(
                TransactWriteItemsInput::builder()
                    .transact_items(
                        TransactWriteItem::builder()
                            .put(
                                Put::builder()
                                    .table_name(table)
                                    .set_item(Some(item.clone()))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .build()
                    .unwrap(),
            ),
        ),
    ]
}

fn check_input<S: GuardedScope>(scope: &S, input: &Input) -> Result<(), IsolationViolation> {
    check_request(scope, input, || "TheOperation")
}

#[test]
fn every_put_holds_index_partitions_to_the_scope() {
    let capsule = capsule();
    for base in [INDEXED, FREE] {
        let table = table(base);
        let mut cases: Vec<(String, Key, &str)> = vec![
            ("no index attribute".into(), item_with(&[]), "allowed"),
            (
                "own index values".into(),
                item_with(&[
                    ("pk_by_email", s(OWN_INDEX)),
                    ("pk_recent", s("TENANT#t1#CAPSULE#caps-456#LEAD#recent#3")),
                    ("sk_recent", s("LEAD#2026-11-30#l1")),
                ]),
                "allowed",
            ),
            (
                "an undeclared index's own value".into(),
                item_with(&[("pk_other", s(OWN_INDEX))]),
                "allowed",
            ),
            (
                "attributes that only look like index attributes".into(),
                item_with(&[("pkx", s("x")), ("skip", AttributeValue::N("1".into()))]),
                "allowed",
            ),
            (
                "a number index partition".into(),
                item_with(&[("pk_by_email", AttributeValue::N("1".into()))]),
                "IndexKey",
            ),
            (
                "an empty index sort key".into(),
                item_with(&[("sk_recent", s(""))]),
                "IndexKey",
            ),
            (
                "a number index sort key".into(),
                item_with(&[("sk_recent", AttributeValue::N("1".into()))]),
                "IndexKey",
            ),
        ];
        for foreign in FOREIGN_INDEX {
            for attribute in ["pk_by_email", "pk_undeclared"] {
                cases.push((
                    format!("{attribute} = {foreign}"),
                    item_with(&[(attribute, s(foreign))]),
                    "IndexKey",
                ));
            }
        }
        for (what, item, expected) in cases {
            for (operation, input) in puts(&table, &item) {
                assert_eq!(
                    violation_name(&check_input(&capsule, &input)),
                    expected,
                    "{table}, {operation}, {what}"
                );
            }
        }
    }
    // Every scope, the platform too, holds `pk_*` to its own keys.
    let tenant = Tenant::new("t1", "One").unwrap();
    let own = |pk: &str, index: &str| {
        HashMap::from([(PK.to_owned(), s(pk)), ("pk_by_email".to_owned(), s(index))])
    };
    for (what, result, expected) in [
        (
            "tenant, own",
            check(
                &tenant,
                put_item(
                    "t1_hooks",
                    own("TENANT#t1#HOOK#h1", "TENANT#t1#HOOK#by_url#x"),
                ),
            ),
            "allowed",
        ),
        (
            "tenant, the prefix sibling's",
            check(
                &tenant,
                put_item(
                    "t1_hooks",
                    own("TENANT#t1#HOOK#h1", "TENANT#t10#HOOK#by_url#x"),
                ),
            ),
            "IndexKey",
        ),
        (
            "platform, own",
            check(
                &Platform::new(),
                put_item("events", own("EVENT#e1", "EVENT#by_kind#x")),
            ),
            "allowed",
        ),
        (
            "platform, a tenant's",
            check(
                &Platform::new(),
                put_item("events", own("EVENT#e1", "TENANT#t1#EVENT#by_kind#x")),
            ),
            "IndexKey",
        ),
    ] {
        assert_eq!(violation_name(&result), expected, "{what}");
    }
}

fn put_item(table: &str, item: Key) -> PutItemInput {
    PutItemInput::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()
        .unwrap()
}

#[test]
fn index_key_errors_name_the_attribute_the_value_and_the_rule() {
    let put = put_item(
        &table(INDEXED),
        item_with(&[("pk_by_email", s(SIBLING_INDEX))]),
    );
    let message = check(&capsule(), put).unwrap_err().to_string();
    assert!(
        message.starts_with(
            "item for table \"PRODUS_guard-indexed\" rejected: index key attribute \
             `pk_by_email` = S \"TENANT#t10#CAPSULE#caps-456#LEAD#by_email#a@b.c\" is not a key \
             of this client's scope (partition key \"TENANT#t10#"
        ) && message.contains("an index partition holds one scope's items"),
        "{message}"
    );
}

/// `UpdateItem` and a transaction's `Update` of the own item with `expression`.
fn updates(expression: &str) -> Vec<(&'static str, Input)> {
    let table = table(INDEXED);
    let item_key = || {
        let mut item_key = key(OWN_KEY);
        item_key.insert(SK.to_owned(), s("LEAD"));
        item_key
    };
    let names = HashMap::from([("#i".to_owned(), "pk_by_email".to_owned())]);
    let values = HashMap::from([
        (":own".to_owned(), s(OWN_INDEX)),
        (":sibling".to_owned(), s(SIBLING_INDEX)),
        (":n".to_owned(), AttributeValue::N("1".into())),
        (":empty".to_owned(), s("")),
        (":sort".to_owned(), s("LEAD#1")),
        (":a".to_owned(), s("a")),
    ]);
    vec![
        (
            "UpdateItem",
            Input::erase(
                UpdateItemInput::builder()
                    .table_name(&table)
                    .set_key(Some(item_key()))
                    .update_expression(expression)
                    .set_expression_attribute_names(Some(names.clone()))
                    .set_expression_attribute_values(Some(values.clone()))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "TransactWriteItems",
            Input::erase(
                TransactWriteItemsInput::builder()
                    .transact_items(
                        TransactWriteItem::builder()
                            .update(
                                Update::builder()
                                    .table_name(&table)
                                    .set_key(Some(item_key()))
                                    .update_expression(expression)
                                    .set_expression_attribute_names(Some(names))
                                    .set_expression_attribute_values(Some(values))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .build()
                    .unwrap(),
            ),
        ),
    ]
}

#[test]
fn updates_set_index_attributes_only_to_checked_values() {
    let capsule = capsule();
    for (expression, expected) in [
        ("SET pk_by_email = :own", "allowed"),
        ("SET #i = :own", "allowed"),
        (
            "set a = :a, pk_by_email = :own, sk_recent = :sort",
            "allowed",
        ),
        ("REMOVE pk_by_email", "allowed"),
        ("REMOVE #i, sk_recent SET a = :a", "allowed"),
        ("SET a = pk_by_email", "allowed"),
        ("SET pk_by_email = :sibling", "IndexKey"),
        ("SET #i = :sibling", "IndexKey"),
        ("SET a = :a, pk_other = :sibling", "IndexKey"),
        ("SET pk_by_email = :n", "IndexKey"),
        ("SET pk_by_email = :missing", "IndexKey"),
        ("SET sk_recent = :empty", "IndexKey"),
        ("SET sk_recent = :n", "IndexKey"),
        (
            "SET pk_by_email = if_not_exists(pk_by_email, :own)",
            "KeyUpdate",
        ),
        ("SET pk_by_email = :own + :n", "KeyUpdate"),
        ("SET pk_by_email = :own - :n", "KeyUpdate"),
        ("SET pk_by_email = list_append(a, :own)", "KeyUpdate"),
        ("SET pk_by_email = a", "KeyUpdate"),
        ("SET pk_by_email = #i", "KeyUpdate"),
        ("SET pk_by_email.x = :own", "KeyUpdate"),
        ("SET pk_by_email[0] = :own", "KeyUpdate"),
        ("SET pk_by_email", "KeyUpdate"),
        ("SET pk_by_email = :own :n", "KeyUpdate"),
        (
            "SET sk_recent = if_not_exists(sk_recent, :sort)",
            "KeyUpdate",
        ),
        ("ADD pk_by_email :n", "KeyUpdate"),
        ("DELETE #i :own", "KeyUpdate"),
        ("ADD sk_recent :n", "KeyUpdate"),
        ("REMOVE pk_by_email.x", "KeyUpdate"),
        ("REMOVE pk_by_email[0]", "KeyUpdate"),
        ("SET = :own", "KeyUpdate"),
    ] {
        for (operation, input) in updates(expression) {
            assert_eq!(
                violation_name(&check_input(&capsule, &input)),
                expected,
                "{operation}: {expression}"
            );
        }
    }
    let message = check_input(
        &capsule,
        &updates("SET pk_by_email = if_not_exists(pk_by_email, :own)")[0].1,
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("`pk_by_email`") && message.contains("if_not_exists"),
        "{message}"
    );
}

#[test]
fn legacy_attribute_updates_put_checked_values_or_delete() {
    let capsule = capsule();
    let update =
        |attribute: &str, action: Option<AttributeAction>, value: Option<AttributeValue>| {
            let mut item_key = key(OWN_KEY);
            item_key.insert(SK.to_owned(), s("LEAD"));
            UpdateItemInput::builder()
                .table_name(table(INDEXED))
                .set_key(Some(item_key))
                .attribute_updates(
                    attribute,
                    AttributeValueUpdate::builder()
                        .set_action(action)
                        .set_value(value)
                        .build(),
                )
                .build()
                .unwrap()
        };
    for (what, input, expected) in [
        (
            "PUT own",
            update(
                "pk_by_email",
                Some(AttributeAction::Put),
                Some(s(OWN_INDEX)),
            ),
            "allowed",
        ),
        (
            "the default action, own",
            update("pk_by_email", None, Some(s(OWN_INDEX))),
            "allowed",
        ),
        (
            "DELETE",
            update("pk_by_email", Some(AttributeAction::Delete), None),
            "allowed",
        ),
        (
            "PUT a sort value",
            update("sk_recent", Some(AttributeAction::Put), Some(s("LEAD#1"))),
            "allowed",
        ),
        (
            "PUT the prefix sibling's",
            update(
                "pk_by_email",
                Some(AttributeAction::Put),
                Some(s(SIBLING_INDEX)),
            ),
            "IndexKey",
        ),
        (
            "the default action, the sibling's",
            update("pk_undeclared", None, Some(s(SIBLING_INDEX))),
            "IndexKey",
        ),
        (
            "PUT nothing",
            update("pk_by_email", Some(AttributeAction::Put), None),
            "IndexKey",
        ),
        (
            "ADD",
            update(
                "pk_by_email",
                Some(AttributeAction::Add),
                Some(s(OWN_INDEX)),
            ),
            "IndexKey",
        ),
        (
            "DELETE from a set",
            update(
                "pk_by_email",
                Some(AttributeAction::Delete),
                Some(AttributeValue::Ss(vec![OWN_INDEX.into()])),
            ),
            "IndexKey",
        ),
        (
            "PUT an empty sort value",
            update("sk_recent", Some(AttributeAction::Put), Some(s(""))),
            "IndexKey",
        ),
    ] {
        assert_eq!(
            violation_name(&check(&capsule, input)),
            expected,
            "AttributeUpdates, {what}"
        );
    }
}

/// A query of `table`'s index `index` with `expression` (`#i` is `pk_by_email`).
fn index_query(table: &str, index: &str, expression: &str) -> QueryInput {
    QueryInput::builder()
        .table_name(table)
        .index_name(index)
        .key_condition_expression(expression)
        .expression_attribute_names("#i", "pk_by_email")
        .expression_attribute_values(":own", s(OWN_INDEX))
        .expression_attribute_values(":sibling", s(SIBLING_INDEX))
        .expression_attribute_values(":pk", s(OWN_KEY))
        .expression_attribute_values(":foreign_pk", s("TENANT#t10#CAPSULE#caps-456#LEAD#l1"))
        .expression_attribute_values(":n", AttributeValue::N("1".into()))
        .expression_attribute_values(":s", s("LEAD"))
        .build()
        .unwrap()
}

#[test]
fn index_queries_of_shared_tables_bind_the_index_partition() {
    let capsule = capsule();
    let declared = table(INDEXED);
    for (index, expression, expected) in [
        ("by_email", "pk_by_email = :own", "allowed"),
        ("by_email", "#i = :own", "allowed"),
        ("by_email", "(#i = :own)", "allowed"),
        ("recent", "pk_recent = :own AND sk_recent > :s", "allowed"),
        (
            "recent",
            "begins_with(sk_recent, :s) AND pk_recent = :own",
            "allowed",
        ),
        // A local secondary index's form: the table's partition key.
        ("by_email", "pk = :pk", "allowed"),
        ("by_email", "pk = :pk AND at > :s", "allowed"),
        ("by_email", "pk_by_email = :own AND pk = :pk", "allowed"),
        ("by_email", "pk_by_email = :sibling", "IndexKey"),
        ("by_email", "#i = :sibling", "IndexKey"),
        (
            "by_email",
            "pk = :pk AND pk_by_email = :sibling",
            "IndexKey",
        ),
        ("by_email", "pk = :foreign_pk", "CrossTenant"),
        (
            "by_email",
            "pk_by_email = :own AND pk = :foreign_pk",
            "CrossTenant",
        ),
        ("by_email", "pk_by_email = :n", "UnboundQuery"),
        ("by_email", "pk_by_email = :missing", "UnboundQuery"),
        ("by_email", "email = :own", "UnboundQuery"),
        ("by_email", "pk_recent = :own", "UnboundQuery"),
        ("by_email", "begins_with(pk_by_email, :own)", "UnboundQuery"),
        ("by_email", "pk_by_email > :own", "UnboundQuery"),
        (
            "by_email",
            "pk_by_email = :own AND pk > :pk",
            "UnboundQuery",
        ),
        (
            "by_email",
            "pk_by_email = :own AND pk_recent > :own",
            "UnboundQuery",
        ),
        (
            "by_email",
            "pk_by_email = :own AND a > :s AND b < :s",
            "UnboundQuery",
        ),
        (
            "by_email",
            "pk_by_email = :own OR pk_by_email = :sibling",
            "UnboundQuery",
        ),
        ("by_phone", "pk_by_phone = :own", "UndeclaredIndex"),
    ] {
        assert_eq!(
            violation_name(&check(&capsule, index_query(&declared, index, expression))),
            expected,
            "{index}: {expression}"
        );
    }
    // Undeclared tables: any index named by the convention.
    let free = table(FREE);
    for (index, expression, expected) in [
        ("by_phone", "pk_by_phone = :own", "allowed"),
        ("by_phone", "pk_by_phone = :sibling", "IndexKey"),
        ("by_phone", "phone = :own", "UnboundQuery"),
    ] {
        assert_eq!(
            violation_name(&check(&capsule, index_query(&free, index, expression))),
            expected,
            "undeclared table, {index}: {expression}"
        );
    }
    let message = check(
        &capsule,
        index_query(&declared, "by_phone", "pk_by_phone = :own"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("\"by_phone\"") && message.contains("`by_email`, `recent`"),
        "{message}"
    );
    // A query of the table itself compares nothing but `sk` besides `pk`, index attributes
    // neither.
    let mut base = index_query(&declared, "by_email", "pk = :pk AND pk_by_email = :own");
    base.index_name = None;
    assert_eq!(violation_name(&check(&capsule, base)), "UnboundQuery");
    // Unshared tables: any key condition of their own indexes.
    let tenant = Tenant::new("t1", "One").unwrap();
    let mut own_table = index_query("t1_guard-indexed", "by_phone", "phone = :own");
    check(&tenant, own_table.clone()).unwrap();
    own_table.table_name = Some("t10_guard-indexed".into());
    assert_eq!(
        violation_name(&check(&tenant, own_table)),
        "another violation"
    );
}

#[test]
fn legacy_key_conditions_of_index_queries() {
    let capsule = capsule();
    let condition = |operator: ComparisonOperator, value: &str| {
        Condition::builder()
            .comparison_operator(operator)
            .attribute_value_list(s(value))
            .build()
            .unwrap()
    };
    let query = |conditions: Vec<(&str, Condition)>| {
        let mut query = QueryInput::builder()
            .table_name(table(INDEXED))
            .index_name("recent");
        for (attribute, condition) in conditions {
            query = query.key_conditions(attribute, condition);
        }
        query.build().unwrap()
    };
    for (what, conditions, expected) in [
        (
            "own",
            vec![("pk_recent", condition(ComparisonOperator::Eq, OWN_INDEX))],
            "allowed",
        ),
        (
            "own, with a sort range",
            vec![
                ("pk_recent", condition(ComparisonOperator::Eq, OWN_INDEX)),
                (
                    "sk_recent",
                    condition(ComparisonOperator::BeginsWith, "LEAD"),
                ),
            ],
            "allowed",
        ),
        (
            "the table's partition",
            vec![("pk", condition(ComparisonOperator::Eq, OWN_KEY))],
            "allowed",
        ),
        (
            "the sibling's",
            vec![(
                "pk_recent",
                condition(ComparisonOperator::Eq, SIBLING_INDEX),
            )],
            "IndexKey",
        ),
        (
            "own and the sibling's table partition",
            vec![
                ("pk_recent", condition(ComparisonOperator::Eq, OWN_INDEX)),
                (
                    "pk",
                    condition(
                        ComparisonOperator::Eq,
                        "TENANT#t10#CAPSULE#caps-456#LEAD#l1",
                    ),
                ),
            ],
            "CrossTenant",
        ),
        (
            "a prefix",
            vec![(
                "pk_recent",
                condition(ComparisonOperator::BeginsWith, "TENANT#t1"),
            )],
            "UnboundQuery",
        ),
        (
            "another attribute",
            vec![("email", condition(ComparisonOperator::Eq, "a@b.c"))],
            "UnboundQuery",
        ),
        (
            "two besides",
            vec![
                ("pk_recent", condition(ComparisonOperator::Eq, OWN_INDEX)),
                ("sk_recent", condition(ComparisonOperator::Gt, "LEAD")),
                ("at", condition(ComparisonOperator::Gt, "LEAD")),
            ],
            "UnboundQuery",
        ),
    ] {
        assert_eq!(
            violation_name(&check(&capsule, query(conditions))),
            expected,
            "KeyConditions, {what}"
        );
    }
}

#[test]
fn start_keys_of_index_queries_and_scans_are_checked() {
    let capsule = capsule();
    let query = |start: Key| {
        let mut query = index_query(&table(INDEXED), "recent", "pk_recent = :own");
        query.exclusive_start_key = Some(start);
        query
    };
    for (what, start, expected) in [
        (
            "own",
            item_with(&[("pk_recent", s(OWN_INDEX)), ("sk_recent", s("LEAD#1"))]),
            "allowed",
        ),
        (
            "the sibling's index partition",
            item_with(&[("pk_recent", s(SIBLING_INDEX)), ("sk_recent", s("LEAD#1"))]),
            "IndexKey",
        ),
        (
            "another index's foreign partition",
            item_with(&[
                ("pk_recent", s(OWN_INDEX)),
                ("pk_by_email", s(SIBLING_INDEX)),
            ]),
            "IndexKey",
        ),
        (
            "a number index sort key",
            item_with(&[
                ("pk_recent", s(OWN_INDEX)),
                ("sk_recent", AttributeValue::N("1".into())),
            ]),
            "IndexKey",
        ),
        (
            "the sibling's table partition",
            {
                let mut start = item_with(&[("pk_recent", s(OWN_INDEX))]);
                start.insert(PK.to_owned(), s("TENANT#t10#CAPSULE#caps-456#LEAD#l1"));
                start
            },
            "CrossTenant",
        ),
    ] {
        assert_eq!(
            violation_name(&check(&capsule, query(start))),
            expected,
            "query start key, {what}"
        );
    }
    // Scans of an index: unshared tables only, and the same start-key rule.
    let scan = |table: &str, start: Option<Key>| {
        ScanInput::builder()
            .table_name(table)
            .index_name("by_email")
            .set_exclusive_start_key(start)
            .build()
            .unwrap()
    };
    assert_eq!(
        violation_name(&check(&capsule, scan(&table(INDEXED), None))),
        "SharedTableScan"
    );
    let tenant = Tenant::new("t1", "One").unwrap();
    let start = |index: &str| {
        HashMap::from([
            (PK.to_owned(), s("TENANT#t1#HOOK#h1")),
            ("pk_by_email".to_owned(), s(index)),
        ])
    };
    check(
        &tenant,
        scan("t1_hooks", Some(start("TENANT#t1#HOOK#by_email#x"))),
    )
    .unwrap();
    assert_eq!(
        violation_name(&check(
            &tenant,
            scan("t1_hooks", Some(start("TENANT#t10#HOOK#by_email#x")))
        )),
        "IndexKey"
    );
}

fn projection(projection_type: ProjectionType) -> Projection {
    Projection::builder()
        .projection_type(projection_type)
        .build()
}

/// A global secondary index `name` keyed by `partition` and, if given, `sort`.
fn gsi(
    name: &str,
    partition: &str,
    sort: Option<&str>,
    projected: ProjectionType,
) -> GlobalSecondaryIndex {
    let mut index = GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key_element(partition, KeyType::Hash))
        .projection(projection(projected));
    if let Some(sort) = sort {
        index = index.key_schema(key_element(sort, KeyType::Range));
    }
    index.build().unwrap()
}

/// `CreateTable` of `table` (pk + sk) in `provision`'s shape with `indexes` and their key
/// attributes defined as strings.
fn create_with(table: &str, indexes: Vec<GlobalSecondaryIndex>) -> CreateTableInputBuilder {
    let mut create = provision_shape(table)
        .attribute_definitions(attribute(SK, ScalarAttributeType::S))
        .key_schema(key_element(SK, KeyType::Range));
    let mut defined = vec![PK.to_owned(), SK.to_owned()];
    for index in &indexes {
        for element in index.key_schema() {
            if !defined.contains(&element.attribute_name().to_owned()) {
                defined.push(element.attribute_name().to_owned());
                create = create.attribute_definitions(attribute(
                    element.attribute_name(),
                    ScalarAttributeType::S,
                ));
            }
        }
    }
    create.set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
}

/// The declared indexes, as `provision` creates them.
fn declared_gsis() -> Vec<GlobalSecondaryIndex> {
    vec![
        gsi("by_email", "pk_by_email", None, ProjectionType::All),
        gsi(
            "recent",
            "pk_recent",
            Some("sk_recent"),
            ProjectionType::KeysOnly,
        ),
    ]
}

#[test]
fn create_table_takes_indexes_of_the_convention_and_the_declaration() {
    let capsule = capsule();
    let tenant = Tenant::new("t1", "One").unwrap();
    let declared = table(INDEXED);
    let free = table(FREE);
    let with_throughput = {
        let mut index = gsi("by_email", "pk_by_email", None, ProjectionType::All);
        index.provisioned_throughput = Some(throughput());
        index
    };
    let include = GlobalSecondaryIndex::builder()
        .index_name("by_owner")
        .key_schema(key_element("pk_by_owner", KeyType::Hash))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes("name")
                .build(),
        )
        .build()
        .unwrap();
    // (what, indexes, declared table?, capsule's verdict, tenant's verdict)
    let cases: Vec<(&str, Vec<GlobalSecondaryIndex>, bool, &str, &str)> = vec![
        (
            "the declared indexes",
            declared_gsis(),
            true,
            "allowed",
            "allowed",
        ),
        (
            "the declared indexes, other order",
            declared_gsis().into_iter().rev().collect(),
            true,
            "allowed",
            "allowed",
        ),
        (
            "no index on a declared table",
            vec![],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index missing",
            declared_gsis()[..1].to_vec(),
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an undeclared index besides",
            [
                declared_gsis(),
                vec![gsi("by_owner", "pk_by_owner", None, ProjectionType::All)],
            ]
            .concat(),
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index with another projection",
            vec![
                gsi("by_email", "pk_by_email", None, ProjectionType::KeysOnly),
                declared_gsis()[1].clone(),
            ],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index with a sort key it is declared without",
            vec![
                gsi(
                    "by_email",
                    "pk_by_email",
                    Some("sk_by_email"),
                    ProjectionType::All,
                ),
                declared_gsis()[1].clone(),
            ],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a convention index on an undeclared table",
            vec![gsi(
                "by_owner",
                "pk_by_owner",
                Some("sk_by_owner"),
                ProjectionType::KeysOnly,
            )],
            false,
            "allowed",
            "allowed",
        ),
        (
            "an index keyed by a plain attribute",
            vec![gsi("by_email", "email", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an index keyed by the table's pk",
            vec![gsi("by_email", PK, Some("at"), ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an index keyed by another index's attribute",
            vec![gsi("by_email", "pk_recent", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a sort key as partition",
            vec![gsi(
                "by_email",
                "sk_by_email",
                Some("pk_by_email"),
                ProjectionType::All,
            )],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a name outside the convention",
            vec![gsi("by-email", "pk_by-email", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "throughput on an index",
            vec![with_throughput],
            false,
            "TableSetting",
            "allowed",
        ),
        (
            "an INCLUDE projection",
            vec![include],
            false,
            "IndexSchema",
            "allowed",
        ),
    ];
    for (what, indexes, is_declared, shared, own) in cases {
        let base = if is_declared { INDEXED } else { FREE };
        let capsule_table = if is_declared { &declared } else { &free };
        assert_eq!(
            violation_name(&check(
                &capsule,
                create_with(capsule_table, indexes.clone()).build().unwrap()
            )),
            shared,
            "capsule, {what}"
        );
        assert_eq!(
            violation_name(&check(
                &tenant,
                create_with(&format!("t1_{base}"), indexes.clone())
                    .build()
                    .unwrap()
            )),
            own,
            "tenant, {what}"
        );
        assert_eq!(
            violation_name(&check(
                &Platform::new(),
                create_with(base, indexes).build().unwrap()
            )),
            own,
            "platform, {what}"
        );
    }
    // Attribute definitions: every key attribute a string, and on a shared table nothing else.
    let retyped = create_with(&declared, declared_gsis())
        .attribute_definitions(attribute("pk_other", ScalarAttributeType::N));
    assert_eq!(
        setting_field(check(&capsule, retyped.build().unwrap())).as_deref(),
        Some("AttributeDefinitions")
    );
    let unused = create_with(&declared, declared_gsis())
        .attribute_definitions(attribute("email", ScalarAttributeType::S));
    assert_eq!(
        setting_field(check(&capsule, unused.build().unwrap())).as_deref(),
        Some("AttributeDefinitions")
    );
    let mut undefined = create_with(
        &free,
        vec![gsi("by_owner", "pk_by_owner", None, ProjectionType::All)],
    )
    .build()
    .unwrap();
    undefined
        .attribute_definitions
        .as_mut()
        .unwrap()
        .retain(|definition| definition.attribute_name() != "pk_by_owner");
    assert_eq!(violation_name(&check(&capsule, undefined)), "IndexSchema");
    let throughput_field = {
        let mut index = gsi("by_owner", "pk_by_owner", None, ProjectionType::All);
        index.provisioned_throughput = Some(throughput());
        setting_field(check(
            &capsule,
            create_with(&free, vec![index]).build().unwrap(),
        ))
    };
    assert_eq!(
        throughput_field.as_deref(),
        Some("GlobalSecondaryIndexes[by_owner].ProvisionedThroughput")
    );
    let message = check(
        &capsule,
        create_with(&declared, declared_gsis()[..1].to_vec())
            .build()
            .unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("index \"recent\" is declared") && message.contains("missing"),
        "{message}"
    );
    let message = check(
        &capsule,
        create_with(
            &free,
            vec![gsi("by_email", "email", None, ProjectionType::All)],
        )
        .build()
        .unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("keyed by `email` HASH") && message.contains("`pk_by_email` HASH"),
        "{message}"
    );
}

#[test]
fn update_table_creates_only_convention_indexes_and_keeps_declared_ones() {
    let tenant = Tenant::new("t1", "One").unwrap();
    let create = |table: &str, name: &str, partition: &str, projected: ProjectionType| {
        UpdateTableInput::builder()
            .table_name(table)
            .attribute_definitions(attribute(partition, ScalarAttributeType::S))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .create(
                        CreateGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .key_schema(key_element(partition, KeyType::Hash))
                            .projection(projection(projected))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
    };
    let delete = |table: &str, name: &str| {
        UpdateTableInput::builder()
            .table_name(table)
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .delete(
                        DeleteGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
    };
    let declared = "t1_guard-indexed";
    let free = "t1_guard-idx-free";
    declare_tables();
    for (what, input, expected) in [
        (
            "a convention index on an undeclared table",
            create(free, "by_owner", "pk_by_owner", ProjectionType::All),
            "allowed",
        ),
        (
            "the declared index, as declared",
            create(declared, "by_email", "pk_by_email", ProjectionType::All),
            "allowed",
        ),
        (
            "the declared index, another projection",
            create(
                declared,
                "by_email",
                "pk_by_email",
                ProjectionType::KeysOnly,
            ),
            "IndexSchema",
        ),
        (
            "an undeclared index on a declared table",
            create(declared, "by_owner", "pk_by_owner", ProjectionType::All),
            "IndexSchema",
        ),
        (
            "an index keyed by a plain attribute",
            create(free, "by_email", "email", ProjectionType::All),
            "IndexSchema",
        ),
        (
            "an index partition defined as a number",
            create(free, "by_owner", "pk_by_owner", ProjectionType::All)
                .attribute_definitions(attribute("pk_by_owner", ScalarAttributeType::N)),
            "TableSetting",
        ),
        (
            "deleting an undeclared index",
            delete(declared, "old"),
            "allowed",
        ),
        (
            "deleting a declared index",
            delete(declared, "recent"),
            "IndexSchema",
        ),
        (
            "throughput of an index",
            UpdateTableInput::builder()
                .table_name(declared)
                .global_secondary_index_updates(
                    GlobalSecondaryIndexUpdate::builder()
                        .update(
                            UpdateGlobalSecondaryIndexAction::builder()
                                .index_name("by_email")
                                .provisioned_throughput(throughput())
                                .build()
                                .unwrap(),
                        )
                        .build(),
                ),
            "allowed",
        ),
    ] {
        assert_eq!(
            violation_name(&check(&tenant, input.build().unwrap())),
            expected,
            "UpdateTable, {what}"
        );
    }
    // Never on a shared table.
    let shared = create(&table(FREE), "by_owner", "pk_by_owner", ProjectionType::All);
    assert_eq!(
        violation_name(&check(&capsule(), shared.build().unwrap())),
        "SharedTableChange"
    );
}
