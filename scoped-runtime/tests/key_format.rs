//! The stored key format is a contract: every key shape — pk-only, pk + sk, entities in another
//! entity's partition, escaped and ordered ids — checked against `tests/golden/keys.txt`, so a
//! release cannot silently change the keys of items already stored.
//!
//! A deliberate change of the format is a migration: re-bless the golden file after reading
//! the diff, `SCOPED_BLESS=1 cargo test -p scoped-runtime --test key_format`, and say so in the
//! release notes.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]
#![allow(
    missing_docs,
    reason = "the entities' fields are key ids whose shapes the golden file documents"
)]

use std::fmt::Write as _;

use scoped_runtime::{
    Capsule, Entity, Platform, ScopedKey, Tenant, capsule_table, platform_table, tenant_table,
};

/// Seed format: a pk-only capsule table declared by its entity.
#[capsule_table("crm")]
#[derive(ScopedKey)]
#[scoped(entity = "LEAD")]
pub struct Lead {
    #[scoped(id)]
    pub lead_id: String,
}

/// Seed format: a pk-only tenant table, an integer id.
#[tenant_table("notifications")]
#[derive(ScopedKey)]
#[scoped(entity = "WEBHOOK")]
pub struct Webhook {
    #[scoped(id)]
    pub webhook_id: u64,
}

/// Seed format: a pk-only platform table, two ids.
#[platform_table("metrics")]
#[derive(ScopedKey)]
pub struct MetricPoint {
    #[scoped(id)]
    pub metric: String,
    #[scoped(id)]
    pub minute: i64,
}

/// A capsule table with sort keys.
#[capsule_table("sales", sort_key)]
pub struct Sales;

/// pk + sk, no sort ids: `sk = ACCOUNT`.
#[derive(ScopedKey)]
#[scoped(table = Sales, entity = "ACCOUNT")]
pub struct Account {
    #[scoped(id)]
    pub account_id: String,
}

/// In another entity's partition, with sort ids of every ordered kind.
#[derive(ScopedKey)]
#[scoped(partition = Account, entity = "ORDER")]
pub struct Order {
    #[scoped(id)]
    pub account_id: String,
    #[scoped(sort)]
    pub placed: i64,
    #[scoped(sort)]
    pub number: u32,
    #[scoped(sort)]
    pub reference: String,
}

/// A tenant table with sort keys declared by its only entity.
#[tenant_table("inbox", sort_key)]
#[derive(ScopedKey)]
#[scoped(entity = "MESSAGE")]
pub struct Message {
    #[scoped(id)]
    pub mailbox: String,
    #[scoped(sort)]
    pub received: u64,
    #[scoped(sort)]
    pub urgent: bool,
}

/// A platform table with sort keys.
#[platform_table("audit", sort_key)]
pub struct Audit;

/// A platform entity with sort keys.
#[derive(ScopedKey)]
#[scoped(table = Audit, entity = "EVENT")]
pub struct AuditEvent {
    #[scoped(id)]
    pub day: String,
    #[scoped(sort)]
    pub at: i128,
}

fn line<E>(out: &mut String, shape: &str, key: &scoped_runtime::ItemKey<E>) {
    writeln!(
        out,
        "{shape}\n  pk = {}\n  sk = {}",
        key.partition().as_str(),
        key.sort().unwrap_or("(none)")
    )
    .unwrap();
}

#[test]
fn stored_keys_match_the_golden_file() {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
    let tenant = Tenant::new("tenant-123", "Acme").unwrap();
    let platform = Platform::new();
    let mut out = String::new();

    for (shape, id) in [
        ("capsule, pk only (seed format)", "lead-789"),
        ("capsule, pk only, id with # and %", "a#b%c"),
        ("capsule, pk only, unicode id", "zoë/é"),
    ] {
        line(&mut out, shape, &Lead::item_key(&capsule, id).unwrap());
    }
    line(
        &mut out,
        "tenant, pk only, integer id",
        &Webhook::item_key(&tenant, 7).unwrap(),
    );
    line(
        &mut out,
        "platform, pk only, two ids",
        &MetricPoint::item_key(&platform, ("api.latency", -3)).unwrap(),
    );
    line(
        &mut out,
        "capsule, pk + sk, no sort ids",
        &Account::item_key(&capsule, "acct-1").unwrap(),
    );
    for (placed, number, reference) in [
        (0, 0, "r"),
        (-1, 1, "r 1"),
        (i64::MIN, u32::MAX, "#$%!\"\u{1}"),
        (i64::MAX, 42, "ünïcode"),
    ] {
        line(
            &mut out,
            &format!(
                "capsule, pk + sk, in ACCOUNT's partition: placed {placed}, number {number}, reference {reference:?}"
            ),
            &Order::item_key(&capsule, "acct-1", placed, number, reference).unwrap(),
        );
    }
    for (received, urgent) in [(0, false), (u64::MAX, true)] {
        line(
            &mut out,
            &format!(
                "tenant, pk + sk, declared by its entity: received {received}, urgent {urgent}"
            ),
            &Message::item_key(&tenant, "inbox-1", received, urgent).unwrap(),
        );
    }
    for at in [i128::MIN, -1, 0, i128::MAX] {
        line(
            &mut out,
            &format!("platform, pk + sk: at {at}"),
            &AuditEvent::item_key(&platform, "2026-11-30", at).unwrap(),
        );
    }

    let path = format!("{}/tests/golden/keys.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("SCOPED_BLESS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{path}: {err}; bless with SCOPED_BLESS=1"));
    assert_eq!(
        out, expected,
        "the stored key format changed: {path} differs. Keys of existing items would no \
         longer be found; re-bless only for a deliberate, documented migration"
    );
}
