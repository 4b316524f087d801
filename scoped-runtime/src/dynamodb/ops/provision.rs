//! Table provisioning: create a scoped table, with its declared global secondary indexes, if it
//! is absent, wait until it is active, and check that it has the declared key and indexes.

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, GlobalSecondaryIndexDescription,
    KeySchemaElement, KeyType, Projection, ProjectionType, ScalarAttributeType, TableDescription,
};

use super::convert::{build_error, request_error};
use crate::dynamodb::error::Error;
use crate::dynamodb::schema::{self, IndexSchema, TableSchema};
use crate::error::IsolationViolation;

/// How long [`provision_table`] waits for a new table to become active.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

/// Creates `table` keyed by `schema.key` (`pk`, or `pk` and `sk`, all strings), with each of
/// `schema.indexes` as a global secondary index (keyed by `pk_{name}` and, with a sort key,
/// `sk_{name}`, strings; its declared projection) and on-demand billing, unless it exists;
/// waits until it is active, and checks that its key schema is exactly `schema.key` and that
/// it has every declared index, keyed and projected as declared.
pub(crate) async fn provision_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    schema: TableSchema,
) -> Result<(), Error> {
    let build = |err| build_error("CreateTable", table, err);
    let string = |attribute: &str| {
        AttributeDefinition::builder()
            .attribute_name(attribute)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(build)
    };
    let element = |attribute: &str, key_type: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(attribute)
            .key_type(key_type)
            .build()
            .map_err(build)
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest);
    for (attribute, key_type) in schema
        .key
        .key_attributes()
        .iter()
        .zip([KeyType::Hash, KeyType::Range])
    {
        request = request
            .attribute_definitions(string(attribute)?)
            .key_schema(element(attribute, key_type)?);
    }
    for index in schema.indexes {
        let mut gsi = GlobalSecondaryIndex::builder()
            .index_name(index.name)
            .key_schema(element(index.partition_attribute(), KeyType::Hash)?)
            .projection(
                Projection::builder()
                    .projection_type(projection_type(index.projection))
                    .build(),
            );
        request = request.attribute_definitions(string(index.partition_attribute())?);
        if let Some(sort) = index.sort_attribute() {
            gsi = gsi.key_schema(element(sort, KeyType::Range)?);
            request = request.attribute_definitions(string(sort)?);
        }
        request = request.global_secondary_indexes(gsi.build().map_err(build)?);
    }
    let created = request.send().await;
    if let Err(err) = created {
        let exists = err
            .as_service_error()
            .is_some_and(CreateTableError::is_resource_in_use_exception);
        if !exists {
            return Err(request_error("CreateTable", table, None, err));
        }
    }
    let waited = client
        .wait_until_table_exists()
        .table_name(table)
        .wait(ACTIVE_TIMEOUT)
        .await;
    let described = match waited {
        Ok(poll) => poll
            .into_result()
            .map_err(|err| request_error("DescribeTable", table, None, err))?,
        Err(err) => {
            if let Some(violation) = IsolationViolation::find_in(&err) {
                return Err(Error::Isolation(violation.clone()));
            }
            return Err(Error::DynamoDb {
                operation: "DescribeTable",
                table: table.to_owned(),
                key: None,
                detail: format!(
                    "the table did not become active within {ACTIVE_TIMEOUT:?}: {}",
                    aws_sdk_dynamodb::error::DisplayErrorContext(&err)
                ),
                source: Box::new(err),
            });
        }
    };
    check_key_schema(table, schema, described.table())
}

/// DynamoDB's projection type for a declared projection.
fn projection_type(projection: schema::Projection) -> ProjectionType {
    match projection {
        schema::Projection::All => ProjectionType::All,
        schema::Projection::KeysOnly => ProjectionType::KeysOnly,
    }
}

