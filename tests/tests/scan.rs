//! Typed scans and counts against the emulator: only the asked entity's items, each exactly
//! once across parallel segments, and a planted stranger is an error, never skipped.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    AwsClientFactory, CredentialCacheConfig, DynamoDb, Error, Items, ScopedKey, Tenant,
    TenantClient, platform_table, tenant_table,
};
use scoped_tests::entities::TenantNote;
use scoped_tests::{PK, StsTap, factory_with_tap, unique, unscoped};
use serde::{Deserialize, Serialize};

/// A second entity in the tenant's `iso` table, next to the notes.
#[tenant_table("iso")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "MEMO")]
pub struct Memo {
    /// Its id.
    #[scoped(id)]
    pub memo_id: String,
    /// Its text.
    pub body: String,
}

/// A platform entity in a table of its own, which only this test file writes.
#[platform_table("scans")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "EVENT")]
pub struct Event {
    /// Its id.
    #[scoped(id)]
    pub event_id: String,
}

struct Setup {
    tap: StsTap,
    factory: AwsClientFactory,
    client: TenantClient<DynamoDb>,
}

/// A fresh tenant whose table holds `notes` notes and `memos` memos.
async fn setup(notes: usize, memos: usize) -> Setup {
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let tenant = Tenant::new(format!("t-{}", unique()), "Scanned").unwrap();
    let client = factory.tenant_dynamodb(&tenant);
    let note_items = client.items::<TenantNote>();
    note_items.provision().await.unwrap();
    let written: Vec<TenantNote> = (0..notes).map(|i| note(&format!("n{i:02}"))).collect();
    note_items.batch_put(&written).await.unwrap();
    let memo_items: Vec<Memo> = (0..memos)
        .map(|i| Memo {
            memo_id: format!("n{i:02}"),
            body: "a memo".into(),
        })
        .collect();
    client.items::<Memo>().batch_put(&memo_items).await.unwrap();
    Setup {
        tap,
        factory,
        client,
    }
}

fn note(id: &str) -> TenantNote {
    TenantNote {
        note_id: id.into(),
        body: format!("note {id}"),
    }
}

fn ids(notes: &[TenantNote]) -> Vec<String> {
    let mut ids: Vec<String> = notes.iter().map(|note| note.note_id.clone()).collect();
    ids.sort();
    ids
}

fn expected_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("n{i:02}")).collect()
}

impl Setup {
    fn notes(&self) -> Items<TenantNote> {
        self.client.items::<TenantNote>().consistent_reads()
    }
}

