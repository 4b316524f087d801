//! Tables with a sort key: queries with sort-key conditions, items and keys that must (or
//! must not) carry `sk`, updates of key attributes, `CreateTable` of the declared schema, and
//! `ExclusiveStartKey`, each on a table declared with a sort key, one declared without, and
//! one whose declaration is not used in the process.
//!
//! The declarations registry is process-wide: these tests declare only the `guard-sorted` and
//! `guard-plain` base names, and leave `guard-undeclared` undeclared; no other test of the
//! crate uses them (other tests' entities declare `crm`, for one).

use std::sync::Once;

use super::*;
use crate::dynamodb::schema::{KeySchema, SORT_KEY_ATTRIBUTE as SK, TableSchema, declare};
use crate::scope::ScopeKind;

/// `PRODUS_guard-sorted`, `t1_guard-sorted`, `guard-sorted`: declared with a sort key.
const SORTED: &str = "guard-sorted";
/// `PRODUS_guard-plain`…: declared without one.
const PLAIN: &str = "guard-plain";
/// `PRODUS_guard-undeclared`…: declared by no test of the crate.
const UNDECLARED: &str = "guard-undeclared";

const FOREIGN_KEY: &str = "TENANT#t10#CAPSULE#caps-456#LEAD#l1";

fn declare_tables() {
    static DECLARED: Once = Once::new();
    DECLARED.call_once(|| {
        for kind in [ScopeKind::Capsule, ScopeKind::Tenant, ScopeKind::Platform] {
            let (sorted, plain) = (
                TableSchema {
                    key: KeySchema::PartitionAndSort,
                    indexes: &[],
                },
                TableSchema {
                    key: KeySchema::Partition,
                    indexes: &[],
                },
            );
            declare(kind, SORTED, sorted, "tests::Sorted").unwrap();
            declare(kind, PLAIN, plain, "tests::Plain").unwrap();
        }
    });
}

fn table(base: &str) -> String {
    declare_tables();
    format!("PRODUS_{base}")
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// `pk` and, if given, `sk`.
fn key_with(pk: &str, sk: Option<AttributeValue>) -> Key {
    let mut key = key(pk);
    if let Some(sk) = sk {
        key.insert(SK.to_owned(), sk);
    }
    key
}

fn violation_name(result: &Result<(), IsolationViolation>) -> &'static str {
    match result {
        Ok(()) => "allowed",
        Err(IsolationViolation::KeyShape { .. }) => "KeyShape",
        Err(IsolationViolation::KeyUpdate { .. }) => "KeyUpdate",
        Err(IsolationViolation::UnboundQuery { .. }) => "UnboundQuery",
        Err(IsolationViolation::CrossTenant { .. }) => "CrossTenant",
        Err(IsolationViolation::MissingPartitionKey { .. }) => "MissingPartitionKey",
        Err(IsolationViolation::ForeignKeySchema { .. }) => "ForeignKeySchema",
        Err(IsolationViolation::TableSetting { .. }) => "TableSetting",
        Err(_) => "another violation",
    }
}

fn sk_query(base: &str, expression: &str) -> QueryInput {
    QueryInput::builder()
        .table_name(table(base))
        .key_condition_expression(expression)
        .expression_attribute_names("#p", PK)
        .expression_attribute_names("#s", SK)
        .expression_attribute_names("#a", "at")
        .expression_attribute_values(":v", s(OWN_KEY))
        .expression_attribute_values(":foreign", s(FOREIGN_KEY))
        .expression_attribute_values(":a", s("NOTE#1"))
        .expression_attribute_values(":b", s("NOTE#9"))
        .build()
        .unwrap()
}

const SORT_CONDITIONS: [&str; 9] = [
    "#p = :v AND #s = :a",
    "#p = :v AND #s < :a",
    "#p = :v AND #s <= :a",
    "#p = :v AND #s > :a",
    "#p = :v AND sk >= :a",
    "#p = :v AND #s BETWEEN :a AND :b",
    "pk = :v AND begins_with(sk, :a)",
    "begins_with(#s, :a) AND (#p = :v)",
    "#p = :v",
];

