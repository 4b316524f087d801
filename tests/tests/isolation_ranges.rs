//! The isolation matrix on tables with sort keys (see `scoped_tests::world`): the platform, two
//! tenants whose ids are prefix siblings and two capsules each (the capsules of one code share
//! the `{CODE}_sales` table) write the same lead id and the same note ids and times. Every
//! typed read shape — the whole entity, a prefix, every range operator with extreme bounds,
//! both orders, limits, counts, pages through cursors, collections, get and batch get —
//! returns exactly the scope's own items.
//!
//! Items planted past the library (an unscoped client) inside the range a typed read covers,
//! with forged sort keys, are errors of that read, never items and never skipped; forged keys
//! through a scoped client's raw SDK client are rejected before anything is sent; and a
//! cursor of one scope is refused by every other.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    Collection, Cursor, Error, IsolationViolation, SORT_KEY_ATTRIBUTE as SK, ScopedKey,
    platform_table, tenant_table,
};
use scoped_tests::entities::{Lead, LeadFile, Note};
use scoped_tests::world::{World, world};
use scoped_tests::{PK, assert_rejected, unscoped};
use serde::{Deserialize, Serialize};

/// The inbox table of each tenant, keyed by `pk` and `sk`: `{tenant}_inbox`.
#[tenant_table("inbox", sort_key)]
pub struct Inbox;

/// A tenant's lead: `pk = TENANT#{t}#LEAD#{lead_id}`, `sk = LEAD`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Inbox, entity = "LEAD")]
pub struct TenantLead {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: u64,
}

/// A note on a tenant's lead, in the lead's partition: `sk = NOTE#{created}#{note_id}`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(partition = TenantLead, entity = "NOTE")]
pub struct TenantNote {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When it was written.
    #[scoped(sort)]
    pub created: i64,
    /// The note's id.
    #[scoped(sort)]
    pub note_id: String,
    /// Its text.
    pub text: String,
}

/// A tenant's lead with its notes.
#[derive(Collection, Debug, Clone, PartialEq, Eq)]
pub enum TenantFile {
    /// The lead.
    Lead(TenantLead),
    /// A note.
    Note(TenantNote),
}

/// The platform's ledger, keyed by `pk` and `sk`: `ledger`.
#[platform_table("ledger", sort_key)]
pub struct Ledger;

/// A platform lead: `pk = LEAD#{lead_id}`, `sk = LEAD`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Ledger, entity = "LEAD")]
pub struct PlatformLead {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: u64,
}

/// A note on a platform lead: `sk = NOTE#{created}#{note_id}`.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(partition = PlatformLead, entity = "NOTE")]
pub struct PlatformNote {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// When it was written.
    #[scoped(sort)]
    pub created: i64,
    /// The note's id.
    #[scoped(sort)]
    pub note_id: String,
    /// Its text.
    pub text: String,
}

/// A platform lead with its notes.
#[derive(Collection, Debug, Clone, PartialEq, Eq)]
pub enum PlatformFile {
    /// The lead.
    Lead(PlatformLead),
    /// A note.
    Note(PlatformNote),
}

/// The creation times every scope writes a note at, in value order; note `i` is `n{i}`.
const CREATED: [i64; 7] = [i64::MIN, -10, -1, 0, 1, 10, i64::MAX];

/// What a collection item shows: a lead's name or a note's text.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for LeadFile {
    fn shown(&self) -> String {
        match self {
            Self::Lead(lead) => lead.name.clone(),
            Self::Note(note) => note.text.clone(),
            Self::Task(task) => task.todo.clone(),
        }
    }
}

impl Shown for TenantFile {
    fn shown(&self) -> String {
        match self {
            Self::Lead(lead) => lead.name.clone(),
            Self::Note(note) => note.text.clone(),
        }
    }
}

impl Shown for PlatformFile {
    fn shown(&self) -> String {
        match self {
            Self::Lead(lead) => lead.name.clone(),
            Self::Note(note) => note.text.clone(),
        }
    }
}

/// The note id of the note created at `CREATED[i]`.
fn note_id(i: usize) -> String {
    format!("n{i}")
}

/// The texts of the scope's own notes whose time passes `pick`, in ascending order.
fn own(scope: &str, pick: impl Fn(i64) -> bool) -> Vec<String> {
    CREATED
        .iter()
        .copied()
        .filter(|&created| pick(created))
        .map(|created| format!("{scope} {created}"))
        .collect()
}

fn lead_id(world: &World) -> String {
    format!("lead-{}", world.run)
}

fn capsule_name(world: &World, i: usize) -> String {
    let capsule = &world.capsules[i];
    format!("capsule {}/{}", capsule.tenant_id(), capsule.id())
}

fn tenant_name(world: &World, i: usize) -> String {
    format!("tenant {}", world.tenants[i].id())
}

/// Writes the lead and its notes in `$client`'s scope, the lead named `$name` and each note's
/// text `"{$name} {created}"`.
macro_rules! write_scope {
    ($client:expr, $name:expr, $lead:expr, $Lead:ident, $Note:ident) => {{
        let client = &$client;
        let name: &str = &$name;
        let lead: &str = &$lead;
        client.items::<$Lead>().provision().await.unwrap();
        client
            .items::<$Lead>()
            .put(&$Lead {
                lead_id: lead.into(),
                name: name.into(),
                version: 0,
            })
            .await
            .unwrap();
        let notes: Vec<$Note> = CREATED
            .iter()
            .enumerate()
            .map(|(i, &created)| $Note {
                lead_id: lead.into(),
                created,
                note_id: note_id(i),
                text: format!("{name} {created}"),
            })
            .collect();
        client.items::<$Note>().batch_put(&notes).await.unwrap();
    }};
}

