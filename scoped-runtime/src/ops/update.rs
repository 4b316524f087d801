//! [`Update`]: changes to an item's non-key attributes, written as an update expression.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::PARTITION_KEY_ATTRIBUTE as PK;
use super::convert::Item;
use crate::entity::Entity;
use crate::error::Error;

/// Changes to the top-level, non-key attributes of one item, for [`Items::update`] and
/// [`Transaction::update`].
///
/// Attribute names are the entity's serialized field names, as serde writes them (after
/// `#[serde(rename…)]`); they go into the request as `#placeholders`, so DynamoDB's reserved
/// words (`name`, `status`…) need no care. Values are serialized with serde like whole items.
///
/// Before anything is sent, each name is checked against the entity's
/// [`ATTRIBUTES`](crate::Entity::ATTRIBUTES): a name the entity does not serialize (a typo, or
/// the Rust name of a renamed field), the attribute of an `#[scoped(id)]` field (the item's
/// key is built from it, so changing it would leave the item under its old key), and the key
/// attributes `pk` and `sk` are [`Error::UpdateAttribute`], with a "did you mean" suggestion
/// when an attribute is close. An entity with a `#[serde(flatten)]` field may serialize names
/// the macro cannot know, so its updates may name any attribute but its ids and keys.
///
/// ```
/// use scoped_runtime::Update;
///
/// let update = Update::new()
///     .set("name", "Ada Lovelace")
///     .add("visits", 1)
///     .remove("nickname");
/// assert_eq!(update.len(), 3);
/// ```
///
/// [`Items::update`]: crate::Items::update
/// [`Transaction::update`]: crate::Transaction::update
#[derive(Default)]
pub struct Update {
    actions: Vec<(Action, String, Option<AttributeValue>)>,
    /// The first value that did not serialize, reported when the update is sent.
    error: Option<serde_dynamo::Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Set,
    Add,
    Remove,
}

/// An update as the request's expression parts.
pub(crate) struct UpdateExpression {
    pub(crate) update: Option<String>,
    pub(crate) condition: String,
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: Option<Item>,
}

impl Update {
    /// No changes yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets attribute `name` to `value`.
    #[must_use]
    pub fn set(self, name: impl Into<String>, value: impl Serialize) -> Self {
        self.with_value(Action::Set, name.into(), value)
    }

    /// Adds `value` to number attribute `name` (a missing attribute counts as 0), or its
    /// elements to set attribute `name`.
    #[must_use]
    pub fn add(self, name: impl Into<String>, value: impl Serialize) -> Self {
        self.with_value(Action::Add, name.into(), value)
    }

    /// Removes attribute `name`.
    #[must_use]
    pub fn remove(mut self, name: impl Into<String>) -> Self {
        self.actions.push((Action::Remove, name.into(), None));
        self
    }

    /// How many changes the update makes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether the update makes no change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    fn with_value(mut self, action: Action, name: String, value: impl Serialize) -> Self {
        match serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(value) {
            Ok(value) => self.actions.push((action, name, Some(value))),
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }

    /// The update expression, with the condition that the item exists.
    ///
    /// # Errors
    ///
    /// [`Error::Item`] for a value that did not serialize, [`Error::UpdateAttribute`] for a
    /// name `E`'s updates may not use.
    pub(crate) fn into_expression<E: Entity>(
        self,
        table: &str,
        key: &str,
    ) -> Result<UpdateExpression, Error> {
        if let Some(source) = self.error {
            return Err(Error::Item {
                table: table.to_owned(),
                key: key.to_owned(),
                entity: std::any::type_name::<E>(),
                direction: "writing an updated attribute of",
                source,
            });
        }
        for (_, name, _) in &self.actions {
            E::ATTRIBUTES.check_update(std::any::type_name::<E>(), name)?;
        }
        let mut names = HashMap::with_capacity(self.actions.len() + 1);
        names.insert("#pk".to_owned(), PK.to_owned());
        let mut values = HashMap::with_capacity(self.actions.len());
        let mut clauses: [(Action, &str, String); 3] = [
            (Action::Set, "SET", String::new()),
            (Action::Add, "ADD", String::new()),
            (Action::Remove, "REMOVE", String::new()),
        ];
        for (i, (action, name, value)) in self.actions.into_iter().enumerate() {
            let placeholder = format!("#u{i}");
            let clause = clauses
                .iter_mut()
                .find(|(kind, _, _)| *kind == action)
                .map(|(_, _, clause)| clause);
            if let Some(clause) = clause {
                if !clause.is_empty() {
                    clause.push_str(", ");
                }
                clause.push_str(&placeholder);
                if let Some(value) = value {
                    let value_placeholder = format!(":u{i}");
                    clause.push_str(if action == Action::Set { " = " } else { " " });
                    clause.push_str(&value_placeholder);
                    values.insert(value_placeholder, value);
                }
            }
            names.insert(placeholder, name);
        }
        let update = clauses
            .iter()
            .filter(|(_, _, clause)| !clause.is_empty())
            .map(|(_, keyword, clause)| format!("{keyword} {clause}"))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(UpdateExpression {
            update: (!update.is_empty()).then_some(update),
            condition: "attribute_exists(#pk)".to_owned(),
            names,
            values: (!values.is_empty()).then_some(values),
        })
    }
}

impl fmt::Debug for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (action, name, value) in &self.actions {
            list.entry(&(action, name, value));
        }
        list.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::{BaseName, EntityTag};
    use crate::ops::attributes::{Attribute, Attributes};
    use crate::scope::Capsule;
    use crate::{Table, UpdateRule};

    struct Lead;

    impl crate::entity::seal::BoundTable for Lead {}
    impl crate::entity::seal::DerivedEntity for Lead {}

    impl Table for Lead {
        type Scope = Capsule;
        type Declaration = Self;
        const BASE_NAME: BaseName = BaseName::from_static("crm");
        const KEY_SCHEMA: crate::schema::KeySchema = crate::schema::KeySchema::Partition;
    }

    impl Entity for Lead {
        const TAG: EntityTag = EntityTag::from_static("LEAD");
        const ATTRIBUTES: Attributes = Attributes::new(
            &[
                Attribute::new("lead_id", "lead_id", true),
                Attribute::new("name", "name", false),
                Attribute::new("visits", "visits", false),
                Attribute::new("nickname", "nickname", false),
                Attribute::new("status", "status", false),
            ],
            false,
        );
        const SORT_ID_COUNT: usize = 0;
        type Partition = Self;
        type Ids<'a> = &'a str;
        type PartitionIds<'a> = &'a str;
        type SortIds<'a> = ();
        type FirstSort = crate::range::Done;

        fn split_ids<'a>(ids: &'a str) -> (&'a str, ())
        where
            Self: 'a,
        {
            (ids, ())
        }

        fn ids(&self) -> &str {
            "1"
        }

        fn registration() -> &'static crate::tags::Registration {
            static REGISTRATION: crate::tags::Registration = crate::tags::Registration::new();
            &REGISTRATION
        }
    }

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
        assert_eq!(expression.condition, "attribute_exists(#pk)");
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
    fn an_empty_update_only_checks_existence() {
        let expression = Update::new()
            .into_expression::<Lead>("crm", "LEAD#1")
            .unwrap();
        assert!(expression.update.is_none() && expression.values.is_none());
    }
}
