//! Migration: the same small CRM service written the old way and the new way, side by side.
//!
//! Both versions compile and run against the same moto server and the same tables, and each
//! reads what the other wrote — the new way keeps the old key and table formats, so a service
//! can move over without migrating data. What changes:
//!
//! | old way                                                     | new way                                                   |
//! |-------------------------------------------------------------|-----------------------------------------------------------|
//! | `aws_config::load_defaults(..)` + `Client::new` per service   | one `AwsClientFactory`, injected, cloned                  |
//! | `format!("{}_crm", capsule_code)` table names               | `#[capsule_table("crm")]` on the entity                   |
//! | `format!("TENANT#{}#CAPSULE#{}#LEAD#{}", …)` keys          | `#[derive(ScopedKey)]`, keys built (and escaped) for you  |
//! | bare `&str` ids, any of which can be wrong                  | `Capsule::new(..)?`, validated once                        |
//! | `HashMap<String, AttributeValue>` by hand                   | serde, key attribute written by the library               |
//! | nothing stops a write to another tenant's partition         | typed API + isolation guard on every request              |
//!
//! The end of `main` shows the old way's bug that motivated the project: its substring check
//! (`pk.contains("CAPSULE#caps-456")`) accepts capsule `caps-4567`'s key; `validate_pk`
//! compares whole segments and rejects it.
//!
//! Run: `bash scripts/with-moto.sh cargo run -p scoped-examples --example migration`.

use std::error::Error;

/// The service before: ad hoc client, hand-built names and keys.
mod old_way {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    pub(crate) struct LeadService {
        client: aws_sdk_dynamodb::Client,
    }

    /// How the old way decided whether a key from a request belonged to a capsule.
    pub(crate) fn owns_key(capsule_id: &str, pk: &str) -> bool {
        pk.contains(&format!("CAPSULE#{capsule_id}"))
    }

    impl LeadService {
        /// Every service built its own client (and HTTP pool, and credential cache).
        pub(crate) async fn new() -> Self {
            let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            Self {
                client: aws_sdk_dynamodb::Client::new(&config),
            }
        }

        pub(crate) async fn save_lead(
            &self,
            tenant_id: &str,
            capsule_id: &str,
            capsule_code: &str,
            lead_id: &str,
            name: &str,
        ) -> Result<String, aws_sdk_dynamodb::Error> {
            let table = format!("{capsule_code}_crm");
            let pk = format!("TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}");
            self.client
                .put_item()
                .table_name(table)
                .item("pk", AttributeValue::S(pk.clone()))
                .item("lead_id", AttributeValue::S(lead_id.to_owned()))
                .item("name", AttributeValue::S(name.to_owned()))
                .send()
                .await?;
            Ok(pk)
        }

        pub(crate) async fn load_lead(
            &self,
            tenant_id: &str,
            capsule_id: &str,
            capsule_code: &str,
            lead_id: &str,
        ) -> Result<Option<String>, aws_sdk_dynamodb::Error> {
            let key = HashMap::from([(
                "pk".to_owned(),
                AttributeValue::S(format!(
                    "TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}"
                )),
            )]);
            let item = self
                .client
                .get_item()
                .table_name(format!("{capsule_code}_crm"))
                .set_key(Some(key))
                .send()
                .await?
                .item;
            Ok(item.and_then(|item| item.get("name")?.as_s().ok().cloned()))
        }
    }
}

/// The service after: one injected factory, an annotated entity, typed operations.
mod new_way {
    use scoped_runtime::{AwsClientFactory, Capsule, ScopedKey, capsule_table};
    use serde::{Deserialize, Serialize};

    /// A sales lead, kept per capsule.
    #[capsule_table("crm")]
    #[derive(Debug, Clone, ScopedKey, Serialize, Deserialize)]
    #[scoped(entity = "LEAD")]
    pub(crate) struct Lead {
        /// The lead's id within its capsule.
        #[scoped(id)]
        pub(crate) lead_id: String,
        /// Who the lead is.
        pub(crate) name: String,
    }

    pub(crate) struct LeadService {
        factory: AwsClientFactory,
    }

    impl LeadService {
        /// The factory is built once per process and injected.
        pub(crate) fn new(factory: AwsClientFactory) -> Self {
            Self { factory }
        }

        pub(crate) async fn save_lead(
            &self,
            capsule: &Capsule,
            lead: &Lead,
        ) -> Result<String, scoped_runtime::Error> {
            let leads = self.factory.capsule_dynamodb(capsule).items::<Lead>();
            leads.put(lead).await?;
            Ok(leads.key(&lead.lead_id)?.to_string())
        }

        pub(crate) async fn load_lead(
            &self,
            capsule: &Capsule,
            lead_id: &str,
        ) -> Result<Option<Lead>, scoped_runtime::Error> {
            self.factory
                .capsule_dynamodb(capsule)
                .items::<Lead>()
                .get(lead_id)
                .await
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        return Err("AWS_ENDPOINT_URL is not set; run this example through \
                    `bash scripts/with-moto.sh`, which starts moto and sets it"
            .into());
    }
    let factory = scoped_runtime::AwsClientFactory::from_env().await?;
    let capsule = scoped_runtime::Capsule::new("tenant-123", "caps-456", "PRODUS")?;
    let new = new_way::LeadService::new(factory.clone());
    factory
        .capsule_dynamodb(&capsule)
        .items::<new_way::Lead>()
        .provision()
        .await?;
    let old = old_way::LeadService::new().await;

    // Old writes, new reads.
    let old_key = old
        .save_lead("tenant-123", "caps-456", "PRODUS", "lead-1", "Ada")
        .await?;
    let read = new.load_lead(&capsule, "lead-1").await?;
    println!("old way wrote {old_key}; new way reads {read:?}");
    if read.map(|lead| lead.name).as_deref() != Some("Ada") {
        return Err("the new way must read what the old way wrote".into());
    }

    // New writes, old reads.
    let lead = new_way::Lead {
        lead_id: "lead-2".into(),
        name: "Grace".into(),
    };
    let new_key = new.save_lead(&capsule, &lead).await?;
    let read = old
        .load_lead("tenant-123", "caps-456", "PRODUS", "lead-2")
        .await?;
    println!("new way wrote {new_key}; old way reads {read:?}");
    if read.as_deref() != Some("Grace") {
        return Err("the old way must read what the new way wrote".into());
    }

    // The bug that motivated the project: the old way checked ownership of a key found in a
    // request with a substring test, which capsule caps-4567's key passes for caps-456.
    let sibling = scoped_runtime::Capsule::new("tenant-123", "caps-4567", "PRODUS")?;
    let sibling_key = new
        .save_lead(
            &sibling,
            &new_way::Lead {
                lead_id: "lead-1".into(),
                name: "Eve".into(),
            },
        )
        .await?;
    let old_verdict = old_way::owns_key("caps-456", &sibling_key);
    let new_verdict = factory.capsule_dynamodb(&capsule).validate_pk(&sibling_key);
    println!("\nkey {sibling_key}, checked for capsule caps-456:");
    println!(
        "  old way (substring): {}",
        if old_verdict { "accepted" } else { "rejected" }
    );
    match &new_verdict {
        Ok(()) => println!("  new way (segments):  accepted"),
        Err(violation) => println!("  new way (segments):  rejected: {violation}"),
    }
    if !old_verdict || new_verdict.is_ok() {
        return Err("the substring check should accept and the segment check reject".into());
    }
    Ok(())
}
