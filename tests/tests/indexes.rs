//! Typed index queries against a real DynamoDB: a capsule's items listed by an index page by
//! page, lookups by a field, sharded collections merged in order, counts of keys-only indexes,
//! and the checks that keep other scopes' and planted items out of the results.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::{
    Capsule, Cursor, CursorError, CursorPart, Error, Index, Items, ScopedKey, Tenant,
    capsule_table, shard_of,
};
use scoped_tests::entities::{AllHooks, Hook};
use scoped_tests::{factory, unique, unscoped};
use serde::{Deserialize, Serialize};

/// The leads table of each capsule, with four indexes: the capsule's leads by creation time
/// (`newest`), by email (`email`), by score spread over four shards (`spread`), and by stage,
/// keys only (`stage`).
#[capsule_table(
    "ixleads",
    sort_key,
    index(Newest, sort_key),
    index(Email),
    index(Spread, sort_key, shards = 4),
    index(Stage, sort_key, projection = keys_only)
)]
pub struct IxLeads;

/// A lead, in every index of [`IxLeads`]; in `stage` only when it has one.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = IxLeads, entity = "LEAD")]
#[scoped(index(
    Newest(sort(created, lead_id)),
    Email(partition(email)),
    Spread(sort(score)),
    Stage(partition(stage), sort(created))
))]
pub struct IxLead {
    #[scoped(id)]
    lead_id: String,
    email: String,
    created: i64,
    score: i64,
    stage: Option<String>,
}

fn lead(i: i64) -> IxLead {
    IxLead {
        lead_id: format!("l{i:02}"),
        email: format!("lead{i}@example.com"),
        created: 1_000 + i,
        score: i % 7,
        stage: (i % 3 == 0).then(|| "won".to_owned()),
    }
}

/// The leads of a fresh capsule (tenant `tenant`, or a fresh one), in a table provisioned
/// with its indexes.
async fn leads_of(tenant: Option<&str>) -> (Items<IxLead>, Capsule) {
    let factory = factory().await;
    let tenant = tenant.map_or_else(|| format!("t{}", unique()), str::to_owned);
    let capsule = Capsule::new(tenant, "caps-1", "IXTEST").unwrap();
    let leads = factory.capsule_dynamodb(&capsule).items::<IxLead>();
    leads.provision().await.unwrap();
    (leads, capsule)
}

async fn put_all(leads: &Items<IxLead>, all: &[IxLead]) {
    for lead in all {
        leads.put(lead).await.unwrap();
    }
}

fn ids(leads: &[IxLead]) -> Vec<&str> {
    leads.iter().map(|lead| lead.lead_id.as_str()).collect()
}

#[tokio::test]
async fn a_capsules_leads_newest_first_page_by_page() {
    let (leads, _) = leads_of(None).await;
    let all: Vec<IxLead> = (0..7).map(lead).collect();
    put_all(&leads, &all).await;
    let newest = leads.index::<Newest>();

    let mut pages = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = newest
            .query(())
            .descending()
            .limit(3)
            .page(cursor.as_ref())
            .await
            .unwrap();
        pages.push(ids(&page.items).join(","));
        assert!(pages.len() <= 3, "paging does not end: {pages:?}");
        // Cursors survive as text.
        cursor = page.cursor.map(|c| c.to_string().parse().unwrap());
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, ["l06,l05,l04", "l03,l02,l01", "l00"]);

    // A range on the first sort field, then a fixed first field and a range on the second.
    let before = newest.query(()).lt(1_003).try_collect().await.unwrap();
    assert_eq!(ids(&before), ["l00", "l01", "l02"]);
    let one = newest
        .query(())
        .eq(1_004)
        .ge("l04")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&one), ["l04"]);
    assert_eq!(newest.query(()).count().await.unwrap(), 7);
    assert_eq!(
        newest
            .query(())
            .between(1_002, 1_004)
            .count()
            .await
            .unwrap(),
        3
    );

    // A lookup by email.
    let found = leads
        .index::<Email>()
        .get("lead5@example.com")
        .await
        .unwrap();
    assert_eq!(found, Some(lead(5)));
    let missing = leads
        .index::<Email>()
        .get("nobody@example.com")
        .await
        .unwrap();
    assert_eq!(missing, None);
}

