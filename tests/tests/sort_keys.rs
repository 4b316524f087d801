//! Sort keys against a real DynamoDB: item keys of entities sharing a partition, typed range
//! queries in both orders, limits, counts, and every returned item checked.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{Capsule, CapsuleClient, Cursor, DynamoDb, Error, Items, KeySchema, Table};
use scoped_tests::entities::{Crm, Lead, LeadFile, LeadNotes, Note, Task};
use scoped_tests::{factory, unique, unscoped};

/// A capsule of its own, its `crm` table provisioned, and the lead `lead-1` with notes created
/// at `created` (note ids `n{created}`) and one task.
async fn crm_with_notes(created: &[i64]) -> (CapsuleClient<DynamoDb>, Items<Note>) {
    let factory = factory().await;
    let capsule = Capsule::new(format!("t-{}", unique()), "caps-1", "PRODUS").unwrap();
    let crm = factory.capsule_dynamodb(&capsule);
    crm.items::<Lead>().provision().await.unwrap();
    crm.items::<Lead>()
        .put(&Lead {
            lead_id: "lead-1".into(),
            name: "Ada".into(),
            version: 0,
        })
        .await
        .unwrap();
    crm.items::<Task>()
        .put(&Task {
            lead_id: "lead-1".into(),
            task_id: "call".into(),
            todo: "call back".into(),
        })
        .await
        .unwrap();
    let notes = crm.items::<Note>();
    let all: Vec<Note> = created.iter().map(|&at| note("lead-1", at)).collect();
    notes.batch_put(&all).await.unwrap();
    (crm, notes)
}

fn note(lead: &str, created: i64) -> Note {
    Note {
        lead_id: lead.into(),
        created,
        note_id: format!("n{created}"),
        text: format!("note at {created}"),
    }
}

fn times(notes: &[Note]) -> Vec<i64> {
    notes.iter().map(|note| note.created).collect()
}

#[tokio::test]
async fn entities_of_one_partition_have_their_own_sort_keys() {
    assert_eq!(Crm::KEY_SCHEMA, KeySchema::PartitionAndSort);
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
    let lead = Lead::to_partition_key(
        &Lead {
            lead_id: "lead-789".into(),
            name: String::new(),
            version: 0,
        },
        &capsule,
    )
    .unwrap();
    assert_eq!(lead, "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789");
    let note = Note::item_key(&capsule, "lead-789", 7, "n#1").unwrap();
    assert_eq!(note.partition(), lead.as_str());
    let sk = note.sort().unwrap();
    assert!(sk.starts_with("NOTE#"), "{sk}");
    assert!(sk.ends_with("#n%231"), "ids are escaped: {sk}");
}

