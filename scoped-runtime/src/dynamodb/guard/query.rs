//! Queries: bound to one partition of the scope, with at most a sort-key condition besides.
//!
//! A query of a table must bind `pk` with `=` to a string key of the scope, in
//! `KeyConditionExpression` (read by [`condition`]) or in the legacy `KeyConditions`, never
//! both. Besides `pk`, it may compare `sk` (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`,
//! `begins_with`) unless the table is declared without a sort key, and nothing else.
//!
//! A query of index `N` of a shared (capsule) table must bind `pk_N`, the index's partition
//! attribute by the naming convention ([`crate::dynamodb::schema`]), or `pk`, with `=` to a string key of
//! the scope, and may compare any one other attribute besides (the index's sort key; DynamoDB
//! rejects any other). Every `pk_N` value in the table was written through a guard that held
//! it to its writer's scope ([`indexes`](super::indexes)), and keys are injective, so the
//! index partition of one of the scope's keys holds only the scope's items. Binding `pk`
//! instead is what a query of a local secondary index does (an LSI shares the table's
//! partition key), and it is safe on any index: DynamoDB rejects a key condition on an
//! attribute that is not the queried index's key, so if it runs, the index is keyed by `pk` and
//! returns only items whose `pk`, the table partition key the guard holds to the writer's
//! scope on every write, is the bound key of the scope. If the condition binds both, or
//! compares another `pk_*` attribute, each is held to `=` a key of the scope. When the
//! table is declared, `N` must be one of its declared indexes.
//!
//! An unshared table (tenant, platform) holds only the scope's items, and so do its indexes: a
//! query of one of its indexes may use any key condition. An `ExclusiveStartKey` is checked by
//! [`keys`](super::keys) in every case.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::types::{AttributeValue, ComparisonOperator, Condition};

use super::index_tables::declared_names;
use super::indexes::IndexAttribute;
use super::keys::{Table, type_name};
use super::{Check, GuardedScope, PK, SK, condition};
use crate::dynamodb::schema::{INDEX_PARTITION_PREFIX, KeySchema};
use crate::error::IsolationViolation;

/// Whether `attribute` is a partition attribute of the table or of an index: `pk`, `pk_*`.
fn is_partition_attribute(attribute: &str) -> bool {
    attribute == PK || attribute.starts_with(INDEX_PARTITION_PREFIX)
}

