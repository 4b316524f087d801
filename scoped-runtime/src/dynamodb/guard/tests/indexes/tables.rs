//! Indexes in `CreateTable` and `UpdateTable`: the naming convention, and exactly the
//! declared indexes on declared tables.

use super::*;

fn projection(projection_type: ProjectionType) -> Projection {
    Projection::builder()
        .projection_type(projection_type)
        .build()
}

/// A global secondary index `name` keyed by `partition` and, if given, `sort`.
fn gsi(
    name: &str,
    partition: &str,
    sort: Option<&str>,
    projected: ProjectionType,
) -> GlobalSecondaryIndex {
    let mut index = GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key_element(partition, KeyType::Hash))
        .projection(projection(projected));
    if let Some(sort) = sort {
        index = index.key_schema(key_element(sort, KeyType::Range));
    }
    index.build().unwrap()
}

/// `CreateTable` of `table` (pk + sk) in `provision`'s shape with `indexes` and their key
/// attributes defined as strings.
fn create_with(table: &str, indexes: Vec<GlobalSecondaryIndex>) -> CreateTableInputBuilder {
    let mut create = provision_shape(table)
        .attribute_definitions(attribute(SK, ScalarAttributeType::S))
        .key_schema(key_element(SK, KeyType::Range));
    let mut defined = vec![PK.to_owned(), SK.to_owned()];
    for index in &indexes {
        for element in index.key_schema() {
            if !defined.contains(&element.attribute_name().to_owned()) {
                defined.push(element.attribute_name().to_owned());
                create = create.attribute_definitions(attribute(
                    element.attribute_name(),
                    ScalarAttributeType::S,
                ));
            }
        }
    }
    create.set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
}

/// The declared indexes, as `provision` creates them.
fn declared_gsis() -> Vec<GlobalSecondaryIndex> {
    vec![
        gsi("by_email", "pk_by_email", None, ProjectionType::All),
        gsi(
            "recent",
            "pk_recent",
            Some("sk_recent"),
            ProjectionType::KeysOnly,
        ),
    ]
}

