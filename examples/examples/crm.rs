//! A small CRM on typed operations only: leads and their notes per capsule, a platform audit
//! log, no raw SDK calls, no hand-kept lookup items or counters.
//!
//! - create, read, update (with optimistic locking) and delete a lead;
//! - list all leads of the capsule newest first, page by page, through a secondary index;
//! - find a lead by email, and refuse a second lead with the same email (a unique value);
//! - list a lead's notes newest first, page by page through a cursor, as an API would;
//! - read a lead with its notes in one query (a collection);
//! - count a tenant's webhooks through a collection index;
//! - read the last 50 audit events of a day.
//!
//! The tables are declared once (`Crm`, `Hooks`, `Audit`) with their indexes, and the entities
//! refer to them, so they can't disagree about a table's key schema. Every index key starts
//! with the scope's key prefix: the capsule's "all leads" index partition holds its leads
//! only, though every tenant's `STAGEUS` capsule shares the table. Run it with `bash scripts/with-moto.sh cargo run -p
//! scoped-examples --example crm`; the test command runs it against moto.

use std::error::Error;

use scoped_runtime::{
    AwsClientFactory, Capsule, Collection, Cursor, ScopedKey, Tenant, Update, capsule_table,
    platform_table, tenant_table,
};
use serde::{Deserialize, Serialize};

/// The CRM table of each capsule, keyed by `pk` and `sk`: `{capsule_code}_crm`, with two
/// global secondary indexes: `by_email`, and `recent`, all of a capsule's leads by creation
/// time, spread over four shards so that one busy capsule cannot exceed a partition's write
/// limit.
#[capsule_table("crm", sort_key, index(ByEmail), index(Recent, sort_key, shards = 4))]
pub struct Crm;

/// A sales lead: `pk = …#LEAD#{lead_id}`, `sk = LEAD`; in `by_email` by its email and in
/// `recent` by creation time.
#[derive(Debug, Clone, ScopedKey, Serialize, Deserialize)]
#[scoped(table = Crm, entity = "LEAD")]
#[scoped(index(ByEmail(partition(email)), Recent(sort(created, lead_id))))]
pub struct Lead {
    /// The lead's id.
    #[scoped(id)]
    pub lead_id: String,
    /// Who the lead is.
    pub name: String,
    /// The lead's email: no two leads of a capsule share one.
    #[scoped(unique)]
    pub email: String,
    /// When the lead came in, in seconds since the epoch.
    pub created: i64,
    /// Where the lead is in the funnel.
    pub stage: String,
    /// Bumped by every update, for optimistic locking.
    pub version: u64,
}

/// A note on a lead, in the lead's partition, ordered by time: `pk = …#LEAD#{lead_id}`,
/// `sk = NOTE#{created}#{note_id}`.
#[derive(Debug, Clone, ScopedKey, Serialize, Deserialize)]
#[scoped(partition = Lead, entity = "NOTE")]
pub struct Note {
    /// The lead the note is on.
    #[scoped(id)]
    pub lead_id: String,
    /// When it was written, in seconds since the epoch.
    #[scoped(sort)]
    pub created: i64,
    /// The note's id, for notes written in the same second.
    #[scoped(sort)]
    pub note_id: String,
    /// What it says.
    pub text: String,
}

/// A lead with its notes, read by one query.
#[derive(Debug, Collection)]
pub enum LeadFile {
    /// The lead.
    Lead(Lead),
    /// One of its notes.
    Note(Note),
}

/// The webhooks table of each tenant, `{tenant_id}_hooks`, with an index listing all of a
/// tenant's webhooks.
#[tenant_table("hooks", index(AllHooks))]
pub struct Hooks;

/// A tenant's webhook, listed in `all_hooks`.
#[derive(Debug, Clone, ScopedKey, Serialize, Deserialize)]
#[scoped(table = Hooks, entity = "HOOK", index(AllHooks))]
pub struct Webhook {
    /// The webhook's id.
    #[scoped(id)]
    pub hook_id: String,
    /// Where it posts.
    pub url: String,
}

