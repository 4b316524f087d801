//! The stored key format is a contract: every key shape — pk-only, pk + sk, entities in another
//! entity's partition, escaped and ordered ids, index keys (lookup, sharded, sparse,
//! collection) — checked against `tests/golden/keys.txt`, so a release cannot silently change
//! the keys of items already stored.
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

/// A capsule table with indexes: a lookup, a sharded collection, a sparse keys-only index.
#[capsule_table(
    "contacts",
    sort_key,
    index(ByEmail),
    index(Recent, sort_key, shards = 4),
    index(ByOwner, name = "owner", sort_key, projection = keys_only)
)]
pub struct Contacts;

/// In every index of its table; `owner` optional.
#[derive(ScopedKey)]
#[scoped(table = Contacts, entity = "CONTACT")]
#[scoped(index(
    ByEmail(partition(email)),
    Recent(sort(created, contact_id)),
    ByOwner(partition(owner), sort(created))
))]
pub struct Contact {
    #[scoped(id)]
    pub contact_id: String,
    pub email: String,
    pub owner: Option<String>,
    pub created: i64,
}

/// A tenant table with a collection index.
#[tenant_table("hooks", index(AllHooks))]
#[derive(ScopedKey)]
#[scoped(entity = "HOOK", index(AllHooks))]
pub struct Hook {
    #[scoped(id)]
    pub hook_id: String,
}

fn index_lines<E: Entity>(out: &mut String, shape: &str, entity: &E, scope: &E::Scope) {
    let key = entity.to_item_key(scope).unwrap();
    writeln!(out, "{shape}").unwrap();
    let attributes = entity.index_attributes(scope, &key).unwrap();
    if attributes.is_empty() {
        writeln!(out, "  (in no index)").unwrap();
    }
    for (name, value) in attributes {
        writeln!(out, "  {name} = {value}").unwrap();
    }
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

    for (id, email, owner, created) in [
        ("c1", "ada@example.com", Some("bob"), 0),
        ("c#2", "a#b%c@example.com", None, -1),
        ("c3", "zoë@example.com", Some("o#1"), i64::MAX),
    ] {
        index_lines(
            &mut out,
            &format!(
                "capsule, indexes: contact {id:?}, email {email:?}, owner {owner:?}, created {created}"
            ),
            &Contact {
                contact_id: id.into(),
                email: email.into(),
                owner: owner.map(str::to_owned),
                created,
            },
            &capsule,
        );
    }
    index_lines(
        &mut out,
        "tenant, collection index",
        &Hook {
            hook_id: "h1".into(),
        },
        &tenant,
    );

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