impl<S: GuardedScope> Check<'_, S> {
    pub(super) fn query(&self, input: &QueryInput) -> Result<(), IsolationViolation> {
        let table = self.keyed_table(input.table_name())?;
        let index = input.index_name();
        self.start_key(table, input.exclusive_start_key(), index.is_some())?;
        let index_partition = match index {
            Some(_) if !S::SHARES_TABLES => return Ok(()),
            Some(index) => {
                self.declared_index(table, index)?;
                Some(format!("{INDEX_PARTITION_PREFIX}{index}"))
            }
            None => None,
        };
        let partitions: &[&str] = match &index_partition {
            Some(attribute) => &[attribute.as_str(), PK],
            None => &[PK],
        };
        let index = index.is_some();
        let unbound = |reason: String| IsolationViolation::UnboundQuery {
            table: table.name.to_owned(),
            reason,
        };
        match (input.key_condition_expression(), input.key_conditions()) {
            (Some(expression), None) => {
                let names = input.expression_attribute_names();
                let values = input.expression_attribute_values();
                let condition = condition::parse(expression, names, partitions).map_err(unbound)?;
                let value = |placeholder: &str| values.and_then(|values| values.get(placeholder));
                self.bound_partition(
                    table,
                    condition.attribute,
                    condition.partition,
                    value(condition.partition),
                )?;
                if let [first, second, ..] = condition.others.as_slice() {
                    return Err(unbound(format!(
                        "it compares `{}` and `{}` besides `{}`; a key condition compares at \
                         most one attribute besides the partition key",
                        first.attribute, second.attribute, condition.attribute
                    )));
                }
                for conjunct in &condition.others {
                    if index && is_partition_attribute(conjunct.attribute) {
                        match (conjunct.comparison, conjunct.values.as_slice()) {
                            (condition::Comparison::Compare("="), [placeholder]) => {
                                self.bound_partition(
                                    table,
                                    conjunct.attribute,
                                    placeholder,
                                    value(placeholder),
                                )?;
                            }
                            (comparison, _) => {
                                return Err(unbound(format!(
                                    "it compares `{}` with `{comparison}`; a partition \
                                     attribute is compared with `=` to a key of the scope",
                                    conjunct.attribute
                                )));
                            }
                        }
                    } else {
                        check_other_key_attribute(table, index, conjunct.attribute)
                            .map_err(unbound)?;
                    }
                }
                Ok(())
            }
            (None, Some(conditions)) => {
                self.legacy_key_conditions(table, index, partitions, conditions)
            }
            (Some(_), Some(_)) => Err(unbound(
                "it has both KeyConditionExpression and the legacy KeyConditions; DynamoDB \
                 takes one of them, and the guard checks one"
                    .to_owned(),
            )),
            (None, None) => Err(unbound("the query has no key condition".to_owned())),
        }
    }

    /// On a declared table, `index` is one of its declared indexes.
    fn declared_index(&self, table: Table<'_>, index: &str) -> Result<(), IsolationViolation> {
        if table.schema.is_none() || table.indexes.iter().any(|declared| declared.name == index) {
            return Ok(());
        }
        Err(IsolationViolation::UndeclaredIndex {
            table: table.name.to_owned(),
            index: index.to_owned(),
            declared: declared_names(table.indexes),
        })
    }

    /// `value`, bound to the partition attribute `attribute` through `placeholder`, is a string
    /// key of the scope.
    fn bound_partition(
        &self,
        table: Table<'_>,
        attribute: &str,
        placeholder: &str,
        value: Option<&AttributeValue>,
    ) -> Result<(), IsolationViolation> {
        let unbound = |reason: String| IsolationViolation::UnboundQuery {
            table: table.name.to_owned(),
            reason,
        };
        match value {
            Some(AttributeValue::S(key)) if attribute == PK => Ok(self.scope.check_key(key)?),
            Some(value @ AttributeValue::S(_)) => {
                self.index_value(table, "query", IndexAttribute::Partition, attribute, value)
            }
            Some(other) => Err(unbound(format!(
                "the value bound to `{attribute}`, {placeholder}, is of type {}, not a string",
                type_name(other)
            ))),
            None => Err(unbound(format!(
                "the value bound to `{attribute}`, {placeholder}, is not in \
                 ExpressionAttributeValues"
            ))),
        }
    }

    /// The legacy `KeyConditions`: a partition attribute `EQ` one string key of the scope, and
    /// at most the conditions a `KeyConditionExpression` may have besides.
    fn legacy_key_conditions(
        &self,
        table: Table<'_>,
        index: bool,
        partitions: &[&str],
        conditions: &HashMap<String, Condition>,
    ) -> Result<(), IsolationViolation> {
        let unbound = |reason: String| IsolationViolation::UnboundQuery {
            table: table.name.to_owned(),
            reason,
        };
        let Some((partition, partition_condition)) = partitions
            .iter()
            .find_map(|attribute| conditions.get_key_value(*attribute))
        else {
            return Err(unbound(format!(
                "KeyConditions has no condition on {}",
                partitions
                    .iter()
                    .map(|attribute| format!("`{attribute}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        };
        let mut others = conditions
            .iter()
            .filter(|(attribute, _)| *attribute != partition);
        let other = others.next();
        if let (Some((first, _)), Some((second, _))) = (other, others.next()) {
            return Err(unbound(format!(
                "KeyConditions compares `{first}` and `{second}` besides `{partition}`; a key \
                 condition compares at most one attribute besides the partition key"
            )));
        }
        for (at, (attribute, condition)) in std::iter::once((partition, partition_condition))
            .chain(other)
            .enumerate()
        {
            // The partition, and on an index another partition attribute besides (`pk` and
            // `pk_N` both bound): each `EQ` a key of the scope.
            if at == 0 || (index && is_partition_attribute(attribute)) {
                match (
                    condition.comparison_operator(),
                    condition.attribute_value_list(),
                ) {
                    (ComparisonOperator::Eq, [value @ AttributeValue::S(_)]) => {
                        self.bound_partition(table, attribute, "KeyConditions", Some(value))?;
                    }
                    (operator, _) => {
                        return Err(unbound(format!(
                            "KeyConditions compares `{attribute}` with {operator}; it must \
                             compare it with EQ to one string"
                        )));
                    }
                }
                continue;
            }
            check_other_key_attribute(table, index, attribute).map_err(unbound)?;
            match condition.comparison_operator() {
                ComparisonOperator::Eq
                | ComparisonOperator::Lt
                | ComparisonOperator::Le
                | ComparisonOperator::Gt
                | ComparisonOperator::Ge
                | ComparisonOperator::Between
                | ComparisonOperator::BeginsWith => {}
                operator => {
                    return Err(unbound(format!(
                        "KeyConditions compares `{attribute}` with {operator}; a sort key \
                         condition is EQ, LT, LE, GT, GE, BETWEEN or BEGINS_WITH"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// `Err(why)` unless a query of `table` (or of its index) may compare `attribute` besides
/// `pk`.
fn check_other_key_attribute(table: Table<'_>, index: bool, attribute: &str) -> Result<(), String> {
    if index {
        // An index of a shared table: the attribute is the index's sort key (DynamoDB rejects
        // any other). Every item it returns has the bound `pk`.
        return Ok(());
    }
    match table.schema {
        Some(KeySchema::Partition) if attribute == SK => Err(format!(
            "it compares `{SK}`, but the table is declared without a sort key ({})",
            KeySchema::Partition
        )),
        _ if attribute == SK => Ok(()),
        _ => Err(format!(
            "it compares `{attribute}`, which is not a key attribute of the table: a key \
             condition compares `{PK}` (with `=`) and, on a table with a sort key, `{SK}`"
        )),
    }
}
