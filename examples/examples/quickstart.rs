//! Quickstart: a platform, two tenants and their production capsules, in DynamoDB.
//!
//! Declares one entity per scope, creates each scope's tables, writes the same ids in every
//! scope, reads them back, and prints each entity's table and key. Then it shows the isolation
//! guard rejecting a raw SDK request for another tenant's item before it is sent, and names the
//! mistakes that do not even compile.
//!
//! Run it with `bash scripts/quickstart.sh`, which starts a moto server and points
//! `AWS_ENDPOINT_URL` at it; against real AWS the same program creates real tables.

use std::error::Error;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    AwsClientFactory, Capsule, ScopedKey, Tenant, capsule_table, platform_table, tenant_table,
};
use serde::{Deserialize, Serialize};

/// Platform scope: one `events` table for the whole platform.
#[platform_table("events")]
#[derive(Debug, ScopedKey, Serialize, Deserialize)]
pub struct Event {
    /// The event's id.
    #[scoped(id)]
    pub event_id: String,
    /// What happened.
    pub kind: String,
}

/// Tenant scope: each tenant has its own `{tenant_id}_notifications` table.
#[tenant_table("notifications")]
#[derive(Debug, ScopedKey, Serialize, Deserialize)]
pub struct Webhook {
    /// The webhook's id within its tenant.
    #[scoped(id)]
    pub webhook_id: String,
    /// Where deliveries go.
    pub url: String,
}

/// Capsule scope: every tenant's `PRODUS` capsule shares `PRODUS_crm`, apart by key.
#[capsule_table("crm")]
#[derive(Debug, ScopedKey, Serialize, Deserialize)]
#[scoped(entity = "LEAD")]
pub struct Lead {
    /// The lead's id within its capsule.
    #[scoped(id)]
    pub lead_id: String,
    /// Who the lead is.
    pub name: String,
}

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
    let tenants = [
        Tenant::new("acme", "Acme Corp")?,
        Tenant::new("globex", "Globex")?,
    ];
    let capsules = [
        Capsule::new("acme", "acme-prod", "PRODUS")?,
        Capsule::new("globex", "globex-prod", "PRODUS")?,
    ];

    println!(
        "{:<8} {:<22} {:<46} read back",
        "scope", "table", "partition key"
    );

    // Platform.
    let events = factory.platform_dynamodb().items::<Event>();
    events.provision().await?;
    events
        .put(&Event {
            event_id: "evt-1".into(),
            kind: "deploy".into(),
        })
        .await?;
    let event = events.get("evt-1").await?.ok_or("event not found")?;
    println!(
        "{:<8} {:<22} {:<46} {}",
        "platform",
        events.table(),
        events.key("evt-1")?.as_str(),
        event.kind
    );

    // Tenants: the same webhook id in each tenant's own table.
    for tenant in &tenants {
        let webhooks = factory.tenant_dynamodb(tenant).items::<Webhook>();
        webhooks.provision().await?;
        webhooks
            .put(&Webhook {
                webhook_id: "hook-1".into(),
                url: format!("https://{}.example/hooks", tenant.id()),
            })
            .await?;
        let hook = webhooks.get("hook-1").await?.ok_or("webhook not found")?;
        println!(
            "{:<8} {:<22} {:<46} {}",
            "tenant",
            webhooks.table(),
            webhooks.key("hook-1")?.as_str(),
            hook.url
        );
    }

    // Capsules: the same lead id, in the one shared PRODUS_crm table, under different keys.
    for capsule in &capsules {
        let leads = factory.capsule_dynamodb(capsule).items::<Lead>();
        leads.provision().await?;
        leads
            .put(&Lead {
                lead_id: "lead-1".into(),
                name: format!("first lead of {}", capsule.tenant_id()),
            })
            .await?;
        let lead = leads.get("lead-1").await?.ok_or("lead not found")?;
        println!(
            "{:<8} {:<22} {:<46} {}",
            "capsule",
            leads.table(),
            leads.key("lead-1")?.as_str(),
            lead.name
        );
    }

    // Caught at run time: Acme's capsule client, dropping to the raw SDK with Globex's key.
    let acme = factory.capsule_dynamodb(&capsules[0]);
    let globex_key = Lead::partition_key(&capsules[1], "lead-1")?;
    let attempt = acme
        .raw()
        .get_item()
        .table_name("PRODUS_crm")
        .key("pk", AttributeValue::S(globex_key.to_string()))
        .send()
        .await;
    match attempt {
        Ok(_) => return Err("the guard should have rejected another tenant's key".into()),
        Err(err) => {
            let mut message = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message = cause.to_string();
                source = cause.source();
            }
            println!("\ncaught at run time, before sending: {message}");
        }
    }

    println!(
        "\ncaught at compile time (see ui-tests/tests/ui/cross-scope/):\n  \
         factory.tenant_dynamodb(&tenant).items::<Lead>()  // `Lead` is a capsule entity\n  \
         factory.capsule_dynamodb(&capsule).items::<Webhook>()  // `Webhook` is a tenant entity\n  \
         Capsule {{ .. }} or a client built without the factory  // private fields\n\n\
         the fourth scope, operator (cross-account through STS): \
         cargo run -p scoped-examples --example operator"
    );
    Ok(())
}