#[tokio::test]
async fn notes_come_back_in_value_order_both_ways() {
    let created = [10, -5, 9, 100, 0, -40];
    let (_crm, notes) = crm_with_notes(&created).await;
    let ascending = notes.query("lead-1").try_collect().await.unwrap();
    assert_eq!(times(&ascending), [-40, -5, 0, 9, 10, 100]);
    let descending = notes
        .query("lead-1")
        .descending()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(times(&descending), [100, 10, 9, 0, -5, -40]);
    let newest_two = notes
        .query("lead-1")
        .descending()
        .limit(2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(times(&newest_two), [100, 10]);
    // Small pages change nothing but the number of requests.
    let paged = notes
        .query("lead-1")
        .page_size(2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(times(&paged), [-40, -5, 0, 9, 10, 100]);
    assert_eq!(notes.query("lead-1").count().await.unwrap(), 6);
}

#[tokio::test]
async fn ranges_on_the_next_sort_id_never_leave_the_entity() {
    let (_crm, notes) = crm_with_notes(&[-5, 0, 9, 10, 100]).await;
    let q = || notes.query("lead-1");
    let cases: [(&str, Vec<Note>, Vec<i64>); 6] = [
        (
            "lt 9",
            q().lt(Note::CREATED, 9).try_collect().await.unwrap(),
            vec![-5, 0],
        ),
        (
            "le 9",
            q().le(Note::CREATED, 9).try_collect().await.unwrap(),
            vec![-5, 0, 9],
        ),
        (
            "gt 9",
            q().gt(Note::CREATED, 9).try_collect().await.unwrap(),
            vec![10, 100],
        ),
        (
            "ge 10",
            q().ge(Note::CREATED, 10).try_collect().await.unwrap(),
            vec![10, 100],
        ),
        (
            "between 0 and 10",
            q().between(Note::CREATED, 0, 10)
                .try_collect()
                .await
                .unwrap(),
            vec![0, 9, 10],
        ),
        (
            "eq 9",
            q().eq(Note::CREATED, 9).try_collect().await.unwrap(),
            vec![9],
        ),
    ];
    for (name, found, expected) in cases {
        assert_eq!(times(&found), expected, "{name}");
    }
    // Before every note is the lead (`LEAD` < `NOTE`), after them the task (`TASK`): a range
    // reaching past either end stays on the notes.
    let below = q().lt(Note::CREATED, i64::MAX).try_collect().await.unwrap();
    assert_eq!(times(&below), [-5, 0, 9, 10, 100]);
    let above = q().gt(Note::CREATED, i64::MIN).try_collect().await.unwrap();
    assert_eq!(times(&above), [-5, 0, 9, 10, 100]);
    assert_eq!(q().lt(Note::CREATED, 9).count().await.unwrap(), 2);
    assert_eq!(q().between(Note::CREATED, 10, 0).count().await.unwrap(), 0);
    // Both sort ids fixed: the one note.
    let one = q()
        .eq(Note::CREATED, 10)
        .eq(Note::NOTE_ID, "n10")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(times(&one), [10]);
    let after = q()
        .eq(Note::CREATED, 10)
        .gt(Note::NOTE_ID, "n10")
        .try_collect()
        .await
        .unwrap();
    assert!(after.is_empty());
}

#[tokio::test]
async fn an_entity_without_sort_ids_is_its_tag_in_the_partition() {
    let (crm, notes) = crm_with_notes(&[1, 2]).await;
    let leads = crm
        .items::<Lead>()
        .query("lead-1")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].name, "Ada");
    let tasks = crm
        .items::<Task>()
        .query("lead-1")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(notes.query("lead-1").count().await.unwrap(), 2);
    // get, update and delete address one item by its full key.
    let got = notes.get(("lead-1", 2, "n2")).await.unwrap().unwrap();
    assert_eq!(got.text, "note at 2");
    notes.delete(("lead-1", 2, "n2")).await.unwrap();
    assert_eq!(
        times(&notes.query("lead-1").try_collect().await.unwrap()),
        [1]
    );
    assert!(crm.items::<Lead>().get("lead-1").await.unwrap().is_some());
}

/// Items planted past the typed API, inside the range a query reads: each is an error from
/// the query, never one of its items.
#[tokio::test]
async fn a_stranger_in_the_range_is_an_error() {
    let (crm, notes) = crm_with_notes(&[1]).await;
    let raw = unscoped(&factory().await);
    let table = crm.table::<Note>().to_string();
    let pk = crm.key::<Note>("lead-1").unwrap().into_string();
    let plant = |sk: &str, note_id: &str| {
        let mut item = HashMap::new();
        item.insert("pk".to_owned(), AttributeValue::S(pk.clone()));
        item.insert("sk".to_owned(), AttributeValue::S(sk.to_owned()));
        item.insert("lead_id".to_owned(), AttributeValue::S("lead-1".into()));
        item.insert("created".to_owned(), AttributeValue::N("1".into()));
        item.insert("note_id".to_owned(), AttributeValue::S(note_id.into()));
        item.insert("text".to_owned(), AttributeValue::S("planted".into()));
        raw.put_item()
            .table_name(&table)
            .set_item(Some(item))
            .send()
    };
    // Its ids make another sort key than its own.
    let own = Note::item_key(crm.scope(), "lead-1", 1, "n1").unwrap();
    let forged = format!("{}x", own.sort().unwrap());
    plant(&forged, "n1").await.unwrap();
    let err = notes.query("lead-1").try_collect().await.unwrap_err();
    assert!(matches!(err, Error::ForeignItem { .. }), "{err}");
}