/// Every typed read shape of `$client`'s scope returns exactly its own items.
macro_rules! check_reads {
    ($client:expr, $name:expr, $lead:expr, $Lead:ident, $Note:ident, $File:ident) => {{
        Box::pin(async {
            let client = &$client;
            let name: &str = &$name;
            let lead: &str = &$lead;
            let notes = client.items::<$Note>().consistent_reads();
            let texts = |found: &[$Note]| found.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
            let reversed = |mut texts: Vec<String>| {
                texts.reverse();
                texts
            };
            let q = || notes.query(lead);
            // One case: the query's items in both orders, its count, and its pages of two.
            macro_rules! case {
                ($what:expr, $query:expr, $pick:expr) => {{
                    Box::pin(async {
                        let what = format!("{name}: {}", $what);
                        let expected = own(name, $pick);
                        let found = $query.try_collect().await.unwrap();
                        assert_eq!(texts(&found), expected, "{what}");
                        let found = $query.descending().try_collect().await.unwrap();
                        assert_eq!(
                            texts(&found),
                            reversed(expected.clone()),
                            "{what}, descending"
                        );
                        let count = $query.count().await.unwrap();
                        assert_eq!(count, expected.len() as u64, "{what}: count");
                        let mut paged = Vec::new();
                        let mut cursor: Option<Cursor> = None;
                        for _ in 0..=CREATED.len() {
                            let page = $query.limit(2).page(cursor.as_ref()).await.unwrap();
                            assert!(
                                page.items.len() <= 2,
                                "{what}: page of {}",
                                page.items.len()
                            );
                            paged.extend(texts(&page.items));
                            // As an API would: out as text, back parsed.
                            cursor = page.cursor.map(|c| c.to_string().parse().unwrap());
                            if cursor.is_none() {
                                break;
                            }
                        }
                        assert!(cursor.is_none(), "{what}: the pages never end");
                        assert_eq!(paged, expected, "{what}: pages");
                    })
                    .await
                }};
            }
            case!("every note", q(), |_| true);
            case!("eq 0", q().eq($Note::CREATED, 0), |c| c == 0);
            case!("eq MIN", q().eq($Note::CREATED, i64::MIN), |c| c
                == i64::MIN);
            case!("eq MAX", q().eq($Note::CREATED, i64::MAX), |c| c
                == i64::MAX);
            case!(
                "eq 0 and n3",
                q().eq($Note::CREATED, 0).eq($Note::NOTE_ID, "n3"),
                |c| c == 0
            );
            case!(
                "eq 0 and n4",
                q().eq($Note::CREATED, 0).eq($Note::NOTE_ID, "n4"),
                |_| false
            );
            case!(
                "eq 0, note id ge n3",
                q().eq($Note::CREATED, 0).ge($Note::NOTE_ID, "n3"),
                |c| c == 0
            );
            case!(
                "eq 0, note id gt n3",
                q().eq($Note::CREATED, 0).gt($Note::NOTE_ID, "n3"),
                |_| false
            );
            for pivot in [i64::MIN, -1, 0, 1, i64::MAX] {
                case!(format!("lt {pivot}"), q().lt($Note::CREATED, pivot), |c| c
                    < pivot);
                case!(format!("le {pivot}"), q().le($Note::CREATED, pivot), |c| c
                    <= pivot);
                case!(format!("gt {pivot}"), q().gt($Note::CREATED, pivot), |c| c
                    > pivot);
                case!(format!("ge {pivot}"), q().ge($Note::CREATED, pivot), |c| c
                    >= pivot);
            }
            for (lo, hi) in [
                (i64::MIN, i64::MAX),
                (-10, 10),
                (-1, 1),
                (0, 0),
                (i64::MIN, i64::MIN),
                (i64::MAX, i64::MAX),
                (10, -10),
                (i64::MAX, i64::MIN),
            ] {
                case!(
                    format!("between {lo} and {hi}"),
                    q().between($Note::CREATED, lo, hi),
                    |c| lo <= c && c <= hi
                );
            }
            // Limits, and a stream.
            let first = q().limit(3).try_collect().await.unwrap();
            assert_eq!(texts(&first), own(name, |c| c <= -1), "{name}: limit 3");
            let newest = q().descending().limit(2).try_collect().await.unwrap();
            assert_eq!(
                texts(&newest),
                reversed(own(name, |c| c >= 10)),
                "{name}: newest 2"
            );
            assert_eq!(
                q().limit(3).count().await.unwrap(),
                3,
                "{name}: count, limit 3"
            );
            let mut stream = q().page_size(1).stream();
            let mut streamed = Vec::new();
            while let Some(note) = stream.next().await {
                streamed.push(note.unwrap().text);
            }
            assert_eq!(streamed, own(name, |_| true), "{name}: stream");

            // The lead's collection: the lead, then its notes, in sort-key order.
            let mut expected = vec![name.to_owned()];
            expected.extend(own(name, |_| true));
            let file = client
                .collection::<$File>(lead)
                .consistent_reads()
                .try_collect()
                .await
                .unwrap();
            let shown: Vec<String> = file.iter().map(Shown::shown).collect();
            assert_eq!(shown, expected, "{name}: collection");
            let file = client
                .collection::<$File>(lead)
                .consistent_reads()
                .descending()
                .try_collect()
                .await
                .unwrap();
            let shown: Vec<String> = file.iter().map(Shown::shown).collect();
            assert_eq!(
                shown,
                reversed(expected.clone()),
                "{name}: collection, descending"
            );
            assert_eq!(
                client.collection::<$File>(lead).count().await.unwrap(),
                expected.len() as u64,
                "{name}: collection count"
            );
            let mut paged = Vec::new();
            let mut cursor: Option<Cursor> = None;
            for _ in 0..=expected.len() {
                let page = client
                    .collection::<$File>(lead)
                    .consistent_reads()
                    .limit(3)
                    .page(cursor.as_ref())
                    .await
                    .unwrap();
                paged.extend(page.items.iter().map(Shown::shown));
                cursor = page.cursor.map(|c| c.to_string().parse().unwrap());
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(paged, expected, "{name}: collection pages");

            // get and batch get, by full key.
            let leads = client.items::<$Lead>().consistent_reads();
            assert_eq!(leads.get(lead).await.unwrap().unwrap().name, name);
            let got = leads.batch_get([lead]).await.unwrap();
            assert_eq!(got.len(), 1, "{name}: batch get of the lead");
            assert_eq!(got[0].name, name);
            let ids: Vec<(i64, String)> = CREATED
                .iter()
                .enumerate()
                .map(|(i, &c)| (c, note_id(i)))
                .collect();
            for (created, id) in &ids {
                let note = notes.get((lead, *created, id.as_str())).await.unwrap();
                assert_eq!(note.unwrap().text, format!("{name} {created}"));
            }
            // A note id of another time is no note.
            assert!(notes.get((lead, 0, "n4")).await.unwrap().is_none());
            let got = notes
                .batch_get(ids.iter().map(|(c, id)| (lead, *c, id.as_str())))
                .await
                .unwrap();
            let mut got = texts(&got);
            got.sort();
            let mut expected = own(name, |_| true);
            expected.sort();
            assert_eq!(got, expected, "{name}: batch get");
        })
        .await
    }};
}

/// Every scope writes the same lead and notes, and reads back exactly its own with every read
/// shape.
#[tokio::test]
async fn every_read_shape_returns_only_the_scopes_own_items() {
    let world = world().await;
    let lead = lead_id(&world);
    let platform = world.factory.platform_dynamodb();
    write_scope!(platform, "platform", lead, PlatformLead, PlatformNote);
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        write_scope!(client, tenant_name(&world, i), lead, TenantLead, TenantNote);
    }
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        write_scope!(client, capsule_name(&world, i), lead, Lead, Note);
    }

    check_reads!(
        platform,
        "platform",
        lead,
        PlatformLead,
        PlatformNote,
        PlatformFile
    );
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        check_reads!(
            client,
            tenant_name(&world, i),
            lead,
            TenantLead,
            TenantNote,
            TenantFile
        );
    }
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        check_reads!(client, capsule_name(&world, i), lead, Lead, Note, LeadFile);
    }
}

