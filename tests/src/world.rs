//! The world of the isolation tests: two tenants whose ids are prefix siblings (`t1…`,
//! `t1…0`), two capsules each (`caps-1` in `PRODUS`, `caps-10` in `DEVUS`, so each capsule
//! table is shared by both tenants) and the platform, all with their `iso` tables provisioned,
//! behind a tap that records every DynamoDB request.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::future::Future;

use aws_sdk_dynamodb::operation::scan::ScanError;
use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    AwsClientFactory, Capsule, CredentialCacheConfig, IsolationViolation, Tenant,
};

use crate::entities::{CapsuleNote, PlatformNote, TenantNote};
use crate::{PK, StsTap, factory_with_tap, table_names, unique, unscoped};

/// One scope of the matrix: its table, the key of the shared note id in it, and its raw client.
pub struct Cell {
    /// `platform`, `tenant {id}` or `capsule {tenant}/{capsule}`.
    pub name: String,
    /// The scope's `iso` table.
    pub table: String,
    /// The key of the world's note id in the scope.
    pub key: String,
    /// The scope's guarded SDK client.
    pub raw: aws_sdk_dynamodb::Client,
}

/// The scopes of one test, and how to watch what they send.
pub struct World {
    /// This test's marker, part of every id and key it writes.
    pub run: String,
    /// The tap every request of the factory's clients passes.
    pub tap: StsTap,
    /// The factory, its HTTP client behind the tap.
    pub factory: AwsClientFactory,
    /// `[t1…, t1…0]`: prefix siblings.
    pub tenants: [Tenant; 2],
    /// `[t1/caps-1 PRODUS, t1/caps-10 DEVUS, t10/caps-1 PRODUS, t10/caps-10 DEVUS]`.
    pub capsules: [Capsule; 4],
    /// The note id every scope of the matrix writes.
    pub note_id: String,
}

/// A fresh world, its tables provisioned.
pub async fn world() -> World {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let run = unique();
    let t1 = format!("t1-{run}");
    let t10 = format!("{t1}0");
    let capsule =
        |tenant: &str, id: &str, code: &str| Capsule::new(tenant, id, code).expect("valid capsule");
    let world = World {
        tenants: [
            Tenant::new(&t1, "One").expect("valid tenant"),
            Tenant::new(&t10, "Ten").expect("valid tenant"),
        ],
        capsules: [
            capsule(&t1, "caps-1", "PRODUS"),
            capsule(&t1, "caps-10", "DEVUS"),
            capsule(&t10, "caps-1", "PRODUS"),
            capsule(&t10, "caps-10", "DEVUS"),
        ],
        note_id: format!("note-{run}"),
        run,
        tap,
        factory,
    };
    world
        .factory
        .platform_dynamodb()
        .items::<PlatformNote>()
        .provision()
        .await
        .expect("provision the table");
    for tenant in &world.tenants {
        world
            .factory
            .tenant_dynamodb(tenant)
            .items::<TenantNote>()
            .provision()
            .await
            .expect("provision the table");
    }
    for capsule in &world.capsules {
        world
            .factory
            .capsule_dynamodb(capsule)
            .items::<CapsuleNote>()
            .provision()
            .await
            .expect("provision the table");
    }
    world
}

impl World {
    /// Every scope of the matrix, platform first, then tenants, then capsules.
    pub fn cells(&self) -> Vec<Cell> {
        let id = self.note_id.as_str();
        let platform = self.factory.platform_dynamodb();
        let mut cells = vec![Cell {
            name: "platform".into(),
            table: platform.table::<PlatformNote>().to_string(),
            key: platform
                .key::<PlatformNote>(id)
                .expect("a valid key")
                .into_string(),
            raw: platform.raw().clone(),
        }];
        for tenant in &self.tenants {
            let client = self.factory.tenant_dynamodb(tenant);
            cells.push(Cell {
                name: format!("tenant {}", tenant.id()),
                table: client.table::<TenantNote>().to_string(),
                key: client
                    .key::<TenantNote>(id)
                    .expect("a valid key")
                    .into_string(),
                raw: client.raw().clone(),
            });
        }
        for capsule in &self.capsules {
            let client = self.factory.capsule_dynamodb(capsule);
            cells.push(Cell {
                name: format!("capsule {}/{}", capsule.tenant_id(), capsule.id()),
                table: client.table::<CapsuleNote>().to_string(),
                key: client
                    .key::<CapsuleNote>(id)
                    .expect("a valid key")
                    .into_string(),
                raw: client.raw().clone(),
            });
        }
        cells
    }