#[tokio::test]
async fn prefix_sibling_tenants_see_only_their_own_items() {
    // `t…1` and `t…10` share the capsule code, so the table and its indexes, and their key
    // prefixes are prefixes of each other's.
    let base = format!("t{}", unique());
    let (one, _) = leads_of(Some(&format!("{base}1"))).await;
    let (ten, _) = leads_of(Some(&format!("{base}10"))).await;
    assert_eq!(one.table(), ten.table());
    put_all(&one, &(0..5).map(lead).collect::<Vec<_>>()).await;
    let mut theirs: Vec<IxLead> = (0..8).map(lead).collect();
    for lead in &mut theirs {
        lead.lead_id.push('x');
    }
    put_all(&ten, &theirs).await;

    for (leads, count, suffix) in [(&one, 5, ""), (&ten, 8, "x")] {
        let newest = leads
            .index::<Newest>()
            .query(())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(newest.len(), count);
        let theirs = suffix.is_empty();
        assert!(
            newest
                .iter()
                .all(|lead| lead.lead_id.ends_with('x') != theirs),
            "{newest:?}"
        );
        let spread = leads
            .index::<Spread>()
            .query(())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(spread.len(), count);
        assert_eq!(
            leads.index::<Spread>().query(()).count().await.unwrap(),
            count as u64
        );
        assert_eq!(
            leads.index::<Stage>().query("won").count().await.unwrap(),
            count.div_ceil(3) as u64
        );
        let by_email = leads
            .index::<Email>()
            .query("lead3@example.com")
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&by_email), [format!("l03{suffix}")]);
    }
}

/// The order a sharded query must return: index sort value (the score), then table key.
fn sorted(all: &[IxLead], descending: bool) -> Vec<String> {
    let mut all: Vec<&IxLead> = all.iter().collect();
    all.sort_by(|a, b| (a.score, &a.lead_id).cmp(&(b.score, &b.lead_id)));
    if descending {
        all.reverse();
    }
    all.iter().map(|lead| lead.lead_id.clone()).collect()
}