/// One forged item: its sort key, the ids its attributes carry, and which reads meet it.
struct Forgery {
    what: &'static str,
    sk: String,
    lead_id: String,
    created: i64,
    note_id: String,
    /// Inside the notes' sort-key range around time 0, so every note query covering it meets
    /// it; otherwise only the lead's collection does.
    in_note_range: bool,
    /// The note ids whose `get` and `batch_get` read it.
    read_by_get: Option<(i64, &'static str)>,
}

/// The forged sort keys planted in partition `lead` of a scope whose note at time 0 with id
/// `id` has sort key `at0(id)`.
fn forgeries(lead: &str, at0: impl Fn(&str) -> String) -> Vec<Forgery> {
    let prefix0 = at0("x").strip_suffix('x').unwrap().to_owned();
    let forgery = |what, sk: String, note_id: &str, in_note_range, read_by_get| Forgery {
        what,
        sk,
        lead_id: lead.to_owned(),
        created: 0,
        note_id: note_id.to_owned(),
        in_note_range,
        read_by_get,
    };
    let after_tag = at0("n3").strip_prefix("NOTE#").unwrap().to_owned();
    vec![
        forgery(
            "another entity's tag with extra segments",
            format!("LEAD#x#{}", at0("n3")),
            "n3",
            false,
            None,
        ),
        forgery(
            "another entity's tag and the note's key",
            format!("LEAD#{}", at0("n3")),
            "n3",
            false,
            None,
        ),
        forgery(
            "the entity's key with extra segments",
            format!("{}#LEAD#x", at0("n3")),
            "n3",
            true,
            None,
        ),
        forgery(
            "an escape that decodes to another note id",
            format!("{prefix0}n3%23nz"),
            "n3",
            true,
            None,
        ),
        forgery(
            "an escaped separator after the tag",
            format!("NOTE%23{after_tag}"),
            "n3",
            false,
            None,
        ),
        forgery(
            "a lowercase hex escape",
            format!("{prefix0}%0az"),
            "\nz",
            true,
            None,
        ),
        forgery(
            "an unescaped space",
            format!("{prefix0} z"),
            " z",
            true,
            None,
        ),
        forgery(
            "a time component that is not the codec's",
            "NOTE#1#n3".to_owned(),
            "n3",
            true,
            None,
        ),
        forgery(
            "the right shape with another note id",
            at0("nz"),
            "n3",
            true,
            Some((0, "nz")),
        ),
        Forgery {
            created: 1,
            ..forgery(
                "the right shape with another time",
                at0("nw"),
                "nw",
                true,
                Some((0, "nw")),
            )
        },
        Forgery {
            lead_id: format!("{lead}-other"),
            ..forgery(
                "the right shape with another lead",
                at0("ny"),
                "ny",
                true,
                Some((0, "ny")),
            )
        },
    ]
}

/// The raw item of `forgery` in partition `pk`: every attribute a lead and a note have, so
/// that only the key check can tell it is not one.
fn planted(pk: &str, forgery: &Forgery) -> HashMap<String, AttributeValue> {
    let s = |v: &str| AttributeValue::S(v.to_owned());
    HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s(&forgery.sk)),
        ("lead_id".to_owned(), s(&forgery.lead_id)),
        ("name".to_owned(), s("forged")),
        ("version".to_owned(), AttributeValue::N("0".into())),
        (
            "created".to_owned(),
            AttributeValue::N(forgery.created.to_string()),
        ),
        ("note_id".to_owned(), s(&forgery.note_id)),
        ("text".to_owned(), s(&format!("forged: {}", forgery.what))),
    ])
}

