//! The guard's decisions, operation by operation, without a network.

use aws_sdk_dynamodb::operation::batch_execute_statement::BatchExecuteStatementInput;
use aws_sdk_dynamodb::operation::create_table::builders::CreateTableInputBuilder;
use aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementInput;
use aws_sdk_dynamodb::operation::list_tables::ListTablesInput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ComparisonOperator, Condition,
    ConditionCheck, Delete, DeleteRequest, Get, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate,
    KeySchemaElement, KeyType, KeysAndAttributes, LocalSecondaryIndex, MultiRegionConsistency,
    OnDemandThroughput, Projection, ProjectionType, ProvisionedThroughput, Put, PutRequest,
    ReplicationGroupUpdate, ScalarAttributeType, SseSpecification, SseType, StreamSpecification,
    StreamViewType, TableClass, Tag, TimeToLiveSpecification, TransactGetItem, TransactWriteItem,
    Update, VectorIndexUpdate, WriteRequest,
};

use super::keys::Key;
use super::*;
use crate::{Capsule, Platform, Tenant};

mod indexes;
mod key_conditions;
mod sort_keys;

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
    T: std::fmt::Debug + Send + Sync + 'static,
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

fn attribute(name: &str, attribute_type: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(attribute_type)
        .build()
        .unwrap()
}

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .unwrap()
}

/// `CreateTable` of `table` exactly as `provision` sends it.
fn provision_shape(table: &str) -> CreateTableInputBuilder {
    CreateTableInput::builder()
        .table_name(table)
        .attribute_definitions(attribute(PK, ScalarAttributeType::S))
        .key_schema(key_element(PK, KeyType::Hash))
        .billing_mode(BillingMode::PayPerRequest)
}

type Change = fn(CreateTableInputBuilder) -> CreateTableInputBuilder;

/// Changes to `provision`'s `CreateTable` that break the table key, on any table.
const KEY_SQUATS: [(&str, Change); 7] = [
    ("pk and a second HASH ref", |b| {
        b.key_schema(key_element("ref", KeyType::Hash))
            .attribute_definitions(attribute("ref", ScalarAttributeType::S))
    }),
    ("pk typed N", |b| {
        b.set_attribute_definitions(Some(vec![attribute(PK, ScalarAttributeType::N)]))
    }),
    ("pk typed B", |b| {
        b.set_attribute_definitions(Some(vec![attribute(PK, ScalarAttributeType::B)]))
    }),
    ("pk defined twice", |b| {
        b.attribute_definitions(attribute(PK, ScalarAttributeType::N))
    }),
    ("pk not defined", |b| b.set_attribute_definitions(None)),
    ("no key schema", |b| b.set_key_schema(None)),
    ("pk as RANGE", |b| {
        b.set_key_schema(Some(vec![
            key_element("id", KeyType::Hash),
            key_element(PK, KeyType::Range),
        ]))
    }),
];

fn stream() -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()
        .unwrap()
}

fn throughput() -> ProvisionedThroughput {
    ProvisionedThroughput::builder()
        .read_capacity_units(1)
        .write_capacity_units(1)
        .build()
        .unwrap()
}

