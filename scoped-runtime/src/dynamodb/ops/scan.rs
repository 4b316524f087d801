//! Scans of an entity's items in an unshared table (tenant and platform tables), in parallel
//! segments, filtered to the entity's own keys and ownership-checked item by item.

use aws_sdk_dynamodb::types::AttributeValue;
use futures_util::{StreamExt, TryStreamExt, future, stream};
use serde::de::DeserializeOwned;

use super::convert::{Item, request_error};
use super::stream::{ItemStream, follow_pages};
use super::{Items, PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::client::Sender;
use crate::dynamodb::DynamoDb;
use crate::dynamodb::entity::{Entity, Table};
use crate::dynamodb::error::Error;
use crate::scope::{Platform, Scope, Tenant};

/// DynamoDB's limit on a parallel scan's `TotalSegments`.
const MAX_SEGMENTS: u32 = 1_000_000;

/// Implemented by the entities whose tables may be scanned: tenant and platform entities,
/// whose tables hold one scope's items only. A capsule table is shared by every tenant's
/// capsule with the same capsule code, so [`Items::scan`] and [`Items::count`] of a capsule
/// entity do not compile.
///
/// `EntityScope` is always `E::Scope`; it is a parameter only so the error can name it.
///
/// Sealed: implemented by the runtime for exactly the tenant and platform entities.
///
/// ```compile_fail
/// # use scoped_runtime::{capsule_table, ScopedKey, Items};
/// # #[capsule_table("crm")]
/// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
/// # pub struct Lead { #[scoped(id)] pub lead_id: String }
/// # async fn demo(leads: Items<Lead>) {
/// let all = leads.scan(); // capsule tables may not be scanned
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `{EntityScope}` entity, and capsule tables may not be scanned",
    label = "`{Self}`'s table is shared with other tenants",
    note = "a capsule table (`PRODUS_crm`) is shared by every tenant whose capsule has the same capsule code (`PRODUS`), so a scan (or a count, which scans) would read other tenants' items; the isolation guard refuses it",
    note = "read a capsule's items with a query within one partition (`items.query(ids)`), or through a secondary index whose partition key is inside the capsule's prefix (table indexes are the next step)"
)]
pub trait ScannableEntity<EntityScope>: Entity + seal::Scannable<EntityScope> {}

impl<E: Entity<Scope = Tenant>> ScannableEntity<Tenant> for E {}
impl<E: Entity<Scope = Platform>> ScannableEntity<Platform> for E {}

mod seal {
    use crate::dynamodb::entity::Entity;
    use crate::scope::{Platform, Tenant};

    /// The seal of [`ScannableEntity`](super::ScannableEntity): nameable only here.
    pub trait Scannable<S> {}

    impl<E: Entity<Scope = Tenant>> Scannable<Tenant> for E {}
    impl<E: Entity<Scope = Platform>> Scannable<Platform> for E {}
}

/// The filter that keeps a scan to entity `E`'s items in `scope`: `begins_with(#pk,
/// :prefix)`, the prefix being the scope's key prefix and the tag of `E`'s partition entity
/// (`TENANT#t1#NOTE#`), and in a table with sort keys also `E`'s sort keys: `#sk = :tag` for
/// an entity without sort ids, `begins_with(#sk, :tag)` with `{TAG}#` otherwise (so `NOTE`
/// does not take `NOTE_COUNT`'s items). Every scan and count of an entity builds its filter
/// here, and only here.
pub(crate) fn entity_filter<E: Entity>(scope: &E::Scope) -> EntityFilter {
    let partition_tag = <E::Partition as Entity>::TAG;
    let mut prefix =
        String::with_capacity(scope.key_prefix_len() + partition_tag.as_str().len() + 1);
    scope.write_key_prefix(&mut prefix);
    prefix.push_str(partition_tag.as_str());
    prefix.push('#');
    let mut filter = EntityFilter {
        expression: "begins_with(#pk, :prefix)",
        names: vec![("#pk", PK)],
        values: vec![(":prefix", AttributeValue::S(prefix))],
    };
    if E::KEY_SCHEMA.has_sort_key() {
        let tag = E::TAG;
        let (expression, sort) = if E::SORT_ID_COUNT == 0 {
            (
                "begins_with(#pk, :prefix) AND #sk = :tag",
                tag.as_str().to_owned(),
            )
        } else {
            (
                "begins_with(#pk, :prefix) AND begins_with(#sk, :tag)",
                format!("{tag}#"),
            )
        };
        filter.expression = expression;
        filter.names.push(("#sk", SK));
        filter.values.push((":tag", AttributeValue::S(sort)));
    }
    filter
}

