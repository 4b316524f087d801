//! The isolation guard: an SDK interceptor on every scoped DynamoDB client, the raw one from
//! `raw()` included, that rejects a request naming a table or partition key outside the
//! client's scope before it is serialized, signed or sent.
//!
//! It reads the operation's typed input after every interceptor has had its chance to modify it
//! (`read_before_serialization` runs after all `modify_before_serialization` hooks), so what it
//! checks is what the SDK serializes. Each operation is allowed by name; any other, including
//! operations a newer SDK adds, is rejected ([`IsolationViolation::UnsupportedOperation`]).
//!
//! | operation | allowed when |
//! |-----------|--------------|
//! | `GetItem`, `PutItem`, `UpdateItem`, `DeleteItem` | the table is the scope's, the key's (or item's) `pk` is a key of the scope, and the key (or item) fits the table's key schema ([`keys`]); every `pk_*` attribute an item carries or an update sets is a string key of the scope and every `sk_*` a non-empty string ([`indexes`]); an update does not write `pk` or `sk`, and sets index key attributes only to one checked `:value` ([`update`]) |
//! | `BatchGetItem`, `BatchWriteItem`, `TransactGetItems`, `TransactWriteItems` | the same, for every table and every key, put, delete, update and condition check |
//! | `Query` | the table is the scope's and the key condition binds `pk` with `=` to a key of the scope (see [`condition`]), with at most a condition on `sk` besides ([`query`]); on index `N` of a shared table, `pk_N` (or `pk`) bound with `=` to a key of the scope, at most one other condition, and `N` declared if the table is; on an index of an unshared table, any key condition; an `ExclusiveStartKey` is the scope's too, index key attributes included |
//! | `Scan` | the table is the scope's and not shared: tenant and platform tables, never capsule tables (nor their indexes); an `ExclusiveStartKey` is the scope's |
//! | `DescribeTable`, `DescribeTimeToLive` | the table is the scope's |
//! | `CreateTable` | the table is the scope's, keyed by exactly its declared schema (`pk` `HASH` `S`, and `sk` `RANGE` `S` if declared with a sort key; either if undeclared), its global secondary indexes keyed by the convention (index `N`: `pk_N` `HASH` `S`, optionally `sk_N` `RANGE` `S`) and, if declared, exactly the declared ones with their projections ([`index_tables`]), every other field on [`table`]'s allow-list: `provision`'s shape for shared tables |
//! | `UpdateTable`, `DeleteTable`, `UpdateTimeToLive` | the table is the scope's and not shared, every field on [`table`]'s allow-list (never `ReplicaUpdates`); an index created keyed by the convention (and declared, if the table is), no declared index deleted |
//! | PartiQL (`ExecuteStatement`, `BatchExecuteStatement`, `ExecuteTransaction`) | never: the table and key are inside statement text |
//! | anything else (`ListTables`, backups, exports, tags, global tables…) | never |
//!
//! Key attribute names and a table's key schema come from [`crate::dynamodb::schema`] only: a request's
//! table name gives its base name, and the base name the schema its declaration registered
//! (key and indexes), read once per request. Index key attributes need no registry: every
//! attribute named `pk_*` is an index partition attribute, so writes are checked the same on
//! declared and undeclared tables.
//!
//! It stops mistakes, not hostile code in the same process; docs/guard.md has the threat
//! model. Session policies grant the same table-level actions (`iam::dynamodb`'s
//! `UNSHARED_TABLE_ACTIONS`, `SHARED_TABLE_ACTIONS`); `policy_agreement` checks that the two
//! agree.

#[cfg(feature = "test-util")]
pub(crate) mod bench;
mod condition;
mod index_tables;
mod indexes;
mod keys;
mod query;
mod scope;
mod table;
mod update;

use std::cell::OnceCell;
use std::collections::HashMap;

use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::create_table::CreateTableInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::delete_table::DeleteTableInput;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableInput;
use aws_sdk_dynamodb::operation::describe_time_to_live::DescribeTimeToLiveInput;
use aws_sdk_dynamodb::operation::get_item::GetItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::scan::ScanInput;
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::operation::update_table::UpdateTableInput;
use aws_sdk_dynamodb::operation::update_time_to_live::UpdateTimeToLiveInput;
use aws_sdk_dynamodb::types::{AttributeValue, AttributeValueUpdate};
use aws_smithy_runtime_api::client::interceptors::context::Input;

use crate::client::CheckRequest;
use crate::dynamodb::schema::{self, DeclarationsRead};
use crate::dynamodb::schema::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::error::IsolationViolation;
use crate::scope::{AnyScope, Platform};
use keys::{Table, missing_partition_key};

pub(crate) use scope::GuardedScope;

/// Why the operations outside the allowed list are rejected.
const NOT_SCOPED: &str = "the guard allows only operations whose tables and keys it can check \
    against the scope; use an operator client (`factory.operator(..)`) or an unscoped SDK client \
    for administration";

