//! Isolation of the request kinds beyond single items (see `isolation.rs` for the matrix):
//! scans of shared tables, unbound queries, transactions and batches mixing scopes, PartiQL,
//! table administration, and role-signed clients. Each rejected attempt must fail with an
//! `IsolationViolation` and add no DynamoDB request at the HTTP tap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck,
    CreateReplicationGroupMemberAction, Get, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    KeysAndAttributes, ParameterizedStatement, Projection, ProjectionType, ProvisionedThroughput,
    Put, PutRequest, ReplicationGroupUpdate, ScalarAttributeType, SseSpecification, SseType,
    StreamSpecification, StreamViewType, Tag, TransactGetItem, TransactWriteItem, WriteRequest,
};
use scoped_runtime::{IsolationViolation, Platform, Scope, Tenant};
use scoped_tests::assert_rejected;
use scoped_tests::entities::TenantNote;
use scoped_tests::world::{note, world};
use scoped_tests::{PK, table_names, unscoped};

#[tokio::test]
async fn scans_of_shared_tables_are_rejected() {
    let world = world().await;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let attempt = produs.raw().scan().table_name("PRODUS_iso").send();
    assert_rejected!(
        world,
        "scan of the shared capsule table",
        attempt,
        IsolationViolation::SharedTableScan { .. }
    );
    let attempt = produs
        .raw()
        .scan()
        .table_name("PRODUS_iso")
        .segment(0)
        .total_segments(4)
        .send();
    assert_rejected!(
        world,
        "parallel scan of the shared table",
        attempt,
        IsolationViolation::SharedTableScan { .. }
    );
    let attempt = produs
        .raw()
        .scan()
        .table_name("PRODUS_iso")
        .index_name("by-body")
        .send();
    assert_rejected!(
        world,
        "scan of an index of the shared table",
        attempt,
        IsolationViolation::SharedTableScan { .. }
    );
    // A tenant's own table holds only its items: scanning it is allowed, and the prefix
    // sibling's is not.
    let [t1, t10] = &world.tenants;
    let t1_client = world.factory.tenant_dynamodb(t1);
    let notes = t1_client.items::<TenantNote>();
    notes
        .put(&TenantNote {
            note_id: "n1".into(),
            body: "one".into(),
        })
        .await
        .unwrap();
    let own_table = notes.table().to_string();
    let scanned = t1_client
        .raw()
        .scan()
        .table_name(&own_table)
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.count(), 1);
    let attempt = t1_client
        .raw()
        .scan()
        .table_name(format!("{}_iso", t10.id()))
        .send();
    assert_rejected!(
        world,
        "scan of the prefix sibling's table",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
}

#[tokio::test]
async fn queries_not_bound_to_an_own_key_are_rejected() {
    let world = world().await;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let own = world.capsule_note_key(0, "n1");
    let t10_key = world.capsule_note_key(2, "n1");
    let query = |expression: &str, value: &str| {
        produs
            .raw()
            .query()
            .table_name("PRODUS_iso")
            .key_condition_expression(expression)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":v", AttributeValue::S(value.to_owned()))
            .send()
    };
    // Bound to an own key: allowed and sent.
    let before = world.tap.dynamodb_requests();
    assert_eq!(query("#pk = :v", &own).await.unwrap().count(), 0);
    assert_eq!(world.tap.dynamodb_requests(), before + 1);

    for (what, expression, value) in [
        (
            "every tenant's partition by prefix",
            "begins_with(#pk, :v)",
            "TENANT#",
        ),
        (
            "the prefix sibling's partition",
            "#pk = :v",
            t10_key.as_str(),
        ),
        ("a range of partitions", "#pk > :v", "TENANT#"),
        ("an OR", "#pk = :v OR #pk = :v", own.as_str()),
        ("no partition key", "sk = :v", own.as_str()),
    ] {
        assert_rejected!(
            world,
            what,
            query(expression, value),
            IsolationViolation::UnboundQuery { .. } | IsolationViolation::CrossTenant { .. }
        );
    }
    let attempt = produs.raw().query().table_name("PRODUS_iso").send();
    assert_rejected!(
        world,
        "no key condition",
        attempt,
        IsolationViolation::UnboundQuery { .. }
    );
}

