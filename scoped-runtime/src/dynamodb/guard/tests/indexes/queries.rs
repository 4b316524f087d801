//! Index queries of shared and unshared tables, legacy `KeyConditions`, and the start keys
//! of index queries and scans.

use super::*;

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