const PARTIQL: &str = "PartiQL statements carry their table and key inside statement text, which \
    the guard does not parse; use the item operations, queries and transactions instead";

/// DynamoDB's check ([`CheckRequest`]): the request against the scope's tables and keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DynamoDbCheck;

impl CheckRequest for DynamoDbCheck {
    type Scoped = AnyScope;
    type Violation = IsolationViolation;
    const NAME: &'static str = "scoped_runtime::IsolationGuard";

    fn scoped(&self, scope: &AnyScope) -> AnyScope {
        scope.clone()
    }

    fn check(scope: &AnyScope, operation: &str, input: &Input) -> Result<(), IsolationViolation> {
        match scope {
            AnyScope::Platform => check_request(&Platform::new(), input, || operation),
            AnyScope::Tenant(tenant) => check_request(tenant, input, || operation),
            AnyScope::Capsule(capsule) => check_request(capsule, input, || operation),
        }
    }

    fn unscoped(operation: &str) -> IsolationViolation {
        IsolationViolation::Unscoped {
            operation: operation.to_owned(),
        }
    }
}

/// Checks one request's input against `scope`. `operation` names it for the error when it is
/// not one the guard knows.
pub(crate) fn check_request<'a, S: GuardedScope>(
    scope: &S,
    input: &Input,
    operation: impl FnOnce() -> &'a str,
) -> Result<(), IsolationViolation> {
    let check = Check {
        scope,
        declarations: OnceCell::new(),
    };
    // Ordered by how often services send them: each miss is one `TypeId` comparison.
    if let Some(input) = input.downcast_ref::<GetItemInput>() {
        let table = check.keyed_table(input.table_name())?;
        return check.key(table, input.key(), "key");
    }
    if let Some(input) = input.downcast_ref::<PutItemInput>() {
        let table = check.keyed_table(input.table_name())?;
        return check.item(table, input.item(), "item");
    }
    if let Some(input) = input.downcast_ref::<QueryInput>() {
        return check.query(input);
    }
    if let Some(input) = input.downcast_ref::<UpdateItemInput>() {
        let table = check.keyed_table(input.table_name())?;
        check.key(table, input.key(), "key")?;
        return check.update(
            table,
            input.update_expression(),
            input.expression_attribute_names(),
            input.expression_attribute_values(),
            input.attribute_updates(),
        );
    }
    if let Some(input) = input.downcast_ref::<DeleteItemInput>() {
        let table = check.keyed_table(input.table_name())?;
        return check.key(table, input.key(), "key");
    }
    if let Some(input) = input.downcast_ref::<BatchGetItemInput>() {
        return check.batch_get(input);
    }
    if let Some(input) = input.downcast_ref::<BatchWriteItemInput>() {
        return check.batch_write(input);
    }
    if let Some(input) = input.downcast_ref::<TransactWriteItemsInput>() {
        return check.transact_write(input);
    }
    if let Some(input) = input.downcast_ref::<TransactGetItemsInput>() {
        return check.transact_get(input);
    }
    if let Some(input) = input.downcast_ref::<ScanInput>() {
        return check.scan(input);
    }
    if let Some(input) = input.downcast_ref::<DescribeTableInput>() {
        return check.describe_table(input);
    }
    if let Some(input) = input.downcast_ref::<DescribeTimeToLiveInput>() {
        return check.describe_time_to_live(input);
    }
    if let Some(input) = input.downcast_ref::<CreateTableInput>() {
        return check.create_table(input);
    }
    if let Some(input) = input.downcast_ref::<UpdateTableInput>() {
        return check.update_table(input);
    }
    if let Some(input) = input.downcast_ref::<DeleteTableInput>() {
        return check.delete_table(input);
    }
    if let Some(input) = input.downcast_ref::<UpdateTimeToLiveInput>() {
        return check.update_time_to_live(input);
    }
    let operation = operation();
    let reason = match operation {
        "ExecuteStatement" | "BatchExecuteStatement" | "ExecuteTransaction" => PARTIQL,
        _ => NOT_SCOPED,
    };
    Err(IsolationViolation::UnsupportedOperation {
        operation: operation.to_owned(),
        reason,
    })
}

struct Check<'s, S> {
    scope: &'s S,
    /// The table declarations, read when the request's first table needs its key schema and
    /// held for the rest of the check: one read of the registry's lock per request.
    declarations: OnceCell<DeclarationsRead>,
}

