//! The session policies and the isolation guard agree: every request the guard lets a
//! role-carrying scope send, the scope's session policy allows, and the policy grants no
//! action the guard never lets through.
//!
//! The policy is evaluated by a small IAM evaluator over the generated JSON (allow statements,
//! action and resource wildcards, the two `dynamodb:LeadingKeys` conditions the generator
//! uses), because moto does not evaluate session policies. Each request is an SDK input the
//! guard checks for real, paired with what IAM authorises it as: its actions, the resource ARN,
//! and the partition key values DynamoDB reports as `dynamodb:LeadingKeys`. Those pairings are
//! this test's model of AWS (from the DynamoDB authorization reference); only AWS can confirm
//! them (docs/guard.md, "What only AWS can prove").

#[path = "../../tests/iam/mod.rs"]
mod iam;

use std::collections::{BTreeSet, HashMap};

use iam::string_like;

use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::create_table::CreateTableInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::delete_table::DeleteTableInput;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableInput;
use aws_sdk_dynamodb::operation::describe_time_to_live::DescribeTimeToLiveInput;
use aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementInput;
use aws_sdk_dynamodb::operation::get_item::GetItemInput;
use aws_sdk_dynamodb::operation::list_tables::ListTablesInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::scan::ScanInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::operation::update_table::UpdateTableInput;
use aws_sdk_dynamodb::operation::update_time_to_live::UpdateTimeToLiveInput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, KeySchemaElement, KeyType,
    KeysAndAttributes, ProvisionedThroughput, Put, PutRequest, ReplicationGroupUpdate,
    ScalarAttributeType, StreamSpecification, StreamViewType, Tag, TimeToLiveSpecification,
    TransactWriteItem, WriteRequest,
};
use aws_smithy_runtime_api::client::interceptors::context::Input;
use serde_json::Value;

use crate::dynamodb::guard::{GuardedScope, check_request};
use crate::{Capsule, Tenant};

const ROLE: &str = "arn:aws:iam::123456789012:role/scoped";
const ARN: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/";

/// What IAM is asked for one request.
struct Request {
    what: &'static str,
    operation: &'static str,
    input: Input,
    /// Every action the request needs (a transaction needs each item's action; a table
    /// created with tags needs `TagResource` too).
    actions: &'static [&'static str],
    /// The table or index ARN, or `*` for account-level actions.
    resource: String,
    /// `dynamodb:LeadingKeys`: the partition key values the request names, absent if none.
    leading_keys: Option<Vec<String>>,
    expect: Expect,
}

/// How the guard and the policy decide a request.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// Both allow it.
    Allowed,
    /// Both reject it: AWS enforces what the guard checks.
    Denied,
    /// The guard rejects it; the policy cannot express the rule (a table's shape, the form of a
    /// key condition), so against code that bypasses the guard, AWS allows it.
    GuardOnly,
    /// The guard allows it; the role was declared with fewer tables than the scope's name
    /// pattern covers (`Capsule::with_role_arn`'s list), so AWS denies it.
    PolicyOnly,
}

fn pk(value: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".to_owned(), AttributeValue::S(value.to_owned()))])
}

