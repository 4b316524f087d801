//! Updates that cannot corrupt items, against the emulator: conditions, optimistic locking,
//! upserts, list appends and set deletes, each checked by reading the item back.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    AwsClientFactory, CapsuleClient, CredentialCacheConfig, DynamoDb, Error, Items, ScopedKey,
    Update, UpdateRule, capsule_table,
};
use scoped_tests::{PK, StsTap, factory_with_tap, lone_capsule, unscoped};
use serde::{Deserialize, Serialize};

/// A support ticket: every field but its id has a default, so an upsert can create one.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
#[scoped(entity = "TICKET")]
pub struct Ticket {
    /// Its id, stored as `ticketId`.
    #[scoped(id)]
    pub ticket_id: String,
    /// `open`, `closed`…
    #[serde(default)]
    pub status: String,
    /// The optimistic-locking version.
    #[serde(default)]
    pub version: u64,
    /// What happened to it, oldest first: a list.
    #[serde(default)]
    pub history: Vec<String>,
    /// Labels: a string set, written by `add_to_set` only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// An optional nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
}

/// A seat, keyed by a text and an integer id.
#[capsule_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "SEAT")]
pub struct Seat {
    /// The row, text.
    #[scoped(id)]
    pub row: String,
    /// The seat number, an integer: stored as a number.
    #[scoped(id)]
    pub number: u32,
    /// Who holds it.
    #[serde(default)]
    pub holder: Option<String>,
}

struct Setup {
    tap: StsTap,
    factory: AwsClientFactory,
    crm: CapsuleClient<DynamoDb>,
}

async fn setup() -> Setup {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    // A table of its own: a failed transaction on moto restores the whole table.
    let capsule = lone_capsule("UP");
    let crm = factory.capsule_dynamodb(&capsule);
    crm.items::<Ticket>().provision().await.unwrap();
    Setup { tap, factory, crm }
}

impl Setup {
    fn tickets(&self) -> Items<Ticket> {
        self.crm.items::<Ticket>().consistent_reads()
    }

    /// The DynamoDB operations `run` sent.
    async fn sent<T>(&self, run: impl std::future::Future<Output = T>) -> (T, Vec<String>) {
        let before = self.tap.dynamodb_requests();
        let output = run.await;
        (output, self.tap.dynamodb_operations()[before..].to_vec())
    }