#[tokio::test]
async fn a_collection_reads_every_entity_of_the_partition_in_order() {
    let (crm, _notes) = crm_with_notes(&[3, -1]).await;
    let file = crm
        .collection::<LeadFile>("lead-1")
        .try_collect()
        .await
        .unwrap();
    let shape: Vec<String> = file
        .iter()
        .map(|item| match item {
            LeadFile::Lead(lead) => format!("lead {}", lead.name),
            LeadFile::Note(note) => format!("note {}", note.created),
            LeadFile::Task(task) => format!("task {}", task.task_id),
        })
        .collect();
    // Sort-key order: LEAD < NOTE#… < TASK#…, notes by time.
    assert_eq!(shape, ["lead Ada", "note -1", "note 3", "task call"]);
    let reversed = crm
        .collection::<LeadFile>("lead-1")
        .descending()
        .limit(2)
        .try_collect()
        .await
        .unwrap();
    assert!(matches!(reversed[0], LeadFile::Task(_)), "{reversed:?}");
    assert_eq!(reversed.len(), 2);
    assert_eq!(
        crm.collection::<LeadFile>("lead-1").count().await.unwrap(),
        4
    );
    // Another lead's partition holds nothing of lead-1's.
    assert!(
        crm.collection::<LeadFile>("lead-2")
            .try_collect()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_item_of_a_tag_outside_the_collection_is_an_error() {
    let (crm, _notes) = crm_with_notes(&[1]).await;
    let err = crm
        .collection::<LeadNotes>("lead-1")
        .try_collect()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ForeignItem { reason, .. } if reason.contains("`TASK`")),
        "{err}"
    );
}

#[tokio::test]
async fn pages_resume_through_cursors_that_fit_only_their_query() {
    let (crm, notes) = crm_with_notes(&[1, 2, 3, 4, 5]).await;
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let page = notes
            .query("lead-1")
            .descending()
            .limit(2)
            .page(cursor.as_ref())
            .await
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        seen.extend(times(&page.items));
        match page.cursor {
            // As an API would: the cursor goes out as text and comes back parsed.
            Some(next) => cursor = Some(next.to_string().parse().unwrap()),
            None => break,
        }
        assert!(pages < 10, "pages never end");
    }
    assert_eq!(seen, [5, 4, 3, 2, 1]);
    let first = notes
        .query("lead-1")
        .descending()
        .limit(2)
        .page(None)
        .await
        .unwrap();
    let taken = first.cursor.unwrap();
    let text = taken.to_string();
    assert!(
        !text.contains("lead-1") && !text.contains('{'),
        "opaque: {text}"
    );
    // The same cursor on another partition, order, entity or scope is refused.
    let other_partition = notes.query("lead-2").descending().page(Some(&taken)).await;
    let other_order = notes.query("lead-1").page(Some(&taken)).await;
    let other_entity = crm.items::<Task>().query("lead-1").page(Some(&taken)).await;
    let other_collection = crm
        .collection::<LeadFile>("lead-1")
        .descending()
        .page(Some(&taken))
        .await;
    let elsewhere = Capsule::new(crm.scope().tenant_id().as_str(), "caps-2", "PRODUS").unwrap();
    let other_scope = factory()
        .await
        .capsule_dynamodb(&elsewhere)
        .items::<Note>()
        .query("lead-1")
        .descending()
        .page(Some(&taken))
        .await;
    for (name, result) in [
        ("partition", other_partition.map(|page| page.items.len())),
        ("order", other_order.map(|page| page.items.len())),
        ("entity", other_entity.map(|page| page.items.len())),
        ("collection", other_collection.map(|page| page.items.len())),
        ("scope", other_scope.map(|page| page.items.len())),
    ] {
        assert!(
            matches!(result, Err(Error::Cursor(_))),
            "a cursor of another {name} must be refused: {result:?}"
        );
    }
    // Garbage is an error, not a panic.
    assert!("%%%".parse::<Cursor>().is_err());
    assert!(text[..text.len() / 2].parse::<Cursor>().is_err());
}