fn item(
    what: &'static str,
    action: &'static str,
    table: &str,
    key: &str,
    expect: Expect,
) -> Request {
    let (operation, input) = match action {
        "dynamodb:GetItem" => (
            "GetItem",
            Input::erase(
                GetItemInput::builder()
                    .table_name(table)
                    .set_key(Some(pk(key)))
                    .build()
                    .unwrap(),
            ),
        ),
        "dynamodb:PutItem" => (
            "PutItem",
            Input::erase(
                PutItemInput::builder()
                    .table_name(table)
                    .set_item(Some(pk(key)))
                    .build()
                    .unwrap(),
            ),
        ),
        "dynamodb:UpdateItem" => (
            "UpdateItem",
            Input::erase(
                UpdateItemInput::builder()
                    .table_name(table)
                    .set_key(Some(pk(key)))
                    .update_expression("SET a = :a")
                    .build()
                    .unwrap(),
            ),
        ),
        "dynamodb:DeleteItem" => (
            "DeleteItem",
            Input::erase(
                DeleteItemInput::builder()
                    .table_name(table)
                    .set_key(Some(pk(key)))
                    .build()
                    .unwrap(),
            ),
        ),
        "dynamodb:BatchGetItem" => (
            "BatchGetItem",
            Input::erase(
                BatchGetItemInput::builder()
                    .request_items(
                        table,
                        KeysAndAttributes::builder().keys(pk(key)).build().unwrap(),
                    )
                    .build()
                    .unwrap(),
            ),
        ),
        "dynamodb:BatchWriteItem" => (
            "BatchWriteItem",
            Input::erase(
                BatchWriteItemInput::builder()
                    .request_items(
                        table,
                        vec![
                            WriteRequest::builder()
                                .put_request(
                                    PutRequest::builder()
                                        .set_item(Some(pk(key)))
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
        other => panic!("no sample for {other}"),
    };
    Request {
        what,
        operation,
        input,
        actions: match action {
            "dynamodb:GetItem" => &["dynamodb:GetItem"],
            "dynamodb:PutItem" => &["dynamodb:PutItem"],
            "dynamodb:UpdateItem" => &["dynamodb:UpdateItem"],
            "dynamodb:DeleteItem" => &["dynamodb:DeleteItem"],
            "dynamodb:BatchGetItem" => &["dynamodb:BatchGetItem"],
            _ => &["dynamodb:BatchWriteItem"],
        },
        resource: format!("{ARN}{table}"),
        leading_keys: Some(vec![key.to_owned()]),
        expect,
    }
}

fn transaction(table: &str, key: &str, expect: Expect) -> Request {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(pk(key)))
        .build()
        .unwrap();
    let check = ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(pk(key)))
        .condition_expression("attribute_exists(pk)")
        .build()
        .unwrap();
    Request {
        what: "a transaction: put and condition check",
        operation: "TransactWriteItems",
        input: Input::erase(
            TransactWriteItemsInput::builder()
                .transact_items(TransactWriteItem::builder().put(put).build())
                .transact_items(TransactWriteItem::builder().condition_check(check).build())
                .build()
                .unwrap(),
        ),
        actions: &["dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
        resource: format!("{ARN}{table}"),
        leading_keys: Some(vec![key.to_owned()]),
        expect,
    }
}

/// A query of `table` (or, with `index`, of that index) binding `attribute` to `value`.
/// `dynamodb:LeadingKeys` is `value`: for an index, the index's partition key value, the first
/// of the two readings the module docs of `policy` give (`index_queries_hold_either_way` checks
/// the second).
fn query(
    what: &'static str,
    table: &str,
    index: Option<&str>,
    attribute: &str,
    value: &str,
    expect: Expect,
) -> Request {
    let mut input = QueryInput::builder()
        .table_name(table)
        .key_condition_expression("#k = :v")
        .expression_attribute_names("#k", attribute)
        .expression_attribute_values(":v", AttributeValue::S(value.to_owned()));
    let mut resource = format!("{ARN}{table}");
    if let Some(index) = index {
        input = input.index_name(index);
        resource.push_str("/index/");
        resource.push_str(index);
    }
    Request {
        what,
        operation: "Query",
        input: Input::erase(input.build().unwrap()),
        actions: &["dynamodb:Query"],
        resource,
        leading_keys: Some(vec![value.to_owned()]),
        expect,
    }
}

/// Declares the tables `policy-indexed` of tenants and capsules with a sort key and the index
/// `by_email` (the registry is process-wide: no other test uses that base name).
fn declare_indexed_tables() {
    const BY_EMAIL: crate::dynamodb::schema::IndexSchema =
        crate::dynamodb::schema::IndexSchema::declared(
            "by_email",
            "pk_by_email",
            None,
            crate::dynamodb::schema::Projection::All,
            1,
        );
    for kind in [crate::ScopeKind::Tenant, crate::ScopeKind::Capsule] {
        crate::dynamodb::schema::declare(
            kind,
            "policy-indexed",
            crate::dynamodb::schema::TableSchema {
                key: crate::KeySchema::PartitionAndSort,
                indexes: &[BY_EMAIL],
            },
            "policy::tests::Indexed",
        )
        .unwrap();
    }
}

/// Declares the tables `policy-sorted` of tenants and capsules with a sort key (the
/// registry is process-wide: no other test uses that base name).
fn declare_sorted_tables() {
    for kind in [crate::ScopeKind::Tenant, crate::ScopeKind::Capsule] {
        crate::dynamodb::schema::declare(
            kind,
            "policy-sorted",
            crate::dynamodb::schema::TableSchema {
                key: crate::KeySchema::PartitionAndSort,
                indexes: &[],
            },
            "policy::tests::Sorted",
        )
        .unwrap();
    }
}

/// A query of `table`'s partition `value` with a sort-key range: `dynamodb:LeadingKeys` is
/// the partition key alone, whatever the sort-key condition.
fn sorted_query(what: &'static str, table: &str, value: &str, expect: Expect) -> Request {
    let input = QueryInput::builder()
        .table_name(table)
        .key_condition_expression("pk = :v AND sk BETWEEN :a AND :b")
        .expression_attribute_values(":v", AttributeValue::S(value.to_owned()))
        .expression_attribute_values(":a", AttributeValue::S("NOTE#1".to_owned()))
        .expression_attribute_values(":b", AttributeValue::S("NOTE#9".to_owned()))
        .build()
        .unwrap();
    Request {
        what,
        operation: "Query",
        input: Input::erase(input),
        actions: &["dynamodb:Query"],
        resource: format!("{ARN}{table}"),
        leading_keys: Some(vec![value.to_owned()]),
        expect,
    }
}

/// An update of item `pk`/`sk` in `table` that rewrites its `sk`: IAM sees an own leading
/// key; only the guard knows that key attributes must not change.
fn update_sort_key(table: &str, key: &str) -> Request {
    let mut item_key = pk(key);
    item_key.insert("sk".to_owned(), AttributeValue::S("NOTE#1".to_owned()));
    Request {
        what: "an update that rewrites sk",
        operation: "UpdateItem",
        input: Input::erase(
            UpdateItemInput::builder()
                .table_name(table)
                .set_key(Some(item_key))
                .update_expression("SET sk = :s")
                .expression_attribute_values(":s", AttributeValue::S("LEAD#x".to_owned()))
                .build()
                .unwrap(),
        ),
        actions: &["dynamodb:UpdateItem"],
        resource: format!("{ARN}{table}"),
        leading_keys: Some(vec![key.to_owned()]),
        expect: Expect::GuardOnly,
    }
}

fn scan(what: &'static str, table: &str, index: bool, expect: Expect) -> Request {
    let mut input = ScanInput::builder().table_name(table);
    let mut resource = format!("{ARN}{table}");
    if index {
        input = input.index_name("by-email");
        resource.push_str("/index/by-email");
    }
    Request {
        what,
        operation: "Scan",
        input: Input::erase(input.build().unwrap()),
        actions: &["dynamodb:Scan"],
        resource,
        leading_keys: None,
        expect,
    }
}

/// A table-level request without partition keys.
fn table_level<T>(
    what: &'static str,
    operation: &'static str,
    actions: &'static [&'static str],
    table: &str,
    input: T,
    expect: Expect,
) -> Request
where
    T: std::fmt::Debug + Send + Sync + 'static,
{
    Request {
        what,
        operation,
        input: Input::erase(input),
        actions,
        resource: format!("{ARN}{table}"),
        leading_keys: None,
        expect,
    }
}

/// `CreateTable` of `table` in `provision`'s shape, with `pk` of type `pk_type`, changed by
/// `extra`.
fn create(
    table: &str,
    pk_type: ScalarAttributeType,
    extra: impl FnOnce(
        aws_sdk_dynamodb::operation::create_table::builders::CreateTableInputBuilder,
    )
        -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableInputBuilder,
) -> CreateTableInput {
    let builder = CreateTableInput::builder()
        .table_name(table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(pk_type)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest);
    extra(builder).build().unwrap()
}

fn describe(table: &str) -> DescribeTableInput {
    DescribeTableInput::builder()
        .table_name(table)
        .build()
        .unwrap()
}

fn stream() -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()
        .unwrap()
}

/// Requests of every kind the guard knows, for a tenant `t1` with a role.
fn tenant_requests() -> Vec<Request> {
    use Expect::{Allowed, Denied, GuardOnly};
    declare_sorted_tables();
    declare_indexed_tables();
    let own = "TENANT#t1#NOTE#n1";
    let sibling = "TENANT#t10#NOTE#n1";
    let mut requests = vec![];
    for action in [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
    ] {
        requests.push(item("an own item", action, "t1_crm", own, Allowed));
        requests.push(item("the sibling's key", action, "t1_crm", sibling, Denied));
        requests.push(item(
            "the sibling's table",
            action,
            "t10_crm",
            sibling,
            Denied,
        ));
    }
    requests.extend([
        item(
            "a capsule table",
            "dynamodb:GetItem",
            "PRODUS_crm",
            own,
            Denied,
        ),
        transaction("t1_crm", own, Allowed),
        transaction("t1_crm", sibling, Denied),
        query("own partition", "t1_crm", None, "pk", own, Allowed),
        sorted_query(
            "a sort-key range of own partition",
            "t1_policy-sorted",
            own,
            Allowed,
        ),
        sorted_query(
            "a sort-key range of the sibling's partition",
            "t1_policy-sorted",
            sibling,
            Denied,
        ),
        update_sort_key("t1_policy-sorted", own),
        query(
            "the sibling's partition",
            "t1_crm",
            None,
            "pk",
            sibling,
            Denied,
        ),
        query(
            "own index by email",
            "t1_crm",
            Some("by-email"),
            "email",
            "a@b.c",
            Allowed,
        ),
        query(
            "own declared index",
            "t1_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            "TENANT#t1#NOTE#by_email#a@b.c",
            Allowed,
        ),
        query(
            "the sibling's index",
            "t10_crm",
            Some("by-email"),
            "email",
            "a@b.c",
            Denied,
        ),
        query(
            "the sibling's declared index, own index value",
            "t10_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            "TENANT#t1#NOTE#by_email#a@b.c",
            Denied,
        ),
        query(
            "a capsule table's index",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            "TENANT#t1#CAPSULE#caps-456#NOTE#by_email#a@b.c",
            Denied,
        ),
        scan("own table", "t1_crm", false, Allowed),
        scan("own index", "t1_crm", true, Allowed),
        scan("the sibling's table", "t10_crm", false, Denied),
        table_level(
            "provision",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "t1_crm",
            create("t1_crm", ScalarAttributeType::S, |b| b),
            Allowed,
        ),
        table_level(
            "an own table with a stream and provisioned capacity",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "t1_crm",
            create("t1_crm", ScalarAttributeType::S, |b| {
                b.stream_specification(stream())
                    .billing_mode(BillingMode::Provisioned)
                    .provisioned_throughput(
                        ProvisionedThroughput::builder()
                            .read_capacity_units(1)
                            .write_capacity_units(1)
                            .build()
                            .unwrap(),
                    )
            }),
            Allowed,
        ),
        table_level(
            "an own table keyed by a number",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "t1_crm",
            create("t1_crm", ScalarAttributeType::N, |b| b),
            GuardOnly,
        ),
        table_level(
            "an own table with tags",
            "CreateTable",
            &["dynamodb:CreateTable", "dynamodb:TagResource"],
            "t1_crm",
            create("t1_crm", ScalarAttributeType::S, |b| {
                b.tags(Tag::builder().key("tenant").value("t2").build().unwrap())
            }),
            Denied,
        ),
        table_level(
            "an own table with a resource policy",
            "CreateTable",
            &["dynamodb:CreateTable", "dynamodb:PutResourcePolicy"],
            "t1_crm",
            create("t1_crm", ScalarAttributeType::S, |b| {
                b.resource_policy("{}")
            }),
            Denied,
        ),
        table_level(
            "the sibling's table",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "t10_crm",
            create("t10_crm", ScalarAttributeType::S, |b| b),
            Denied,
        ),
        table_level(
            "own table",
            "DescribeTable",
            &["dynamodb:DescribeTable"],
            "t1_crm",
            describe("t1_crm"),
            Allowed,
        ),
        table_level(
            "own TTL",
            "DescribeTimeToLive",
            &["dynamodb:DescribeTimeToLive"],
            "t1_crm",
            DescribeTimeToLiveInput::builder()
                .table_name("t1_crm")
                .build()
                .unwrap(),
            Allowed,
        ),
        table_level(
            "the sibling's table",
            "DescribeTable",
            &["dynamodb:DescribeTable"],
            "t10_crm",
            describe("t10_crm"),
            Denied,
        ),
        table_level(
            "own table, on demand",
            "UpdateTable",
            &["dynamodb:UpdateTable"],
            "t1_crm",
            UpdateTableInput::builder()
                .table_name("t1_crm")
                .billing_mode(BillingMode::PayPerRequest)
                .build()
                .unwrap(),
            Allowed,
        ),
        table_level(
            "own table, a replica in another Region",
            "UpdateTable",
            &["dynamodb:UpdateTable", "dynamodb:CreateTableReplica"],
            "t1_crm",
            UpdateTableInput::builder()
                .table_name("t1_crm")
                .replica_updates(ReplicationGroupUpdate::builder().build())
                .build()
                .unwrap(),
            Denied,
        ),
        table_level(
            "own TTL",
            "UpdateTimeToLive",
            &["dynamodb:UpdateTimeToLive"],
            "t1_crm",
            UpdateTimeToLiveInput::builder()
                .table_name("t1_crm")
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .enabled(true)
                        .attribute_name("ttl")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
            Allowed,
        ),
        table_level(
            "own table",
            "DeleteTable",
            &["dynamodb:DeleteTable"],
            "t1_crm",
            DeleteTableInput::builder()
                .table_name("t1_crm")
                .build()
                .unwrap(),
            Allowed,
        ),
        table_level(
            "the sibling's table",
            "DeleteTable",
            &["dynamodb:DeleteTable"],
            "t10_crm",
            DeleteTableInput::builder()
                .table_name("t10_crm")
                .build()
                .unwrap(),
            Denied,
        ),
        Request {
            what: "every table name",
            operation: "ListTables",
            input: Input::erase(ListTablesInput::builder().build().unwrap()),
            actions: &["dynamodb:ListTables"],
            resource: "*".to_owned(),
            leading_keys: None,
            expect: Denied,
        },
        table_level(
            "a PartiQL select",
            "ExecuteStatement",
            &["dynamodb:PartiQLSelect"],
            "t1_crm",
            ExecuteStatementInput::builder()
                .statement("SELECT * FROM \"t1_crm\"")
                .build()
                .unwrap(),
            Denied,
        ),
    ]);
    requests
}

/// Requests of every kind the guard knows, for capsule `caps-456` of tenant `t1`, code
/// `PRODUS`, with a role listing tables `crm`, `policy-sorted` and `policy-indexed`.
fn capsule_requests() -> Vec<Request> {
    use Expect::{Allowed, Denied, GuardOnly, PolicyOnly};
    declare_sorted_tables();
    declare_indexed_tables();
    let own = "TENANT#t1#CAPSULE#caps-456#NOTE#n1";
    let other_tenant = "TENANT#t10#CAPSULE#caps-456#NOTE#n1";
    let sibling = "TENANT#t1#CAPSULE#caps-4567#NOTE#n1";
    let own_index = "TENANT#t1#CAPSULE#caps-456#NOTE#by_email#a@b.c";
    let other_tenant_index = "TENANT#t10#CAPSULE#caps-456#NOTE#by_email#a@b.c";
    let mut requests = vec![];
    for action in [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
    ] {
        requests.push(item("an own item", action, "PRODUS_crm", own, Allowed));
        requests.push(item(
            "another tenant's",
            action,
            "PRODUS_crm",
            other_tenant,
            Denied,
        ));
        requests.push(item(
            "the sibling capsule's",
            action,
            "PRODUS_crm",
            sibling,
            Denied,
        ));
        requests.push(item(
            "another code's table",
            action,
            "DEVUS_crm",
            own,
            Denied,
        ));
    }
    requests.extend([
        item(
            "an unlisted table",
            "dynamodb:GetItem",
            "PRODUS_billing",
            own,
            PolicyOnly,
        ),
        item("a tenant table", "dynamodb:GetItem", "t1_crm", own, Denied),
        transaction("PRODUS_crm", own, Allowed),
        transaction("PRODUS_crm", other_tenant, Denied),
        query("own partition", "PRODUS_crm", None, "pk", own, Allowed),
        query(
            "another tenant's partition",
            "PRODUS_crm",
            None,
            "pk",
            other_tenant,
            Denied,
        ),
        sorted_query(
            "a sort-key range of own partition",
            "PRODUS_policy-sorted",
            own,
            Allowed,
        ),
        sorted_query(
            "a sort-key range of another tenant's partition",
            "PRODUS_policy-sorted",
            other_tenant,
            Denied,
        ),
        update_sort_key("PRODUS_policy-sorted", own),
        query(
            "own partition through an index",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "pk",
            own,
            Allowed,
        ),
        query(
            "own index partition",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            own_index,
            Allowed,
        ),
        query(
            "another tenant's index partition",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            other_tenant_index,
            Denied,
        ),
        query(
            "the sibling capsule's index partition",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            "TENANT#t1#CAPSULE#caps-4567#NOTE#by_email#a@b.c",
            Denied,
        ),
        query(
            "an index of another code's table",
            "DEVUS_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            own_index,
            Denied,
        ),
        query(
            "an index of a tenant table",
            "t1_policy-indexed",
            Some("by_email"),
            "pk_by_email",
            own_index,
            Denied,
        ),
        query(
            "an index of an unlisted table",
            "PRODUS_billing",
            Some("by_email"),
            "pk_by_email",
            own_index,
            PolicyOnly,
        ),
        query(
            "the shared index by email",
            "PRODUS_policy-indexed",
            Some("by_email"),
            "email",
            "a@b.c",
            Denied,
        ),
        scan("the shared table", "PRODUS_crm", false, Denied),
        scan("the shared index", "PRODUS_crm", true, Denied),
        table_level(
            "provision",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "PRODUS_crm",
            create("PRODUS_crm", ScalarAttributeType::S, |b| b),
            Allowed,
        ),
        table_level(
            "a shared table keyed by a number",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "PRODUS_crm",
            create("PRODUS_crm", ScalarAttributeType::N, |b| b),
            GuardOnly,
        ),
        table_level(
            "a shared table with a stream",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "PRODUS_crm",
            create("PRODUS_crm", ScalarAttributeType::S, |b| {
                b.stream_specification(stream())
            }),
            GuardOnly,
        ),
        table_level(
            "a shared table with tags",
            "CreateTable",
            &["dynamodb:CreateTable", "dynamodb:TagResource"],
            "PRODUS_crm",
            create("PRODUS_crm", ScalarAttributeType::S, |b| {
                b.tags(Tag::builder().key("k").value("v").build().unwrap())
            }),
            Denied,
        ),
        table_level(
            "a shared table with a resource policy",
            "CreateTable",
            &["dynamodb:CreateTable", "dynamodb:PutResourcePolicy"],
            "PRODUS_crm",
            create("PRODUS_crm", ScalarAttributeType::S, |b| {
                b.resource_policy("{}")
            }),
            Denied,
        ),
        table_level(
            "another code's table",
            "CreateTable",
            &["dynamodb:CreateTable"],
            "DEVUS_crm",
            create("DEVUS_crm", ScalarAttributeType::S, |b| b),
            Denied,
        ),
        table_level(
            "the shared table",
            "DescribeTable",
            &["dynamodb:DescribeTable"],
            "PRODUS_crm",
            describe("PRODUS_crm"),
            Allowed,
        ),
        table_level(
            "the shared TTL",
            "DescribeTimeToLive",
            &["dynamodb:DescribeTimeToLive"],
            "PRODUS_crm",
            DescribeTimeToLiveInput::builder()
                .table_name("PRODUS_crm")
                .build()
                .unwrap(),
            Allowed,
        ),
        table_level(
            "another code's table",
            "DescribeTable",
            &["dynamodb:DescribeTable"],
            "DEVUS_crm",
            describe("DEVUS_crm"),
            Denied,
        ),
        table_level(
            "the shared table",
            "UpdateTable",
            &["dynamodb:UpdateTable"],
            "PRODUS_crm",
            UpdateTableInput::builder()
                .table_name("PRODUS_crm")
                .build()
                .unwrap(),
            Denied,
        ),
        table_level(
            "the shared table's TTL",
            "UpdateTimeToLive",
            &["dynamodb:UpdateTimeToLive"],
            "PRODUS_crm",
            UpdateTimeToLiveInput::builder()
                .table_name("PRODUS_crm")
                .build()
                .unwrap(),
            Denied,
        ),
        table_level(
            "the shared table",
            "DeleteTable",
            &["dynamodb:DeleteTable"],
            "PRODUS_crm",
            DeleteTableInput::builder()
                .table_name("PRODUS_crm")
                .build()
                .unwrap(),
            Denied,
        ),
    ]);
    requests
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(values) => values.iter().map(|v| v.as_str().unwrap()).collect(),
        other => panic!("not a string or list: {other}"),
    }
}

/// Whether `statement` allows `action` on `resource` for `leading_keys`. Panics on any element
/// or condition this evaluator does not model, so the generator cannot outgrow it silently.
fn statement_allows(
    statement: &Value,
    action: &str,
    resource: &str,
    leading_keys: Option<&[String]>,
) -> bool {
    let statement = statement.as_object().unwrap();
    for key in statement.keys() {
        assert!(
            ["Sid", "Effect", "Action", "Resource", "Condition"].contains(&key.as_str()),
            "the evaluator does not model {key}"
        );
    }
    assert_eq!(statement["Effect"], "Allow", "only Allow statements");
    let action_matches = strings(&statement["Action"])
        .iter()
        .any(|pattern| string_like(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase()));
    let resource_matches = strings(&statement["Resource"])
        .iter()
        .any(|pattern| string_like(pattern, resource));
    if !action_matches || !resource_matches {
        return false;
    }
    let Some(conditions) = statement.get("Condition") else {
        return true;
    };
    conditions
        .as_object()
        .unwrap()
        .iter()
        .all(|(operator, block)| {
            let block = block.as_object().unwrap();
            assert_eq!(block.len(), 1, "{block:?}");
            let patterns = strings(&block["dynamodb:LeadingKeys"]);
            match operator.as_str() {
                // Every value matches some pattern; vacuously true without values.
                "ForAllValues:StringLike" => leading_keys
                    .unwrap_or_default()
                    .iter()
                    .all(|key| patterns.iter().any(|pattern| string_like(pattern, key))),
                "Null" => match patterns[..] {
                    ["false"] => leading_keys.is_some(),
                    ["true"] => leading_keys.is_none(),
                    _ => panic!("Null takes true or false: {patterns:?}"),
                },
                other => panic!("the evaluator does not model {other}"),
            }
        })
}

/// Whether `policy` allows every action of `request`, and which statements allowed them.
fn policy_allows(policy: &Value, request: &Request) -> (bool, BTreeSet<String>) {
    let mut used = BTreeSet::new();
    let allowed = request.actions.iter().all(|action| {
        let mut any = false;
        for statement in policy["Statement"].as_array().unwrap() {
            if statement_allows(
                statement,
                action,
                &request.resource,
                request.leading_keys.as_deref(),
            ) {
                used.insert(format!("{} {action}", statement["Sid"].as_str().unwrap()));
                any = true;
            }
        }
        any
    });
    (allowed, used)
}

/// Runs every request through the guard and the policy and checks each expectation; returns
/// the (statement, action) pairs the allowed requests used.
fn agree<S: GuardedScope>(scope: &S, policy: &str, requests: &[Request]) {
    let policy: Value = serde_json::from_str(policy).unwrap();
    let mut used = BTreeSet::new();
    let mut failures = vec![];
    for request in requests {
        let guard = check_request(scope, &request.input, || request.operation);
        let (iam, statements) = policy_allows(&policy, request);
        let found = match (guard.is_ok(), iam) {
            (true, true) => Expect::Allowed,
            (false, false) => Expect::Denied,
            (false, true) => Expect::GuardOnly,
            (true, false) => Expect::PolicyOnly,
        };
        if found == Expect::Allowed {
            used.extend(statements);
        }
        if found != request.expect {
            failures.push(format!(
                "{} {}: expected {:?}, found {found:?} (guard: {guard:?})",
                request.operation, request.what, request.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Exactly what is needed: every DynamoDB action of every statement is what some allowed
    // request was granted by. (The other services' statements have their own agreement tests,
    // in src/iam/.)
    let granted: BTreeSet<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| {
            let sid = statement["Sid"].as_str().unwrap();
            strings(&statement["Action"])
                .into_iter()
                .filter(|action| action.starts_with("dynamodb:"))
                .map(move |action| format!("{sid} {action}"))
        })
        .collect();
    assert_eq!(
        granted, used,
        "the policy grants actions no request the guard allows needs (or misses some)"
    );
}

#[test]
fn tenant_policy_grants_what_the_guard_allows() {
    let tenant = Tenant::new("t1", "One")
        .unwrap()
        .with_role_arn(ROLE)
        .unwrap();
    agree(
        &tenant,
        tenant.session_policy().unwrap(),
        &tenant_requests(),
    );
}

#[test]
fn capsule_policy_grants_what_the_guard_allows() {
    let capsule = Capsule::new("t1", "caps-456", "PRODUS")
        .unwrap()
        .with_role_arn(ROLE, ["crm", "policy-sorted", "policy-indexed"])
        .unwrap();
    agree(
        &capsule,
        capsule.session_policy().unwrap(),
        &capsule_requests(),
    );
}

#[test]
fn the_evaluator_follows_iam() {
    assert!(string_like("TENANT#t1#*", "TENANT#t1#LEAD#x"));
    assert!(!string_like("TENANT#t1#*", "TENANT#t10#LEAD#x"));
    assert!(string_like(
        "arn:aws:dynamodb:*:1:table/t1_*",
        "arn:aws:dynamodb:us-east-1:1:table/t1_crm/index/by-email"
    ));
    let statement = serde_json::json!({
        "Sid": "S",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": ["arn:aws:dynamodb:*:1:table/t1_*"],
        "Condition": {
            "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["TENANT#t1#*"] },
            "Null": { "dynamodb:LeadingKeys": "false" },
        },
    });
    let table = "arn:aws:dynamodb:us-east-1:1:table/t1_crm";
    let own = ["TENANT#t1#X#1".to_owned()];
    let other = ["TENANT#t10#X#1".to_owned()];
    assert!(statement_allows(
        &statement,
        "dynamodb:GetItem",
        table,
        Some(&own)
    ));
    assert!(!statement_allows(
        &statement,
        "dynamodb:GetItem",
        table,
        Some(&other)
    ));
    assert!(!statement_allows(
        &statement,
        "dynamodb:GetItem",
        table,
        None
    ));
    assert!(!statement_allows(
        &statement,
        "dynamodb:Scan",
        table,
        Some(&own)
    ));
    assert!(!statement_allows(
        &statement,
        "dynamodb:GetItem",
        "arn:aws:dynamodb:us-east-1:1:table/t10_crm",
        Some(&own)
    ));
}

/// How IAM might read `dynamodb:LeadingKeys` for a query of a global secondary index (the
/// module docs of `policy` cite AWS's documentation, which does not settle it).
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// The queried index's partition key value: the value bound to `pk_{index}`.
    IndexPartition,
    /// The table's partition key `pk`, which a query of a global secondary index does not
    /// name: the key is absent.
    TablePartition,
}

/// Index queries through a session policy hold either way: under both readings of
/// `dynamodb:LeadingKeys`, an index of another scope's table and an index partition of another
/// tenant (or capsule) are denied. Under the second reading a capsule's own GSI queries are
/// denied too (closed, not open); a tenant's are granted by `OwnIndexes` without a condition.
#[test]
fn index_queries_hold_either_way() {
    declare_indexed_tables();
    let capsule = Capsule::new("t1", "caps-456", "PRODUS")
        .unwrap()
        .with_role_arn(ROLE, ["crm", "policy-sorted", "policy-indexed"])
        .unwrap();
    let tenant = Tenant::new("t1", "One")
        .unwrap()
        .with_role_arn(ROLE)
        .unwrap();
    let own_index = "TENANT#t1#CAPSULE#caps-456#NOTE#by_email#a@b.c";
    // (request, guard allows, policy allows under IndexPartition, under TablePartition)
    let capsule_cases = [
        (
            query(
                "own",
                "PRODUS_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                own_index,
                Expect::Allowed,
            ),
            true,
            true,
            false,
        ),
        (
            query(
                "the prefix-sibling tenant's",
                "PRODUS_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                "TENANT#t10#CAPSULE#caps-456#NOTE#by_email#a@b.c",
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
        (
            query(
                "the sibling capsule's",
                "PRODUS_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                "TENANT#t1#CAPSULE#caps-4567#NOTE#by_email#a@b.c",
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
        (
            query(
                "another code's table",
                "DEVUS_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                own_index,
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
        (
            query(
                "a plain attribute",
                "PRODUS_policy-indexed",
                Some("by_email"),
                "email",
                "a@b.c",
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
    ];
    let tenant_index = "TENANT#t1#NOTE#by_email#a@b.c";
    let tenant_cases = [
        (
            query(
                "own",
                "t1_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                tenant_index,
                Expect::Allowed,
            ),
            true,
            true,
            true,
        ),
        (
            query(
                "the prefix sibling's table",
                "t10_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                "TENANT#t10#NOTE#by_email#a@b.c",
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
        (
            query(
                "a capsule table",
                "PRODUS_policy-indexed",
                Some("by_email"),
                "pk_by_email",
                own_index,
                Expect::Denied,
            ),
            false,
            false,
            false,
        ),
    ];
    let capsule_policy: Value = serde_json::from_str(capsule.session_policy().unwrap()).unwrap();
    let tenant_policy: Value = serde_json::from_str(tenant.session_policy().unwrap()).unwrap();
    let mut failures = vec![];
    let mut decide = |who: &str, guard: bool, policy: &Value, case: (Request, bool, bool, bool)| {
        let (mut request, expect_guard, expect_index, expect_table) = case;
        if guard != expect_guard {
            failures.push(format!("{who}, {}: guard allows: {guard}", request.what));
        }
        for (reading, expected) in [
            (Reading::IndexPartition, expect_index),
            (Reading::TablePartition, expect_table),
        ] {
            if let Reading::TablePartition = reading {
                request.leading_keys = None;
            }
            let (allowed, _) = policy_allows(policy, &request);
            if allowed != expected {
                failures.push(format!(
                    "{who}, {}, {reading:?}: policy allows: {allowed}",
                    request.what
                ));
            }
        }
    };
    for case in capsule_cases {
        let guard = check_request(&capsule, &case.0.input, || "Query").is_ok();
        decide("capsule", guard, &capsule_policy, case);
    }
    for case in tenant_cases {
        let guard = check_request(&tenant, &case.0.input, || "Query").is_ok();
        decide("tenant", guard, &tenant_policy, case);
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
