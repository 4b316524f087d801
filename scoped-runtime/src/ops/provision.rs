//! Table provisioning: create a scoped table if it is absent and wait until it is active.

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TableDescription,
};

use super::convert::{build_error, request_error};
use crate::error::{Error, IsolationViolation};
use crate::schema::KeySchema;

/// How long [`provision_table`] waits for a new table to become active.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

/// Creates `table` keyed by `schema` (`pk`, or `pk` and `sk`, all strings) with on-demand
/// billing unless it exists, waits until it is active, and checks that its key schema is
/// exactly `schema`.
pub(crate) async fn provision_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    schema: KeySchema,
) -> Result<(), Error> {
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest);
    for (attribute, key_type) in schema
        .key_attributes()
        .iter()
        .zip([KeyType::Hash, KeyType::Range])
    {
        request = request
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(*attribute)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(|err| build_error("CreateTable", table, err))?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(*attribute)
                    .key_type(key_type)
                    .build()
                    .map_err(|err| build_error("CreateTable", table, err))?,
            );
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

/// The table is keyed by exactly `schema`: its key attributes in order, `HASH` then
/// `RANGE`, each a string.
fn check_key_schema(
    table: &str,
    schema: KeySchema,
    description: Option<&TableDescription>,
) -> Result<(), Error> {
    let found = description
        .map(TableDescription::key_schema)
        .unwrap_or_default();
    let definitions = description
        .map(TableDescription::attribute_definitions)
        .unwrap_or_default();
    let is_string = |name: &str| {
        definitions.iter().any(|definition| {
            definition.attribute_name() == name
                && definition.attribute_type() == &ScalarAttributeType::S
        })
    };
    let expected = schema.key_attributes();
    let matches = found.len() == expected.len()
        && found
            .iter()
            .zip(expected.iter().zip([KeyType::Hash, KeyType::Range]))
            .all(|(element, (name, key_type))| {
                element.attribute_name() == *name
                    && element.key_type() == &key_type
                    && is_string(name)
            });
    if matches {
        return Ok(());
    }
    Err(Error::KeySchema {
        table: table.to_owned(),
        expected: schema,
        found: found
            .iter()
            .map(|element| format!("{} ({})", element.attribute_name(), element.key_type()))
            .collect::<Vec<_>>()
            .join(", "),
    })
}