#[test]
fn create_table_takes_indexes_of_the_convention_and_the_declaration() {
    let capsule = capsule();
    let tenant = Tenant::new("t1", "One").unwrap();
    let declared = table(INDEXED);
    let free = table(FREE);
    let with_throughput = {
        let mut index = gsi("by_email", "pk_by_email", None, ProjectionType::All);
        index.provisioned_throughput = Some(throughput());
        index
    };
    let include = GlobalSecondaryIndex::builder()
        .index_name("by_owner")
        .key_schema(key_element("pk_by_owner", KeyType::Hash))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes("name")
                .build(),
        )
        .build()
        .unwrap();
    // (what, indexes, declared table?, capsule's verdict, tenant's verdict)
    let cases: Vec<(&str, Vec<GlobalSecondaryIndex>, bool, &str, &str)> = vec![
        (
            "the declared indexes",
            declared_gsis(),
            true,
            "allowed",
            "allowed",
        ),
        (
            "the declared indexes, other order",
            declared_gsis().into_iter().rev().collect(),
            true,
            "allowed",
            "allowed",
        ),
        (
            "no index on a declared table",
            vec![],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index missing",
            declared_gsis()[..1].to_vec(),
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an undeclared index besides",
            [
                declared_gsis(),
                vec![gsi("by_owner", "pk_by_owner", None, ProjectionType::All)],
            ]
            .concat(),
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index with another projection",
            vec![
                gsi("by_email", "pk_by_email", None, ProjectionType::KeysOnly),
                declared_gsis()[1].clone(),
            ],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a declared index with a sort key it is declared without",
            vec![
                gsi(
                    "by_email",
                    "pk_by_email",
                    Some("sk_by_email"),
                    ProjectionType::All,
                ),
                declared_gsis()[1].clone(),
            ],
            true,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a convention index on an undeclared table",
            vec![gsi(
                "by_owner",
                "pk_by_owner",
                Some("sk_by_owner"),
                ProjectionType::KeysOnly,
            )],
            false,
            "allowed",
            "allowed",
        ),
        (
            "an index keyed by a plain attribute",
            vec![gsi("by_email", "email", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an index keyed by the table's pk",
            vec![gsi("by_email", PK, Some("at"), ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "an index keyed by another index's attribute",
            vec![gsi("by_email", "pk_recent", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a sort key as partition",
            vec![gsi(
                "by_email",
                "sk_by_email",
                Some("pk_by_email"),
                ProjectionType::All,
            )],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "a name outside the convention",
            vec![gsi("by-email", "pk_by-email", None, ProjectionType::All)],
            false,
            "IndexSchema",
            "IndexSchema",
        ),
        (
            "throughput on an index",
            vec![with_throughput],
            false,
            "TableSetting",
            "allowed",
        ),
        (
            "an INCLUDE projection",
            vec![include],
            false,
            "IndexSchema",
            "allowed",
        ),
    ];
    for (what, indexes, is_declared, shared, own) in cases {
        let base = if is_declared { INDEXED } else { FREE };
        let capsule_table = if is_declared { &declared } else { &free };
        assert_eq!(
            violation_name(&check(
                &capsule,
                create_with(capsule_table, indexes.clone()).build().unwrap()
            )),
            shared,
            "capsule, {what}"
        );
        assert_eq!(
            violation_name(&check(
                &tenant,
                create_with(&format!("t1_{base}"), indexes.clone())
                    .build()
                    .unwrap()
            )),
            own,
            "tenant, {what}"
        );
        assert_eq!(
            violation_name(&check(
                &Platform::new(),
                create_with(base, indexes).build().unwrap()
            )),
            own,
            "platform, {what}"
        );
    }
    // Attribute definitions: every key attribute a string, and on a shared table nothing else.
    let retyped = create_with(&declared, declared_gsis())
        .attribute_definitions(attribute("pk_other", ScalarAttributeType::N));
    assert_eq!(
        setting_field(check(&capsule, retyped.build().unwrap())).as_deref(),
        Some("AttributeDefinitions")
    );
    let unused = create_with(&declared, declared_gsis())
        .attribute_definitions(attribute("email", ScalarAttributeType::S));
    assert_eq!(
        setting_field(check(&capsule, unused.build().unwrap())).as_deref(),
        Some("AttributeDefinitions")
    );
    let mut undefined = create_with(
        &free,
        vec![gsi("by_owner", "pk_by_owner", None, ProjectionType::All)],
    )
    .build()
    .unwrap();
    undefined
        .attribute_definitions
        .as_mut()
        .unwrap()
        .retain(|definition| definition.attribute_name() != "pk_by_owner");
    assert_eq!(violation_name(&check(&capsule, undefined)), "IndexSchema");
    let throughput_field = {
        let mut index = gsi("by_owner", "pk_by_owner", None, ProjectionType::All);
        index.provisioned_throughput = Some(throughput());
        setting_field(check(
            &capsule,
            create_with(&free, vec![index]).build().unwrap(),
        ))
    };
    assert_eq!(
        throughput_field.as_deref(),
        Some("GlobalSecondaryIndexes[by_owner].ProvisionedThroughput")
    );
    let message = check(
        &capsule,
        create_with(&declared, declared_gsis()[..1].to_vec())
            .build()
            .unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("index \"recent\" is declared") && message.contains("missing"),
        "{message}"
    );
    let message = check(
        &capsule,
        create_with(
            &free,
            vec![gsi("by_email", "email", None, ProjectionType::All)],
        )
        .build()
        .unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("keyed by `email` HASH") && message.contains("`pk_by_email` HASH"),
        "{message}"
    );
}

#[test]
fn update_table_creates_only_convention_indexes_and_keeps_declared_ones() {
    let tenant = Tenant::new("t1", "One").unwrap();
    let create = |table: &str, name: &str, partition: &str, projected: ProjectionType| {
        UpdateTableInput::builder()
            .table_name(table)
            .attribute_definitions(attribute(partition, ScalarAttributeType::S))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .create(
                        CreateGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .key_schema(key_element(partition, KeyType::Hash))
                            .projection(projection(projected))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
    };
    let delete = |table: &str, name: &str| {
        UpdateTableInput::builder()
            .table_name(table)
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .delete(
                        DeleteGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
    };
    let declared = "t1_guard-indexed";
    let free = "t1_guard-idx-free";
    declare_tables();
    for (what, input, expected) in [
        (
            "a convention index on an undeclared table",
            create(free, "by_owner", "pk_by_owner", ProjectionType::All),
            "allowed",
        ),
        (
            "the declared index, as declared",
            create(declared, "by_email", "pk_by_email", ProjectionType::All),
            "allowed",
        ),
        (
            "the declared index, another projection",
            create(
                declared,
                "by_email",
                "pk_by_email",
                ProjectionType::KeysOnly,
            ),
            "IndexSchema",
        ),
        (
            "an undeclared index on a declared table",
            create(declared, "by_owner", "pk_by_owner", ProjectionType::All),
            "IndexSchema",
        ),
        (
            "an index keyed by a plain attribute",
            create(free, "by_email", "email", ProjectionType::All),
            "IndexSchema",
        ),
        (
            "an index partition defined as a number",
            create(free, "by_owner", "pk_by_owner", ProjectionType::All)
                .attribute_definitions(attribute("pk_by_owner", ScalarAttributeType::N)),
            "TableSetting",
        ),
        (
            "deleting an undeclared index",
            delete(declared, "old"),
            "allowed",
        ),
        (
            "deleting a declared index",
            delete(declared, "recent"),
            "IndexSchema",
        ),
        (
            "throughput of an index",
            UpdateTableInput::builder()
                .table_name(declared)
                .global_secondary_index_updates(
                    GlobalSecondaryIndexUpdate::builder()
                        .update(
                            UpdateGlobalSecondaryIndexAction::builder()
                                .index_name("by_email")
                                .provisioned_throughput(throughput())
                                .build()
                                .unwrap(),
                        )
                        .build(),
                ),
            "allowed",
        ),
    ] {
        assert_eq!(
            violation_name(&check(&tenant, input.build().unwrap())),
            expected,
            "UpdateTable, {what}"
        );
    }
    // Never on a shared table.
    let shared = create(&table(FREE), "by_owner", "pk_by_owner", ProjectionType::All);
    assert_eq!(
        violation_name(&check(&capsule(), shared.build().unwrap())),
        "SharedTableChange"
    );
}
