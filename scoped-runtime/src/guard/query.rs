//! Queries: bound to one partition of the scope, with at most a sort-key condition besides.
//!
//! A query of a table (or of an index of a shared table) must bind `pk` with `=` to a string
//! key of the scope, in `KeyConditionExpression` (read by [`condition`]) or
//! in the legacy `KeyConditions`, never both. Besides `pk`, a query of a table may compare
//! `sk` (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`, `begins_with`) unless the table is declared
//! without a sort key, and nothing else; a query of an index of a shared table may compare
//! any one other attribute, the index's sort key. An unshared table holds only the scope's
//! items, and so do its indexes: a query of one of its indexes may use any key condition.
//! An `ExclusiveStartKey` is checked by [`keys`](super::keys) in every case.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::types::{AttributeValue, ComparisonOperator, Condition};

use super::keys::{Table, type_name};
use super::{Check, GuardedScope, PK, SK, condition};
use crate::error::IsolationViolation;
use crate::schema::KeySchema;

impl<S: GuardedScope> Check<'_, S> {
    pub(super) fn query(&self, input: &QueryInput) -> Result<(), IsolationViolation> {
        let table = self.keyed_table(input.table_name())?;
        let index = input.index_name().is_some();
        self.start_key(table, input.exclusive_start_key(), index)?;
        if index && !S::SHARES_TABLES {
            return Ok(());
        }
        let unbound = |reason: String| IsolationViolation::UnboundQuery {
            table: table.name.to_owned(),
            reason,
        };
        match (input.key_condition_expression(), input.key_conditions()) {
            (Some(expression), None) => {
                let condition = condition::parse(expression, input.expression_attribute_names())
                    .map_err(unbound)?;
                let value = input
                    .expression_attribute_values()
                    .and_then(|values| values.get(condition.partition));
                match value {
                    Some(AttributeValue::S(pk)) => self.scope.check_key(pk)?,
                    Some(other) => {
                        return Err(unbound(format!(
                            "the value bound to `{PK}`, {}, is of type {}, not a string",
                            condition.partition,
                            type_name(other)
                        )));
                    }
                    None => {
                        return Err(unbound(format!(
                            "the value bound to `{PK}`, {}, is not in ExpressionAttributeValues",
                            condition.partition
                        )));
                    }
                }
                if let [first, second, ..] = condition.others.as_slice() {
                    return Err(unbound(format!(
                        "it compares `{}` and `{}` besides `{PK}`; a key condition compares at \
                         most one attribute besides the partition key",
                        first.attribute, second.attribute
                    )));
                }
                for conjunct in &condition.others {
                    check_other_key_attribute(table, index, conjunct.attribute).map_err(unbound)?;
                }
                Ok(())
            }
            (None, Some(conditions)) => self.legacy_key_conditions(table, index, conditions),
            (Some(_), Some(_)) => Err(unbound(
                "it has both KeyConditionExpression and the legacy KeyConditions; DynamoDB \
                 takes one of them, and the guard checks one"
                    .to_owned(),
            )),
            (None, None) => Err(unbound("the query has no key condition".to_owned())),
        }
    }

    /// The legacy `KeyConditions`: `pk` `EQ` one string key of the scope, and at most the
    /// conditions a `KeyConditionExpression` may have besides.
    fn legacy_key_conditions(
        &self,
        table: Table<'_>,
        index: bool,
        conditions: &HashMap<String, Condition>,
    ) -> Result<(), IsolationViolation> {
        let unbound = |reason: String| IsolationViolation::UnboundQuery {
            table: table.name.to_owned(),
            reason,
        };
        let Some(partition) = conditions.get(PK) else {
            return Err(unbound(format!("KeyConditions has no condition on `{PK}`")));
        };
        match (
            partition.comparison_operator(),
            partition.attribute_value_list(),
        ) {
            (ComparisonOperator::Eq, [AttributeValue::S(pk)]) => self.scope.check_key(pk)?,
            (operator, _) => {
                return Err(unbound(format!(
                    "KeyConditions compares `{PK}` with {operator}; it must compare it with EQ \
                     to one string"
                )));
            }
        }
        let mut others = conditions.iter().filter(|(attribute, _)| *attribute != PK);
        let Some((attribute, condition)) = others.next() else {
            return Ok(());
        };
        if let Some((second, _)) = others.next() {
            return Err(unbound(format!(
                "KeyConditions compares `{attribute}` and `{second}` besides `{PK}`; a key \
                 condition compares at most one attribute besides the partition key"
            )));
        }
        check_other_key_attribute(table, index, attribute).map_err(unbound)?;
        match condition.comparison_operator() {
            ComparisonOperator::Eq
            | ComparisonOperator::Lt
            | ComparisonOperator::Le
            | ComparisonOperator::Gt
            | ComparisonOperator::Ge
            | ComparisonOperator::Between
            | ComparisonOperator::BeginsWith => Ok(()),
            operator => Err(unbound(format!(
                "KeyConditions compares `{attribute}` with {operator}; a sort key condition is \
                 EQ, LT, LE, GT, GE, BETWEEN or BEGINS_WITH"
            ))),
        }
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
