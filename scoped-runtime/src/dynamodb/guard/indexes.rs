//! Index key attributes: what every write, key condition and start key may put in `pk_*` and
//! `sk_*`.
//!
//! A global secondary index `{name}` of a scoped table is keyed by the string attribute
//! `pk_{name}` (and optionally `sk_{name}`; [`crate::dynamodb::schema`]). An item whose `pk_{name}` held
//! another tenant's key would appear in that tenant's index partition, readable by its index
//! queries: the cross-tenant hole a GSI opens in a shared table. So the guard holds every
//! attribute whose name starts with `pk_` — declared or not, on declared and undeclared tables,
//! in every scope — to what it holds `pk` to, without needing to know the table's indexes:
//!
//! | where | `pk_*` | `sk_*` |
//! |-------|--------|--------|
//! | an item (`PutItem`, batch and transaction puts, an index's `ExclusiveStartKey`) | a string key of the scope | a non-empty string |
//! | `SET` in an update expression | exactly `= :value`, a string key of the scope (no `if_not_exists`, arithmetic, `list_append`, another attribute, or a path into it) | exactly `= :value`, a non-empty string |
//! | `REMOVE` | allowed: the item leaves the index | allowed |
//! | `ADD`, `DELETE` | rejected: set and number operations | rejected |
//! | legacy `AttributeUpdates` | `PUT` of a string key of the scope; `DELETE` without a value | `PUT` of a non-empty string; `DELETE` without a value |
//! | a key condition on an index of a shared table | `=` to a string key of the scope | any comparison |
//!
//! Why `sk_*` must be a non-empty string: every index sort key the library writes is an entity
//! tag (`LEAD`, `LEAD#…`) in the sort-key codec, so a query's clamped range reads exactly one
//! entity's entries; an index created by the guard keys `sk_{name}` as a string, DynamoDB
//! rejects empty key strings and drops an item from the index when its key attribute has
//! another type, so an item the guard let through with a number there would silently vanish
//! from an index it was meant to be listed in. Unlike `pk_*`, a sort value is not an
//! isolation boundary: the partition value already confines the query to the scope.
//!
//! Which index attributes a *query* binds is [`query`](super::query)'s part; this module checks
//! the values.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeAction, AttributeValue, AttributeValueUpdate};

use super::keys::{Key, Table, type_name};
use super::update::IndexWrite;
use super::{Check, GuardedScope};
use crate::dynamodb::schema::{INDEX_PARTITION_PREFIX, INDEX_SORT_PREFIX};
use crate::error::IsolationViolation;

/// Which rule an index key attribute follows, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IndexAttribute {
    /// `pk_*`: a string key of the scope.
    Partition,
    /// `sk_*`: a non-empty string.
    Sort,
}

impl IndexAttribute {
    /// The rule `attribute` follows, if it is an index key attribute.
    pub(super) fn of(attribute: &str) -> Option<Self> {
        if attribute.starts_with(INDEX_PARTITION_PREFIX) {
            Some(Self::Partition)
        } else if attribute.starts_with(INDEX_SORT_PREFIX) {
            Some(Self::Sort)
        } else {
            None
        }
    }
}

/// `value` as DynamoDB's JSON shows it, for errors: `S "TENANT#t2#…"`, `N "1"`, `BOOL`.
pub(super) fn describe(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(text) => format!("S {text:?}"),
        AttributeValue::N(number) => format!("N {number:?}"),
        other => type_name(other).to_owned(),
    }
}