/// `key` is exactly `expected`, in order (`HASH` then `RANGE`), each attribute a string in
/// `definitions`.
fn key_matches(
    key: &[KeySchemaElement],
    expected: &[&str],
    definitions: &[AttributeDefinition],
) -> bool {
    let is_string = |name: &str| {
        definitions.iter().any(|definition| {
            definition.attribute_name() == name
                && definition.attribute_type() == &ScalarAttributeType::S
        })
    };
    key.len() == expected.len()
        && key
            .iter()
            .zip(expected.iter().zip([KeyType::Hash, KeyType::Range]))
            .all(|(element, (name, key_type))| {
                element.attribute_name() == *name
                    && element.key_type() == &key_type
                    && is_string(name)
            })
}

/// `id (HASH), at (RANGE)`.
fn describe_key(key: &[KeySchemaElement]) -> String {
    key.iter()
        .map(|element| format!("{} ({})", element.attribute_name(), element.key_type()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table is keyed by exactly `schema.key`: its key attributes in order, `HASH` then
/// `RANGE`, each a string; and it has every index of `schema.indexes`, keyed by its attributes
/// (strings) and with its projection. Indexes it has besides are not the declaration's concern.
fn check_key_schema(
    table: &str,
    schema: TableSchema,
    description: Option<&TableDescription>,
) -> Result<(), Error> {
    let found = description
        .map(TableDescription::key_schema)
        .unwrap_or_default();
    let definitions = description
        .map(TableDescription::attribute_definitions)
        .unwrap_or_default();
    if !key_matches(found, schema.key.key_attributes(), definitions) {
        return Err(Error::KeySchema {
            table: table.to_owned(),
            expected: schema,
            index: None,
            found: describe_key(found),
        });
    }
    let indexes = description
        .map(TableDescription::global_secondary_indexes)
        .unwrap_or_default();
    for declared in schema.indexes {
        let index = indexes
            .iter()
            .find(|index| index.index_name() == Some(declared.name));
        if let Some(found) = index_mismatch(declared, index, definitions) {
            return Err(Error::KeySchema {
                table: table.to_owned(),
                expected: schema,
                index: Some(declared.name),
                found,
            });
        }
    }
    Ok(())
}

/// What the table has instead of `declared`, if it differs: `no index \`by_email\``, or
/// the index's key and projection.
fn index_mismatch(
    declared: &IndexSchema,
    index: Option<&GlobalSecondaryIndexDescription>,
    definitions: &[AttributeDefinition],
) -> Option<String> {
    let Some(index) = index else {
        return Some(format!("no index `{}`", declared.name));
    };
    let mut expected = vec![declared.partition_attribute()];
    expected.extend(declared.sort_attribute());
    let projection = index
        .projection()
        .and_then(Projection::projection_type)
        .cloned();
    let projected = projection.as_ref() == Some(&projection_type(declared.projection));
    if key_matches(index.key_schema(), &expected, definitions) && projected {
        return None;
    }
    Some(format!(
        "index `{}` keyed by {}, projection {}",
        declared.name,
        describe_key(index.key_schema()),
        projection.map_or_else(|| "none".to_owned(), |projection| projection.to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamodb::schema::KeySchema;

    const BY_EMAIL: IndexSchema =
        IndexSchema::declared("by_email", "pk_by_email", None, schema::Projection::All, 1);
    const RECENT: IndexSchema = IndexSchema::declared(
        "recent",
        "pk_recent",
        Some("sk_recent"),
        schema::Projection::KeysOnly,
        1,
    );
    const SCHEMA: TableSchema = TableSchema {
        key: KeySchema::PartitionAndSort,
        indexes: &[BY_EMAIL, RECENT],
    };

    fn string(name: &str) -> AttributeDefinition {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    }

    fn element(name: &str, key_type: KeyType) -> KeySchemaElement {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
            .unwrap()
    }

    fn index(
        name: &str,
        key: &[&str],
        projection: ProjectionType,
    ) -> GlobalSecondaryIndexDescription {
        let mut index = GlobalSecondaryIndexDescription::builder()
            .index_name(name)
            .projection(Projection::builder().projection_type(projection).build());
        for (attribute, key_type) in key.iter().zip([KeyType::Hash, KeyType::Range]) {
            index = index.key_schema(element(attribute, key_type));
        }
        index.build()
    }

    /// A `pk` + `sk` table with `indexes`, every key attribute a string.
    fn described(indexes: Vec<GlobalSecondaryIndexDescription>) -> TableDescription {
        let mut table = TableDescription::builder()
            .key_schema(element("pk", KeyType::Hash))
            .key_schema(element("sk", KeyType::Range));
        for name in ["pk", "sk", "pk_by_email", "pk_recent", "sk_recent", "email"] {
            table = table.attribute_definitions(string(name));
        }
        table.set_global_secondary_indexes(Some(indexes)).build()
    }

    fn declared_indexes() -> Vec<GlobalSecondaryIndexDescription> {
        vec![
            index("by_email", &["pk_by_email"], ProjectionType::All),
            index(
                "recent",
                &["pk_recent", "sk_recent"],
                ProjectionType::KeysOnly,
            ),
        ]
    }

    #[test]
    fn a_table_with_the_declared_key_and_indexes_passes() {
        check_key_schema("PRODUS_crm", SCHEMA, Some(&described(declared_indexes()))).unwrap();
        // Indexes besides the declared ones are not the declaration's concern.
        let mut more = declared_indexes();
        more.push(index("old", &["email"], ProjectionType::All));
        check_key_schema("PRODUS_crm", SCHEMA, Some(&described(more))).unwrap();
    }

    #[test]
    fn a_missing_or_different_index_is_a_key_schema_error_naming_it() {
        for (what, indexes, index_name, found) in [
            (
                "missing",
                declared_indexes()[1..].to_vec(),
                "by_email",
                "no index `by_email`",
            ),
            (
                "keyed by another attribute",
                vec![
                    index("by_email", &["email"], ProjectionType::All),
                    declared_indexes()[1].clone(),
                ],
                "by_email",
                "index `by_email` keyed by email (HASH), projection ALL",
            ),
            (
                "without its sort key",
                vec![
                    declared_indexes()[0].clone(),
                    index("recent", &["pk_recent"], ProjectionType::KeysOnly),
                ],
                "recent",
                "index `recent` keyed by pk_recent (HASH), projection KEYS_ONLY",
            ),
            (
                "another projection",
                vec![
                    declared_indexes()[0].clone(),
                    index("recent", &["pk_recent", "sk_recent"], ProjectionType::All),
                ],
                "recent",
                "index `recent` keyed by pk_recent (HASH), sk_recent (RANGE), projection ALL",
            ),
        ] {
            let err =
                check_key_schema("PRODUS_crm", SCHEMA, Some(&described(indexes))).unwrap_err();
            match &err {
                Error::KeySchema {
                    index: Some(index),
                    found: found_text,
                    ..
                } => {
                    assert_eq!(*index, index_name, "{what}");
                    assert_eq!(found_text, found, "{what}");
                }
                other => panic!("{what}: {other:?}"),
            }
            let message = err.to_string();
            assert!(
                message.starts_with(&format!("table PRODUS_crm has {found}, but its declaration declares index {index_name} (")),
                "{message}"
            );
        }
        let message = check_key_schema("PRODUS_crm", SCHEMA, Some(&described(vec![])))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "table PRODUS_crm has no index `by_email`, but its declaration declares index \
             by_email (pk_by_email (S, HASH), projection ALL)"
        );
    }

    #[test]
    fn a_different_table_key_names_the_key() {
        let table = TableDescription::builder()
            .key_schema(element("id", KeyType::Hash))
            .attribute_definitions(string("id"))
            .build();
        let message = check_key_schema("PRODUS_crm", SCHEMA, Some(&table))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "table PRODUS_crm has key schema id (HASH), but its declaration keys it by pk (S, \
             HASH), sk (S, RANGE)"
        );
    }
}