/// Asserts that `result` is the error of a stranger: `Error::ForeignItem` or
/// `Error::Isolation`.
fn assert_stranger<T: std::fmt::Debug>(what: &str, result: Result<T, Error>) {
    match result {
        Err(Error::ForeignItem { .. } | Error::Isolation(_)) => {}
        other => panic!("{what}: a planted item must be an error, got {other:?}"),
    }
}

/// Plants each forgery in `$client`'s partition of `$lead` through an unscoped client, and
/// checks that every typed read meeting it is an error, and that reads not meeting it (and the
/// sibling scope `$sibling` sharing the table, if any) return their own items only.
macro_rules! check_forgeries {
    ($world:expr, $client:expr, $name:expr, $lead:expr, $Note:ident, $File:ident) => {{
        Box::pin(async {
            let world: &World = &$world;
            let client = &$client;
            let name: &str = &$name;
            let lead: &str = &$lead;
            let notes = client.items::<$Note>().consistent_reads();
            let table = client.table::<$Note>().to_string();
            let pk = client.key::<$Note>(lead).unwrap().into_string();
            let raw = unscoped(&world.factory);
            let at0 = |id: &str| {
                notes
                    .item_key((lead, 0, id))
                    .unwrap()
                    .sort()
                    .unwrap()
                    .to_owned()
            };
            let texts = |found: &[$Note]| found.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
            for forgery in forgeries(lead, at0) {
                let what = format!("{name}: {} ({:?})", forgery.what, forgery.sk);
                raw.put_item()
                    .table_name(&table)
                    .set_item(Some(planted(&pk, &forgery)))
                    .send()
                    .await
                    .unwrap_or_else(|err| panic!("{what}: plant: {err:?}"));
                let q = || notes.query(lead);
                if forgery.in_note_range {
                    assert_stranger(&format!("{what}: query"), q().try_collect().await);
                    assert_stranger(
                        &format!("{what}: descending"),
                        q().descending().try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: between -1 and 1"),
                        q().between($Note::CREATED, -1, 1).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: gt -1"),
                        q().gt($Note::CREATED, -1).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: ge -1"),
                        q().ge($Note::CREATED, -1).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: lt 1"),
                        q().lt($Note::CREATED, 1).descending().try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: le 1"),
                        q().le($Note::CREATED, 1).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: lt MAX"),
                        q().lt($Note::CREATED, i64::MAX).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: gt MIN"),
                        q().gt($Note::CREATED, i64::MIN).try_collect().await,
                    );
                    assert_stranger(
                        &format!("{what}: between MIN and MAX"),
                        q().between($Note::CREATED, i64::MIN, i64::MAX)
                            .try_collect()
                            .await,
                    );
                    assert_stranger(&format!("{what}: page"), q().page(None).await);
                    // Page by page: one page meets it.
                    let mut cursor: Option<Cursor> = None;
                    let mut met = false;
                    for _ in 0..=CREATED.len() + 1 {
                        match q().limit(2).page(cursor.as_ref()).await {
                            Ok(page) => match page.cursor {
                                Some(next) => cursor = Some(next),
                                None => break,
                            },
                            Err(err) => {
                                assert_stranger(&format!("{what}: pages"), Err::<(), _>(err));
                                met = true;
                                break;
                            }
                        }
                    }
                    assert!(met, "{what}: paging through every page never met it");
                    let mut stream = q().page_size(1).stream();
                    let mut outcome = Ok(());
                    while let Some(note) = stream.next().await {
                        if let Err(err) = note {
                            outcome = Err(err);
                            break;
                        }
                    }
                    assert_stranger(&format!("{what}: stream"), outcome);
                } else {
                    // Outside the notes' range: no note query reads it.
                    let found = q().try_collect().await.unwrap();
                    assert_eq!(texts(&found), own(name, |_| true), "{what}: query");
                }
                // Reads that do not reach it return their own items.
                let found = q().lt($Note::CREATED, -1).try_collect().await.unwrap();
                assert_eq!(texts(&found), own(name, |c| c < -1), "{what}: lt -1");
                let found = q().gt($Note::CREATED, 1).try_collect().await.unwrap();
                assert_eq!(texts(&found), own(name, |c| c > 1), "{what}: gt 1");
                // The lead's collection reads the whole partition: it meets every forgery.
                assert_stranger(
                    &format!("{what}: collection"),
                    client
                        .collection::<$File>(lead)
                        .consistent_reads()
                        .try_collect()
                        .await,
                );
                assert_stranger(
                    &format!("{what}: collection, descending"),
                    client
                        .collection::<$File>(lead)
                        .consistent_reads()
                        .descending()
                        .try_collect()
                        .await,
                );
                assert_stranger(
                    &format!("{what}: collection page"),
                    client
                        .collection::<$File>(lead)
                        .consistent_reads()
                        .page(None)
                        .await,
                );
                if let Some((created, id)) = forgery.read_by_get {
                    assert_stranger(
                        &format!("{what}: get"),
                        notes.get((lead, created, id)).await,
                    );
                    assert_stranger(
                        &format!("{what}: batch get"),
                        notes
                            .batch_get([(lead, created, id), (lead, 0, "n3")])
                            .await,
                    );
                }
                raw.delete_item()
                    .table_name(&table)
                    .key(PK, AttributeValue::S(pk.clone()))
                    .key(SK, AttributeValue::S(forgery.sk.clone()))
                    .send()
                    .await
                    .unwrap();
            }
            // Afterwards every read is as before.
            let found = notes.query(lead).try_collect().await.unwrap();
            assert_eq!(
                texts(&found),
                own(name, |_| true),
                "{name}: after the forgeries"
            );
        })
        .await
    }};
}