impl<S: GuardedScope> Check<'_, S> {
    /// Every index key attribute of `attributes` holds what its rule requires.
    pub(super) fn index_attributes(
        &self,
        table: Table<'_>,
        attributes: &Key,
        what: &'static str,
    ) -> Result<(), IsolationViolation> {
        for (attribute, value) in attributes {
            if let Some(rule) = IndexAttribute::of(attribute) {
                self.index_value(table, what, rule, attribute, value)?;
            }
        }
        Ok(())
    }

    /// `value` is what an index key attribute of kind `rule` may hold.
    pub(super) fn index_value(
        &self,
        table: Table<'_>,
        what: &'static str,
        rule: IndexAttribute,
        attribute: &str,
        value: &AttributeValue,
    ) -> Result<(), IsolationViolation> {
        let broken = match (rule, value) {
            (IndexAttribute::Partition, AttributeValue::S(key)) => {
                match self.scope.check_key(key) {
                    Ok(()) => return Ok(()),
                    Err(violation) => format!(
                        "is not a key of this client's scope ({violation}): every `pk_*` attribute \
                     is an index partition key, and an index partition holds one scope's items"
                    ),
                }
            }
            (IndexAttribute::Partition, other) => format!(
                "is of type {}, but every `pk_*` attribute is an index partition key: a string \
                 key of this client's scope",
                type_name(other)
            ),
            (IndexAttribute::Sort, AttributeValue::S(sort)) if !sort.is_empty() => return Ok(()),
            (IndexAttribute::Sort, AttributeValue::S(_)) => "is empty, but every `sk_*` \
                attribute is an index sort key, which the library writes as an entity tag \
                (and DynamoDB rejects empty key strings)"
                .to_owned(),
            (IndexAttribute::Sort, other) => format!(
                "is of type {}, but every `sk_*` attribute is an index sort key, a non-empty \
                 string: DynamoDB leaves an item out of an index whose key it cannot type",
                type_name(other)
            ),
        };
        Err(IsolationViolation::IndexKey {
            table: table.name.to_owned(),
            what,
            attribute: attribute.to_owned(),
            value: describe(value),
            rule: broken,
        })
    }

    /// The values an update expression's `SET pk_x = :value` actions write are what their
    /// attributes may hold.
    pub(super) fn index_writes(
        &self,
        table: Table<'_>,
        writes: &[IndexWrite<'_>],
        values: Option<&HashMap<String, AttributeValue>>,
    ) -> Result<(), IsolationViolation> {
        for write in writes {
            let rule = IndexAttribute::of(write.attribute).unwrap_or(IndexAttribute::Partition);
            match values.and_then(|values| values.get(write.value)) {
                Some(value) => {
                    self.index_value(table, "update", rule, write.attribute, value)?;
                }
                None => {
                    return Err(IsolationViolation::IndexKey {
                        table: table.name.to_owned(),
                        what: "update",
                        attribute: write.attribute.to_owned(),
                        value: write.value.to_owned(),
                        rule: "is not in ExpressionAttributeValues, so the guard cannot check \
                               the value the update writes"
                            .to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The legacy `AttributeUpdates`' actions on index key attributes: `PUT` of a value the
    /// attribute may hold, `DELETE` without a value (the item leaves the index).
    pub(super) fn index_attribute_updates(
        &self,
        table: Table<'_>,
        updates: &HashMap<String, AttributeValueUpdate>,
    ) -> Result<(), IsolationViolation> {
        for (attribute, update) in updates {
            let Some(rule) = IndexAttribute::of(attribute) else {
                continue;
            };
            let broken = |value: String, rule: &str| IsolationViolation::IndexKey {
                table: table.name.to_owned(),
                what: "update",
                attribute: attribute.clone(),
                value,
                rule: rule.to_owned(),
            };
            // DynamoDB's default action is PUT.
            match (update.action(), update.value()) {
                (None | Some(AttributeAction::Put), Some(value)) => {
                    self.index_value(table, "update", rule, attribute, value)?;
                }
                (None | Some(AttributeAction::Put), None) => {
                    return Err(broken(
                        "no value".to_owned(),
                        "is a PUT without a value in AttributeUpdates",
                    ));
                }
                (Some(AttributeAction::Delete), None) => {}
                (Some(AttributeAction::Delete), Some(value)) => {
                    return Err(broken(
                        describe(value),
                        "is a DELETE of values from a set in AttributeUpdates; an index key \
                         attribute is a string, which AttributeUpdates may only PUT or DELETE \
                         without a value",
                    ));
                }
                (Some(action), value) => {
                    return Err(broken(
                        value.map_or_else(|| "no value".to_owned(), describe),
                        &format!(
                            "is an {action} in AttributeUpdates; an index key attribute is a \
                             string, which AttributeUpdates may only PUT or DELETE without a \
                             value"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
