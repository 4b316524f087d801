//! The guard's decisions, operation by operation, without a network.

use aws_sdk_dynamodb::operation::batch_execute_statement::BatchExecuteStatementInput;
use aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementInput;
use aws_sdk_dynamodb::operation::list_tables::ListTablesInput;
use aws_sdk_dynamodb::types::{
    Condition, ConditionCheck, Delete, DeleteRequest, Get, KeySchemaElement, KeysAndAttributes,
    Put, PutRequest, TransactGetItem, TransactWriteItem, Update, WriteRequest,
};

use super::*;
use crate::{Capsule, Platform, Tenant};

fn capsule() -> Capsule {
    Capsule::new("t1", "caps-456", "PRODUS").unwrap()
}

const OWN_KEY: &str = "TENANT#t1#CAPSULE#caps-456#LEAD#l1";
const OWN_TABLE: &str = "PRODUS_crm";

fn key(pk: &str) -> Key {
    HashMap::from([(PK.to_owned(), AttributeValue::S(pk.to_owned()))])
}

fn check<S: GuardedScope, T>(scope: &S, input: T) -> Result<(), IsolationViolation>
where
    T: fmt::Debug + Send + Sync + 'static,
{
    check_request(scope, &Input::erase(input), || "TheOperation")
}

fn get(table: &str, pk: &str) -> GetItemInput {
    GetItemInput::builder()
        .table_name(table)
        .set_key(Some(key(pk)))
        .build()
        .unwrap()
}

#[test]
fn item_operations_need_own_table_and_own_key() {
    let capsule = capsule();
    check(&capsule, get(OWN_TABLE, OWN_KEY)).unwrap();
    for (table, pk) in [
        ("DEVUS_crm", OWN_KEY),
        ("PRODUS", OWN_KEY),
        ("PRODUS_", OWN_KEY),
        ("PRODUSX_crm", OWN_KEY),
        ("PRODUS_crm_x", OWN_KEY),
        (
            "arn:aws:dynamodb:us-east-1:123456789012:table/PRODUS_crm",
            OWN_KEY,
        ),
        ("crm", OWN_KEY),
        ("t1_crm", OWN_KEY),
    ] {
        assert!(
            matches!(
                check(&capsule, get(table, pk)),
                Err(IsolationViolation::CrossTable { .. })
            ),
            "{table}"
        );
    }
    for pk in [
        "TENANT#t10#CAPSULE#caps-456#LEAD#l1",
        "TENANT#t1#CAPSULE#caps-4567#LEAD#l1",
        "TENANT#t1#LEAD#l1",
        "LEAD#l1",
        "TENANT#t1#CAPSULE#caps-456#LEAD#l1#",
        "TENANT#t1#CAPSULE#caps-456%23x#LEAD#l1",
    ] {
        assert!(check(&capsule, get(OWN_TABLE, pk)).is_err(), "{pk}");
    }
    let no_key = GetItemInput::builder()
        .table_name(OWN_TABLE)
        .build()
        .unwrap();
    assert!(matches!(
        check(&capsule, no_key),
        Err(IsolationViolation::MissingPartitionKey { .. })
    ));
    let number_key = GetItemInput::builder()
        .table_name(OWN_TABLE)
        .key(PK, AttributeValue::N("1".into()))
        .build()
        .unwrap();
    assert!(check(&capsule, number_key).is_err());

    let put = |pk: &str| {
        PutItemInput::builder()
            .table_name(OWN_TABLE)
            .set_item(Some(key(pk)))
            .build()
            .unwrap()
    };
    check(&capsule, put(OWN_KEY)).unwrap();
    assert!(matches!(
        check(&capsule, put("TENANT#t2#CAPSULE#caps-456#LEAD#l1")),
        Err(IsolationViolation::CrossTenant { .. })
    ));
    let delete = DeleteItemInput::builder()
        .table_name(OWN_TABLE)
        .set_key(Some(key("TENANT#t1#CAPSULE#caps-4567#LEAD#l1")))
        .build()
        .unwrap();
    assert!(matches!(
        check(&capsule, delete),
        Err(IsolationViolation::CrossCapsule { .. })
    ));
    let update = UpdateItemInput::builder()
        .table_name(OWN_TABLE)
        .set_key(Some(key(OWN_KEY)))
        .update_expression("SET a = :a")
        .build()
        .unwrap();
    check(&capsule, update).unwrap();
}

#[test]
fn tenant_and_platform_tables() {
    let tenant = Tenant::new("t1", "One").unwrap();
    check(&tenant, get("t1_crm", "TENANT#t1#LEAD#l1")).unwrap();
    for table in ["t10_crm", "t1", "crm", "PRODUS_crm", "t1_c"] {
        assert!(
            check(&tenant, get(table, "TENANT#t1#LEAD#l1")).is_err(),
            "{table}"
        );
    }
    let platform = Platform::new();
    check(&platform, get("events", "EVENT#e1")).unwrap();
    for table in ["t1_events", "PRODUS_events", "Events", "ev"] {
        assert!(check(&platform, get(table, "EVENT#e1")).is_err(), "{table}");
    }
    assert!(matches!(
        check(&platform, get("events", "TENANT#t1#EVENT#e1")),
        Err(IsolationViolation::WrongScope { .. })
    ));
}

