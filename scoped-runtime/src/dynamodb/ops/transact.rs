//! All-or-nothing writes across entities of one scope: `TransactWriteItems`.

use std::fmt;

use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Put, TransactWriteItem, Update as SdkUpdate,
};
use serde::Serialize;

use super::Update;
use super::convert::{Item, build_error, item_key_map, request_error, to_item};
use super::item::ABSENT;
use super::unique;
use super::update::{UpdateExpression, upsert_ids};
use crate::client::Sender;
use crate::dynamodb::DynamoDb;
use crate::dynamodb::entity::EntityInScope;
use crate::dynamodb::entity::{Entity, ItemKey, Table};
use crate::dynamodb::error::{CancellationReason, Duplicate, Error};
use crate::error::KeyError;
use crate::ident::EntityTag;
use crate::naming::table::TableName;
use crate::scope::Scope;

const TRANSACT: &str = "TransactWriteItems";

/// Writes to entities of one scope that succeed or fail together, from a scoped client's
/// `transaction()`.
///
/// Each call adds one write (at most 100, DynamoDB's limit, and at most one per item); nothing
/// is sent until [`send`](Self::send). Only entities of the client's scope can be added: any
/// other is a compile error.
///
/// ```no_run
/// # use scoped_runtime::{capsule_table, ScopedKey, CapsuleClient, DynamoDb, Update};
/// # #[capsule_table("crm")]
/// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
/// # pub struct Lead { #[scoped(id)] pub lead_id: String, pub name: String }
/// # #[capsule_table("crm")]
/// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
/// # pub struct Account { #[scoped(id)] pub account_id: String, pub leads: u32 }
/// # async fn demo(crm: CapsuleClient<DynamoDb>) -> Result<(), scoped_runtime::Error> {
/// let lead = Lead { lead_id: "lead-789".into(), name: "Ada".into() };
/// crm.transaction()
///     .create(&lead)
///     .update::<Account>("acct-1", Update::new().add("leads", 1))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
///
/// A tenant entity in a capsule transaction does not compile:
///
/// ```compile_fail
/// # use scoped_runtime::{capsule_table, tenant_table, ScopedKey, CapsuleClient, DynamoDb};
/// # #[tenant_table("notifications")]
/// # #[derive(ScopedKey, serde::Serialize)]
/// # pub struct Webhook { #[scoped(id)] pub webhook_id: String }
/// # async fn demo(crm: CapsuleClient<DynamoDb>, hook: Webhook) {
/// crm.transaction().put(&hook); // `Webhook` is a `Tenant` entity
/// # }
/// ```
#[must_use = "a transaction does nothing until it is sent"]
pub struct Transaction<S> {
    scope: S,
    sender: Sender<DynamoDb>,
    items: Vec<TransactWriteItem>,
    /// What each of `items` writes, to name it in a cancellation.
    writes: Vec<Write>,
    tables: Vec<String>,
    /// The first write that could not be built, reported by `send`.
    error: Option<Error>,
}

impl<S: Scope> Transaction<S> {
    pub(crate) fn new(scope: S, sender: Sender<DynamoDb>) -> Self {
        Self {
            scope,
            sender,
            items: Vec::new(),
            writes: Vec::new(),
            tables: Vec::new(),
            error: None,
        }
    }

    /// Writes `item`, replacing any item with its key.
    ///
    /// An entity with `#[scoped(unique)]` fields cannot be put in a transaction: replacing it
    /// would have to read its current unique values first. [`send`](Self::send) is then
    /// [`Error::UniqueWrite`]; use [`Items::put`](crate::Items::put), or
    /// [`create`](Self::create) for a new item.
    pub fn put<E>(self, item: &E) -> Self
    where
        E: Entity + Serialize + EntityInScope<S, <E as Table>::Scope>,
    {
        if let Err(err) = unique::refuse::<E>("a transaction's put", unique::TRANSACTION) {
            return self.fail(err);
        }
        self.put_item("put", item, None)
    }

    /// Writes `item` only if no item has its key; otherwise the whole transaction is
    /// cancelled ([`Error::TransactionCanceled`] with reason `ConditionalCheckFailed`).
    ///
    /// Each value of an `#[scoped(unique)]` field is claimed in the same transaction by a
    /// write of its uniqueness item (see `docs/patterns.md`, "Unique values"), which counts
    /// towards DynamoDB's 100 writes; a value another item holds cancels the transaction, and
    /// [`send`](Self::send) is [`Error::AlreadyExists`] naming the attribute and value.
    pub fn create<E>(self, item: &E) -> Self
    where
        E: Entity + Serialize + EntityInScope<S, <E as Table>::Scope>,
    {
        self.put_item("create", item, Some(ABSENT))
    }

