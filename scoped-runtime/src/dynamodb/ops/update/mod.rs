//! [`Update`]: changes to an item's non-key attributes, written as an update expression, and
//! the conditions under which they apply.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::PARTITION_KEY_ATTRIBUTE as PK;
use super::condition::{ConditionExpression, Diagnosis, Expected, Version};
use super::convert::Item;
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::segment::seal::Ids as _;

/// Changes to the top-level, non-key attributes of one item, and the conditions under which
/// they apply, for [`Items::update`], [`Items::upsert`] and [`Transaction::update`].
///
/// Attribute names are the entity's serialized field names, as serde writes them (after
/// `#[serde(rename…)]`); they go into the request as `#placeholders`, so DynamoDB's reserved
/// words (`name`, `status`…) need no care. Values are serialized with serde like whole items.
///
/// Before anything is sent, each name (of a change or a condition) is checked against the
/// entity's [`ATTRIBUTES`](crate::Entity::ATTRIBUTES): a name the entity does not serialize (a
/// typo, or the Rust name of a renamed field), the attribute of an `#[scoped(id)]` field (the
/// item's key is built from it, so changing it would leave the item under its old key), and the
/// key attributes `pk` and `sk` are [`Error::UpdateAttribute`], with a "did you mean"
/// suggestion when an attribute is close. An entity with a `#[serde(flatten)]` field may
/// serialize names the macro cannot know, so its updates may name any attribute but its ids
/// and keys.
///
/// ```
/// use scoped_runtime::Update;
///
/// let update = Update::new()
///     .set("name", "Ada Lovelace")
///     .add("visits", 1)
///     .remove("nickname")
///     .append("history", ["renamed"])
///     .delete_from_set("tags", ["cold"])
///     .when_equals("status", "open")
///     .expect_version("version", 3);
/// assert_eq!(update.len(), 5);
/// ```
///
/// # Conditions
///
/// [`when_equals`](Self::when_equals), [`when_exists`](Self::when_exists) and
/// [`when_not_exists`](Self::when_not_exists) add conditions, all of which must hold (AND)
/// for the update to apply; [`Items::update`] also requires that the item exists. A failed
/// condition writes nothing and is [`Error::ConditionFailed`] naming the conditions, distinct
/// from [`Error::NotFound`] (no item) and [`Error::VersionConflict`] (a stale version). In a
/// [`Transaction`](crate::Transaction), a failed condition cancels the whole transaction
/// ([`Error::TransactionCanceled`] with reason `ConditionalCheckFailed`).
///
/// # Optimistic locking
///
/// [`expect_version`](Self::expect_version)`("version", n)` applies the update only if the
/// item's integer attribute `version` is `n`, and sets it to `n + 1`; otherwise nothing is
/// written and the error is [`Error::VersionConflict`], which a caller retries after reading
/// the item again. Version 0 stands for "never versioned": it matches an item whose version
/// attribute is absent or 0, so the first versioned write of an item expects 0 and writes 1.
/// The attribute must be an unsigned integer field of the entity (`u32`, `u64`…): its name is
/// checked like any other, its type is not. A stored non-number never matches (a conflict
/// with `found: None`); on a field of another type, a write that does match (version 0 on an
/// item without the attribute) stores a number the entity then fails to read ([`Error::Item`]).
///
/// [`Items::update`]: crate::Items::update
/// [`Items::upsert`]: crate::Items::upsert
/// [`Transaction::update`]: crate::Transaction::update
#[derive(Default)]
pub struct Update {
    actions: Vec<(Action, String, Option<AttributeValue>)>,
    conditions: Vec<(String, Expected)>,
    version: Option<Version>,
    /// The first value that could not be used, reported when the update is sent.
    error: Option<Deferred>,
}