#[tokio::test]
async fn a_sharded_collection_merges_every_shard_in_order() {
    let (leads, capsule) = leads_of(None).await;
    let all: Vec<IxLead> = (0..50).map(lead).collect();
    put_all(&leads, &all).await;
    let shards: BTreeSet<u16> = all
        .iter()
        .map(|lead| {
            let key = leads.item_key(&lead.lead_id).unwrap();
            shard_of(key.partition().as_str(), key.sort(), Spread::SCHEMA.shards)
        })
        .collect();
    assert!(
        shards.len() > 1,
        "the leads land in several shards: {shards:?}"
    );
    let _ = capsule;

    let spread = leads.index::<Spread>();
    let read = |items: Vec<IxLead>| -> Vec<String> {
        items.into_iter().map(|lead| lead.lead_id).collect()
    };
    let ascending = read(spread.query(()).try_collect().await.unwrap());
    assert_eq!(ascending, sorted(&all, false));
    let descending = read(spread.query(()).descending().try_collect().await.unwrap());
    assert_eq!(descending, sorted(&all, true));

    // A range, a limit, and small requests (several pages per shard).
    let in_range: Vec<IxLead> = all
        .iter()
        .filter(|l| (2..=4).contains(&l.score))
        .cloned()
        .collect();
    let between = read(spread.query(()).between(2, 4).try_collect().await.unwrap());
    assert_eq!(between, sorted(&in_range, false));
    let above: Vec<IxLead> = all.iter().filter(|l| l.score > 3).cloned().collect();
    let top = read(
        spread
            .clone()
            .page_size(2)
            .query(())
            .gt(3)
            .descending()
            .limit(10)
            .try_collect()
            .await
            .unwrap(),
    );
    assert_eq!(top, sorted(&above, true)[..10]);
    assert_eq!(spread.query(()).count().await.unwrap(), 50);
    assert_eq!(
        spread.query(()).between(2, 4).count().await.unwrap(),
        in_range.len() as u64
    );
    assert_eq!(spread.query(()).limit(9).count().await.unwrap(), 9);

    // Page by page with cursors, in both orders, pages cutting through runs of equal scores.
    for descending in [false, true] {
        let mut cursor: Option<Cursor> = None;
        let mut paged = Vec::new();
        let mut pages = 0;
        loop {
            let mut query = spread.query(()).limit(7);
            if descending {
                query = query.descending();
            }
            let page = query.page(cursor.as_ref()).await.unwrap();
            assert!(page.items.len() <= 7);
            paged.extend(read(page.items));
            pages += 1;
            assert!(pages <= 8, "paging does not end: {paged:?}");
            cursor = page.cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(paged, sorted(&all, descending), "descending: {descending}");
        assert_eq!(pages, 8, "50 items in pages of 7, the last one partial");
    }
    // And within a range.
    let mut cursor: Option<Cursor> = None;
    let mut paged = Vec::new();
    loop {
        let page = spread
            .query(())
            .ge(5)
            .limit(4)
            .page(cursor.as_ref())
            .await
            .unwrap();
        paged.extend(read(page.items));
        assert!(paged.len() <= 50, "paging does not end: {paged:?}");
        cursor = page.cursor;
        if cursor.is_none() {
            break;
        }
    }
    let high: Vec<IxLead> = all.iter().filter(|l| l.score >= 5).cloned().collect();
    assert_eq!(paged, sorted(&high, false));
}

#[tokio::test]
async fn keys_only_indexes_count_and_sparse_items_stay_out() {
    let (leads, _) = leads_of(None).await;
    put_all(&leads, &(0..10).map(lead).collect::<Vec<_>>()).await;
    let stage = leads.index::<Stage>();
    // l00, l03, l06, l09 are won; the others have no stage and are not in the index.
    assert_eq!(stage.query("won").count().await.unwrap(), 4);
    assert_eq!(stage.query("won").gt(1_003).count().await.unwrap(), 2);
    assert_eq!(stage.query("lost").count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_tenant_counts_its_webhooks() {
    let factory = factory().await;
    let mut counts = Vec::new();
    for n in [3, 5] {
        let tenant = Tenant::new(format!("t{}", unique()), "Acme").unwrap();
        let hooks = factory.tenant_dynamodb(&tenant).items::<Hook>();
        hooks.provision().await.unwrap();
        for i in 0..n {
            let hook = Hook {
                hook_id: format!("h{i}"),
                url: format!("https://example.com/{i}"),
            };
            hooks.put(&hook).await.unwrap();
        }
        let client = factory.tenant_dynamodb(&tenant);
        counts.push(
            client
                .index::<Hook, AllHooks>()
                .query(())
                .count()
                .await
                .unwrap(),
        );
    }
    assert_eq!(counts, [3, 5]);
}

#[tokio::test]
async fn cursors_of_other_queries_are_rejected() {
    let (leads, _) = leads_of(None).await;
    put_all(&leads, &(0..6).map(lead).collect::<Vec<_>>()).await;
    let newest_page = leads
        .index::<Newest>()
        .query(())
        .limit(2)
        .page(None)
        .await
        .unwrap();
    let newest = newest_page.cursor.unwrap();
    let spread = leads
        .index::<Spread>()
        .query(())
        .limit(2)
        .page(None)
        .await
        .unwrap()
        .cursor
        .unwrap();
    let table = leads.query("l01").limit(1).page(None).await;
    let mismatch = |result: Result<_, Error>| match result {
        Err(Error::Cursor(CursorError::Mismatch { part, .. })) => part,
        Err(other) => panic!("expected a cursor mismatch, got {other}"),
        Ok(_) => panic!("a cursor of another query was accepted"),
    };
    // Another index's cursor, the other way round too.
    let part = mismatch(leads.index::<Spread>().query(()).page(Some(&newest)).await);
    assert_eq!(part, CursorPart::PartitionKey);
    let part = mismatch(leads.index::<Newest>().query(()).page(Some(&spread)).await);
    assert_eq!(part, CursorPart::PartitionKey);
    // The same index, the other order.
    let part = mismatch(
        leads
            .index::<Newest>()
            .query(())
            .descending()
            .page(Some(&newest))
            .await,
    );
    assert_eq!(part, CursorPart::Direction);
    // Another capsule's cursor of the same query.
    let (other, _) = leads_of(None).await;
    put_all(&other, &(0..3).map(lead).collect::<Vec<_>>()).await;
    let part = mismatch(other.index::<Newest>().query(()).page(Some(&newest)).await);
    assert_eq!(part, CursorPart::Scope);
    // A table query's cursor.
    let table = table.unwrap().cursor.unwrap();
    let part = mismatch(leads.index::<Newest>().query(()).page(Some(&table)).await);
    assert_eq!(part, CursorPart::PartitionKey);
    // The cursor still resumes its own query.
    let rest = leads
        .index::<Newest>()
        .query(())
        .limit(10)
        .page(Some(&newest))
        .await
        .unwrap();
    assert_eq!(ids(&rest.items), ["l02", "l03", "l04", "l05"]);
}

/// An item of the scope's table, as the emulator holds it.
async fn raw_item(
    raw: &aws_sdk_dynamodb::Client,
    leads: &Items<IxLead>,
    id: &str,
) -> HashMap<String, AttributeValue> {
    let key = leads.item_key(id).unwrap();
    raw.get_item()
        .table_name(leads.table().as_str())
        .key("pk", AttributeValue::S(key.partition().as_str().to_owned()))
        .key("sk", AttributeValue::S(key.sort().unwrap().to_owned()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

fn foreign(result: Result<Vec<IxLead>, Error>) -> String {
    match result {
        Err(Error::ForeignItem { reason, .. }) => reason,
        Err(other) => panic!("expected a foreign item, got {other}"),
        Ok(items) => panic!("a planted item was returned among {:?}", ids(&items)),
    }
}

#[tokio::test]
async fn planted_items_in_an_index_partition_are_foreign() {
    let factory = factory().await;
    let raw = unscoped(&factory);
    let (leads, _) = leads_of(None).await;
    leads.put(&lead(1)).await.unwrap();
    let own = raw_item(&raw, &leads, "l01").await;

    // A copy under another id whose id attribute does not make its key.
    let mut wrong_id = own.clone();
    let key = leads.item_key("l99").unwrap();
    wrong_id.insert(
        "pk".into(),
        AttributeValue::S(key.partition().as_str().to_owned()),
    );
    raw.put_item()
        .table_name(leads.table().as_str())
        .set_item(Some(wrong_id))
        .send()
        .await
        .unwrap();
    let reason = foreign(leads.index::<Newest>().query(()).try_collect().await);
    assert!(reason.contains("id attributes"), "{reason}");
    raw.delete_item()
        .table_name(leads.table().as_str())
        .key("pk", AttributeValue::S(key.partition().as_str().to_owned()))
        .key("sk", AttributeValue::S("LEAD".into()))
        .send()
        .await
        .unwrap();

    // A consistent item (its id makes its key) whose index keys its fields do not make: l01's
    // index attributes copied, with another id, `created` and email.
    // Its id is one whose table key picks another shard than l01's.
    let own_key = leads.item_key("l01").unwrap();
    let own_shard = shard_of(own_key.partition().as_str(), own_key.sort(), 4);
    let planted = (50..99)
        .map(|i| format!("l{i}"))
        .find(|id| {
            let key = leads.item_key(id).unwrap();
            shard_of(key.partition().as_str(), key.sort(), 4) != own_shard
        })
        .unwrap();
    let mut moved = own.clone();
    moved.insert("lead_id".into(), AttributeValue::S(planted.clone()));
    let key = leads.item_key(&planted).unwrap();
    moved.insert(
        "pk".into(),
        AttributeValue::S(key.partition().as_str().to_owned()),
    );
    moved.insert("created".into(), AttributeValue::N("2000".into()));
    moved.insert(
        "email".into(),
        AttributeValue::S("other@example.com".into()),
    );
    raw.put_item()
        .table_name(leads.table().as_str())
        .set_item(Some(moved))
        .send()
        .await
        .unwrap();
    let reason = foreign(leads.index::<Newest>().query(()).try_collect().await);
    assert!(reason.contains("sk_newest"), "{reason}");
    let reason = foreign(
        leads
            .index::<Email>()
            .query("lead1@example.com")
            .try_collect()
            .await,
    );
    assert!(reason.contains("pk_email"), "{reason}");
    // Its `pk_spread` is the shard of l01's key, not of its own: reading it, and counting it
    // (which reads keys only), are errors.
    let reason = foreign(leads.index::<Spread>().query(()).try_collect().await);
    assert!(reason.contains("pk_spread"), "{reason}");
    let err = leads.index::<Spread>().query(()).count().await.unwrap_err();
    assert!(
        matches!(&err, Error::ForeignItem { reason, .. } if reason.contains("shard")),
        "{err}"
    );
}

#[tokio::test]
async fn index_reads_are_never_strongly_consistent() {
    let (leads, _) = leads_of(None).await;
    let err = leads
        .clone()
        .consistent_reads()
        .index::<Newest>()
        .query(())
        .try_collect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConsistentIndexRead {
                index: "newest",
                ..
            }
        ),
        "{err}"
    );
}