/// Items with forged sort keys, planted by an unscoped client in the range typed reads cover,
/// are errors of every read that meets them; the scope sharing the table is unaffected.
#[tokio::test]
async fn planted_items_with_forged_sort_keys_are_errors() {
    let world = world().await;
    let lead = lead_id(&world);
    let platform = world.factory.platform_dynamodb();
    write_scope!(platform, "platform", lead, PlatformLead, PlatformNote);
    let tenant = world.factory.tenant_dynamodb(&world.tenants[0]);
    write_scope!(tenant, tenant_name(&world, 0), lead, TenantLead, TenantNote);
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        write_scope!(client, capsule_name(&world, i), lead, Lead, Note);
    }
    check_forgeries!(
        world,
        platform,
        "platform",
        lead,
        PlatformNote,
        PlatformFile
    );
    check_forgeries!(
        world,
        tenant,
        tenant_name(&world, 0),
        lead,
        TenantNote,
        TenantFile
    );
    let capsule = world.factory.capsule_dynamodb(&world.capsules[0]);
    check_forgeries!(
        world,
        capsule,
        capsule_name(&world, 0),
        lead,
        Note,
        LeadFile
    );
    // The prefix-sibling tenant's capsule of the same code shares the table: its reads never
    // met a forgery.
    let sibling = world.factory.capsule_dynamodb(&world.capsules[2]);
    check_reads!(sibling, capsule_name(&world, 2), lead, Lead, Note, LeadFile);
}

/// An empty sort key: DynamoDB rejects an empty string in a key attribute, and so do both
/// emulators, whether the request comes from an unscoped client or through a scoped client's
/// guard (which lets it pass: it is a string); the item is never stored, so no read can meet
/// it.
#[tokio::test]
async fn an_empty_sort_key_is_never_stored() {
    let world = world().await;
    let lead = lead_id(&world);
    let client = world.factory.capsule_dynamodb(&world.capsules[0]);
    write_scope!(client, capsule_name(&world, 0), lead, Lead, Note);
    let table = client.table::<Note>().to_string();
    let pk = client.key::<Note>(lead.as_str()).unwrap().into_string();
    let forgery = Forgery {
        what: "an empty sort key",
        sk: String::new(),
        lead_id: lead.clone(),
        created: 0,
        note_id: "n3".into(),
        in_note_range: false,
        read_by_get: None,
    };
    let err = unscoped(&world.factory)
        .put_item()
        .table_name(&table)
        .set_item(Some(planted(&pk, &forgery)))
        .send()
        .await
        .expect_err("an empty sort key must not be stored");
    let service = err.as_service_error().map(|e| e.meta().code());
    assert_eq!(service, Some(Some("ValidationException")), "{err:?}");
    // Through a scoped client the guard refuses it before sending: every sort key the library
    // writes starts with an entity tag.
    let before = world.tap.dynamodb_requests();
    let err = client
        .raw()
        .put_item()
        .table_name(&table)
        .set_item(Some(planted(&pk, &forgery)))
        .send()
        .await
        .expect_err("an empty sort key must not be stored");
    assert_eq!(world.tap.dynamodb_requests(), before, "nothing sent");
    assert!(
        matches!(
            IsolationViolation::find_in(&err),
            Some(IsolationViolation::KeyShape { .. })
        ),
        "{err:?}"
    );
    let found = client
        .collection::<LeadFile>(lead.as_str())
        .consistent_reads()
        .count()
        .await
        .unwrap();
    assert_eq!(found, 1 + CREATED.len() as u64);
}