impl<S: GuardedScope> Check<'_, S> {
    /// The table, if it is one of the scope's.
    fn table<'t>(&self, table: Option<&'t str>) -> Result<&'t str, IsolationViolation> {
        let table = table.unwrap_or_default();
        if self.scope.owns_table(table) {
            Ok(table)
        } else {
            Err(self.cross_table(table))
        }
    }

    /// The table, if it is one of the scope's, with the key schema its declaration gives.
    fn keyed_table<'t>(&self, table: Option<&'t str>) -> Result<Table<'t>, IsolationViolation> {
        let name = table.unwrap_or_default();
        let base = self
            .scope
            .base_name(name)
            .ok_or_else(|| self.cross_table(name))?;
        let declared = self
            .declarations
            .get_or_init(schema::declarations)
            .table(S::KIND, base);
        Ok(Table {
            name,
            schema: declared.map(|declared| declared.key),
            indexes: declared.map_or(&[], |declared| declared.indexes),
        })
    }

    fn cross_table(&self, table: &str) -> IsolationViolation {
        IsolationViolation::CrossTable {
            table: table.to_owned(),
            scope: S::KIND,
            expected: self.scope.table_pattern(),
        }
    }

    /// The table is not shared with other scopes, or `violation()`.
    fn unshared(
        &self,
        violation: impl FnOnce() -> IsolationViolation,
    ) -> Result<(), IsolationViolation> {
        if S::SHARES_TABLES {
            Err(violation())
        } else {
            Ok(())
        }
    }

    fn scan(&self, input: &ScanInput) -> Result<(), IsolationViolation> {
        let table = self.keyed_table(input.table_name())?;
        self.unshared(|| IsolationViolation::SharedTableScan {
            table: table.name.to_owned(),
        })?;
        self.start_key(
            table,
            input.exclusive_start_key(),
            input.index_name().is_some(),
        )
    }

    /// An update (`UpdateItem`, a transaction's `Update`) writes neither `pk` nor `sk`, and
    /// index key attributes only with values the guard checks ([`indexes`]).
    fn update(
        &self,
        table: Table<'_>,
        expression: Option<&str>,
        names: Option<&HashMap<String, String>>,
        values: Option<&HashMap<String, AttributeValue>>,
        attribute_updates: Option<&HashMap<String, AttributeValueUpdate>>,
    ) -> Result<(), IsolationViolation> {
        let key_update = |reason| IsolationViolation::KeyUpdate {
            table: table.name.to_owned(),
            reason,
        };
        if let Some(expression) = expression {
            let writes = update::check_update_expression(expression, names).map_err(key_update)?;
            self.index_writes(table, &writes, values)?;
        }
        if let Some(updates) = attribute_updates {
            update::check_attribute_updates(updates).map_err(key_update)?;
            self.index_attribute_updates(table, updates)?;
        }
        Ok(())
    }

    fn batch_get(&self, input: &BatchGetItemInput) -> Result<(), IsolationViolation> {
        for (table, request) in input.request_items().into_iter().flatten() {
            let table = self.keyed_table(Some(table))?;
            for key in request.keys() {
                self.key(table, Some(key), "key")?;
            }
        }
        Ok(())
    }

    fn batch_write(&self, input: &BatchWriteItemInput) -> Result<(), IsolationViolation> {
        for (table, writes) in input.request_items().into_iter().flatten() {
            let table = self.keyed_table(Some(table))?;
            for write in writes {
                match (write.put_request(), write.delete_request()) {
                    (Some(put), None) => self.item(table, Some(put.item()), "item")?,
                    (None, Some(delete)) => self.key(table, Some(delete.key()), "key")?,
                    // Neither or both: DynamoDB rejects it, and the guard cannot tell which.
                    _ => return Err(missing_partition_key(table.name, "write request")),
                }
            }
        }
        Ok(())
    }

    fn transact_get(&self, input: &TransactGetItemsInput) -> Result<(), IsolationViolation> {
        for item in input.transact_items() {
            let Some(get) = item.get() else {
                return Err(missing_partition_key("", "transaction item"));
            };
            let table = self.keyed_table(Some(get.table_name()))?;
            self.key(table, Some(get.key()), "key")?;
        }
        Ok(())
    }

    fn transact_write(&self, input: &TransactWriteItemsInput) -> Result<(), IsolationViolation> {
        for item in input.transact_items() {
            let mut parts = 0;
            if let Some(check) = item.condition_check() {
                let table = self.keyed_table(Some(check.table_name()))?;
                self.key(table, Some(check.key()), "key")?;
                parts += 1;
            }
            if let Some(put) = item.put() {
                let table = self.keyed_table(Some(put.table_name()))?;
                self.item(table, Some(put.item()), "item")?;
                parts += 1;
            }
            if let Some(delete) = item.delete() {
                let table = self.keyed_table(Some(delete.table_name()))?;
                self.key(table, Some(delete.key()), "key")?;
                parts += 1;
            }
            if let Some(update) = item.update() {
                let table = self.keyed_table(Some(update.table_name()))?;
                self.key(table, Some(update.key()), "key")?;
                self.update(
                    table,
                    Some(update.update_expression()),
                    update.expression_attribute_names(),
                    update.expression_attribute_values(),
                    None,
                )?;
                parts += 1;
            }
            if parts == 0 {
                return Err(missing_partition_key("", "transaction item"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