    /// The key of capsule note `id` in `self.capsules[capsule]`.
    #[must_use]
    pub fn capsule_note_key(&self, capsule: usize, id: &str) -> String {
        let client = self.factory.capsule_dynamodb(&self.capsules[capsule]);
        client
            .key::<CapsuleNote>(id)
            .expect("a valid key")
            .into_string()
    }

    /// The key of tenant note `id` in `self.tenants[tenant]`.
    #[must_use]
    pub fn tenant_note_key(&self, tenant: usize, id: &str) -> String {
        let client = self.factory.tenant_dynamodb(&self.tenants[tenant]);
        client
            .key::<TenantNote>(id)
            .expect("a valid key")
            .into_string()
    }

    /// Runs `attempt`, which must fail with an isolation violation without sending anything.
    pub async fn rejected<T: Debug, E>(
        &self,
        what: &str,
        attempt: impl Future<Output = Result<T, E>>,
    ) -> IsolationViolation
    where
        E: std::error::Error + 'static,
    {
        let before = self.tap.dynamodb_requests();
        let outcome = attempt.await;
        let sent = &self.tap.dynamodb_operations()[before..];
        assert!(
            sent.is_empty(),
            "{what}: a rejected request was sent: {sent:?}"
        );
        let err = match outcome {
            Ok(output) => panic!("{what}: not rejected: {output:?}"),
            Err(err) => err,
        };
        IsolationViolation::find_in(&err)
            .cloned()
            .unwrap_or_else(|| panic!("{what}: not an isolation violation: {err:?}"))
    }

    /// `(table, key)` of every item in the emulator whose key carries this run's marker.
    pub async fn stored_items(&self) -> BTreeSet<(String, String)> {
        let client = unscoped(&self.factory);
        let mut items = BTreeSet::new();
        for table in table_names(&client).await {
            for key in keys_if_exists(&client, &table).await {
                if key.contains(self.run.as_str()) {
                    items.insert((table.clone(), key));
                }
            }
        }
        items
    }
}

/// Every partition key in `table`, none if the table was deleted meanwhile (another test may
/// drop its scratch tables while this one looks at every table of the emulator).
async fn keys_if_exists(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut pages = client
        .scan()
        .table_name(table)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(item) => keys.extend(item.get(PK).and_then(|pk| pk.as_s().ok()).cloned()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(ScanError::is_resource_not_found_exception) =>
            {
                return Vec::new();
            }
            Err(err) => panic!("scan {table}: {err:?}"),
        }
    }
    keys
}

/// A raw item `{pk: key, body: "forged"}`.
#[must_use]
pub fn note(key: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.to_owned())),
        ("body".to_owned(), AttributeValue::S("forged".to_owned())),
    ])
}

/// Asserts that `attempt` (a future of a `Result`) is rejected, before anything is sent, with a
/// violation matching `pattern`: `assert_rejected!(world, "what", attempt, Pattern { .. })`.
/// See [`World::rejected`].
#[macro_export]
macro_rules! assert_rejected {
    ($world:expr, $what:expr, $attempt:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {{
        let what = $what;
        let violation = $world.rejected(what, $attempt).await;
        assert!(
            matches!(&violation, $pattern $(if $guard)?),
            "{what}: {violation:?}"
        );
    }};
}