fn query(expression: &str, value: AttributeValue) -> QueryInput {
    QueryInput::builder()
        .table_name(OWN_TABLE)
        .key_condition_expression(expression)
        .expression_attribute_names("#p", "pk")
        .expression_attribute_values(":v", value)
        .build()
        .unwrap()
}

#[test]
fn queries_bind_pk_to_an_own_key() {
    let capsule = capsule();
    check(
        &capsule,
        query("#p = :v", AttributeValue::S(OWN_KEY.into())),
    )
    .unwrap();
    check(
        &capsule,
        query("pk = :v", AttributeValue::S(OWN_KEY.into())),
    )
    .unwrap();
    assert!(matches!(
        check(
            &capsule,
            query(
                "#p = :v",
                AttributeValue::S("TENANT#t10#CAPSULE#caps-456#LEAD#l1".into())
            )
        ),
        Err(IsolationViolation::CrossTenant { .. })
    ));
    for expression in [
        "begins_with(#p, :v)",
        "#p > :v",
        "#p = :w",
        "sk = :v",
        "#p = :v OR #p = :v",
    ] {
        assert!(
            matches!(
                check(
                    &capsule,
                    query(expression, AttributeValue::S(OWN_KEY.into()))
                ),
                Err(IsolationViolation::UnboundQuery { .. })
            ),
            "{expression}"
        );
    }
    assert!(matches!(
        check(&capsule, query("#p = :v", AttributeValue::N("1".into()))),
        Err(IsolationViolation::UnboundQuery { .. })
    ));
    let unbound = QueryInput::builder().table_name(OWN_TABLE).build().unwrap();
    assert!(matches!(
        check(&capsule, unbound),
        Err(IsolationViolation::UnboundQuery { .. })
    ));
    // The legacy KeyConditions parameter.
    let legacy = |operator: ComparisonOperator, pk: &str| {
        QueryInput::builder()
            .table_name(OWN_TABLE)
            .key_conditions(
                PK,
                Condition::builder()
                    .comparison_operator(operator)
                    .attribute_value_list(AttributeValue::S(pk.into()))
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    };
    check(&capsule, legacy(ComparisonOperator::Eq, OWN_KEY)).unwrap();
    assert!(check(&capsule, legacy(ComparisonOperator::BeginsWith, "TENANT#")).is_err());
    assert!(
        check(
            &capsule,
            legacy(ComparisonOperator::Eq, "TENANT#t2#CAPSULE#caps-456#LEAD#l1")
        )
        .is_err()
    );
    // A start key from another partition.
    let foreign_start = QueryInput::builder()
        .table_name(OWN_TABLE)
        .key_condition_expression("pk = :v")
        .expression_attribute_values(":v", AttributeValue::S(OWN_KEY.into()))
        .set_exclusive_start_key(Some(key("TENANT#t2#CAPSULE#caps-456#LEAD#l1")))
        .build()
        .unwrap();
    assert!(check(&capsule, foreign_start).is_err());
}

#[test]
fn scans_only_of_unshared_tables() {
    let scan = |table: &str| ScanInput::builder().table_name(table).build().unwrap();
    assert!(matches!(
        check(&capsule(), scan(OWN_TABLE)),
        Err(IsolationViolation::SharedTableScan { .. })
    ));
    let tenant = Tenant::new("t1", "One").unwrap();
    check(&tenant, scan("t1_crm")).unwrap();
    assert!(matches!(
        check(&tenant, scan("t10_crm")),
        Err(IsolationViolation::CrossTable { .. })
    ));
    check(&Platform::new(), scan("events")).unwrap();
}

#[test]
fn batches_check_every_table_and_key() {
    let capsule = capsule();
    let batch_get = |table: &str, keys: &[&str]| {
        let mut request = KeysAndAttributes::builder();
        for pk in keys {
            request = request.keys(key(pk));
        }
        BatchGetItemInput::builder()
            .request_items(
                OWN_TABLE,
                KeysAndAttributes::builder()
                    .keys(key(OWN_KEY))
                    .build()
                    .unwrap(),
            )
            .request_items(table, request.build().unwrap())
            .build()
            .unwrap()
    };
    check(&capsule, batch_get(OWN_TABLE, &[OWN_KEY])).unwrap();
    assert!(check(&capsule, batch_get("DEVUS_crm", &[OWN_KEY])).is_err());
    assert!(
        check(
            &capsule,
            batch_get(
                "PRODUS_other",
                &[OWN_KEY, "TENANT#t10#CAPSULE#caps-456#LEAD#l1"]
            )
        )
        .is_err()
    );

    let put = |pk: &str| {
        WriteRequest::builder()
            .put_request(
                PutRequest::builder()
                    .set_item(Some(key(pk)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let delete = |pk: &str| {
        WriteRequest::builder()
            .delete_request(
                DeleteRequest::builder()
                    .set_key(Some(key(pk)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let write = |writes: Vec<WriteRequest>| {
        BatchWriteItemInput::builder()
            .request_items(OWN_TABLE, writes)
            .build()
            .unwrap()
    };
    check(&capsule, write(vec![put(OWN_KEY), delete(OWN_KEY)])).unwrap();
    assert!(check(&capsule, write(vec![put(OWN_KEY), delete("TENANT#t1#X#1")])).is_err());
    assert!(check(&capsule, write(vec![WriteRequest::builder().build()])).is_err());
}

#[test]
fn transactions_check_every_item() {
    let capsule = capsule();
    let foreign = "TENANT#t2#CAPSULE#caps-456#LEAD#l1";
    let items = |pk: &str, table: &str| {
        vec![
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(OWN_TABLE)
                        .set_item(Some(key(OWN_KEY)))
                        .build()
                        .unwrap(),
                )
                .build(),
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(table)
                        .set_key(Some(key(pk)))
                        .condition_expression("attribute_exists(pk)")
                        .build()
                        .unwrap(),
                )
                .build(),
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(table)
                        .set_key(Some(key(pk)))
                        .build()
                        .unwrap(),
                )
                .build(),
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(table)
                        .set_key(Some(key(pk)))
                        .update_expression("SET a = :a")
                        .build()
                        .unwrap(),
                )
                .build(),
        ]
    };
    let write = |items: Vec<TransactWriteItem>| {
        TransactWriteItemsInput::builder()
            .set_transact_items(Some(items))
            .build()
            .unwrap()
    };
    check(&capsule, write(items(OWN_KEY, OWN_TABLE))).unwrap();
    assert!(check(&capsule, write(items(foreign, OWN_TABLE))).is_err());
    assert!(check(&capsule, write(items(OWN_KEY, "DEVUS_crm"))).is_err());
    // Each kind of write on its own.
    for item in items(foreign, OWN_TABLE).into_iter().skip(1) {
        assert!(check(&capsule, write(vec![item])).is_err());
    }
    assert!(check(&capsule, write(vec![TransactWriteItem::builder().build()])).is_err());

    let get = |pk: &str| {
        TransactGetItemsInput::builder()
            .transact_items(
                TransactGetItem::builder()
                    .get(
                        Get::builder()
                            .table_name(OWN_TABLE)
                            .set_key(Some(key(pk)))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
            .unwrap()
    };
    check(&capsule, get(OWN_KEY)).unwrap();
    assert!(check(&capsule, get(foreign)).is_err());
}

#[test]
fn table_operations() {
    let capsule = capsule();
    let tenant = Tenant::new("t1", "One").unwrap();
    let describe = |table: &str| {
        DescribeTableInput::builder()
            .table_name(table)
            .build()
            .unwrap()
    };
    check(&capsule, describe(OWN_TABLE)).unwrap();
    assert!(check(&capsule, describe("DEVUS_crm")).is_err());
    let delete = |table: &str| {
        DeleteTableInput::builder()
            .table_name(table)
            .build()
            .unwrap()
    };
    assert!(matches!(
        check(&capsule, delete(OWN_TABLE)),
        Err(IsolationViolation::SharedTableChange { .. })
    ));
    check(&tenant, delete("t1_crm")).unwrap();
    assert!(matches!(
        check(&tenant, delete("t10_crm")),
        Err(IsolationViolation::CrossTable { .. })
    ));
    let update = |table: &str| {
        UpdateTableInput::builder()
            .table_name(table)
            .build()
            .unwrap()
    };
    assert!(check(&capsule, update(OWN_TABLE)).is_err());
    check(&tenant, update("t1_crm")).unwrap();

    let create = |table: &str, hash: &str| {
        CreateTableInput::builder()
            .table_name(table)
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(hash)
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    };
    check(&capsule, create(OWN_TABLE, PK)).unwrap();
    assert!(matches!(
        check(&capsule, create(OWN_TABLE, "id")),
        Err(IsolationViolation::ForeignKeySchema { .. })
    ));
    assert!(check(&capsule, create("DEVUS_crm", PK)).is_err());
}

#[test]
fn unknown_operations_and_partiql_are_denied() {
    let capsule = capsule();
    let statement = ExecuteStatementInput::builder()
        .statement("SELECT * FROM \"PRODUS_crm\"")
        .build()
        .unwrap();
    let violation = check_request(&capsule, &Input::erase(statement), || "ExecuteStatement");
    assert!(
        matches!(&violation, Err(IsolationViolation::UnsupportedOperation { reason, .. }) if reason.contains("PartiQL")),
        "{violation:?}"
    );
    let batch = BatchExecuteStatementInput::builder().build().unwrap();
    assert!(check_request(&capsule, &Input::erase(batch), || "BatchExecuteStatement").is_err());
    let list = ListTablesInput::builder().build().unwrap();
    let violation = check_request(&capsule, &Input::erase(list), || "ListTables").unwrap_err();
    assert!(
        violation
            .to_string()
            .starts_with("ListTables is not allowed"),
        "{violation}"
    );
}
