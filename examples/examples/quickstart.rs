//! Quickstart: one platform, one tenant and one capsule in DynamoDB.
//!
//! Creates each scope's table, writes and reads one item in each, and prints the table names
//! and keys the scopes produced. Run it with `bash scripts/quickstart.sh`, which starts a moto
//! server and points `AWS_ENDPOINT_URL` at it; against real AWS, the same program creates real
//! tables.

use std::error::Error;
use std::time::Duration;

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use scoped_runtime::{AwsClientFactory, Capsule, EntityTag, Platform, Scope, Tenant};

const PK: &str = "pk";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        return Err(
            "AWS_ENDPOINT_URL is not set; run `bash scripts/quickstart.sh`, which \
                    starts moto and sets it"
                .into(),
        );
    }
    // One factory per process: one SdkConfig, one HTTP client, one SDK client per service.
    let factory = AwsClientFactory::from_env().await?;

    // Scopes are validated when built: a bad id is an error here, not a wrong table later.
    let tenant = Tenant::new("tenant-123", "Acme Corp")?;
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;

    let platform = factory.platform_dynamodb();
    let notifications = factory.tenant_dynamodb(&tenant);
    let crm = factory.capsule_dynamodb(&capsule);

    let rows = [
        (
            "platform",
            platform.raw(),
            platform.table_name("events")?,
            Platform::new().partition_key(&EntityTag::new("EVENT")?, &["evt-1"])?,
        ),
        (
            "tenant",
            notifications.raw(),
            notifications.table_name("notifications")?,
            tenant.partition_key(&EntityTag::new("WEBHOOK")?, &["hook-1"])?,
        ),
        (
            "capsule",
            crm.raw(),
            crm.table_name("crm")?,
            capsule.partition_key(&EntityTag::new("LEAD")?, &["lead-789"])?,
        ),
    ];

    println!("{:<9} {:<26} partition key", "scope", "table");
    for (scope, client, table, key) in &rows {
        create_table(client, table).await?;
        client
            .put_item()
            .table_name(table.as_str())
            .item(PK, AttributeValue::S(key.clone()))
            .item("written_by", AttributeValue::S(format!("{scope} client")))
            .send()
            .await?;
        let item = client
            .get_item()
            .table_name(table.as_str())
            .key(PK, AttributeValue::S(key.clone()))
            .consistent_read(true)
            .send()
            .await?
            .item
            .ok_or_else(|| format!("item {key} was not found in {table}"))?;
        let written_by = item
            .get("written_by")
            .and_then(|value| value.as_s().ok())
            .ok_or("item has no written_by")?;
        println!("{scope:<9} {table:<26} {key}   (read back: {written_by})");
    }

    // Keys are checked by exact segments: caps-4567 is not caps-456, tenant-1234 is not tenant-123.
    let foreign = "TENANT#tenant-123#CAPSULE#caps-4567#LEAD#lead-789";
    match crm.validate_pk(foreign) {
        Err(violation) => println!("\ncaught at run time: {violation}"),
        Ok(()) => return Err(format!("{foreign} should have been rejected").into()),
    }
    Ok(())
}

async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Result<(), Box<dyn Error>> {
    let exists = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok();
    if !exists {
        client
            .create_table()
            .table_name(table)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(PK)
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(PK)
                    .key_type(KeyType::Hash)
                    .build()?,
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await?;
    }
    client
        .wait_until_table_exists()
        .table_name(table)
        .wait(Duration::from_secs(30))
        .await?;
    Ok(())
}