#[tokio::test]
async fn a_scan_returns_only_the_entity_asked_for() {
    let setup = setup(7, 5).await;
    let notes = setup.notes();
    let before = setup.tap.dynamodb_requests();
    let found = notes.scan().try_collect().await.unwrap();
    let sent = setup.tap.dynamodb_operations()[before..].to_vec();
    assert_eq!(ids(&found), expected_ids(7));
    assert!(found.iter().all(|note| note.body.starts_with("note ")));
    assert_eq!(sent, ["Scan"]);
    let memos = setup
        .client
        .items::<Memo>()
        .consistent_reads()
        .scan()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(memos.len(), 5);
    assert!(memos.iter().all(|memo| memo.body == "a memo"));

    assert_eq!(notes.count().await.unwrap(), 7);
    assert_eq!(
        setup
            .client
            .items::<Memo>()
            .consistent_reads()
            .count()
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn parallel_segments_return_each_item_exactly_once() {
    let setup = setup(40, 10).await;
    for (segments, page_size) in [(1, None), (4, None), (4, Some(3)), (7, Some(5))] {
        let mut notes = setup.notes().segments(segments);
        if let Some(page_size) = page_size {
            notes = notes.page_size(page_size);
        }
        let before = setup.tap.dynamodb_requests();
        let found = notes.scan().try_collect().await.unwrap();
        let scans = setup.tap.dynamodb_operations()[before..].len();
        assert_eq!(
            ids(&found),
            expected_ids(40),
            "{segments} segments, pages of {page_size:?}"
        );
        assert!(
            scans >= usize::try_from(segments).unwrap(),
            "{segments} segments sent {scans} scans"
        );
        assert_eq!(
            notes.count().await.unwrap(),
            40,
            "{segments} segments, pages of {page_size:?}"
        );
    }
}

#[tokio::test]
async fn a_planted_item_under_the_tag_is_an_error_not_skipped() {
    let setup = setup(3, 2).await;
    let notes = setup.notes();
    let unscoped = unscoped(&setup.factory);
    let table = notes.table().to_string();
    // Under the note tag of this tenant, with an id attribute that does not make its key.
    unscoped
        .put_item()
        .table_name(&table)
        .item(PK, AttributeValue::S(notes.key("n90").unwrap().to_string()))
        .item("note_id", AttributeValue::S("n91".into()))
        .item("body", AttributeValue::S("planted".into()))
        .send()
        .await
        .unwrap();
    for segments in [1, 4] {
        let results: Vec<Result<TenantNote, Error>> = {
            let mut stream = notes.clone().segments(segments).scan();
            let mut results = Vec::new();
            while let Some(result) = stream.next().await {
                results.push(result);
            }
            results
        };
        let errors: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{segments} segments: {results:?}");
        match errors[0] {
            Error::ForeignItem { key, reason, .. } => {
                assert!(key.ends_with("#NOTE#n90"), "{key}");
                assert!(reason.contains("NOTE#n91"), "{reason}");
            }
            other => panic!("expected a foreign item, got {other:?}"),
        }
        assert!(
            results.last().is_some_and(Result::is_err),
            "the error ends the stream: {results:?}"
        );
        let err = notes
            .clone()
            .segments(segments)
            .scan()
            .try_collect()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ForeignItem { .. }), "{err}");
    }
}

#[tokio::test]
async fn other_scopes_items_in_the_table_are_filtered_out() {
    let setup = setup(2, 0).await;
    let notes = setup.notes();
    let table = notes.table().to_string();
    let tenant = notes.key("x").unwrap().to_string();
    let tenant = tenant
        .trim_end_matches("#NOTE#x")
        .trim_start_matches("TENANT#");
    // A prefix sibling's note, planted in this tenant's table: the filter keeps it out, so it
    // is neither returned nor counted.
    let sibling = Tenant::new(format!("{tenant}0"), "Sibling").unwrap();
    let sibling_key = setup
        .factory
        .tenant_dynamodb(&sibling)
        .key::<TenantNote>("n00")
        .unwrap();
    unscoped(&setup.factory)
        .put_item()
        .table_name(&table)
        .item(PK, AttributeValue::S(sibling_key.to_string()))
        .item("note_id", AttributeValue::S("n00".into()))
        .item("body", AttributeValue::S("sibling".into()))
        .send()
        .await
        .unwrap();
    let found = notes
        .clone()
        .segments(3)
        .scan()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&found), expected_ids(2));
    assert!(found.iter().all(|note| note.body != "sibling"));
    assert_eq!(notes.count().await.unwrap(), 2);
}

#[tokio::test]
async fn platform_entities_scan_too() {
    let factory = factory_with_tap(&StsTap::new(), CredentialCacheConfig::default()).await;
    let events = factory
        .platform_dynamodb()
        .items::<Event>()
        .consistent_reads();
    events.provision().await.unwrap();
    let run = unique();
    let written: Vec<Event> = (0..6)
        .map(|i| Event {
            event_id: format!("{run}-{i}"),
        })
        .collect();
    events.batch_put(&written).await.unwrap();
    let found: BTreeSet<String> = events
        .clone()
        .segments(2)
        .scan()
        .try_collect()
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_id)
        .collect();
    let own: BTreeSet<String> = written.into_iter().map(|event| event.event_id).collect();
    assert!(own.is_subset(&found), "{own:?} not in {found:?}");
    assert!(events.count().await.unwrap() >= 6);
}
