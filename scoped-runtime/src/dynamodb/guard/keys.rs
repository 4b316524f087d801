//! Keys and items: the partition key `pk` names a partition of the scope, and the sort key
//! `sk` fits the table's key schema.
//!
//! The schema is the one the table's declaration gives ([`crate::dynamodb::schema::declared`]); a table
//! no typed code in the process has used is *undeclared*, and the guard accepts either
//! schema there:
//!
//! | | declared `pk` + `sk` | declared `pk` only | undeclared |
//! |-|----------------------|--------------------|------------|
//! | key (get, delete, update, condition check) | exactly `pk` and a string `sk` | exactly `pk` | exactly `pk`, or `pk` and a string `sk` |
//! | item (put) | a string `sk` | no `sk`: reserved for sort keys | `sk`, if any, a string |
//! | `ExclusiveStartKey` of the table | as a key | as a key | as a key |
//! | `ExclusiveStartKey` of an index | as an item | as an item | as an item |
//!
//! In every case `pk` is a string key of the scope (checked first), and every index key
//! attribute an item or start key carries holds what [`indexes`](super::indexes) requires:
//! each `pk_*` a string key of the scope, each `sk_*` a non-empty string.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Check, GuardedScope, PK, SK};
use crate::dynamodb::schema::{IndexSchema, KeySchema};
use crate::error::IsolationViolation;

pub(super) type Key = HashMap<String, AttributeValue>;

/// A table of the scope, as a request names it, and the key schema its declaration gives.
#[derive(Debug, Clone, Copy)]
pub(super) struct Table<'t> {
    pub(super) name: &'t str,
    /// `None` when no declaration of the table has been used in this process.
    pub(super) schema: Option<KeySchema>,
    /// The global secondary indexes its declaration declares (none when undeclared).
    pub(super) indexes: &'static [IndexSchema],
}

impl Table<'_> {
    /// The key attributes, for errors: `pk (S, HASH), sk (S, RANGE)`.
    fn key_description(self) -> String {
        match self.schema {
            Some(schema) => format!("the table's declared key, {schema}"),
            None => format!(
                "an undeclared table's key, {} or {}",
                KeySchema::Partition,
                KeySchema::PartitionAndSort
            ),
        }
    }
}

/// DynamoDB's name for the type of `value`: `S`, `N`, `BOOL`…
pub(super) fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "a type this SDK does not know",
    }
}

pub(super) fn missing_partition_key(table: &str, what: &'static str) -> IsolationViolation {
    IsolationViolation::MissingPartitionKey {
        table: table.to_owned(),
        what,
    }
}

fn shape(table: Table<'_>, what: &'static str, reason: String) -> IsolationViolation {
    IsolationViolation::KeyShape {
        table: table.name.to_owned(),
        what,
        reason,
    }
}

impl<S: GuardedScope> Check<'_, S> {
    /// `key` is a key of the table: a string `pk` of the scope and exactly the key attributes
    /// of the table's schema (either schema if it is undeclared).
    pub(super) fn key(
        &self,
        table: Table<'_>,
        key: Option<&Key>,
        what: &'static str,
    ) -> Result<(), IsolationViolation> {
        let key = self.partition(table, key, what)?;
        if let Some(name) = key.keys().find(|name| *name != PK && *name != SK) {
            return Err(shape(
                table,
                what,
                format!(
                    "it carries `{name}`, which is not a key attribute: a key holds exactly the \
                     key attributes of {}",
                    table.key_description()
                ),
            ));
        }
        self.sort_key(table, key, what)
    }

    /// `item` is an item the table can hold: a string `pk` of the scope, and `sk` as the
    /// table's schema says.
    pub(super) fn item(
        &self,
        table: Table<'_>,
        item: Option<&Key>,
        what: &'static str,
    ) -> Result<(), IsolationViolation> {
        let item = self.partition(table, item, what)?;
        self.sort_key(table, item, what)?;
        self.index_attributes(table, item, what)
    }

    /// An `ExclusiveStartKey` of a query or scan: a key of the table, or, of an index, an item
    /// (the index's key attributes come with the table's).
    pub(super) fn start_key(
        &self,
        table: Table<'_>,
        start: Option<&Key>,
        index: bool,
    ) -> Result<(), IsolationViolation> {
        if start.is_none() {
            return Ok(());
        }
        if index {
            self.item(table, start, "ExclusiveStartKey")
        } else {
            self.key(table, start, "ExclusiveStartKey")
        }
    }

    /// The attributes, if `pk` among them is a string key of the scope.
    fn partition<'k>(
        &self,
        table: Table<'_>,
        attributes: Option<&'k Key>,
        what: &'static str,
    ) -> Result<&'k Key, IsolationViolation> {
        match attributes {
            Some(attributes) => match attributes.get(PK) {
                Some(AttributeValue::S(pk)) => {
                    self.scope.check_key(pk)?;
                    Ok(attributes)
                }
                _ => Err(missing_partition_key(table.name, what)),
            },
            None => Err(missing_partition_key(table.name, what)),
        }
    }

    /// `sk` in `attributes` is as the table's schema says.
    fn sort_key(
        &self,
        table: Table<'_>,
        attributes: &Key,
        what: &'static str,
    ) -> Result<(), IsolationViolation> {
        let reason = match (table.schema, attributes.get(SK)) {
            (Some(KeySchema::Partition), Some(_)) => format!(
                "it carries `{SK}`, but the table is declared without a sort key \
                 ({}); `{SK}` is reserved for sort keys in every scoped table",
                KeySchema::Partition
            ),
            (_, Some(AttributeValue::S(sk))) if sk.is_empty() => format!(
                "its `{SK}` is empty, but every sort key the library writes starts with an \
                 entity tag (and DynamoDB rejects empty key strings)"
            ),
            (_, Some(AttributeValue::S(_))) | (None | Some(KeySchema::Partition), None) => {
                return Ok(());
            }
            (_, Some(other)) => format!(
                "its `{SK}` is of type {}, but sort keys are strings (S)",
                type_name(other)
            ),
            (Some(KeySchema::PartitionAndSort), None) => format!(
                "it has no `{SK}`, but the table is declared with a sort key ({}): every item \
                 and key on it carries a string `{SK}`",
                KeySchema::PartitionAndSort
            ),
        };
        Err(shape(table, what, reason))
    }
}