/// A scan's `FilterExpression` and the placeholders it binds.
#[derive(Debug, Clone)]
pub(crate) struct EntityFilter {
    pub(crate) expression: &'static str,
    pub(crate) names: Vec<(&'static str, &'static str)>,
    pub(crate) values: Vec<(&'static str, AttributeValue)>,
}

impl<E: Entity> Items<E> {
    /// The same items, scanned in `segments` parallel segments (DynamoDB's parallel scan), for
    /// [`scan`](Self::scan) and [`count`](Self::count); 1 by default, at most 1,000,000 (0
    /// counts as 1). Each segment is read page by page, all segments at once.
    #[must_use]
    pub fn segments(mut self, segments: u32) -> Self {
        self.segments = segments.clamp(1, MAX_SEGMENTS);
        self
    }

    /// Every item of the entity in this scope's table, as a stream that follows each
    /// segment's `LastEvaluatedKey`.
    ///
    /// Only tenant and platform entities can be scanned: their tables hold one scope's items.
    /// A scan of a capsule entity does not compile (see [`ScannableEntity`]).
    ///
    /// The table may hold other entities' items: the request's `FilterExpression` keeps those
    /// whose `pk` starts with this scope's prefix and the entity's tag, so DynamoDB returns
    /// only the entity's items (it still reads, and bills, the whole table). Each item
    /// returned is then checked as [`from_item`](Self::from_item) does: an item under the
    /// entity's tag whose ids do not make its `pk` is an error in the stream
    /// ([`Error::ForeignItem`]), never skipped.
    ///
    /// With [`segments`](Self::segments)`(n)`, the segments are read at once and their items
    /// merged as they arrive: the order of items across segments is unspecified (a scan has
    /// no order in any case). [`consistent_reads`](Self::consistent_reads) and
    /// [`page_size`](Self::page_size) apply to each page. The first error ends the stream.
    ///
    /// ```no_run
    /// # use scoped_runtime::{tenant_table, ScopedKey, Items};
    /// # #[tenant_table("notifications")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct Webhook { #[scoped(id)] pub webhook_id: String, pub url: String }
    /// # async fn demo(hooks: Items<Webhook>) -> Result<(), scoped_runtime::Error> {
    /// let mut all = hooks.segments(4).scan();
    /// while let Some(hook) = all.next().await {
    ///     println!("{}", hook?.url);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// Errors are items of the stream: [`Error::Key`] with [`KeyError::TagInUse`] if another
    /// entity uses this one's tag in the table; [`Error::ForeignItem`] or
    /// [`Error::Isolation`] for an item that is not this entity's in this scope;
    /// [`Error::Item`] for one that does not deserialize; [`Error::DynamoDb`] if a request
    /// fails.
    ///
    /// [`KeyError::TagInUse`]: crate::KeyError::TagInUse
    pub fn scan(&self) -> ItemStream<E>
    where
        E: ScannableEntity<<E as Table>::Scope> + DeserializeOwned + Send + 'static,
    {
        if let Err(err) = crate::dynamodb::tags::claim::<E>() {
            return ItemStream::new(stream::iter([Err(Error::Key(err))]));
        }
        let segments = self.scan_segments();
        let pages = stream::select_all(segments.into_iter().map(|segment| {
            follow_pages(move |start| {
                let segment = segment.clone();
                async move {
                    let page = segment.fetch(start).await?;
                    Ok((page.items, page.next))
                }
            })
            .boxed()
        }));
        let items = self.clone();
        let checked = pages
            .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
            .try_flatten()
            .map(move |item| item.and_then(|item| items.from_item(item)))
            // Segments run side by side; the first error ends the whole stream, not only its
            // segment, as `ItemStream` promises.
            .scan(false, |ended, item| {
                if *ended {
                    return future::ready(None);
                }
                *ended = item.is_err();
                future::ready(Some(item))
            });
        ItemStream::new(checked)
    }