    /// Deletes the item of `E` with `ids`.
    ///
    /// An entity with `#[scoped(unique)]` fields cannot be deleted in a transaction: its
    /// uniqueness items are found by reading it first. [`send`](Self::send) is then
    /// [`Error::UniqueWrite`]; use [`Items::delete`](crate::Items::delete).
    pub fn delete<E>(self, ids: E::Ids<'_>) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        if let Err(err) = unique::refuse::<E>("a transaction's delete", unique::TRANSACTION) {
            return self.fail(err);
        }
        self.add::<E>("delete", ids, |table, key, _| {
            let delete = Delete::builder()
                .table_name(table)
                .set_key(Some(key))
                .build()?;
            Ok(TransactWriteItem::builder().delete(delete).build())
        })
    }

    /// Applies `update` to the existing item of `E` with `ids`; if there is none, or a
    /// condition of `update` ([`Update::when_equals`], [`Update::expect_version`]…) does not
    /// hold, the transaction is cancelled ([`Error::TransactionCanceled`] with reason
    /// `ConditionalCheckFailed`).
    pub fn update<E>(self, ids: E::Ids<'_>, update: Update) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        self.add_fallible::<E>("update", ids, move |table, key, shown| {
            let expression = update.into_expression::<E>(table, shown)?;
            update_write(table, key, expression)
        })
    }

    /// Applies `update` to the item of `E` with `ids`, creating it if it is absent, as
    /// [`Items::upsert`](crate::Items::upsert) does; if a condition of `update` does not hold,
    /// the transaction is cancelled. An entity with sort ids cannot be upserted
    /// ([`Error::UpsertSortIds`]).
    pub fn upsert<E>(self, ids: E::Ids<'_>, update: Update) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        let scope = E::scope_of(&self.scope);
        let (partition, sort) = E::split_ids(ids);
        let created = upsert_ids::<E>(&partition);
        let key = crate::dynamodb::entity::item_key_of::<E>(scope, partition, sort);
        self.add_key_fallible::<E>("upsert", key, move |table, key, shown| {
            let expression = update.into_upsert_expression::<E>(table, shown, created?)?;
            update_write(table, key, expression)
        })
    }

    /// Requires that the item of `E` with `ids` exists, without changing it.
    pub fn require_exists<E>(self, ids: E::Ids<'_>) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        self.add::<E>("require_exists", ids, |table, key, _| {
            let check = ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key))
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", super::PARTITION_KEY_ATTRIBUTE)
                .build()?;
            Ok(TransactWriteItem::builder().condition_check(check).build())
        })
    }

    /// How many writes the transaction holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the transaction holds no write.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sends the transaction; an empty one sends nothing.
    ///
    /// # Errors
    ///
    /// The first error building a write ([`Error::Key`], [`Error::Item`],
    /// [`Error::ReservedAttribute`], [`Error::UpdateAttribute`]) before anything is sent;
    /// [`Error::TransactionCanceled`] if DynamoDB cancelled it (a failed condition, a
    /// conflicting transaction), with one [`CancellationReason`] per write naming its entity,
    /// table and key; [`Error::DynamoDb`] if the request fails.
    pub async fn send(self) -> Result<(), Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        if self.items.is_empty() {
            return Ok(());
        }
        let tables = self.tables.join(", ");
        let sent = self
            .sender
            .client()
            .transact_write_items()
            .set_transact_items(Some(self.items))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(err) => match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(canceled)) => {
                    let given = canceled.cancellation_reasons();
                    // A uniqueness claim another item holds: the duplicate, by name.
                    let duplicate = self.writes.iter().enumerate().find_map(|(index, write)| {
                        let failed = given.get(index).and_then(|reason| reason.code())
                            == Some("ConditionalCheckFailed");
                        write.claim.as_ref().filter(|_| failed)
                    });
                    if let Some((duplicate, owner)) = duplicate {
                        return Err(Error::AlreadyExists {
                            table: tables,
                            key: owner.clone(),
                            unique: Some(duplicate.clone()),
                        });
                    }
                    // DynamoDB gives one reason per write, in order; a write it gave none for
                    // was not the cause.
                    let reasons = self
                        .writes
                        .into_iter()
                        .enumerate()
                        .map(|(index, write)| {
                            let reason = given.get(index);
                            CancellationReason {
                                position: index + 1,
                                write: write.kind,
                                entity: write.entity,
                                tag: write.tag,
                                table: write.table,
                                key: write.key,
                                code: reason
                                    .and_then(|reason| reason.code())
                                    .unwrap_or("None")
                                    .to_owned(),
                                message: reason
                                    .and_then(|reason| reason.message())
                                    .map(str::to_owned),
                            }
                        })
                        .collect();
                    Err(Error::TransactionCanceled {
                        table: tables,
                        reasons,
                        source: Box::new(err),
                    })
                }
                _ => Err(request_error(TRANSACT, &tables, None, err)),
            },
        }
    }

    fn put_item<E>(self, kind: &'static str, item: &E, condition: Option<&str>) -> Self
    where
        E: Entity + Serialize + EntityInScope<S, <E as Table>::Scope>,
    {
        let scope = E::scope_of(&self.scope);
        let table = E::table_name(scope);
        let mut claims = Vec::new();
        let write = item
            .to_item_key(scope)
            .map_err(Error::from)
            .and_then(|key| {
                let attributes = to_item(item, scope, table.as_str(), &key)?;
                if unique::has_unique::<E>() {
                    let shown = key.to_string();
                    for claim in unique::claims_of(scope, item, &attributes)? {
                        let write = unique::claim_put(table.as_str(), &key, &claim)
                            .map_err(|err| build_error(TRANSACT, table.as_str(), err))?;
                        let mut described = Write::of::<E>("claim", &table, claim.pk.clone());
                        described.tag = EntityTag::UNIQUE;
                        described.claim = Some((claim.duplicate(), shown.clone()));
                        claims.push((write, described));
                    }
                }
                let put = Put::builder()
                    .table_name(table.as_str())
                    .set_item(Some(attributes))
                    .set_condition_expression(condition.map(str::to_owned))
                    .build()
                    .map_err(|err| build_error(TRANSACT, table.as_str(), err))?;
                Ok((
                    TransactWriteItem::builder().put(put).build(),
                    Write::of::<E>(kind, &table, key.to_string()),
                ))
            });
        let failed = write.is_err();
        let mut transaction = self.push(table.clone(), write);
        if !failed {
            for claim in claims {
                transaction = transaction.push(table.clone(), Ok(claim));
            }
        }
        transaction
    }

    /// Records `err`, the first error of a write, for [`send`](Self::send).
    fn fail(mut self, err: Error) -> Self {
        self.error.get_or_insert(err);
        self
    }

    /// Adds the write `build` makes from `E`'s table and the key of `ids`.
    fn add<E>(
        self,
        kind: &'static str,
        ids: E::Ids<'_>,
        build: impl FnOnce(&str, Item, &str) -> Result<TransactWriteItem, BuildError>,
    ) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        self.add_fallible::<E>(kind, ids, |table, key, shown| {
            build(table, key, shown).map_err(|err| build_error(TRANSACT, table, err))
        })
    }

    fn add_fallible<E>(
        self,
        kind: &'static str,
        ids: E::Ids<'_>,
        build: impl FnOnce(&str, Item, &str) -> Result<TransactWriteItem, Error>,
    ) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        let key = E::item_key(E::scope_of(&self.scope), ids);
        self.add_key_fallible::<E>(kind, key, build)
    }

    /// Adds the write `build` makes from `E`'s table and `key`.
    fn add_key_fallible<E>(
        self,
        kind: &'static str,
        key: Result<ItemKey<E>, KeyError>,
        build: impl FnOnce(&str, Item, &str) -> Result<TransactWriteItem, Error>,
    ) -> Self
    where
        E: Entity + EntityInScope<S, <E as Table>::Scope>,
    {
        let scope = E::scope_of(&self.scope);
        let table = E::table_name(scope);
        let write = key.map_err(Error::from).and_then(|key| {
            let shown = key.to_string();
            let item = build(table.as_str(), item_key_map(&key), &shown)?;
            Ok((item, Write::of::<E>(kind, &table, shown)))
        });
        self.push(table, write)
    }

    fn push(mut self, table: TableName, write: Result<(TransactWriteItem, Write), Error>) -> Self {
        match write {
            Ok((item, write)) => {
                if !self.tables.iter().any(|known| *known == table.as_str()) {
                    self.tables.push(table.into_string());
                }
                self.items.push(item);
                self.writes.push(write);
            }
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }
}

/// The transaction write of an update or upsert of the item with `key` in `table`.
fn update_write(
    table: &str,
    key: Item,
    expression: UpdateExpression,
) -> Result<TransactWriteItem, Error> {
    let update = SdkUpdate::builder()
        .table_name(table)
        .set_key(Some(key))
        .set_update_expression(expression.update)
        .set_expression_attribute_names(Some(expression.names))
        .set_expression_attribute_values(expression.values)
        .set_condition_expression(expression.condition)
        .build()
        .map_err(|err| build_error(TRANSACT, table, err))?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// What one write of a transaction writes, for its [`CancellationReason`].
struct Write {
    kind: &'static str,
    entity: &'static str,
    tag: EntityTag,
    table: String,
    key: String,
    /// For the claim of a unique value: the value, and the key of the item claiming it.
    claim: Option<(Duplicate, String)>,
}

impl Write {
    fn of<E: Entity>(kind: &'static str, table: &TableName, key: String) -> Self {
        Self {
            kind,
            entity: std::any::type_name::<E>(),
            tag: E::TAG,
            table: table.to_string(),
            key,
            claim: None,
        }
    }
}

impl<S: Scope> fmt::Debug for Transaction<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("scope", &self.scope)
            .field("writes", &self.items.len())
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}