/// A value an update could not use, kept until the update is sent, when the table, key and
/// entity are known for the error.
enum Deferred {
    Serialize(serde_dynamo::Error),
    Value {
        attribute: String,
        rule: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Set,
    Add,
    Remove,
    /// `SET #a = list_append(if_not_exists(#a, :empty), :v)`.
    Append,
    /// `DELETE #a :v`, elements from a set.
    Delete,
}

/// An update as the request's expression parts.
pub(crate) struct UpdateExpression {
    pub(crate) update: Option<String>,
    pub(crate) condition: Option<String>,
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: Option<Item>,
    /// What the condition requires, to explain its failure.
    pub(crate) diagnosis: Diagnosis,
}

/// The rule a set's elements break when they are not a DynamoDB set.
const NOT_A_SET: &str = "is not a set: DynamoDB sets hold at least one element, and only \
     strings or only numbers";

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

    /// Adds `value` to number attribute `name` (a missing attribute counts as 0). To add
    /// elements to a set, use [`add_to_set`](Self::add_to_set).
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

    /// Appends `values` to the end of list attribute `name` (a `Vec` field), creating the list
    /// if the item has none: `SET #a = list_append(if_not_exists(#a, :empty), :v)`.
    #[must_use]
    pub fn append<T: Serialize>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        let values: Vec<T> = values.into_iter().collect();
        self.with_value(Action::Append, name.into(), values)
    }

    /// Adds `values` to set attribute `name` (`ADD #a :v`), creating the set if the item has
    /// none. `values` must be strings or numbers, at least one: the attribute is a string set
    /// (`SS`) or number set (`NS`). It reads back into a `Vec` or `HashSet` field; for whole
    /// items to write the field as a set too, declare it with
    /// `#[serde(with = "serde_dynamo::string_set")]` (or `number_set`).
    #[must_use]
    pub fn add_to_set<T: Serialize>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.with_set(Action::Add, name.into(), values)
    }

    /// Deletes `values` from set attribute `name` (`DELETE #a :v`); values not in the set
    /// are ignored, and a set left empty is removed. `values` must be strings or numbers, at
    /// least one, like the set's elements.
    #[must_use]
    pub fn delete_from_set<T: Serialize>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.with_set(Action::Delete, name.into(), values)
    }

    /// Applies the update only if attribute `name` equals `value` (serialized with serde).
    #[must_use]
    pub fn when_equals(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        match serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(value) {
            Ok(value) => self.conditions.push((name.into(), Expected::Equals(value))),
            Err(err) => {
                self.error.get_or_insert(Deferred::Serialize(err));
            }
        }
        self
    }

    /// Applies the update only if the item has attribute `name`.
    #[must_use]
    pub fn when_exists(mut self, name: impl Into<String>) -> Self {
        self.conditions.push((name.into(), Expected::Exists));
        self
    }

    /// Applies the update only if the item does not have attribute `name`.
    #[must_use]
    pub fn when_not_exists(mut self, name: impl Into<String>) -> Self {
        self.conditions.push((name.into(), Expected::NotExists));
        self
    }

    /// Optimistic locking: applies the update only if integer attribute `name` is `expected`
    /// (0 also matches an absent attribute), and sets it to `expected + 1`. A stale version
    /// is [`Error::VersionConflict`]. See [Optimistic locking](Self#optimistic-locking).
    /// A second call replaces the first.
    #[must_use]
    pub fn expect_version(mut self, name: impl Into<String>, expected: u64) -> Self {
        self.version = Some(Version {
            attribute: name.into(),
            expected,
        });
        self
    }

    /// How many changes the update makes (conditions and the version are not changes).
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
                self.error.get_or_insert(Deferred::Serialize(err));
            }
        }
        self
    }

    fn with_set<T: Serialize>(
        mut self,
        action: Action,
        name: String,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        for value in values {
            match serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(value) {
                Ok(AttributeValue::S(text)) => strings.push(text),
                Ok(AttributeValue::N(number)) => numbers.push(number),
                Ok(_) => {
                    self.error.get_or_insert(Deferred::Value {
                        attribute: name,
                        rule: NOT_A_SET,
                    });
                    return self;
                }
                Err(err) => {
                    self.error.get_or_insert(Deferred::Serialize(err));
                    return self;
                }
            }
        }
        let set = match (strings.is_empty(), numbers.is_empty()) {
            (false, true) => AttributeValue::Ss(strings),
            (true, false) => AttributeValue::Ns(numbers),
            _ => {
                self.error.get_or_insert(Deferred::Value {
                    attribute: name,
                    rule: NOT_A_SET,
                });
                return self;
            }
        };
        self.actions.push((action, name, Some(set)));
        self
    }

    /// The update expression, with the condition that the item exists.
    ///
    /// # Errors
    ///
    /// [`Error::Item`] for a value that did not serialize, [`Error::UpdateValue`] for a set
    /// that is not one, [`Error::UpdateAttribute`] for a name `E`'s updates may not use.
    pub(crate) fn into_expression<E: Entity>(
        self,
        table: &str,
        key: &str,
    ) -> Result<UpdateExpression, Error> {
        self.build::<E>(table, key, None)
    }

    /// The update expression of an upsert: no condition that the item exists, and the id
    /// attributes `ids` written (as stored, so the item created reads back as `E`).
    ///
    /// # Errors
    ///
    /// As [`Self::into_expression`].
    pub(crate) fn into_upsert_expression<E: Entity>(
        self,
        table: &str,
        key: &str,
        ids: Vec<(&'static str, AttributeValue)>,
    ) -> Result<UpdateExpression, Error> {
        self.build::<E>(table, key, Some(ids))
    }

    fn build<E: Entity>(
        self,
        table: &str,
        key: &str,
        created: Option<Vec<(&'static str, AttributeValue)>>,
    ) -> Result<UpdateExpression, Error> {
        let entity = std::any::type_name::<E>();
        match self.error {
            Some(Deferred::Serialize(source)) => {
                return Err(Error::Item {
                    table: table.to_owned(),
                    key: key.to_owned(),
                    entity,
                    direction: "writing an updated attribute of",
                    source,
                });
            }
            Some(Deferred::Value { attribute, rule }) => {
                return Err(Error::UpdateValue {
                    entity,
                    attribute,
                    rule,
                });
            }
            None => {}
        }
        let checked = self
            .actions
            .iter()
            .map(|(_, name, _)| name)
            .chain(self.conditions.iter().map(|(name, _)| name))
            .chain(self.version.iter().map(|version| &version.attribute));
        for name in checked {
            E::ATTRIBUTES.check_update(entity, name)?;
        }
        let mut names = HashMap::with_capacity(self.actions.len() + 1);
        let mut values = HashMap::with_capacity(self.actions.len());
        let mut clauses: [(Action, &str, String); 4] = [
            (Action::Set, "SET", String::new()),
            (Action::Add, "ADD", String::new()),
            (Action::Remove, "REMOVE", String::new()),
            (Action::Delete, "DELETE", String::new()),
        ];
        let set = |clause: &mut [(Action, &str, String); 4], kind: Action, text: &str| {
            if let Some((_, _, clause)) = clause.iter_mut().find(|(k, _, _)| *k == kind) {
                if !clause.is_empty() {
                    clause.push_str(", ");
                }
                clause.push_str(text);
            }
        };
        for (i, (action, name, value)) in self.actions.into_iter().enumerate() {
            let placeholder = format!("#u{i}");
            let value_placeholder = format!(":u{i}");
            let text = match action {
                Action::Set => format!("{placeholder} = {value_placeholder}"),
                Action::Add | Action::Delete => format!("{placeholder} {value_placeholder}"),
                Action::Remove => placeholder.clone(),
                Action::Append => {
                    let empty = format!(":e{i}");
                    values.insert(empty.clone(), AttributeValue::L(Vec::new()));
                    format!(
                        "{placeholder} = list_append(if_not_exists({placeholder}, {empty}), \
                         {value_placeholder})"
                    )
                }
            };
            let clause = if action == Action::Append {
                Action::Set
            } else {
                action
            };
            set(&mut clauses, clause, &text);
            if let Some(value) = value {
                values.insert(value_placeholder, value);
            }
            names.insert(placeholder, name);
        }
        let mut condition = ConditionExpression::new();
        let require_item = created.is_none();
        if require_item {
            names.insert("#pk".to_owned(), PK.to_owned());
            condition.and("attribute_exists(#pk)".to_owned());
        }
        for (i, (attribute, value)) in created.into_iter().flatten().enumerate() {
            let placeholder = format!("#k{i}");
            let value_placeholder = format!(":k{i}");
            // An existing item keeps its own ids: only a created one gets them.
            set(
                &mut clauses,
                Action::Set,
                &format!("{placeholder} = if_not_exists({placeholder}, {value_placeholder})"),
            );
            names.insert(placeholder, attribute.to_owned());
            values.insert(value_placeholder, value);
        }
        if let Some(version) = &self.version {
            names.insert("#v".to_owned(), version.attribute.clone());
            values.insert(
                ":v".to_owned(),
                AttributeValue::N(version.expected.to_string()),
            );
            values.insert(
                ":vnext".to_owned(),
                AttributeValue::N(version.expected.saturating_add(1).to_string()),
            );
            condition.and(if version.expected == 0 {
                "(attribute_not_exists(#v) OR #v = :v)".to_owned()
            } else {
                "#v = :v".to_owned()
            });
            set(&mut clauses, Action::Set, "#v = :vnext");
        }
        for (i, (name, expected)) in self.conditions.iter().enumerate() {
            let placeholder = format!("#c{i}");
            let value_placeholder = format!(":c{i}");
            condition.expect(&placeholder, &value_placeholder, expected);
            if let Expected::Equals(value) = expected {
                values.insert(value_placeholder, value.clone());
            }
            names.insert(placeholder, name.clone());
        }
        let update = clauses
            .iter()
            .filter(|(_, _, clause)| !clause.is_empty())
            .map(|(_, keyword, clause)| format!("{keyword} {clause}"))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(UpdateExpression {
            update: (!update.is_empty()).then_some(update),
            condition: condition.finish(),
            names,
            values: (!values.is_empty()).then_some(values),
            diagnosis: Diagnosis {
                require_item,
                version: self.version,
                conditions: self.conditions,
            },
        })
    }
}

/// The id attributes an upsert writes to an item it creates, from its partition ids: each
/// `#[scoped(id)]` field's attribute in field order (the order of `E::PartitionIds`), with the
/// id as a number (`N`) if it was formatted from an integer and as a string (`S`) otherwise —
/// as serde stores those fields.
///
/// # Errors
///
/// [`Error::UpsertSortIds`] for an entity with sort ids: their stored attributes (a
/// timestamp, a `bool`…) cannot be written back from the key, so such an item is created
/// with `create` or `put`.
pub(crate) fn upsert_ids<'a, E: Entity + 'a>(
    ids: &E::PartitionIds<'a>,
) -> Result<Vec<(&'static str, AttributeValue)>, Error> {
    if E::SORT_ID_COUNT > 0 {
        return Err(Error::UpsertSortIds {
            entity: std::any::type_name::<E>(),
        });
    }
    let mut attributes = E::ATTRIBUTES.iter().filter(|attribute| attribute.is_id());
    let mut written = Vec::new();
    ids.visit_segments(&mut |segment| {
        if let Some(attribute) = attributes.next() {
            let text = segment.as_str().to_owned();
            let value = if segment.is_number() {
                AttributeValue::N(text)
            } else {
                AttributeValue::S(text)
            };
            written.push((attribute.name(), value));
        }
    });
    Ok(written)
}

impl fmt::Debug for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (action, name, value) in &self.actions {
            list.entry(&(action, name, value));
        }
        for (name, expected) in &self.conditions {
            list.entry(&("when", name, expected));
        }
        if let Some(version) = &self.version {
            list.entry(&("expect_version", &version.attribute, version.expected));
        }
        list.finish()
    }
}

#[cfg(test)]
mod tests;