    /// How many items of the entity this scope's table holds: the items of
    /// [`scan`](Self::scan), each checked as it checks them, counted over every segment
    /// ([`segments`](Self::segments)). A planted item under the entity's tag whose ids do not
    /// make its key is an error here too, never a number; reading the items costs the same read
    /// capacity as DynamoDB's `Select: COUNT` (a scan reads the whole table either way), only
    /// more bytes on the wire.
    ///
    /// # Errors
    ///
    /// As [`scan`](Self::scan).
    pub async fn count(&self) -> Result<u64, Error>
    where
        E: ScannableEntity<<E as Table>::Scope> + DeserializeOwned + Send + 'static,
    {
        self.scan().count().await
    }

    /// One request template per segment.
    fn scan_segments(&self) -> Vec<ScanSegment> {
        let filter = entity_filter::<E>(&self.scope);
        let total = self.segments;
        (0..total)
            .map(|segment| ScanSegment {
                sender: self.sender.clone(),
                table: self.table.to_string(),
                filter: filter.clone(),
                // Both are at most `MAX_SEGMENTS`, well inside `i32`.
                segment: (total > 1).then(|| {
                    (
                        i32::try_from(segment).unwrap_or(i32::MAX),
                        i32::try_from(total).unwrap_or(i32::MAX),
                    )
                }),
                consistent: self.consistent,
                limit: self.page_size,
            })
            .collect()
    }
}

/// What each page request of one scan segment needs.
#[derive(Clone)]
struct ScanSegment {
    sender: Sender<DynamoDb>,
    table: String,
    filter: EntityFilter,
    /// `(Segment, TotalSegments)` of a parallel scan.
    segment: Option<(i32, i32)>,
    consistent: bool,
    limit: Option<i32>,
}

/// One page of a scan: its items and where to continue.
struct ScanPage {
    items: Vec<Item>,
    next: Option<Item>,
}

impl ScanSegment {
    async fn fetch(&self, start: Option<Item>) -> Result<ScanPage, Error> {
        let mut request = self
            .sender
            .client()
            .scan()
            .table_name(&self.table)
            .filter_expression(self.filter.expression)
            .set_segment(self.segment.map(|(segment, _)| segment))
            .set_total_segments(self.segment.map(|(_, total)| total))
            .set_exclusive_start_key(start)
            .consistent_read(self.consistent)
            .set_limit(self.limit);
        for (placeholder, name) in &self.filter.names {
            request = request.expression_attribute_names(*placeholder, *name);
        }
        for (placeholder, value) in &self.filter.values {
            request = request.expression_attribute_values(*placeholder, value.clone());
        }
        let output = request
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| request_error("Scan", &self.table, None, err))?;
        Ok(ScanPage {
            items: output.items.unwrap_or_default(),
            next: output.last_evaluated_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::dynamodb::entity::test_entity!(
        Hook,
        Tenant,
        "notifications",
        "HOOK",
        attributes = [],
        id = "1"
    );

    #[test]
    fn the_filter_is_the_scope_prefix_and_the_tag() {
        let tenant = Tenant::new("t1", "One").unwrap();
        let filter = entity_filter::<Hook>(&tenant);
        assert_eq!(filter.expression, "begins_with(#pk, :prefix)");
        assert_eq!(filter.names, [("#pk", "pk")]);
        assert_eq!(
            filter.values,
            [(":prefix", AttributeValue::S("TENANT#t1#HOOK#".into()))]
        );
        // Every key of the entity in the scope starts with the prefix.
        let key = Hook::partition_key(&tenant, "h#1").unwrap();
        assert!(key.as_str().starts_with("TENANT#t1#HOOK#"), "{key}");
    }
}