/// Changes to `provision`'s `CreateTable`: the field the guard must name on a shared table,
/// and whether a scope's own unshared table may have it (`None`) or not (`Some(field)`).
const SETTINGS: [(&str, Change, &str, Option<&str>); 14] = [
    (
        "a resource policy granting another account Scan",
        |b| {
            b.resource_policy(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"dynamodb:Scan","Resource":"*"}]}"#)
        },
        "ResourcePolicy",
        Some("ResourcePolicy"),
    ),
    (
        "a NEW_AND_OLD_IMAGES stream",
        |b| b.stream_specification(stream()),
        "StreamSpecification",
        None,
    ),
    (
        "a foreign KMS key",
        |b| {
            b.sse_specification(
                SseSpecification::builder()
                    .enabled(true)
                    .sse_type(SseType::Kms)
                    .kms_master_key_id("arn:aws:kms:us-east-1:999999999999:key/x")
                    .build(),
            )
        },
        "SSESpecification.KMSMasterKeyId",
        Some("SSESpecification.KMSMasterKeyId"),
    ),
    (
        "AWS-managed encryption",
        |b| b.sse_specification(SseSpecification::builder().enabled(true).build()),
        "SSESpecification",
        None,
    ),
    (
        "PROVISIONED 1/1",
        |b| {
            b.billing_mode(BillingMode::Provisioned)
                .provisioned_throughput(throughput())
        },
        "BillingMode",
        None,
    ),
    (
        "on-demand with provisioned throughput",
        |b| b.provisioned_throughput(throughput()),
        "ProvisionedThroughput",
        None,
    ),
    (
        "no billing mode",
        |b| b.set_billing_mode(None),
        "BillingMode",
        None,
    ),
    (
        "tags",
        |b| b.tags(Tag::builder().key("tenant").value("t2").build().unwrap()),
        "Tags",
        Some("Tags"),
    ),
    (
        "an LSI",
        |b| {
            b.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name("lsi")
                    .key_schema(key_element(PK, KeyType::Hash))
                    .key_schema(key_element("at", KeyType::Range))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::KeysOnly)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
        },
        "LocalSecondaryIndexes",
        None,
    ),
    (
        "an infrequent-access table class",
        |b| b.table_class(TableClass::StandardInfrequentAccess),
        "TableClass",
        None,
    ),
    (
        "deletion protection",
        |b| b.deletion_protection_enabled(true),
        "DeletionProtectionEnabled",
        None,
    ),
    (
        "an on-demand throughput cap",
        |b| {
            b.on_demand_throughput(
                OnDemandThroughput::builder()
                    .max_read_request_units(1)
                    .build(),
            )
        },
        "OnDemandThroughput",
        None,
    ),
    (
        "a global table replica",
        |b| b.global_table_source_arn("arn:aws:dynamodb:eu-west-1:999999999999:table/x"),
        "GlobalTableSourceArn",
        Some("GlobalTableSourceArn"),
    ),
    (
        "a field a newer SDK added",
        |b| b.set_vector_indexes(Some(vec![])),
        "VectorIndexes",
        Some("VectorIndexes"),
    ),
];

fn setting_field(violation: Result<(), IsolationViolation>) -> Option<String> {
    match violation {
        Err(IsolationViolation::TableSetting { field, .. }) => Some(field),
        Ok(()) => None,
        Err(other) => panic!("not a TableSetting violation: {other}"),
    }
}

#[test]
fn create_table_takes_exactly_the_table_key() {
    let tenant = Tenant::new("t1", "One").unwrap();
    check(&capsule(), provision_shape(OWN_TABLE).build().unwrap()).unwrap();
    check(&tenant, provision_shape("t1_crm").build().unwrap()).unwrap();
    check(&Platform::new(), provision_shape("events").build().unwrap()).unwrap();
    for (what, change) in KEY_SQUATS {
        for violation in [
            check(
                &capsule(),
                change(provision_shape(OWN_TABLE)).build().unwrap(),
            ),
            check(&tenant, change(provision_shape("t1_crm")).build().unwrap()),
        ] {
            match violation {
                Err(IsolationViolation::ForeignKeySchema { .. }) => {}
                other => panic!("{what}: {other:?}"),
            }
        }
    }
    let violation = check(
        &capsule(),
        KEY_SQUATS[0].1(provision_shape(OWN_TABLE)).build().unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        violation.contains("pk HASH S, ref HASH S") && violation.contains("exactly one HASH"),
        "{violation}"
    );
    assert!(check(&capsule(), provision_shape("DEVUS_crm").build().unwrap()).is_err());
}

#[test]
fn shared_tables_take_only_the_provision_shape() {
    for (what, change, shared_field, own_field) in SETTINGS {
        let shared = check(
            &capsule(),
            change(provision_shape(OWN_TABLE)).build().unwrap(),
        );
        assert_eq!(
            setting_field(shared).as_deref(),
            Some(shared_field),
            "capsule table, {what}"
        );
        let tenant = Tenant::new("t1", "One").unwrap();
        let own = check(&tenant, change(provision_shape("t1_crm")).build().unwrap());
        assert_eq!(
            setting_field(own).as_deref(),
            own_field,
            "tenant table, {what}"
        );
        let platform = check(
            &Platform::new(),
            change(provision_shape("events")).build().unwrap(),
        );
        assert_eq!(
            setting_field(platform).as_deref(),
            own_field,
            "platform table, {what}"
        );
    }
    let message = check(
        &capsule(),
        SETTINGS[0].1(provision_shape(OWN_TABLE)).build().unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.starts_with("CreateTable of table \"PRODUS_crm\" rejected: ResourcePolicy grants"),
        "{message}"
    );
}

