//! Secondary indexes: index key attributes (`pk_*`, `sk_*`) in every kind of write
//! ([`writes`]), index queries and their start keys ([`queries`]), and indexes in
//! `CreateTable` and `UpdateTable` ([`tables`]), on a declared table with two indexes and on an
//! undeclared one, from each scope. This file holds the tables, values and requests they
//! share.
//!
//! The declarations registry is process-wide: these tests declare only the `guard-indexed`
//! base name and leave `guard-idx-free` undeclared; no other test of the crate uses them.

use std::sync::Once;

use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeValueUpdate, CreateGlobalSecondaryIndexAction,
    DeleteGlobalSecondaryIndexAction, UpdateGlobalSecondaryIndexAction,
};

use super::*;
use crate::dynamodb::schema::{self as declared, IndexSchema, KeySchema, TableSchema, declare};
use crate::scope::ScopeKind;

/// Declared with a sort key and indexes `by_email` (no sort key, `ALL`) and `recent` (sort
/// key, `KEYS_ONLY`).
const INDEXED: &str = "guard-indexed";
/// Declared by no test of the crate.
const FREE: &str = "guard-idx-free";

const BY_EMAIL: IndexSchema = IndexSchema::declared(
    "by_email",
    "pk_by_email",
    None,
    declared::Projection::All,
    1,
);
const RECENT: IndexSchema = IndexSchema::declared(
    "recent",
    "pk_recent",
    Some("sk_recent"),
    declared::Projection::KeysOnly,
    4,
);

fn declare_tables() {
    static DECLARED: Once = Once::new();
    DECLARED.call_once(|| {
        for kind in [ScopeKind::Capsule, ScopeKind::Tenant, ScopeKind::Platform] {
            let schema = TableSchema {
                key: KeySchema::PartitionAndSort,
                indexes: &[BY_EMAIL, RECENT],
            };
            declare(kind, INDEXED, schema, "tests::Indexed").unwrap();
        }
    });
}

/// `PRODUS_{base}`, declared if `base` is [`INDEXED`].
fn table(base: &str) -> String {
    declare_tables();
    format!("PRODUS_{base}")
}

/// The capsule's index value of lead `l1` by email: a key of the scope.
const OWN_INDEX: &str = "TENANT#t1#CAPSULE#caps-456#LEAD#by_email#a@b.c";
/// The same index value of the prefix-sibling tenant `t10`'s capsule with the same id and code.
const SIBLING_INDEX: &str = "TENANT#t10#CAPSULE#caps-456#LEAD#by_email#a@b.c";
/// Values no `pk_*` attribute of the capsule may hold.
const FOREIGN_INDEX: [&str; 6] = [
    SIBLING_INDEX,
    "TENANT#t2#CAPSULE#caps-456#LEAD#by_email#a@b.c",
    "TENANT#t1#CAPSULE#caps-4567#LEAD#by_email#a@b.c",
    "TENANT#t1#LEAD#by_email#a@b.c",
    "LEAD#by_email#a@b.c",
    "a@b.c",
];

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// An item of the declared table with `extra` attributes.
fn item_with(extra: &[(&str, AttributeValue)]) -> Key {
    let mut item = key(OWN_KEY);
    item.insert(SK.to_owned(), s("LEAD"));
    for (name, value) in extra {
        item.insert((*name).to_owned(), value.clone());
    }
    item
}

fn violation_name(result: &Result<(), IsolationViolation>) -> &'static str {
    match result {
        Ok(()) => "allowed",
        Err(IsolationViolation::IndexKey { .. }) => "IndexKey",
        Err(IsolationViolation::IndexSchema { .. }) => "IndexSchema",
        Err(IsolationViolation::UndeclaredIndex { .. }) => "UndeclaredIndex",
        Err(IsolationViolation::KeyUpdate { .. }) => "KeyUpdate",
        Err(IsolationViolation::UnboundQuery { .. }) => "UnboundQuery",
        Err(IsolationViolation::CrossTenant { .. }) => "CrossTenant",
        Err(IsolationViolation::TableSetting { .. }) => "TableSetting",
        Err(IsolationViolation::SharedTableScan { .. }) => "SharedTableScan",
        Err(IsolationViolation::SharedTableChange { .. }) => "SharedTableChange",
        Err(_) => "another violation",
    }
}

/// The three ways to put `item` into `table`: `PutItem`, a batch put, a transaction put.
fn puts(table: &str, item: &Key) -> Vec<(&'static str, Input)> {
    vec![
        (
            "PutItem",
            Input::erase(
                PutItemInput::builder()
                    .table_name(table)
                    .set_item(Some(item.clone()))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "BatchWriteItem",
            Input::erase(
                BatchWriteItemInput::builder()
                    .request_items(
                        table,
                        vec![
                            WriteRequest::builder()
                                .put_request(
                                    PutRequest::builder()
                                        .set_item(Some(item.clone()))
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        ],
                    )
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
                            .put(
                                Put::builder()
                                    .table_name(table)
                                    .set_item(Some(item.clone()))
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

fn check_input<S: GuardedScope>(scope: &S, input: &Input) -> Result<(), IsolationViolation> {
    check_request(scope, input, || "TheOperation")
}

mod queries;
mod tables;
mod writes;