/// The platform's audit log, keyed by `pk` and `sk`: `audit`.
#[platform_table("audit", sort_key)]
pub struct Audit;

/// One audit event: `pk = EVENT#{day}`, `sk = EVENT#{at}#{event_id}`.
#[derive(Debug, Clone, ScopedKey, Serialize, Deserialize)]
#[scoped(table = Audit, entity = "EVENT")]
pub struct AuditEvent {
    /// The day, `2026-11-30`: one partition per day.
    #[scoped(id)]
    pub day: String,
    /// When, in milliseconds since the epoch.
    #[scoped(sort)]
    pub at: u64,
    /// The event's id.
    #[scoped(sort)]
    pub event_id: String,
    /// What happened.
    pub action: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        return Err(
            "AWS_ENDPOINT_URL is not set; run `bash scripts/with-moto.sh cargo run -p \
                    scoped-examples --example crm`, which starts moto and sets it"
                .into(),
        );
    }
    let factory = AwsClientFactory::from_env().await?;
    let capsule = Capsule::new("tenant-123", "caps-456", "STAGEUS")?;
    let crm = factory.capsule_dynamodb(&capsule);
    let leads = crm.items::<Lead>();
    let notes = crm.items::<Note>();
    leads.provision().await?;

    // Create, read.
    let lead = Lead {
        lead_id: "lead-789".into(),
        name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
        created: 1_764_460_800,
        stage: "new".into(),
        version: 0,
    };
    leads.create(&lead).await?;
    let read = leads
        .get("lead-789")
        .await?
        .ok_or("the lead was just created")?;
    println!(
        "created {} ({}), version {}",
        read.name, read.stage, read.version
    );

    // Update with optimistic locking: the update applies only to the version read.
    let updated = leads
        .update(
            "lead-789",
            Update::new()
                .set("stage", "qualified")
                .expect_version("version", read.version),
        )
        .await?;
    println!(
        "{} is now {} (version {})",
        updated.name, updated.stage, updated.version
    );
    let stale = leads
        .update(
            "lead-789",
            Update::new()
                .set("stage", "lost")
                .expect_version("version", read.version),
        )
        .await;
    match stale {
        Err(scoped_runtime::Error::VersionConflict { .. }) => {
            println!(
                "a second writer holding version {} is refused",
                read.version
            );
        }
        other => return Err(format!("a stale version must be refused, got {other:?}").into()),
    }

    // Find a lead by email, through the `by_email` index.
    let found = crm
        .index::<Lead, ByEmail>()
        .get("ada@example.com")
        .await?
        .ok_or("the lead was just created")?;
    println!("ada@example.com is {} ({})", found.name, found.lead_id);

    // A second lead with the same email is refused, in the same transaction as its write.
    let twin = Lead {
        lead_id: "lead-790".into(),
        name: "Augusta Ada King".into(),
        ..lead.clone()
    };
    match leads.create(&twin).await {
        Err(scoped_runtime::Error::AlreadyExists {
            unique: Some(duplicate),
            ..
        }) => println!(
            "a second lead with {} {} is refused",
            duplicate.attribute, duplicate.value
        ),
        other => return Err(format!("a duplicate email must be refused, got {other:?}").into()),
    }
    if leads.get("lead-790").await?.is_some() {
        return Err("the refused lead must not have been written".into());
    }

    // More leads, then all of the capsule's leads newest first, four per page, through the
    // `recent` index: its four shards are read and merged in order.
    for i in 0..9 {
        leads
            .create(&Lead {
                lead_id: format!("lead-{i}"),
                name: format!("Lead {i}"),
                email: format!("lead-{i}@example.com"),
                created: 1_764_460_800 + 3_600 * (i + 1),
                stage: "new".into(),
                version: 0,
            })
            .await?;
    }
    let recent = crm.index::<Lead, Recent>();
    let mut cursor: Option<Cursor> = None;
    let mut listed = Vec::new();
    loop {
        let page = recent
            .query(())
            .descending()
            .limit(4)
            .page(cursor.as_ref())
            .await?;
        let ids: Vec<&str> = page
            .items
            .iter()
            .map(|lead| lead.lead_id.as_str())
            .collect();
        println!("leads, page {}: {ids:?}", listed.len() / 4 + 1);
        listed.extend(page.items.iter().map(|lead| lead.created));
        match page.cursor {
            Some(next) => cursor = Some(next.to_string().parse()?),
            None => break,
        }
    }
    if listed.len() != 10 || listed.windows(2).any(|pair| pair[0] < pair[1]) {
        return Err(format!("expected 10 leads newest first, got {listed:?}").into());
    }
    println!("{} leads in the capsule", recent.query(()).count().await?);

    // Notes, in the lead's partition.
    let written: Vec<Note> = (0..12)
        .map(|i| Note {
            lead_id: "lead-789".into(),
            created: 1_764_500_000 + i * 60,
            note_id: format!("note-{i}"),
            text: format!("call #{i}"),
        })
        .collect();
    notes.batch_put(&written).await?;

    // Newest first, five per page, resumed through the cursor an API would hand its client.
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let page = notes
            .query("lead-789")
            .descending()
            .limit(5)
            .page(cursor.as_ref())
            .await?;
        pages += 1;
        let texts: Vec<&str> = page.items.iter().map(|note| note.text.as_str()).collect();
        println!("page {pages}: {texts:?}");
        // The cursor travels as text and comes back parsed.
        match page.cursor {
            Some(next) => cursor = Some(next.to_string().parse()?),
            None => break,
        }
    }

    // The lead and its notes in one query.
    let file = crm.collection::<LeadFile>("lead-789").try_collect().await?;
    let note_count = file
        .iter()
        .filter(|item| matches!(item, LeadFile::Note(_)))
        .count();
    println!("lead file: {} items, {note_count} notes", file.len());

    // A tenant's webhooks, counted through the `all_hooks` index of its own table.
    let tenant = Tenant::new("tenant-123", "Acme")?;
    let tenant_client = factory.tenant_dynamodb(&tenant);
    let hooks = tenant_client.items::<Webhook>();
    hooks.provision().await?;
    for i in 0..3 {
        hooks
            .put(&Webhook {
                hook_id: format!("hook-{i}"),
                url: format!("https://example.com/hooks/{i}"),
            })
            .await?;
    }
    let webhooks = tenant_client
        .index::<Webhook, AllHooks>()
        .query(())
        .count()
        .await?;
    println!("tenant-123 has {webhooks} webhooks");

    // The last 50 audit events of a day, newest first.
    let audit = factory.platform_dynamodb().items::<AuditEvent>();
    audit.provision().await?;
    let events: Vec<AuditEvent> = (0..80)
        .map(|i| AuditEvent {
            day: "2026-11-30".into(),
            at: 1_764_460_800_000 + i * 1_000,
            event_id: format!("ev-{i}"),
            action: format!("action {i}"),
        })
        .collect();
    audit.batch_put(&events).await?;
    let last = audit
        .query("2026-11-30")
        .descending()
        .limit(50)
        .try_collect()
        .await?;
    println!(
        "last {} audit events of 2026-11-30: {} … {}",
        last.len(),
        last.first().map_or("", |event| event.action.as_str()),
        last.last().map_or("", |event| event.action.as_str()),
    );

    // Delete the lead and its notes.
    let ids: Vec<(&str, i64, &str)> = written
        .iter()
        .map(|note| (note.lead_id.as_str(), note.created, note.note_id.as_str()))
        .collect();
    notes.batch_delete(ids).await?;
    leads.delete("lead-789").await?;
    for i in 0..9 {
        leads.delete(format!("lead-{i}").as_str()).await?;
    }
    // Deleting a lead frees its email.
    leads.create(&twin).await?;
    println!("ada@example.com is free again: {} took it", twin.lead_id);
    leads.delete("lead-790").await?;
    let left = crm.collection::<LeadFile>("lead-789").count().await?;
    println!("deleted the lead and its notes: {left} items left");
    Ok(())
}
