//! Unit tests of [`Update`](super::Update): expressions, name checks, conditions, versions.

use super::*;
use crate::UpdateRule;
use crate::dynamodb::ops::attributes::Attribute;
use crate::scope::Capsule;

crate::dynamodb::entity::test_entity!(
    Lead,
    Capsule,
    "crm",
    "LEAD",
    attributes = [
        Attribute::new("lead_id", "lead_id", true),
        Attribute::new("name", "name", false),
        Attribute::new("visits", "visits", false),
        Attribute::new("nickname", "nickname", false),
        Attribute::new("status", "status", false),
    ],
    id = "1",
);

fn rule_of(update: Update) -> UpdateRule {
    match update.into_expression::<Lead>("crm", "LEAD#1") {
        Err(Error::UpdateAttribute { rule, .. }) => rule,
        other => panic!("expected a rejected attribute, got {:?}", other.err()),
    }
}

#[test]
fn expressions_use_placeholders_and_require_the_item() {
    let expression = Update::new()
        .set("name", "Ada")
        .add("visits", 1)
        .remove("nickname")
        .set("status", "open")
        .into_expression::<Lead>("crm", "LEAD#1")
        .unwrap();
    assert_eq!(
        expression.update.as_deref(),
        Some("SET #u0 = :u0, #u3 = :u3 ADD #u1 :u1 REMOVE #u2")
    );
    assert_eq!(
        expression.condition.as_deref(),
        Some("attribute_exists(#pk)")
    );
    assert_eq!(expression.names["#u3"], "status");
    assert_eq!(expression.names["#pk"], "pk");
    let values = expression.values.unwrap();
    assert_eq!(values[":u1"], AttributeValue::N("1".into()));
    assert_eq!(values.len(), 3);
}

#[test]
fn key_attributes_cannot_be_updated() {
    for name in ["pk", "sk"] {
        let update = Update::new().set(name, "TENANT#other#LEAD#1");
        assert_eq!(rule_of(update), UpdateRule::Reserved);
        assert_eq!(rule_of(Update::new().remove(name)), UpdateRule::Reserved);
    }
}

#[test]
fn id_attributes_cannot_be_updated() {
    assert_eq!(
        rule_of(Update::new().set("lead_id", "p999")),
        UpdateRule::Id
    );
    assert_eq!(rule_of(Update::new().remove("lead_id")), UpdateRule::Id);
    assert_eq!(rule_of(Update::new().add("lead_id", 1)), UpdateRule::Id);
}

#[test]
fn unknown_attributes_are_rejected_even_after_valid_ones() {
    let update = Update::new().set("name", "Ada").set("nmae", "Ada");
    match update.into_expression::<Lead>("crm", "LEAD#1") {
        Err(Error::UpdateAttribute {
            attribute,
            rule: UpdateRule::Unknown,
            suggestion,
            ..
        }) => {
            assert_eq!(attribute, "nmae");
            assert_eq!(suggestion.as_deref(), Some("name"));
        }
        other => panic!("expected an unknown attribute, got {:?}", other.err()),
    }
}

#[test]
fn conditions_and_versions_are_anded_with_existence() {
    let expression = Update::new()
        .set("name", "Ada")
        .when_equals("status", "open")
        .when_exists("nickname")
        .when_not_exists("visits")
        .expect_version("visits", 3)
        .into_expression::<Lead>("crm", "LEAD#1")
        .unwrap();
    assert_eq!(
        expression.condition.as_deref(),
        Some(
            "attribute_exists(#pk) AND #v = :v AND #c0 = :c0 AND attribute_exists(#c1) \
             AND attribute_not_exists(#c2)"
        )
    );
    assert_eq!(
        expression.update.as_deref(),
        Some("SET #u0 = :u0, #v = :vnext")
    );
    let values = expression.values.unwrap();
    assert_eq!(values[":c0"], AttributeValue::S("open".into()));
    assert_eq!(values[":v"], AttributeValue::N("3".into()));
    assert_eq!(values[":vnext"], AttributeValue::N("4".into()));
    assert_eq!(expression.names["#c1"], "nickname");
    assert_eq!(
        expression.diagnosis.describe(),
        "visits = 3 AND status = \"open\" AND nickname exists AND visits not exists"
    );
}