#[tokio::test]
async fn transactions_mixing_scopes_are_rejected() {
    let world = world().await;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let own = world.capsule_note_key(0, "n1");
    let sibling = world.capsule_note_key(2, "n1");
    let put = |table: &str, key: &str| {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(note(key)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let attempt = produs
        .raw()
        .transact_write_items()
        .transact_items(put("PRODUS_iso", &own))
        .transact_items(put("PRODUS_iso", &sibling))
        .send();
    assert_rejected!(
        world,
        "transaction with another tenant's item",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let check = TransactWriteItem::builder()
        .condition_check(
            ConditionCheck::builder()
                .table_name("DEVUS_iso")
                .key(PK, AttributeValue::S(own.clone()))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .unwrap(),
        )
        .build();
    let attempt = produs
        .raw()
        .transact_write_items()
        .transact_items(put("PRODUS_iso", &own))
        .transact_items(check)
        .send();
    assert_rejected!(
        world,
        "transaction with another table's condition check",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    let get = |key: &str| {
        TransactGetItem::builder()
            .get(
                Get::builder()
                    .table_name("PRODUS_iso")
                    .key(PK, AttributeValue::S(key.to_owned()))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let attempt = produs
        .raw()
        .transact_get_items()
        .transact_items(get(&own))
        .transact_items(get(&sibling))
        .send();
    assert_rejected!(
        world,
        "read transaction with another tenant's item",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    // Not even the own item was written: the whole request was stopped.
    assert!(world.stored_items().await.is_empty());
}

#[tokio::test]
async fn batches_mixing_scopes_are_rejected() {
    let world = world().await;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let own = world.capsule_note_key(0, "n1");
    let sibling = world.capsule_note_key(1, "n1");
    let write = |key: &str| {
        WriteRequest::builder()
            .put_request(
                PutRequest::builder()
                    .set_item(Some(note(key)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let attempt = produs
        .raw()
        .batch_write_item()
        .request_items("PRODUS_iso", vec![write(&own), write(&sibling)])
        .send();
    assert_rejected!(
        world,
        "batch write with the sibling capsule's key",
        attempt,
        IsolationViolation::CrossCapsule { .. }
    );
    let attempt = produs
        .raw()
        .batch_write_item()
        .request_items("PRODUS_iso", vec![write(&own)])
        .request_items("DEVUS_iso", vec![write(&own)])
        .send();
    assert_rejected!(
        world,
        "batch write to two codes' tables",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    let keys = |keys: &[&str]| {
        let mut request = KeysAndAttributes::builder();
        for key in keys {
            request = request.keys(HashMap::from([(
                PK.to_owned(),
                AttributeValue::S((*key).to_owned()),
            )]));
        }
        request.build().unwrap()
    };
    let attempt = produs
        .raw()
        .batch_get_item()
        .request_items("PRODUS_iso", keys(&[&own, &sibling]))
        .send();
    assert_rejected!(
        world,
        "batch get with the sibling capsule's key",
        attempt,
        IsolationViolation::CrossCapsule { .. }
    );
    assert!(world.stored_items().await.is_empty());
}

#[tokio::test]
async fn partiql_is_rejected() {
    let world = world().await;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    for statement in [
        r#"SELECT * FROM "DEVUS_iso""#,
        r#"SELECT * FROM "PRODUS_iso""#,
    ] {
        let attempt = produs.raw().execute_statement().statement(statement).send();
        assert_rejected!(
            world,
            statement,
            attempt,
            IsolationViolation::UnsupportedOperation { operation, .. }
                if operation == "ExecuteStatement"
        );
    }
    let insert = ParameterizedStatement::builder()
        .statement(r#"INSERT INTO "DEVUS_iso" VALUE {'pk': 'x'}"#)
        .build()
        .unwrap();
    let attempt = produs
        .raw()
        .execute_transaction()
        .transact_statements(insert)
        .send();
    assert_rejected!(
        world,
        "ExecuteTransaction",
        attempt,
        IsolationViolation::UnsupportedOperation { .. }
    );
    let attempt = produs.raw().batch_execute_statement().send();
    assert_rejected!(
        world,
        "BatchExecuteStatement",
        attempt,
        IsolationViolation::UnsupportedOperation { .. }
    );
}

#[tokio::test]
async fn table_administration_outside_the_scope_is_rejected() {
    let world = world().await;
    let [t1, t10] = &world.tenants;
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    let t1_client = world.factory.tenant_dynamodb(t1);
    let t10_table = format!("{}_iso", t10.id());

    let attempt = produs.raw().describe_table().table_name("DEVUS_iso").send();
    assert_rejected!(
        world,
        "describe another code's table",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    let attempt = t1_client.raw().delete_table().table_name(&t10_table).send();
    assert_rejected!(
        world,
        "delete the prefix sibling's table",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    let attempt = produs.raw().delete_table().table_name("PRODUS_iso").send();
    assert_rejected!(
        world,
        "delete the shared table",
        attempt,
        IsolationViolation::SharedTableChange { .. }
    );
    let attempt = produs.raw().update_table().table_name("PRODUS_iso").send();
    assert_rejected!(
        world,
        "update the shared table",
        attempt,
        IsolationViolation::SharedTableChange { .. }
    );
    let attempt = produs.raw().list_tables().send();
    assert_rejected!(
        world,
        "list every scope's tables",
        attempt,
        IsolationViolation::UnsupportedOperation { .. }
    );
    let attempt = produs
        .raw()
        .create_backup()
        .table_name("PRODUS_iso")
        .backup_name("b")
        .send();
    assert_rejected!(
        world,
        "back up the shared table",
        attempt,
        IsolationViolation::UnsupportedOperation { .. }
    );
    let attempt = t1_client
        .raw()
        .create_table()
        .table_name(format!("{}_other", t1.id()))
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send();
    assert_rejected!(
        world,
        "create a table keyed by another attribute",
        attempt,
        IsolationViolation::ForeignKeySchema { .. }
    );

    // Its own describe works; a tenant may delete its own (unshared) table.
    produs
        .raw()
        .describe_table()
        .table_name("PRODUS_iso")
        .send()
        .await
        .unwrap();
    let scratch = t1_client.provision_table("scratch").await.unwrap();
    t1_client
        .raw()
        .delete_table()
        .table_name(scratch.as_str())
        .send()
        .await
        .unwrap();
    // And the prefix sibling's table is still there.
    unscoped(&world.factory)
        .describe_table()
        .table_name(&t10_table)
        .send()
        .await
        .unwrap();
}

/// A tenant with a role signs with the role's credentials; the guard stops a request before
/// it is signed, so a rejected request costs neither a DynamoDB nor an STS call.
#[tokio::test]
async fn role_signed_clients_carry_the_guard() {
    scoped_tests::needs!(Accounts);
    let world = world().await;
    let run = &world.run;
    let tenant = Tenant::new(format!("role-{run}"), "Role")
        .unwrap()
        .with_role_arn(format!("arn:aws:iam::111111111111:role/role-{run}"))
        .unwrap();
    let client = world.factory.tenant_dynamodb(&tenant);
    let key = client.key::<TenantNote>("n1").unwrap().into_string();
    let attempt = client
        .raw()
        .get_item()
        .table_name("PRODUS_iso")
        .key(PK, AttributeValue::S(key))
        .send();
    assert_rejected!(
        world,
        "role client to a capsule table",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    assert_eq!(world.tap.assume_role_calls(), 0);
    // Its own operations go through, signed as the role (its table lives in the role's account).
    let notes = client.items::<TenantNote>().consistent_reads();
    notes.provision().await.unwrap();
    notes
        .put(&TenantNote {
            note_id: "n1".into(),
            body: "role".into(),
        })
        .await
        .unwrap();
    assert_eq!(notes.get("n1").await.unwrap().unwrap().body, "role");
    assert_eq!(world.tap.assume_role_calls(), 1);
    assert!(
        !table_names(&unscoped(&world.factory))
            .await
            .contains(&notes.table().to_string())
    );
}

/// Scopes the guard checks are the same values typed code uses: a smoke check that the
/// platform scope's own raw requests pass.
#[tokio::test]
async fn own_raw_requests_pass_the_guard() {
    let world = world().await;
    let platform = world.factory.platform_dynamodb();
    let key = Platform::new()
        .partition_key(
            &scoped_runtime::EntityTag::from_static("NOTE"),
            &[&world.note_id],
        )
        .unwrap();
    platform
        .raw()
        .put_item()
        .table_name("iso")
        .set_item(Some(note(&key)))
        .send()
        .await
        .unwrap();
    let scanned = platform
        .raw()
        .scan()
        .table_name("iso")
        .send()
        .await
        .unwrap();
    assert!(scanned.count() >= 1);
    assert_eq!(
        world.stored_items().await,
        BTreeSet::from([("iso".to_owned(), key)])
    );
}

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .unwrap()
}

fn attribute(name: &str, attribute_type: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(attribute_type)
        .build()
        .unwrap()
}

/// One capsule tries to create a table its code shares with every tenant in a shape that
/// would reach or lock out the others; each attempt is rejected before it is sent, and another
/// tenant's `provision` of the same table still works afterwards.
#[tokio::test]
async fn shared_tables_are_created_only_in_the_provision_shape() {
    let world = world().await;
    let attacker = world.factory.capsule_dynamodb(&world.capsules[0]);
    let victim = world.factory.capsule_dynamodb(&world.capsules[2]);
    let base = format!("shared-{}", world.run);
    // Declared without a sort key: an undeclared table may be created with either canonical
    // key, and `pk` + `RANGE sk` is one of them.
    scoped_runtime::__private::declare_table(
        scoped_runtime::ScopeKind::Capsule,
        &base,
        scoped_runtime::KeySchema::Partition,
        "isolation_requests::Shared",
    )
    .unwrap();
    let table = attacker.table_name(&base).unwrap().to_string();
    let create = || {
        attacker
            .raw()
            .create_table()
            .table_name(&table)
            .attribute_definitions(attribute(PK, ScalarAttributeType::S))
            .key_schema(key_element(PK, KeyType::Hash))
            .billing_mode(BillingMode::PayPerRequest)
    };
    let throughput = ProvisionedThroughput::builder()
        .read_capacity_units(1)
        .write_capacity_units(1)
        .build()
        .unwrap();
    let squats = [
        (
            "[HASH pk, HASH ref]: moto keys the table by ref",
            create()
                .key_schema(key_element("ref", KeyType::Hash))
                .attribute_definitions(attribute("ref", ScalarAttributeType::S)),
        ),
        (
            "pk and RANGE sk",
            create()
                .key_schema(key_element("sk", KeyType::Range))
                .attribute_definitions(attribute("sk", ScalarAttributeType::S)),
        ),
        (
            "pk typed N",
            create().set_attribute_definitions(Some(vec![attribute(PK, ScalarAttributeType::N)])),
        ),
        (
            "pk typed B",
            create().set_attribute_definitions(Some(vec![attribute(PK, ScalarAttributeType::B)])),
        ),
    ];
    for (what, attempt) in squats {
        assert_rejected!(
            world,
            what,
            attempt.send(),
            IsolationViolation::ForeignKeySchema { .. }
        );
    }
    let settings = [
        (
            "a resource policy granting another account Scan",
            create().resource_policy(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"dynamodb:Scan","Resource":"*"}]}"#,
            ),
            "ResourcePolicy",
        ),
        (
            "a NEW_AND_OLD_IMAGES stream",
            create().stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .unwrap(),
            ),
            "StreamSpecification",
        ),
        (
            "a foreign KMS key",
            create().sse_specification(
                SseSpecification::builder()
                    .enabled(true)
                    .sse_type(SseType::Kms)
                    .kms_master_key_id("arn:aws:kms:us-east-1:999999999999:key/foreign")
                    .build(),
            ),
            "SSESpecification.KMSMasterKeyId",
        ),
        (
            "PROVISIONED 1/1",
            create()
                .billing_mode(BillingMode::Provisioned)
                .provisioned_throughput(throughput),
            "BillingMode",
        ),
        (
            "tags",
            create().tags(Tag::builder().key("owner").value("t1").build().unwrap()),
            "Tags",
        ),
    ];
    for (what, attempt, field) in settings {
        assert_rejected!(
            world,
            what,
            attempt.send(),
            IsolationViolation::TableSetting { field: found, .. } if found == field
        );
    }
    // Nothing was created, and the other tenant's provision makes the table as scoped tables are.
    let absent = unscoped(&world.factory)
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap_err();
    assert!(
        absent
            .as_service_error()
            .is_some_and(|err| err.is_resource_not_found_exception()),
        "{absent:?}"
    );
    victim.provision_table(&base).await.unwrap();
    attacker.provision_table(&base).await.unwrap();
}

/// Global tables replicate a table's items to other Regions: never from a scoped client, not
/// even on a tenant's own table.
#[tokio::test]
async fn replica_updates_are_rejected_on_own_tables() {
    let world = world().await;
    let t1_client = world.factory.tenant_dynamodb(&world.tenants[0]);
    let own_table = t1_client.table::<TenantNote>().to_string();
    let replica = ReplicationGroupUpdate::builder()
        .create(
            CreateReplicationGroupMemberAction::builder()
                .region_name("eu-west-1")
                .build()
                .unwrap(),
        )
        .build();
    let attempt = t1_client
        .raw()
        .update_table()
        .table_name(&own_table)
        .replica_updates(replica)
        .send();
    assert_rejected!(
        world,
        "a replica of the tenant's own table in another Region",
        attempt,
        IsolationViolation::TableSetting { field, .. } if field == "ReplicaUpdates"
    );
}

/// A tenant's own table holds only its items, so a query of one of its indexes by any key is
/// allowed, like a scan with the same filter; the sibling tenant's index is not.
#[tokio::test]
async fn tenants_query_their_own_indexes_by_any_key() {
    let world = world().await;
    let [t1, t10] = &world.tenants;
    let t1_client = world.factory.tenant_dynamodb(t1);
    let table = t1_client.table_name("contacts").unwrap().to_string();
    let create = |partition: &str| {
        t1_client
            .raw()
            .create_table()
            .table_name(&table)
            .attribute_definitions(attribute(PK, ScalarAttributeType::S))
            .attribute_definitions(attribute(partition, ScalarAttributeType::S))
            .key_schema(key_element(PK, KeyType::Hash))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("by_email")
                    .key_schema(key_element(partition, KeyType::Hash))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
    };
    // Every index is keyed by the convention (`pk_{index}`), in every scope.
    assert_rejected!(
        world,
        "an index keyed by a plain attribute",
        create("email"),
        IsolationViolation::IndexSchema { .. }
    );
    create("pk_by_email").await.unwrap();
    let key = world.tenant_note_key(0, "c1");
    let email = format!("{}#a@example.com", world.tenant_note_key(0, "by_email"));
    t1_client
        .raw()
        .put_item()
        .table_name(&table)
        .item(PK, AttributeValue::S(key.clone()))
        .item("pk_by_email", AttributeValue::S(email.clone()))
        .send()
        .await
        .unwrap();
    let by_email = |client: &aws_sdk_dynamodb::Client, table: &str, value: &str| {
        client
            .query()
            .table_name(table)
            .index_name("by_email")
            .key_condition_expression("pk_by_email = :e")
            .expression_attribute_values(":e", AttributeValue::S(value.into()))
            .send()
    };
    let found = by_email(t1_client.raw(), &table, &email).await.unwrap();
    assert_eq!(found.items()[0][PK], AttributeValue::S(key));
    // Any key condition on an unshared table's index: it holds only the tenant's items.
    let none = by_email(t1_client.raw(), &table, "a@example.com")
        .await
        .unwrap();
    assert!(none.items().is_empty());
    let t10_table = format!("{}_contacts", t10.id());
    assert_rejected!(
        world,
        "the sibling tenant's index",
        by_email(t1_client.raw(), &t10_table, &email),
        IsolationViolation::CrossTable { .. }
    );
    // A shared table's index keeps the partition-key rule (guard/tests/indexes.rs, and
    // isolation_indexes.rs), and on a declared table only declared indexes.
    let produs = world.factory.capsule_dynamodb(&world.capsules[0]);
    assert_rejected!(
        world,
        "the shared table's index by email",
        by_email(produs.raw(), "PRODUS_iso", "a@example.com"),
        IsolationViolation::UndeclaredIndex { .. }
    );
}

/// The guard stops mistakes, not hostile code in the same process (docs/guard.md, "Threat
/// model"): code holding a scoped client can rebuild its SDK client without the guard, and
/// code holding the factory can build unguarded clients. If either stops working, the threat
/// model in docs/guard.md must say so.
#[tokio::test]
async fn the_guard_is_not_a_sandbox_for_hostile_code() {
    let world = world().await;
    let t1_client = world.factory.tenant_dynamodb(&world.tenants[0]);
    let t10_table = format!("{}_iso", world.tenants[1].id());
    let t10_key = world.tenant_note_key(1, "n1");
    let attempt = t1_client
        .raw()
        .get_item()
        .table_name(&t10_table)
        .key(PK, AttributeValue::S(t10_key.clone()))
        .send();
    assert_rejected!(
        world,
        "the guarded client",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    let mut config = t1_client.raw().config().to_builder();
    config.set_interceptors([]);
    let rebuilt = aws_sdk_dynamodb::Client::from_conf(config.build());
    rebuilt
        .get_item()
        .table_name(&t10_table)
        .key(PK, AttributeValue::S(t10_key.clone()))
        .send()
        .await
        .expect("an unguarded rebuild of raw()'s client reaches the sibling tenant's table");
    aws_sdk_dynamodb::Client::new(world.factory.sdk_config())
        .get_item()
        .table_name(&t10_table)
        .key(PK, AttributeValue::S(t10_key))
        .send()
        .await
        .expect("a client built from the factory's SdkConfig is unguarded");
}
