//! Index key attributes in puts, batch and transaction puts, update expressions and legacy
//! `AttributeUpdates`.

use super::*;

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