#[test]
fn table_changes_are_allow_listed() {
    let tenant = Tenant::new("t1", "One").unwrap();
    let update = || UpdateTableInput::builder().table_name("t1_crm");
    for (what, input, field) in [
        ("nothing", update(), None),
        (
            "on demand",
            update().billing_mode(BillingMode::PayPerRequest),
            None,
        ),
        (
            "a new GSI",
            update()
                .attribute_definitions(attribute("email", ScalarAttributeType::S))
                .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().build()),
            None,
        ),
        ("a stream", update().stream_specification(stream()), None),
        (
            "deletion protection",
            update().deletion_protection_enabled(true),
            None,
        ),
        (
            "a replica in another Region",
            update().replica_updates(ReplicationGroupUpdate::builder().build()),
            Some("ReplicaUpdates"),
        ),
        (
            "multi-Region consistency",
            update().multi_region_consistency(MultiRegionConsistency::Strong),
            Some("MultiRegionConsistency"),
        ),
        (
            "a foreign KMS key",
            update().sse_specification(
                SseSpecification::builder()
                    .kms_master_key_id("arn:aws:kms:us-east-1:999999999999:key/x")
                    .build(),
            ),
            Some("SSESpecification.KMSMasterKeyId"),
        ),
        (
            "pk retyped",
            update().attribute_definitions(attribute(PK, ScalarAttributeType::N)),
            Some("AttributeDefinitions"),
        ),
        (
            "a field a newer SDK added",
            update().vector_index_updates(VectorIndexUpdate::builder().build()),
            Some("VectorIndexUpdates"),
        ),
    ] {
        let violation = check(&tenant, input.build().unwrap());
        assert_eq!(
            setting_field(violation).as_deref(),
            field,
            "UpdateTable, {what}"
        );
    }
    let replica = UpdateTableInput::builder()
        .table_name("t1_crm")
        .replica_updates(ReplicationGroupUpdate::builder().build())
        .build()
        .unwrap();
    let message = check(&tenant, replica).unwrap_err().to_string();
    assert!(
        message.starts_with("UpdateTable of table \"t1_crm\" rejected: ReplicaUpdates makes the table a global table"),
        "{message}"
    );
    // Never on a shared table, replicas included.
    let replica = UpdateTableInput::builder()
        .table_name(OWN_TABLE)
        .replica_updates(ReplicationGroupUpdate::builder().build())
        .build()
        .unwrap();
    assert!(matches!(
        check(&capsule(), replica),
        Err(IsolationViolation::SharedTableChange { .. })
    ));
    let ttl = UpdateTimeToLiveInput::builder()
        .table_name("t1_crm")
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("ttl")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    check(&tenant, ttl.clone()).unwrap();
    let mut shared_ttl = ttl;
    shared_ttl.table_name = Some(OWN_TABLE.to_owned());
    assert!(matches!(
        check(&capsule(), shared_ttl),
        Err(IsolationViolation::SharedTableChange { .. })
    ));
}

#[test]
fn leftover_names_the_field_as_the_api_does() {
    let mut rest = CreateTableInput::builder().build().unwrap();
    assert_eq!(table::leftover(&rest), None);
    rest.sse_specification = Some(SseSpecification::builder().build());
    assert_eq!(table::leftover(&rest).as_deref(), Some("SSESpecification"));
    rest.sse_specification = None;
    rest.tags = Some(vec![]);
    assert_eq!(table::leftover(&rest).as_deref(), Some("Tags"));
}

#[test]
fn unshared_tables_allow_index_queries_of_any_key() {
    let by_email = |table: &str| {
        QueryInput::builder()
            .table_name(table)
            .index_name("by-email")
            .key_condition_expression("email = :e")
            .expression_attribute_values(":e", AttributeValue::S("a@b.c".into()))
            .build()
            .unwrap()
    };
    let tenant = Tenant::new("t1", "One").unwrap();
    check(&tenant, by_email("t1_contacts")).unwrap();
    check(&Platform::new(), by_email("events")).unwrap();
    assert!(matches!(
        check(&tenant, by_email("t10_contacts")),
        Err(IsolationViolation::CrossTable { .. })
    ));
    // The base table still needs its partition key bound, and a shared table's index too.
    let mut base = by_email("t1_contacts");
    base.index_name = None;
    assert!(matches!(
        check(&tenant, base),
        Err(IsolationViolation::UnboundQuery { .. })
    ));
    // (A table no test declares: on a declared one, the undeclared index is refused first.)
    assert!(matches!(
        check(&capsule(), by_email("PRODUS_guard-idx-free")),
        Err(IsolationViolation::UnboundQuery { .. })
    ));
}
