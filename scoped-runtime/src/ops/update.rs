//! [`Update`]: changes to an item's non-key attributes, written as an update expression.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::PARTITION_KEY_ATTRIBUTE as PK;
use super::convert::{Item, reject_reserved};
use crate::error::Error;

/// Changes to the top-level, non-key attributes of one item, for [`Items::update`] and
/// [`Transaction::update`].
///
/// Attribute names are the entity's serialized field names; they go into the request as
/// `#placeholders`, so DynamoDB's reserved words (`name`, `status`…) need no care. Values are
/// serialized with serde like whole items.
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
    pub(crate) fn into_expression<E>(
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
        reject_reserved::<E>(self.actions.iter().map(|(_, name, _)| name.as_str()))?;
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

    struct Lead;

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
            let err = Update::new()
                .set(name, "TENANT#other#LEAD#1")
                .into_expression::<Lead>("crm", "LEAD#1")
                .err()
                .unwrap();
            assert!(matches!(err, Error::ReservedAttribute { .. }), "{err}");
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