#[test]
fn queries_of_a_sorted_table_may_add_any_sort_key_condition() {
    let capsule = capsule();
    for base in [SORTED, UNDECLARED] {
        for expression in SORT_CONDITIONS {
            assert_eq!(
                check(&capsule, sk_query(base, expression)),
                Ok(()),
                "{base}: {expression}"
            );
        }
    }
    // On a table declared without a sort key, only `pk = :v`.
    check(&capsule, sk_query(PLAIN, "#p = :v")).unwrap();
    for expression in &SORT_CONDITIONS[..8] {
        let violation = check(&capsule, sk_query(PLAIN, expression));
        assert_eq!(violation_name(&violation), "UnboundQuery", "{expression}");
        let message = violation.unwrap_err().to_string();
        assert!(
            message.contains("PRODUS_guard-plain") && message.contains("without a sort key"),
            "{message}"
        );
    }
    for (expression, expected) in [
        ("#p = :foreign AND #s > :a", "CrossTenant"),
        ("#p = :foreign AND begins_with(#s, :a)", "CrossTenant"),
        ("#s = :a", "UnboundQuery"),
        ("#s BETWEEN :a AND :b", "UnboundQuery"),
        ("begins_with(#p, :v)", "UnboundQuery"),
        ("begins_with(#p, :v) AND #s > :a", "UnboundQuery"),
        ("#p > :v AND #s > :a", "UnboundQuery"),
        ("#p = :v AND #a > :a", "UnboundQuery"),
        ("#p = :v AND #s > :a AND #a > :b", "UnboundQuery"),
        ("#p = :v AND #s <> :a", "UnboundQuery"),
        ("#p = :v AND contains(#s, :a)", "UnboundQuery"),
        ("#p = :v AND #s > :a OR #s < :b", "UnboundQuery"),
        ("#p = :v AND NOT #s > :a", "UnboundQuery"),
        ("#p = :v AND #s.x > :a", "UnboundQuery"),
        ("#p = :v AND #s > :a AND #s < :b", "UnboundQuery"),
    ] {
        for base in [SORTED, UNDECLARED] {
            let violation = check(&capsule, sk_query(base, expression));
            assert_eq!(violation_name(&violation), expected, "{base}: {expression}");
        }
    }
    let message = check(&capsule, sk_query(SORTED, "#p = :v AND #a > :a"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("PRODUS_guard-sorted") && message.contains("`at`"),
        "{message}"
    );
    // An index of the shared table: `pk` bound, and the index's sort key, whatever it is; on
    // a declared table, only a declared index (guard/tests/indexes.rs).
    let mut by_at = sk_query(UNDECLARED, "#p = :v AND #a > :a");
    by_at.index_name = Some("by-at".to_owned());
    check(&capsule, by_at.clone()).unwrap();
    by_at.table_name = Some(table(SORTED));
    assert!(matches!(
        check(&capsule, by_at),
        Err(IsolationViolation::UndeclaredIndex { .. })
    ));
    let mut unbound = sk_query(UNDECLARED, "#a > :a");
    unbound.index_name = Some("by-at".to_owned());
    assert_eq!(violation_name(&check(&capsule, unbound)), "UnboundQuery");
}

fn legacy_query(base: &str, conditions: &[(&str, ComparisonOperator, &[&str])]) -> QueryInput {
    let mut query = QueryInput::builder().table_name(table(base));
    for (attribute, operator, values) in conditions {
        let mut condition = Condition::builder().comparison_operator(operator.clone());
        for value in *values {
            condition = condition.attribute_value_list(s(value));
        }
        query = query.key_conditions(*attribute, condition.build().unwrap());
    }
    query.build().unwrap()
}

#[test]
fn legacy_key_conditions_take_the_same_sort_key_conditions() {
    use ComparisonOperator as Op;
    let capsule = capsule();
    let own = || (PK, Op::Eq, &[OWN_KEY][..]);
    for operator in [Op::Eq, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::BeginsWith] {
        for base in [SORTED, UNDECLARED] {
            let query = legacy_query(base, &[own(), (SK, operator.clone(), &["NOTE#"])]);
            assert_eq!(check(&capsule, query), Ok(()), "{base}: {operator}");
        }
        let plain = legacy_query(PLAIN, &[own(), (SK, operator.clone(), &["NOTE#"])]);
        assert_eq!(violation_name(&check(&capsule, plain)), "UnboundQuery");
    }
    let between = legacy_query(SORTED, &[own(), (SK, Op::Between, &["A", "B"])]);
    check(&capsule, between).unwrap();
    for (what, conditions, expected) in [
        (
            "another tenant's partition",
            vec![(PK, Op::Eq, &[FOREIGN_KEY][..]), (SK, Op::Gt, &["A"][..])],
            "CrossTenant",
        ),
        ("sk alone", vec![(SK, Op::Eq, &["A"][..])], "UnboundQuery"),
        (
            "begins_with on pk",
            vec![(PK, Op::BeginsWith, &["TENANT#t1#"][..])],
            "UnboundQuery",
        ),
        (
            "sk NE",
            vec![own(), (SK, Op::Ne, &["A"][..])],
            "UnboundQuery",
        ),
        (
            "sk CONTAINS",
            vec![own(), (SK, Op::Contains, &["A"][..])],
            "UnboundQuery",
        ),
        (
            "another attribute",
            vec![own(), ("at", Op::Gt, &["A"][..])],
            "UnboundQuery",
        ),
        (
            "sk and another attribute",
            vec![own(), (SK, Op::Gt, &["A"][..]), ("at", Op::Gt, &["A"][..])],
            "UnboundQuery",
        ),
    ] {
        let violation = check(&capsule, legacy_query(SORTED, &conditions));
        assert_eq!(violation_name(&violation), expected, "{what}");
    }
}

#[test]
fn a_query_with_both_kinds_of_key_condition_is_rejected() {
    let mut both = sk_query(SORTED, "#p = :v");
    both.key_conditions =
        legacy_query(SORTED, &[(PK, ComparisonOperator::Eq, &[OWN_KEY])]).key_conditions;
    let violation = check(&capsule(), both);
    assert_eq!(violation_name(&violation), "UnboundQuery");
    assert!(
        violation
            .unwrap_err()
            .to_string()
            .contains("both KeyConditionExpression and the legacy KeyConditions")
    );
}

/// Every write of one item or key, to `table`, with `attributes` as its item or key.
fn writes(table: &str, attributes: &Key) -> Vec<(&'static str, bool, Input)> {
    let put = || {
        PutItemInput::builder()
            .table_name(table)
            .set_item(Some(attributes.clone()))
            .build()
            .unwrap()
    };
    let batch_put = BatchWriteItemInput::builder()
        .request_items(
            table,
            vec![
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(attributes.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            ],
        )
        .build()
        .unwrap();
    let transact = |item: TransactWriteItem| {
        TransactWriteItemsInput::builder()
            .transact_items(item)
            .build()
            .unwrap()
    };
    let transact_put = transact(
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(attributes.clone()))
                    .build()
                    .unwrap(),
            )
            .build(),
    );
    let batch_delete = BatchWriteItemInput::builder()
        .request_items(
            table,
            vec![
                WriteRequest::builder()
                    .delete_request(
                        DeleteRequest::builder()
                            .set_key(Some(attributes.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            ],
        )
        .build()
        .unwrap();
    let batch_get = BatchGetItemInput::builder()
        .request_items(
            table,
            KeysAndAttributes::builder()
                .keys(attributes.clone())
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let transact_get = TransactGetItemsInput::builder()
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name(table)
                        .set_key(Some(attributes.clone()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap();
    vec![
        ("PutItem", true, Input::erase(put())),
        ("BatchWriteItem put", true, Input::erase(batch_put)),
        ("TransactWriteItems put", true, Input::erase(transact_put)),
        (
            "GetItem",
            false,
            Input::erase(
                GetItemInput::builder()
                    .table_name(table)
                    .set_key(Some(attributes.clone()))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "DeleteItem",
            false,
            Input::erase(
                DeleteItemInput::builder()
                    .table_name(table)
                    .set_key(Some(attributes.clone()))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "UpdateItem",
            false,
            Input::erase(
                UpdateItemInput::builder()
                    .table_name(table)
                    .set_key(Some(attributes.clone()))
                    .update_expression("SET a = :a")
                    .build()
                    .unwrap(),
            ),
        ),
        ("BatchWriteItem delete", false, Input::erase(batch_delete)),
        ("BatchGetItem", false, Input::erase(batch_get)),
        ("TransactGetItems", false, Input::erase(transact_get)),
        (
            "TransactWriteItems delete",
            false,
            Input::erase(transact(
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(table)
                            .set_key(Some(attributes.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )),
        ),
        (
            "TransactWriteItems update",
            false,
            Input::erase(transact(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(table)
                            .set_key(Some(attributes.clone()))
                            .update_expression("SET a = :a")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )),
        ),
        (
            "TransactWriteItems condition check",
            false,
            Input::erase(transact(
                TransactWriteItem::builder()
                    .condition_check(
                        ConditionCheck::builder()
                            .table_name(table)
                            .set_key(Some(attributes.clone()))
                            .condition_expression("attribute_exists(a)")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )),
        ),
    ]
}

/// What the guard decides for an item (`true`) or a key (`false`) of each shape, per table.
#[test]
fn items_and_keys_carry_the_sort_key_their_table_declares() {
    let capsule = capsule();
    let mut with_extra = key_with(OWN_KEY, Some(s("NOTE#1")));
    with_extra.insert("body".to_owned(), s("text"));
    let shapes: [(&str, Key); 6] = [
        ("pk alone", key(OWN_KEY)),
        ("pk and a string sk", key_with(OWN_KEY, Some(s("NOTE#1")))),
        ("pk and an empty sk", key_with(OWN_KEY, Some(s("")))),
        (
            "pk and a numeric sk",
            key_with(OWN_KEY, Some(AttributeValue::N("1".into()))),
        ),
        (
            "pk and a null sk",
            key_with(OWN_KEY, Some(AttributeValue::Null(true))),
        ),
        ("pk, sk and another attribute", with_extra),
    ];
    // (item, key) decisions for each shape above, on each table.
    let expected: [(&str, [(&str, &str); 6]); 3] = [
        (
            SORTED,
            [
                ("KeyShape", "KeyShape"),
                ("allowed", "allowed"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("allowed", "KeyShape"),
            ],
        ),
        (
            PLAIN,
            [
                ("allowed", "allowed"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
            ],
        ),
        (
            UNDECLARED,
            [
                ("allowed", "allowed"),
                ("allowed", "allowed"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("KeyShape", "KeyShape"),
                ("allowed", "KeyShape"),
            ],
        ),
    ];
    for (base, decisions) in expected {
        let table = table(base);
        for ((shape, attributes), (item_decision, key_decision)) in shapes.iter().zip(decisions) {
            for (operation, is_item, input) in writes(&table, attributes) {
                let found = check_request(&capsule, &input, || operation);
                let wanted = if is_item { item_decision } else { key_decision };
                assert_eq!(
                    violation_name(&found),
                    wanted,
                    "{base}, {shape}, {operation}: {found:?}"
                );
            }
        }
        // The partition is checked whatever the sort key.
        let foreign = key_with(FOREIGN_KEY, Some(s("NOTE#1")));
        for (operation, _, input) in writes(&table, &foreign) {
            let found = check_request(&capsule, &input, || operation);
            assert_eq!(violation_name(&found), "CrossTenant", "{base}, {operation}");
        }
    }
}

#[test]
fn key_shape_violations_name_table_attribute_and_rule() {
    let capsule = capsule();
    let put = |base: &str, item: Key| {
        PutItemInput::builder()
            .table_name(table(base))
            .set_item(Some(item))
            .build()
            .unwrap()
    };
    for (violation, expected) in [
        (
            check(&capsule, put(SORTED, key(OWN_KEY))),
            "item for table \"PRODUS_guard-sorted\" rejected: it has no `sk`, but the table is \
             declared with a sort key (pk (S, HASH), sk (S, RANGE))",
        ),
        (
            check(
                &capsule,
                put(
                    SORTED,
                    key_with(OWN_KEY, Some(AttributeValue::N("7".into()))),
                ),
            ),
            "item for table \"PRODUS_guard-sorted\" rejected: its `sk` is of type N, but sort \
             keys are strings (S)",
        ),
        (
            check(&capsule, put(PLAIN, key_with(OWN_KEY, Some(s("NOTE#1"))))),
            "item for table \"PRODUS_guard-plain\" rejected: it carries `sk`, but the table is \
             declared without a sort key (pk (S, HASH)); `sk` is reserved",
        ),
    ] {
        let message = violation.unwrap_err().to_string();
        assert!(message.starts_with(expected), "{message}");
    }
    let mut extra = key(OWN_KEY);
    extra.insert("ref".to_owned(), s("x"));
    let get = GetItemInput::builder()
        .table_name(table(UNDECLARED))
        .set_key(Some(extra))
        .build()
        .unwrap();
    let message = check(&capsule, get).unwrap_err().to_string();
    assert!(
        message.starts_with(
            "key for table \"PRODUS_guard-undeclared\" rejected: it carries `ref`, which is not \
             a key attribute"
        ),
        "{message}"
    );
}

fn update_item(base: &str, expression: &str) -> UpdateItemInput {
    UpdateItemInput::builder()
        .table_name(table(base))
        .set_key(Some(key_with(OWN_KEY, Some(s("NOTE#1")))))
        .update_expression(expression)
        .expression_attribute_names("#p", PK)
        .expression_attribute_names("#s", SK)
        .expression_attribute_names("#a", "a")
        .expression_attribute_values(":v", s("x"))
        .build()
        .unwrap()
}

#[test]
fn updates_never_write_key_attributes() {
    let capsule = capsule();
    for base in [SORTED, UNDECLARED] {
        for expression in [
            "SET #a = :v",
            "SET a = :v, b = if_not_exists(sk, :v) REMOVE c ADD d :v DELETE e :v",
        ] {
            check(&capsule, update_item(base, expression)).unwrap();
        }
        for expression in [
            "SET sk = :v",
            "SET #s = :v",
            "SET #a = :v, #s = :v",
            "REMOVE #s",
            "ADD sk :v",
            "DELETE #s :v",
            "SET pk = :v",
            "SET #p = :v",
            "REMOVE pk",
            "SET #a = :v REMOVE #p",
            "SET #unknown = :v",
            "sk = :v",
        ] {
            let violation = check(&capsule, update_item(base, expression));
            assert_eq!(
                violation_name(&violation),
                "KeyUpdate",
                "{base}: {expression}"
            );
        }
    }
    let message = check(&capsule, update_item(SORTED, "SET #a = :v, #s = :v"))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(
            "update of an item in table \"PRODUS_guard-sorted\" rejected: SET `#s` writes `sk`, \
             a key attribute"
        ),
        "{message}"
    );
    // The legacy AttributeUpdates.
    let mut legacy = update_item(SORTED, "SET #a = :v");
    legacy.update_expression = None;
    legacy.attribute_updates = Some(HashMap::from([(
        SK.to_owned(),
        aws_sdk_dynamodb::types::AttributeValueUpdate::builder()
            .value(s("LEAD#x"))
            .build(),
    )]));
    assert_eq!(violation_name(&check(&capsule, legacy)), "KeyUpdate");
    // In a transaction.
    let transaction = TransactWriteItemsInput::builder()
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(table(SORTED))
                        .set_key(Some(key_with(OWN_KEY, Some(s("NOTE#1")))))
                        .update_expression("SET #s = :v")
                        .expression_attribute_names("#s", SK)
                        .expression_attribute_values(":v", s("LEAD#x"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap();
    assert_eq!(violation_name(&check(&capsule, transaction)), "KeyUpdate");
}

/// `CreateTable` of `table` keyed by `pk` and `sk`, as `provision` sends it for a table
/// declared with a sort key.
fn provision_sorted(table: &str) -> CreateTableInputBuilder {
    provision_shape(table)
        .key_schema(key_element(SK, KeyType::Range))
        .attribute_definitions(attribute(SK, ScalarAttributeType::S))
}

/// Changes to [`provision_sorted`] that break the table key, on any table.
const SORTED_KEY_SQUATS: [(&str, Change); 7] = [
    ("sk typed N", |b| {
        b.set_attribute_definitions(Some(vec![
            attribute(PK, ScalarAttributeType::S),
            attribute(SK, ScalarAttributeType::N),
        ]))
    }),
    ("sk not defined", |b| {
        b.set_attribute_definitions(Some(vec![attribute(PK, ScalarAttributeType::S)]))
    }),
    ("sk defined twice", |b| {
        b.attribute_definitions(attribute(SK, ScalarAttributeType::S))
    }),
    ("sk as a second HASH", |b| {
        b.set_key_schema(Some(vec![
            key_element(PK, KeyType::Hash),
            key_element(SK, KeyType::Hash),
        ]))
    }),
    ("sk first", |b| {
        b.set_key_schema(Some(vec![
            key_element(SK, KeyType::Range),
            key_element(PK, KeyType::Hash),
        ]))
    }),
    ("another RANGE", |b| {
        b.set_key_schema(Some(vec![
            key_element(PK, KeyType::Hash),
            key_element("at", KeyType::Range),
        ]))
        .attribute_definitions(attribute("at", ScalarAttributeType::S))
    }),
    ("a third key attribute", |b| {
        b.key_schema(key_element("at", KeyType::Range))
            .attribute_definitions(attribute("at", ScalarAttributeType::S))
    }),
];

#[test]
fn create_table_takes_exactly_the_declared_key() {
    let tenant = Tenant::new("t1", "One").unwrap();
    let capsule = capsule();
    // (table, its decision for `pk` + `sk`, for `pk` alone): `Err(part of the rule)`.
    type Decision = Result<(), &'static str>;
    let cases: [(&str, Decision, Decision); 3] = [
        (SORTED, Ok(()), Err("declared with a sort key")),
        (PLAIN, Err("declared without a sort key"), Ok(())),
        (UNDECLARED, Ok(()), Ok(())),
    ];
    for (base, sorted, plain) in cases {
        let shared = table(base);
        let own = format!("t1_{base}");
        for (shape, expected, build) in [
            (
                "pk and sk",
                sorted,
                provision_sorted as fn(&str) -> CreateTableInputBuilder,
            ),
            ("pk alone", plain, provision_shape),
        ] {
            for found in [
                check(&capsule, build(&shared).build().unwrap()),
                check(&tenant, build(&own).build().unwrap()),
                check(&Platform::new(), build(base).build().unwrap()),
            ] {
                match (expected, found) {
                    (Ok(()), Ok(())) => {}
                    (Err(rule), Err(IsolationViolation::ForeignKeySchema { expected, .. }))
                        if expected.contains(rule) => {}
                    (expected, found) => panic!("{base}, {shape}: {expected:?}, {found:?}"),
                }
            }
        }
        for (what, change) in SORTED_KEY_SQUATS.iter().chain(&KEY_SQUATS) {
            for found in [
                check(&capsule, change(provision_sorted(&shared)).build().unwrap()),
                check(&tenant, change(provision_sorted(&own)).build().unwrap()),
            ] {
                assert_eq!(violation_name(&found), "ForeignKeySchema", "{base}, {what}");
            }
        }
    }
    // A shared table with a sort key still takes nothing but its key and on-demand billing.
    let extra = provision_sorted(&table(SORTED))
        .attribute_definitions(attribute("at", ScalarAttributeType::S))
        .build()
        .unwrap();
    assert_eq!(
        setting_field(check(&capsule, extra)).as_deref(),
        Some("AttributeDefinitions")
    );
    let message = check(
        &capsule,
        SORTED_KEY_SQUATS[0].1(provision_sorted(&table(SORTED)))
            .build()
            .unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("its key is pk HASH S, sk RANGE N")
            && message.contains("one RANGE attribute `sk` of type S"),
        "{message}"
    );
    // UpdateTable may not retype `sk` either.
    let retype = UpdateTableInput::builder()
        .table_name(format!("t1_{SORTED}"))
        .attribute_definitions(attribute(SK, ScalarAttributeType::N))
        .build()
        .unwrap();
    assert_eq!(
        setting_field(check(&tenant, retype)).as_deref(),
        Some("AttributeDefinitions")
    );
}

#[test]
fn exclusive_start_keys_carry_an_own_partition_and_the_sort_key() {
    let capsule = capsule();
    let tenant = Tenant::new("t1", "One").unwrap();
    let tenant_key = "TENANT#t1#LEAD#l1";
    let query = |base: &str, start: Key| {
        let mut query = sk_query(base, "#p = :v AND #s > :a");
        query.exclusive_start_key = Some(start);
        query
    };
    let scan = |base: &str, start: Key| {
        ScanInput::builder()
            .table_name(format!("t1_{base}"))
            .set_exclusive_start_key(Some(start))
            .build()
            .unwrap()
    };
    for (base, start, expected) in [
        (SORTED, key_with(OWN_KEY, Some(s("NOTE#5"))), "allowed"),
        // Any string: the typed layer clamps ranges; the guard's job is the partition.
        (SORTED, key_with(OWN_KEY, Some(s("LEAD#x"))), "allowed"),
        (
            SORTED,
            key_with(FOREIGN_KEY, Some(s("NOTE#5"))),
            "CrossTenant",
        ),
        (SORTED, key(OWN_KEY), "KeyShape"),
        (
            SORTED,
            key_with(OWN_KEY, Some(AttributeValue::N("5".into()))),
            "KeyShape",
        ),
        (UNDECLARED, key_with(OWN_KEY, Some(s("NOTE#5"))), "allowed"),
        (UNDECLARED, key(OWN_KEY), "allowed"),
        (
            UNDECLARED,
            key_with(FOREIGN_KEY, Some(s("NOTE#5"))),
            "CrossTenant",
        ),
    ] {
        let found = check(&capsule, query(base, start));
        assert_eq!(violation_name(&found), expected, "query {base}: {found:?}");
    }
    for (base, start, expected) in [
        (SORTED, key_with(tenant_key, Some(s("NOTE#5"))), "allowed"),
        (
            SORTED,
            key_with("TENANT#t10#LEAD#l1", Some(s("NOTE#5"))),
            "CrossTenant",
        ),
        (SORTED, key(tenant_key), "KeyShape"),
        (PLAIN, key(tenant_key), "allowed"),
        (PLAIN, key_with(tenant_key, Some(s("NOTE#5"))), "KeyShape"),
    ] {
        let found = check(&tenant, scan(base, start));
        assert_eq!(violation_name(&found), expected, "scan {base}: {found:?}");
    }
    // An index's start key carries the index's key attributes besides the table's.
    let mut index_start = key_with(OWN_KEY, Some(s("NOTE#5")));
    index_start.insert("at".to_owned(), s("2024"));
    let mut by_at = query(UNDECLARED, index_start.clone());
    by_at.index_name = Some("by-at".to_owned());
    check(&capsule, by_at).unwrap();
    index_start.insert(PK.to_owned(), s(FOREIGN_KEY));
    let mut by_at = query(UNDECLARED, index_start);
    by_at.index_name = Some("by-at".to_owned());
    assert_eq!(violation_name(&check(&capsule, by_at)), "CrossTenant");
}
