//! Table provisioning: create a scoped table if it is absent and wait until it is active.

use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TableDescription,
};

use super::PARTITION_KEY_ATTRIBUTE as PK;
use super::convert::{build_error, request_error};
use crate::error::{Error, IsolationViolation};

/// How long [`provision_table`] waits for a new table to become active.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

/// Creates `table` keyed by `pk` (string, `HASH`) with on-demand billing unless it exists,
/// waits until it is active, and checks that its key schema is exactly that.
pub(crate) async fn provision_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), Error> {
    let created = client
        .create_table()
        .table_name(table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(PK)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|err| build_error("CreateTable", table, err))?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(PK)
                .key_type(KeyType::Hash)
                .build()
                .map_err(|err| build_error("CreateTable", table, err))?,
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
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
    check_key_schema(table, described.table())
}

/// The table is keyed by a string `pk` alone.
fn check_key_schema(table: &str, description: Option<&TableDescription>) -> Result<(), Error> {
    let schema = description
        .map(TableDescription::key_schema)
        .unwrap_or_default();
    let pk_is_string = description
        .map(TableDescription::attribute_definitions)
        .unwrap_or_default()
        .iter()
        .any(|definition| {
            definition.attribute_name() == PK
                && definition.attribute_type() == &ScalarAttributeType::S
        });
    match schema {
        [only]
            if only.attribute_name() == PK && only.key_type() == &KeyType::Hash && pk_is_string =>
        {
            Ok(())
        }
        _ => Err(Error::KeySchema {
            table: table.to_owned(),
            found: schema
                .iter()
                .map(|element| format!("{} ({})", element.attribute_name(), element.key_type()))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