/// A planted item inside the counted range must not make the count differ from what the same
/// query returns: either the count is the scope's own, or it is the error the query gives.
#[tokio::test]
async fn a_count_meeting_a_planted_item_is_not_inflated() {
    let world = world().await;
    let lead = lead_id(&world);
    let client = world.factory.capsule_dynamodb(&world.capsules[0]);
    write_scope!(client, capsule_name(&world, 0), lead, Lead, Note);
    let notes = client.items::<Note>().consistent_reads();
    let table = client.table::<Note>().to_string();
    let pk = client.key::<Note>(lead.as_str()).unwrap().into_string();
    let at0 = |id: &str| {
        notes
            .item_key((lead.as_str(), 0, id))
            .unwrap()
            .sort()
            .unwrap()
            .to_owned()
    };
    let forgery = forgeries(&lead, at0)
        .into_iter()
        .find(|f| f.what == "the entity's key with extra segments")
        .unwrap();
    unscoped(&world.factory)
        .put_item()
        .table_name(&table)
        .set_item(Some(planted(&pk, &forgery)))
        .send()
        .await
        .unwrap();
    assert_stranger("query", notes.query(lead.as_str()).try_collect().await);
    let mut wrong = Vec::new();
    for (what, count) in [
        ("count", notes.query(lead.as_str()).count().await),
        (
            "count, between -1 and 1",
            notes
                .query(lead.as_str())
                .between(Note::CREATED, -1, 1)
                .count()
                .await,
        ),
        (
            "collection count",
            client
                .collection::<LeadFile>(lead.as_str())
                .consistent_reads()
                .count()
                .await,
        ),
    ] {
        let own = match what {
            "count" => CREATED.len() as u64,
            "count, between -1 and 1" => 3,
            _ => 1 + CREATED.len() as u64,
        };
        match count {
            Ok(count) if count == own => {}
            Err(Error::ForeignItem { .. } | Error::Isolation(_)) => {}
            other => wrong.push(format!("{what}: {other:?}, own items: {own}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "counts that include an item the same query refuses: {wrong:#?}"
    );
}

/// Forged sort keys and partitions sent through a scope's own guarded SDK client, to the
/// `{CODE}_sales` table the prefix-sibling tenant's capsule shares: each is rejected before
/// anything is sent, and the sibling's partition is as it wrote it.
#[tokio::test]
async fn forged_keys_through_the_scoped_raw_client_are_rejected_before_sending() {
    let world = world().await;
    let lead = lead_id(&world);
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        write_scope!(client, capsule_name(&world, i), lead, Lead, Note);
    }
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        write_scope!(client, tenant_name(&world, i), lead, TenantLead, TenantNote);
    }
    let attacker = world.factory.capsule_dynamodb(&world.capsules[0]);
    let raw = attacker.raw();
    let table = attacker.table::<Note>().to_string();
    let own_pk = attacker.key::<Note>(lead.as_str()).unwrap().into_string();
    let victim = world.factory.capsule_dynamodb(&world.capsules[2]);
    assert_eq!(
        victim.table::<Note>().to_string(),
        table,
        "one shared table"
    );
    let theirs = victim.key::<Note>(lead.as_str()).unwrap().into_string();
    let other_code = world.factory.capsule_dynamodb(&world.capsules[1]);
    let other_table = other_code.table::<Note>().to_string();
    let note_sk = Note::item_key(attacker.scope(), lead.as_str(), 0, "n3")
        .unwrap()
        .sort()
        .unwrap()
        .to_owned();
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let item = |pk: &str, sk: AttributeValue| {
        HashMap::from([
            (PK.to_owned(), s(pk)),
            (SK.to_owned(), sk),
            ("text".to_owned(), s("forged")),
        ])
    };

    let attempt = raw
        .put_item()
        .table_name(&table)
        .set_item(Some(item(&own_pk, AttributeValue::N("3".into()))))
        .send();
    assert_rejected!(
        world,
        "a put of a numeric sk",
        attempt,
        IsolationViolation::KeyShape { .. }
    );
    let mut without = item(&own_pk, s("x"));
    without.remove(SK);
    let attempt = raw
        .put_item()
        .table_name(&table)
        .set_item(Some(without))
        .send();
    assert_rejected!(
        world,
        "a put without sk",
        attempt,
        IsolationViolation::KeyShape { .. }
    );
    let attempt = raw
        .put_item()
        .table_name(&table)
        .set_item(Some(item(&theirs, s(&note_sk))))
        .send();
    assert_rejected!(
        world,
        "a put of a note into the sibling's partition",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let attempt = raw
        .put_item()
        .table_name(&other_table)
        .set_item(Some(item(&own_pk, s(&note_sk))))
        .send();
    assert_rejected!(
        world,
        "a put into the other code's table",
        attempt,
        IsolationViolation::CrossTable { .. }
    );
    for (what, expression) in [
        ("every item of the sibling's partition", "#pk = :pk"),
        ("the sibling's notes", "#pk = :pk AND begins_with(#sk, :sk)"),
        ("a range of the sibling's notes", "#pk = :pk AND #sk > :sk"),
        (
            "the sibling's notes up to the highest key",
            "#pk = :pk AND #sk BETWEEN :sk AND :hi",
        ),
    ] {
        let attempt = raw
            .query()
            .table_name(&table)
            .key_condition_expression(expression)
            .set_expression_attribute_names(Some(
                [("#pk", PK), ("#sk", SK)]
                    .into_iter()
                    .filter(|(name, _)| expression.contains(name))
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
            ))
            .set_expression_attribute_values(Some(
                [
                    (":pk", s(&theirs)),
                    (":sk", s("NOTE#")),
                    (":hi", s("\u{10FFFF}")),
                ]
                .into_iter()
                .filter(|(name, _)| expression.contains(name))
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
            ))
            .send();
        assert_rejected!(world, what, attempt, IsolationViolation::CrossTenant { .. });
    }
    let attempt = raw
        .query()
        .table_name(&table)
        .key_condition_expression("#pk = :pk AND begins_with(#sk, :sk)")
        .expression_attribute_names("#pk", PK)
        .expression_attribute_names("#sk", SK)
        .expression_attribute_values(":pk", s(&own_pk))
        .expression_attribute_values(":sk", s("NOTE#"))
        .exclusive_start_key(PK, s(&theirs))
        .exclusive_start_key(SK, s(&note_sk))
        .send();
    assert_rejected!(
        world,
        "an own query resuming in the sibling's partition",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let attempt = raw
        .get_item()
        .table_name(&table)
        .key(PK, s(&theirs))
        .key(SK, s(&note_sk))
        .send();
    assert_rejected!(
        world,
        "a get of the sibling's note",
        attempt,
        IsolationViolation::CrossTenant { .. }
    );
    let attempt = raw
        .get_item()
        .table_name(&table)
        .key(PK, s(&own_pk))
        .key(SK, AttributeValue::N("0".into()))
        .send();
    assert_rejected!(
        world,
        "a get by a numeric sk",
        attempt,
        IsolationViolation::KeyShape { .. }
    );
    let attempt = raw
        .update_item()
        .table_name(&table)
        .key(PK, s(&own_pk))
        .key(SK, s(&note_sk))
        .update_expression("SET #sk = :sk")
        .expression_attribute_names("#sk", SK)
        .expression_attribute_values(":sk", s("LEAD"))
        .send();
    assert_rejected!(
        world,
        "an update moving a note's sk",
        attempt,
        IsolationViolation::KeyUpdate { .. }
    );

    // A tenant's raw client: its prefix sibling's partition, in its own table and in the
    // sibling's.
    let t1 = world.factory.tenant_dynamodb(&world.tenants[0]);
    let t10 = world.factory.tenant_dynamodb(&world.tenants[1]);
    let t1_table = t1.table::<TenantNote>().to_string();
    let t10_table = t10.table::<TenantNote>().to_string();
    let t10_pk = t10.key::<TenantNote>(lead.as_str()).unwrap().into_string();
    for (what, table, violation_is_table) in [
        ("the sibling's partition in the own table", &t1_table, false),
        ("the sibling's partition in its table", &t10_table, true),
    ] {
        let attempt = t1
            .raw()
            .query()
            .table_name(table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :sk)")
            .expression_attribute_values(":pk", s(&t10_pk))
            .expression_attribute_values(":sk", s("NOTE#"))
            .send();
        let violation = world.rejected(what, attempt).await;
        if violation_is_table {
            assert!(
                matches!(violation, IsolationViolation::CrossTable { .. }),
                "{what}: {violation:?}"
            );
        } else {
            assert!(
                matches!(violation, IsolationViolation::CrossTenant { .. }),
                "{what}: {violation:?}"
            );
        }
    }

    // Nothing changed: every scope reads its own items, as written.
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        let found = client
            .items::<Note>()
            .consistent_reads()
            .query(lead.as_str())
            .try_collect()
            .await
            .unwrap();
        let texts: Vec<String> = found.into_iter().map(|n| n.text).collect();
        assert_eq!(texts, own(&capsule_name(&world, i), |_| true));
    }
}

/// A cursor taken in one scope, replayed in every other scope of the matrix with the same
/// entity, lead id and order, is refused; in its own scope it resumes.
#[tokio::test]
async fn a_cursor_of_one_scope_is_refused_in_every_other() {
    let world = world().await;
    let lead = lead_id(&world);
    let platform = world.factory.platform_dynamodb();
    write_scope!(platform, "platform", lead, PlatformLead, PlatformNote);
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        write_scope!(client, tenant_name(&world, i), lead, TenantLead, TenantNote);
    }
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        write_scope!(client, capsule_name(&world, i), lead, Lead, Note);
    }
    let lead = lead.as_str();
    // Every scope's first page of two, both orders, and of its collection: (scope, what, cursor).
    let mut cursors: Vec<(String, &str, Cursor)> = Vec::new();
    let mut scopes = vec!["platform".to_owned()];
    for descending in [false, true] {
        let what = if descending {
            "descending"
        } else {
            "ascending"
        };
        let notes = platform.items::<PlatformNote>().query(lead).limit(2);
        let notes = if descending {
            notes.descending()
        } else {
            notes
        };
        let page = notes.page(None).await.unwrap();
        cursors.push(("platform".into(), what, page.cursor.unwrap()));
    }
    let page = platform
        .collection::<PlatformFile>(lead)
        .limit(2)
        .page(None)
        .await
        .unwrap();
    cursors.push(("platform".into(), "collection", page.cursor.unwrap()));
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        scopes.push(tenant_name(&world, i));
        for descending in [false, true] {
            let what = if descending {
                "descending"
            } else {
                "ascending"
            };
            let notes = client.items::<TenantNote>().query(lead).limit(2);
            let notes = if descending {
                notes.descending()
            } else {
                notes
            };
            let page = notes.page(None).await.unwrap();
            cursors.push((tenant_name(&world, i), what, page.cursor.unwrap()));
        }
        let page = client
            .collection::<TenantFile>(lead)
            .limit(2)
            .page(None)
            .await
            .unwrap();
        cursors.push((tenant_name(&world, i), "collection", page.cursor.unwrap()));
    }
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        scopes.push(capsule_name(&world, i));
        for descending in [false, true] {
            let what = if descending {
                "descending"
            } else {
                "ascending"
            };
            let notes = client.items::<Note>().query(lead).limit(2);
            let notes = if descending {
                notes.descending()
            } else {
                notes
            };
            let page = notes.page(None).await.unwrap();
            cursors.push((capsule_name(&world, i), what, page.cursor.unwrap()));
        }
        let page = client
            .collection::<LeadFile>(lead)
            .limit(2)
            .page(None)
            .await
            .unwrap();
        cursors.push((capsule_name(&world, i), "collection", page.cursor.unwrap()));
    }
    assert_eq!(cursors.len(), 3 * 7);

    // Replays each cursor (through its text, as an API would) in `$client`'s scope `$scope`
    // with the query of the same shape: the page after it if the cursor is the scope's own,
    // `Error::Cursor` otherwise.
    macro_rules! replay {
        ($client:expr, $scope:expr, $Note:ident, $File:ident) => {{
            let client = &$client;
            let scope: &str = &$scope;
            for (taken_in, what, cursor) in &cursors {
                let cursor: Cursor = cursor.to_string().parse().unwrap();
                let texts = match *what {
                    "collection" => client
                        .collection::<$File>(lead)
                        .limit(2)
                        .page(Some(&cursor))
                        .await
                        .map(|page| page.items.iter().map(Shown::shown).collect::<Vec<_>>()),
                    _ => {
                        let notes = client.items::<$Note>().query(lead).limit(2);
                        let notes = if *what == "descending" {
                            notes.descending()
                        } else {
                            notes
                        };
                        notes
                            .page(Some(&cursor))
                            .await
                            .map(|page| page.items.into_iter().map(|n| n.text).collect())
                    }
                };
                let case = format!("a {what} cursor of {taken_in} replayed in {scope}");
                if taken_in == scope {
                    let expected = match *what {
                        "ascending" => own(scope, |c| c == -1 || c == 0),
                        "descending" => vec![format!("{scope} 1"), format!("{scope} 0")],
                        _ => own(scope, |c| c == -10 || c == -1),
                    };
                    assert_eq!(texts.unwrap(), expected, "{case}");
                } else {
                    assert!(matches!(texts, Err(Error::Cursor(_))), "{case}: {texts:?}");
                }
            }
        }};
    }
    replay!(platform, "platform", PlatformNote, PlatformFile);
    for (i, tenant) in world.tenants.iter().enumerate() {
        let client = world.factory.tenant_dynamodb(tenant);
        replay!(client, tenant_name(&world, i), TenantNote, TenantFile);
    }
    for (i, capsule) in world.capsules.iter().enumerate() {
        let client = world.factory.capsule_dynamodb(capsule);
        replay!(client, capsule_name(&world, i), Note, LeadFile);
    }
    assert_eq!(scopes.len(), 7);
}