    /// The item under `key` as stored.
    async fn stored(&self, table: &str, key: &str) -> Option<HashMap<String, AttributeValue>> {
        unscoped(&self.factory)
            .get_item()
            .table_name(table)
            .key(PK, AttributeValue::S(key.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
    }
}

fn ticket(id: &str, status: &str) -> Ticket {
    Ticket {
        ticket_id: id.into(),
        status: status.into(),
        ..Ticket::default()
    }
}

#[tokio::test]
async fn condition_and_version_names_are_checked_before_sending() {
    let setup = setup().await;
    let tickets = setup.tickets();
    tickets.put(&ticket("t1", "open")).await.unwrap();
    let cases: [(Update, &str, UpdateRule, Option<&str>); 6] = [
        (
            Update::new().when_equals("ticketId", "t2"),
            "ticketId",
            UpdateRule::Id,
            None,
        ),
        (
            Update::new().when_exists("stauts"),
            "stauts",
            UpdateRule::Unknown,
            Some("status"),
        ),
        (
            Update::new().when_not_exists("pk"),
            "pk",
            UpdateRule::Reserved,
            None,
        ),
        (
            Update::new().expect_version("verison", 1),
            "verison",
            UpdateRule::Unknown,
            Some("version"),
        ),
        (
            Update::new().append("ticket_id", ["x"]),
            "ticket_id",
            UpdateRule::Id,
            None,
        ),
        (
            Update::new().delete_from_set("tag", ["x"]),
            "tag",
            UpdateRule::Unknown,
            Some("tags"),
        ),
    ];
    for (update, name, rule, suggestion) in cases {
        let described = format!("{update:?}");
        let (result, sent) = setup.sent(tickets.upsert("t1", update)).await;
        match result {
            Err(Error::UpdateAttribute {
                attribute,
                rule: found,
                suggestion: offered,
                ..
            }) => {
                assert_eq!(
                    (attribute.as_str(), found, offered.as_deref()),
                    (name, rule, suggestion),
                    "{described}"
                );
            }
            other => panic!("{described}: expected a rejected name, got {other:?}"),
        }
        assert!(sent.is_empty(), "{described} sent {sent:?}");
    }
    // A set that is not one is refused before sending, naming the attribute.
    let (result, sent) = setup
        .sent(tickets.update(
            "t1",
            Update::new().delete_from_set("tags", Vec::<String>::new()),
        ))
        .await;
    assert!(
        matches!(&result, Err(Error::UpdateValue { attribute, .. }) if attribute == "tags"),
        "{result:?}"
    );
    assert!(sent.is_empty(), "{sent:?}");
    assert_eq!(tickets.get("t1").await.unwrap(), Some(ticket("t1", "open")));
}

#[tokio::test]
async fn conditions_apply_updates_only_when_they_hold() {
    let setup = setup().await;
    let tickets = setup.tickets();
    tickets.put(&ticket("t1", "open")).await.unwrap();

    // Holds: applied.
    let closed = tickets
        .update(
            "t1",
            Update::new()
                .set("status", "closed")
                .when_equals("status", "open")
                .when_not_exists("nickname"),
        )
        .await
        .unwrap();
    assert_eq!(closed.status, "closed");

    // No longer holds: nothing written, and the error names the condition.
    let err = tickets
        .update(
            "t1",
            Update::new()
                .set("status", "reopened")
                .when_equals("status", "open"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::ConditionFailed { key, condition, .. } => {
            assert!(key.ends_with("#TICKET#t1"), "{err}");
            assert_eq!(condition, "status = \"open\"");
        }
        other => panic!("expected a failed condition, got {other:?}"),
    }
    assert!(err.to_string().contains("status = \"open\""), "{err}");
    let err = tickets
        .update(
            "t1",
            Update::new().set("status", "x").when_exists("nickname"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ConditionFailed { condition, .. } if condition == "nickname exists"),
        "{err}"
    );
    assert_eq!(tickets.get("t1").await.unwrap().unwrap().status, "closed");

    // An absent item is "not found", not a failed condition.
    let err = tickets
        .update(
            "absent",
            Update::new()
                .set("status", "x")
                .when_equals("status", "open"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert_eq!(tickets.get("absent").await.unwrap(), None);
}

#[tokio::test]
async fn transactions_take_conditions_versions_and_upserts() {
    scoped_tests::needs!(Transactions);
    let setup = setup().await;
    let tickets = setup.tickets();
    tickets.put(&ticket("t1", "closed")).await.unwrap();
    let err = setup
        .crm
        .transaction()
        .put(&ticket("t2", "open"))
        .update::<Ticket>(
            "t1",
            Update::new()
                .set("status", "x")
                .when_equals("status", "open"),
        )
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::TransactionCanceled { reasons, .. } => {
            assert_eq!(reasons[1].code, "ConditionalCheckFailed", "{err}");
        }
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert_eq!(tickets.get("t2").await.unwrap(), None);
    setup
        .crm
        .transaction()
        .update::<Ticket>(
            "t1",
            Update::new()
                .set("status", "open")
                .when_equals("status", "closed")
                .expect_version("version", 0),
        )
        .send()
        .await
        .unwrap();
    let after = tickets.get("t1").await.unwrap().unwrap();
    assert_eq!((after.status.as_str(), after.version), ("open", 1));

    // An upsert in a transaction creates the item, id attribute included.
    setup
        .crm
        .transaction()
        .upsert::<Ticket>("t3", Update::new().set("status", "new"))
        .update::<Ticket>("t1", Update::new().expect_version("version", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(tickets.get("t3").await.unwrap(), Some(ticket("t3", "new")));
    assert_eq!(tickets.get("t1").await.unwrap().unwrap().version, 2);
}

/// Creates ticket `t1` with a versioned upsert (expected version 0, which an item without the
/// attribute matches) and checks version 1 is stored.
async fn versioned_ticket(setup: &Setup) {
    let tickets = setup.tickets();
    let created = tickets
        .upsert(
            "t1",
            Update::new()
                .set("status", "open")
                .expect_version("version", 0),
        )
        .await
        .unwrap();
    assert_eq!(created.version, 1);
    let key = tickets.key("t1").unwrap();
    let stored = setup
        .stored(tickets.table().as_str(), key.as_str())
        .await
        .unwrap();
    assert_eq!(stored["version"], AttributeValue::N("1".into()));
}

/// Writer `writer`'s update in round `round`: appends to the history, expecting version
/// `round`.
fn round_write(writer: &str, round: u64) -> Update {
    Update::new()
        .append("history", [format!("{writer} in round {round}")])
        .expect_version("version", round)
}

/// After five rounds from version 1: version 6, and one history entry per round.
async fn assert_one_write_per_round(tickets: &Items<Ticket>) {
    let last = tickets.get("t1").await.unwrap().unwrap();
    assert_eq!(last.version, 6);
    assert_eq!(
        last.history.len(),
        5,
        "one write per round: {:?}",
        last.history
    );
}

/// Checks the loser of a round of two writers expecting `round`: a version conflict that names
/// the version found and says to retry.
fn assert_lost_round(round: u64, lost: &Error) {
    match lost {
        Error::VersionConflict {
            attribute,
            expected,
            found,
            ..
        } => {
            assert_eq!(attribute, "version");
            assert_eq!(*expected, round);
            assert_eq!(*found, Some(round + 1), "{lost}");
        }
        other => panic!("round {round}: expected a version conflict, got {other:?}"),
    }
    assert!(lost.to_string().contains("retry"), "{lost}");
}

/// Two writers expecting the same version, one after the other: the first wins, the second
/// gets a conflict naming the version found; stale and current versions after that. Runs on
/// every backend (the concurrent form below needs one that serialises conditional writes).
#[tokio::test]
async fn versions_let_the_first_of_two_writers_win_and_refuse_stale_ones() {
    let setup = setup().await;
    versioned_ticket(&setup).await;
    let tickets = setup.tickets();
    for round in 1..=5_u64 {
        let write = |writer: &'static str| tickets.update("t1", round_write(writer, round));
        let won = write("a").await.unwrap();
        assert_eq!(won.version, round + 1);
        let lost = write("b").await.unwrap_err();
        assert_lost_round(round, &lost);
    }
    assert_one_write_per_round(&tickets).await;

    // A stale version after a read is a conflict; the current one applies.
    let err = tickets
        .update(
            "t1",
            Update::new()
                .set("status", "x")
                .expect_version("version", 2),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::VersionConflict {
                expected: 2,
                found: Some(6),
                ..
            }
        ),
        "{err}"
    );
    let updated = tickets
        .update(
            "t1",
            Update::new()
                .set("status", "x")
                .expect_version("version", 6),
        )
        .await
        .unwrap();
    assert_eq!((updated.status.as_str(), updated.version), ("x", 7));
    // Version 0 does not match a versioned item.
    let err = tickets
        .update("t1", Update::new().expect_version("version", 0))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::VersionConflict { found: Some(7), .. }),
        "{err}"
    );
}

/// Two writers expecting the same version at the same time: exactly one wins, in each of five
/// rounds. Needs a backend that applies conditional writes one at a time (not moto).
#[tokio::test]
async fn versions_let_exactly_one_of_two_concurrent_writers_win() {
    scoped_tests::needs!(SerialConditionalWrites);
    let setup = setup().await;
    versioned_ticket(&setup).await;
    let tickets = setup.tickets();
    for round in 1..=5_u64 {
        let write = |writer: &'static str| tickets.update("t1", round_write(writer, round));
        let (a, b) = tokio::join!(write("a"), write("b"));
        let (won, lost) = match (a, b) {
            (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
            (a, b) => panic!("round {round}: expected one winner, got {a:?} and {b:?}"),
        };
        assert_eq!(won.version, round + 1);
        assert_lost_round(round, &lost);
    }
    assert_one_write_per_round(&tickets).await;
}

#[tokio::test]
async fn upserts_create_items_that_read_back() {
    let setup = setup().await;
    let tickets = setup.tickets();

    // An update never creates; an upsert does, with the id attribute written.
    let err = tickets
        .update("t1", Update::new().set("status", "open"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    let created = tickets
        .upsert("t1", Update::new().set("status", "open").add("version", 1))
        .await
        .unwrap();
    let expected = Ticket {
        version: 1,
        ..ticket("t1", "open")
    };
    assert_eq!(created, expected);
    assert_eq!(tickets.get("t1").await.unwrap(), Some(expected.clone()));
    let key = tickets.key("t1").unwrap();
    let stored = setup
        .stored(tickets.table().as_str(), key.as_str())
        .await
        .unwrap();
    assert_eq!(stored["ticketId"], AttributeValue::S("t1".into()));
    assert_eq!(stored[PK], AttributeValue::S(key.to_string()));

    // On an existing item, an upsert is an update: other attributes stay.
    let updated = tickets
        .upsert("t1", Update::new().set("nickname", "first"))
        .await
        .unwrap();
    assert_eq!(
        updated,
        Ticket {
            nickname: Some("first".into()),
            ..expected
        }
    );

    // Conditions still apply: an absent item has no attribute to match, and nothing is made.
    let err = tickets
        .upsert("t2", Update::new().set("status", "x").when_exists("status"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err}");
    assert_eq!(tickets.get("t2").await.unwrap(), None);

    // Integer ids are written as numbers, so the item reads back as the entity.
    let seats = setup.crm.items::<Seat>().consistent_reads();
    let seat = seats
        .upsert(("A", 7), Update::new().set("holder", "Ada"))
        .await
        .unwrap();
    let expected = Seat {
        row: "A".into(),
        number: 7,
        holder: Some("Ada".into()),
    };
    assert_eq!(seat, expected);
    assert_eq!(seats.get(("A", 7)).await.unwrap(), Some(expected));
    let key = seats.key(("A", 7)).unwrap();
    let stored = setup
        .stored(seats.table().as_str(), key.as_str())
        .await
        .unwrap();
    assert_eq!(stored["number"], AttributeValue::N("7".into()));
    assert_eq!(stored["row"], AttributeValue::S("A".into()));
}

#[tokio::test]
async fn lists_append_and_sets_add_and_delete() {
    let setup = setup().await;
    let tickets = setup.tickets();
    tickets.put(&ticket("t1", "open")).await.unwrap();
    // The put wrote an empty list; an item without one gets one too.
    let key = tickets.key("t1").unwrap();
    unscoped(&setup.factory)
        .update_item()
        .table_name(tickets.table().as_str())
        .key(PK, AttributeValue::S(key.to_string()))
        .update_expression("REMOVE history")
        .send()
        .await
        .unwrap();

    let one = tickets
        .update("t1", Update::new().append("history", ["opened"]))
        .await
        .unwrap();
    assert_eq!(one.history, ["opened"]);
    let three = tickets
        .update(
            "t1",
            Update::new().append("history", ["assigned", "closed"]),
        )
        .await
        .unwrap();
    assert_eq!(three.history, ["opened", "assigned", "closed"]);

    let tagged = tickets
        .update(
            "t1",
            Update::new().add_to_set("tags", ["urgent", "billing", "vip"]),
        )
        .await
        .unwrap();
    let mut tags = tagged.tags.clone();
    tags.sort();
    assert_eq!(tags, ["billing", "urgent", "vip"]);
    let stored = setup
        .stored(tickets.table().as_str(), key.as_str())
        .await
        .unwrap();
    assert!(matches!(&stored["tags"], AttributeValue::Ss(set) if set.len() == 3));

    let fewer = tickets
        .update(
            "t1",
            Update::new().delete_from_set("tags", ["urgent", "absent"]),
        )
        .await
        .unwrap();
    let mut tags = fewer.tags.clone();
    tags.sort();
    assert_eq!(tags, ["billing", "vip"]);
    // Deleting every element removes the attribute.
    let none = tickets
        .update(
            "t1",
            Update::new().delete_from_set("tags", ["billing", "vip"]),
        )
        .await
        .unwrap();
    assert!(none.tags.is_empty(), "{:?}", none.tags);
    let stored = setup
        .stored(tickets.table().as_str(), key.as_str())
        .await
        .unwrap();
    assert!(!stored.contains_key("tags"), "{stored:?}");
    assert_eq!(
        tickets.get("t1").await.unwrap().unwrap().history,
        ["opened", "assigned", "closed"]
    );
}

#[tokio::test]
async fn versioned_puts_replace_only_the_version_they_read() {
    let setup = setup().await;
    let tickets = setup.tickets();
    // Version 0: the item must not exist (or carry no version).
    let mut first = ticket("t1", "open");
    first.version = tickets.put_versioned(&first, "version").await.unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(tickets.get("t1").await.unwrap(), Some(first.clone()));
    let err = tickets
        .put_versioned(&ticket("t1", "again"), "version")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::VersionConflict {
                expected: 0,
                found: Some(1),
                ..
            }
        ),
        "{err}"
    );

    // Two writers that read version 1: exactly one replaces it.
    let mut a = first.clone();
    a.status = "a".into();
    let mut b = first.clone();
    b.status = "b".into();
    let (ra, rb) = tokio::join!(
        tickets.put_versioned(&a, "version"),
        tickets.put_versioned(&b, "version")
    );
    let (winner, lost) = match (ra, rb) {
        (Ok(2), Err(lost)) => ("a", lost),
        (Err(lost), Ok(2)) => ("b", lost),
        other => panic!("expected one winner at version 2, got {other:?}"),
    };
    assert!(
        matches!(
            lost,
            Error::VersionConflict {
                expected: 1,
                found: Some(2),
                ..
            }
        ),
        "{lost}"
    );
    let stored = tickets.get("t1").await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.version), (winner, 2));

    // The version attribute is checked like an update's names, before anything is sent.
    let (result, sent) = setup.sent(tickets.put_versioned(&stored, "verison")).await;
    assert!(
        matches!(
            &result,
            Err(Error::UpdateAttribute {
                rule: UpdateRule::Unknown,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(sent.is_empty(), "{sent:?}");
    let (result, sent) = setup.sent(tickets.put_versioned(&stored, "status")).await;
    assert!(
        matches!(&result, Err(Error::UpdateValue { attribute, .. }) if attribute == "status"),
        "{result:?}"
    );
    assert!(sent.is_empty(), "{sent:?}");
}