#[test]
fn version_zero_also_matches_an_absent_version() {
    let expression = Update::new()
        .expect_version("visits", 0)
        .into_expression::<Lead>("crm", "LEAD#1")
        .unwrap();
    assert_eq!(
        expression.condition.as_deref(),
        Some("attribute_exists(#pk) AND (attribute_not_exists(#v) OR #v = :v)")
    );
}

#[test]
fn condition_and_version_names_are_checked_like_update_names() {
    assert_eq!(
        rule_of(Update::new().when_equals("lead_id", "p1")),
        UpdateRule::Id
    );
    assert_eq!(
        rule_of(Update::new().when_exists("sk")),
        UpdateRule::Reserved
    );
    assert_eq!(
        rule_of(Update::new().when_not_exists("nmae")),
        UpdateRule::Unknown
    );
    assert_eq!(
        rule_of(Update::new().expect_version("pk", 1)),
        UpdateRule::Reserved
    );
    assert_eq!(
        rule_of(Update::new().expect_version("versoin", 1)),
        UpdateRule::Unknown
    );
}

#[test]
fn lists_append_and_sets_delete() {
    let expression = Update::new()
        .append("nickname", ["a", "b"])
        .delete_from_set("status", ["x"])
        .add_to_set("visits", [1, 2])
        .into_expression::<Lead>("crm", "LEAD#1")
        .unwrap();
    assert_eq!(
        expression.update.as_deref(),
        Some("SET #u0 = list_append(if_not_exists(#u0, :e0), :u0) ADD #u2 :u2 DELETE #u1 :u1")
    );
    let values = expression.values.unwrap();
    assert_eq!(values[":e0"], AttributeValue::L(Vec::new()));
    assert_eq!(
        values[":u0"],
        AttributeValue::L(vec![
            AttributeValue::S("a".into()),
            AttributeValue::S("b".into())
        ])
    );
    assert_eq!(values[":u1"], AttributeValue::Ss(vec!["x".into()]));
    assert_eq!(
        values[":u2"],
        AttributeValue::Ns(vec!["1".into(), "2".into()])
    );
}

#[test]
fn sets_must_be_non_empty_strings_or_numbers() {
    let mixed = Update::new().delete_from_set("status", [mixed::S, mixed::N]);
    let empty = Update::new().delete_from_set("status", Vec::<String>::new());
    let lists = Update::new().add_to_set("status", [vec![1]]);
    for update in [mixed, empty, lists] {
        match update.into_expression::<Lead>("crm", "LEAD#1") {
            Err(Error::UpdateValue {
                attribute, rule, ..
            }) => {
                assert_eq!(attribute, "status");
                assert!(rule.contains("only strings or only numbers"), "{rule}");
            }
            other => panic!("expected a rejected set, got {:?}", other.err()),
        }
    }
}

/// A string and a number of one type, for a mixed set.
mod mixed {
    #[derive(serde::Serialize)]
    #[serde(untagged)]
    pub(super) enum Value {
        Text(&'static str),
        Number(u32),
    }
    pub(super) const S: Value = Value::Text("a");
    pub(super) const N: Value = Value::Number(1);
}

#[test]
fn upserts_write_the_ids_instead_of_requiring_the_item() {
    let ids = upsert_ids::<Lead>(&"lead-1").unwrap();
    assert_eq!(ids, [("lead_id", AttributeValue::S("lead-1".into()))]);
    let expression = Update::new()
        .add("visits", 1)
        .into_upsert_expression::<Lead>("crm", "LEAD#1", ids)
        .unwrap();
    assert_eq!(expression.condition, None);
    assert_eq!(
        expression.update.as_deref(),
        Some("SET #k0 = if_not_exists(#k0, :k0) ADD #u0 :u0")
    );
    assert_eq!(expression.names["#k0"], "lead_id");
    assert!(!expression.names.contains_key("#pk"));
}

#[test]
fn an_empty_update_only_checks_existence() {
    let expression = Update::new()
        .into_expression::<Lead>("crm", "LEAD#1")
        .unwrap();
    assert!(expression.update.is_none() && expression.values.is_none());
}