/// Which bound of a range query's key condition a planted sort key is.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// `NOTE#`: the lower bound of every range not bounded below.
    Prefix,
    /// `NOTE#{t}`: the upper bound `lt t` sends (BETWEEN is inclusive) and then excludes.
    Exclusive,
    /// `NOTE#{t}$`: the upper bound of `le t` and `between _ and t`.
    After,
    /// `NOTE$`: the upper bound of every range not bounded above.
    End,
}

/// Items planted exactly at the bounds a range query sends (`NOTE#`, `NOTE#{t}`, `NOTE#{t}$`,
/// `NOTE$`): no note has such a sort key, DynamoDB returns them to the queries whose bounds
/// they are, and each such query must report them, not drop them.
#[tokio::test]
async fn forged_sort_keys_at_the_bounds_of_a_range_are_errors() {
    let world = world().await;
    let lead = lead_id(&world);
    let client = world.factory.capsule_dynamodb(&world.capsules[0]);
    let name = capsule_name(&world, 0);
    write_scope!(client, name, lead, Lead, Note);
    let lead = lead.as_str();
    let notes = client.items::<Note>().consistent_reads();
    let table = client.table::<Note>().to_string();
    let pk = client.key::<Note>(lead).unwrap().into_string();
    let raw = unscoped(&world.factory);
    // `NOTE#{t}` of time `t`: the note key without its note id.
    let at = |created: i64| {
        let sk = notes
            .item_key((lead, created, "x"))
            .unwrap()
            .sort()
            .unwrap()
            .to_owned();
        sk.strip_suffix("#x").unwrap().to_owned()
    };
    let q = || notes.query(lead);
    let mut dropped = Vec::new();
    // Each bound, and the queries that send it.
    for (sk, bound) in [
        ("NOTE#".to_owned(), Bound::Prefix),
        (at(1), Bound::Exclusive),
        (format!("{}$", at(0)), Bound::After),
        ("NOTE$".to_owned(), Bound::End),
    ] {
        let forgery = Forgery {
            what: "a range bound",
            sk: sk.clone(),
            lead_id: lead.to_owned(),
            created: 0,
            note_id: "n3".into(),
            in_note_range: true,
            read_by_get: None,
        };
        raw.put_item()
            .table_name(&table)
            .set_item(Some(planted(&pk, &forgery)))
            .send()
            .await
            .unwrap();
        let outcomes: Vec<(&str, Result<Vec<Note>, Error>)> = match bound {
            Bound::Prefix => vec![
                ("every note", q().try_collect().await),
                ("lt 1", q().lt(Note::CREATED, 1).try_collect().await),
                ("le 1", q().le(Note::CREATED, 1).try_collect().await),
            ],
            Bound::Exclusive => vec![
                ("lt 1", q().lt(Note::CREATED, 1).try_collect().await),
                (
                    "lt 1, descending",
                    q().lt(Note::CREATED, 1).descending().try_collect().await,
                ),
                ("le 1", q().le(Note::CREATED, 1).try_collect().await),
                ("ge 1", q().ge(Note::CREATED, 1).try_collect().await),
                ("every note", q().try_collect().await),
            ],
            Bound::After => vec![
                ("le 0", q().le(Note::CREATED, 0).try_collect().await),
                (
                    "between -1 and 0",
                    q().between(Note::CREATED, -1, 0).try_collect().await,
                ),
            ],
            Bound::End => vec![
                ("ge 0", q().ge(Note::CREATED, 0).try_collect().await),
                ("gt 0", q().gt(Note::CREATED, 0).try_collect().await),
                (
                    "ge MIN",
                    q().ge(Note::CREATED, i64::MIN).try_collect().await,
                ),
                (
                    "gt MAX",
                    q().gt(Note::CREATED, i64::MAX)
                        .descending()
                        .try_collect()
                        .await,
                ),
            ],
        };
        for (what, outcome) in outcomes {
            match outcome {
                Err(Error::ForeignItem { .. } | Error::Isolation(_)) => {}
                Ok(found) => dropped.push(format!(
                    "{what} with a planted {sk:?}: Ok with {} notes, the planted item dropped",
                    found.len()
                )),
                Err(other) => panic!("{what} with a planted {sk:?}: {other:?}"),
            }
        }
        raw.delete_item()
            .table_name(&table)
            .key(PK, AttributeValue::S(pk.clone()))
            .key(SK, AttributeValue::S(sk.clone()))
            .send()
            .await
            .unwrap();
    }
    assert!(
        dropped.is_empty(),
        "range queries that met a planted item and skipped it silently: {dropped:#?}"
    );
}
