//! Unique values: `#[scoped(unique)]` fields, kept unique per entity and scope by uniqueness
//! items written in the same transaction as the item.
//!
//! The value `v` of unique attribute `email` of an entity tagged `LEAD` is claimed by the item
//! `pk = {scope prefix}UNIQUE#LEAD#email#{escaped v}` (with `sk = UNIQUE` in a table with sort
//! keys) in the entity's own table, which names its owner in `owner_pk` (and `owner_sk`). Its
//! key is a key of the scope (the `UNIQUE` tag is reserved: no entity has it), so the isolation
//! guard accepts it and scans, collections and queries of entities never see it.
//!
//! | write | transaction |
//! |-------|-------------|
//! | create | put the item if absent; put each claim if absent or the item's own |
//! | put, `put_versioned` | read the item (consistent); put it if its unique values are still the ones read (and its version); put each claim if absent or own; delete each claim it gives up if own (or absent) |
//! | delete | read the item (consistent); delete it if its unique values are still the ones read; delete its claims if own (or absent) |
//!
//! A claim held by another item fails the transaction: [`Error::AlreadyExists`] naming the
//! attribute and value. An item whose unique values changed between the read and the
//! transaction is read again and written again, up to [`MAX_ATTEMPTS`] times
//! ([`Error::UniqueConflict`]); a transaction DynamoDB cancels for a conflicting transaction
//! (`TransactionConflict`) is sent again after a backoff.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};

use super::Items;
use super::convert::{Item, build_error, item_key_map, request_error};
use super::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::dynamodb::entity::{Entity, ItemKey};
use crate::dynamodb::error::{CancellationReason, Duplicate, Error};
use crate::error::KeyError;
use crate::ident::EntityTag;
use crate::key;

/// The sort key of every uniqueness item in a table with sort keys.
pub(crate) const UNIQUE_SORT_KEY: &str = "UNIQUE";
/// The attribute of a uniqueness item naming its owner's partition key.
pub(crate) const OWNER_PK: &str = "owner_pk";
/// The attribute of a uniqueness item naming its owner's sort key (tables with sort keys).
pub(crate) const OWNER_SK: &str = "owner_sk";
/// How many times a put or delete reads the item and sends its transaction before another
/// writer changing the item's unique values every time is [`Error::UniqueConflict`]; also the
/// sends of one transaction DynamoDB cancels for `TransactionConflict`.
pub(crate) const MAX_ATTEMPTS: u32 = 8;
const TRANSACT: &str = "TransactWriteItems";
/// The condition under which a claim is written or released: nobody holds it, or its owner
/// is the item (`:opk`, and `:osk` in a table with sort keys).
const FREE_OR_OWN: &str = "attribute_not_exists(#pk) OR #opk = :opk";
const FREE_OR_OWN_SORTED: &str = "attribute_not_exists(#pk) OR (#opk = :opk AND #osk = :osk)";

/// Whether `E` has `#[scoped(unique)]` fields, so its writes keep uniqueness items.
pub(crate) fn has_unique<E: Entity>() -> bool {
    !E::UNIQUE_ATTRIBUTES.is_empty()
}

/// [`Error::UniqueWrite`] for `operation` on `E` if `E` has unique fields.
pub(crate) fn refuse<E: Entity>(
    operation: &'static str,
    reason: &'static str,
) -> Result<(), Error> {
    if has_unique::<E>() {
        return Err(Error::UniqueWrite {
            entity: std::any::type_name::<E>(),
            operation,
            attributes: E::UNIQUE_ATTRIBUTES,
            reason,
        });
    }
    Ok(())
}

/// Why a batch write cannot keep uniqueness items, for [`refuse`].
pub(crate) const BATCH: &str = "a batch write is not transactional, so an item and its \
     uniqueness items could be written apart";
/// Why a transaction's put or delete cannot, for [`refuse`].
pub(crate) const TRANSACTION: &str = "a transaction's put or delete would have to read the \
     item's current unique values first, and a transaction is built without reading";

/// One uniqueness claim: the value of one unique attribute, and the key of the item claiming
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    pub(crate) attribute: &'static str,
    pub(crate) value: String,
    /// `{scope prefix}UNIQUE#{TAG}#{attribute}#{escaped value}`.
    pub(crate) pk: String,
}

impl Claim {
    pub(crate) fn duplicate(&self) -> Duplicate {
        Duplicate::new(self.attribute, self.value.clone())
    }
}

/// The partition key of the uniqueness item of value `value` of `E`'s unique attribute
/// `attribute` in `scope`: `{scope prefix}UNIQUE#{TAG}#{attribute}#{escaped value}`.
///
/// # Errors
///
/// [`KeyError::EmptyId`] if `value` is empty, [`KeyError::TooLong`] if the key is too long.
pub(crate) fn claim_key<E: Entity>(
    scope: &E::Scope,
    attribute: &str,
    value: &str,
) -> Result<String, KeyError> {
    key::encode_visited(scope, &EntityTag::UNIQUE, &|visit| {
        visit(E::TAG.as_str());
        visit(attribute);
        visit(value);
    })
}

/// The text a stored unique value is claimed by: a string as itself, a number as its digits.
fn stored_text(value: &AttributeValue) -> Option<&str> {
    match value {
        AttributeValue::S(text) | AttributeValue::N(text) => Some(text),
        _ => None,
    }
}

/// The claims `item` makes (from its `#[scoped(unique)]` fields that hold a value), each
/// checked against `attributes`, the item as it is written: a value must be stored as the text
/// it is claimed by, or a later replace or delete could not find its claim to release it.
///
/// # Errors
///
/// [`Error::UniqueValue`] if a value is stored otherwise, [`Error::Key`] if a value is empty or
/// its uniqueness key too long.
pub(crate) fn claims_of<E: Entity>(
    scope: &E::Scope,
    item: &E,
    attributes: &Item,
) -> Result<Vec<Claim>, Error> {
    let mut claims = Vec::new();
    let mut error = None;
    item.visit_unique(&mut |attribute, value| {
        if error.is_some() {
            return;
        }
        let value = value.as_str();
        let stored = attributes.get(attribute);
        if stored.and_then(stored_text) != Some(value) {
            error = Some(Error::UniqueValue {
                entity: std::any::type_name::<E>(),
                attribute,
                value: value.to_owned(),
                stored: stored.map_or_else(|| "nothing".to_owned(), |stored| format!("{stored:?}")),
            });
            return;
        }
        match claim_key::<E>(scope, attribute, value) {
            Ok(pk) => claims.push(Claim {
                attribute,
                value: value.to_owned(),
                pk,
            }),
            Err(err) => error = Some(err.into()),
        }
    });
    match error {
        Some(err) => Err(err),
        None => Ok(claims),
    }
}

/// The claims a stored item holds: its string or number values of `E`'s unique attributes.
fn stored_claims<E: Entity>(scope: &E::Scope, stored: &Item) -> Vec<Claim> {
    E::UNIQUE_ATTRIBUTES
        .iter()
        .filter_map(|&attribute| {
            let value = stored.get(attribute).and_then(stored_text)?;
            // A value that makes no key (empty, too long) was never claimed.
            let pk = claim_key::<E>(scope, attribute, value).ok()?;
            Some(Claim {
                attribute,
                value: value.to_owned(),
                pk,
            })
        })
        .collect()
}

/// A condition's `#name` placeholders.
type Names = HashMap<String, String>;
/// A condition's `:value` placeholders.
type Values = HashMap<String, AttributeValue>;

/// A condition expression under construction: clauses joined by `AND`, with the placeholders
/// they bind.
#[derive(Debug, Default, Clone)]
pub(crate) struct Condition {
    clauses: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Condition {
    /// The condition `clause`, binding `names` and `values`.
    pub(crate) fn new(
        clause: &str,
        names: impl IntoIterator<Item = (&'static str, String)>,
        values: impl IntoIterator<Item = (&'static str, AttributeValue)>,
    ) -> Self {
        let mut condition = Self::default();
        condition.and(clause, names, values);
        condition
    }

    fn and(
        &mut self,
        clause: &str,
        names: impl IntoIterator<Item = (&'static str, String)>,
        values: impl IntoIterator<Item = (&'static str, AttributeValue)>,
    ) {
        self.clauses.push(format!("({clause})"));
        self.names.extend(
            names
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
        self.values.extend(
            values
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
    }

    /// That the item is as `stored` has it as far as `E`'s unique values go: absent if it is
    /// absent, otherwise present with each unique attribute as it is (or absent, or null).
    fn unchanged<E: Entity>(&mut self, stored: Option<&Item>) {
        self.names.insert("#upk".to_owned(), PK.to_owned());
        let Some(stored) = stored else {
            self.clauses.push("attribute_not_exists(#upk)".to_owned());
            return;
        };
        self.clauses.push("attribute_exists(#upk)".to_owned());
        for (index, attribute) in E::UNIQUE_ATTRIBUTES.iter().enumerate() {
            let name = format!("#u{index}");
            let value = format!(":u{index}");
            self.names.insert(name.clone(), (*attribute).to_owned());
            match stored.get(*attribute) {
                None => self.clauses.push(format!("attribute_not_exists({name})")),
                Some(AttributeValue::Null(_)) => {
                    self.clauses
                        .push(format!("attribute_type({name}, {value})"));
                    self.values
                        .insert(value, AttributeValue::S("NULL".to_owned()));
                }
                Some(stored) => {
                    self.clauses.push(format!("{name} = {value}"));
                    self.values.insert(value, stored.clone());
                }
            }
        }
    }

    fn expression(&self) -> Option<String> {
        (!self.clauses.is_empty()).then(|| self.clauses.join(" AND "))
    }

    fn into_parts(self) -> (Option<String>, Option<Names>, Option<Values>) {
        let expression = self.expression();
        let names = (!self.names.is_empty()).then_some(self.names);
        let values = (!self.values.is_empty()).then_some(self.values);
        (expression, names, values)
    }
}

/// What a write does to the item itself.
pub(crate) enum ItemWrite {
    /// Put these attributes.
    Put(Item),
    /// Delete it.
    Delete,
}

/// Why a transaction of an item and its claims failed.
enum Failure {
    /// The item's own condition failed: it exists (a create) or changed since it was read.
    Item,
    /// A transaction conflict: send it again.
    Conflict,
    /// Anything else, final.
    Error(Error),
}

/// What one write of the transaction is, to decode its cancellation.
enum Role {
    Item,
    Claim(Claim),
    Release(Claim),
}

impl<E: Entity> Items<E> {
    /// Creates `attributes`, the item with `key`, with its `claims`, in one transaction.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`] if the item exists (without `unique`) or another item holds a
    /// claim (naming it), otherwise as [`Self::put`].
    pub(super) async fn create_claiming(
        &self,
        key: &ItemKey<E>,
        attributes: Item,
        claims: &[Claim],
    ) -> Result<(), Error> {
        for attempt in 1..=MAX_ATTEMPTS {
            let condition =
                Condition::new("attribute_not_exists(#upk)", [("#upk", PK.to_owned())], []);
            let write = ItemWrite::Put(attributes.clone());
            match self.send_claiming(key, write, condition, claims, &[]).await {
                Ok(()) => return Ok(()),
                Err(Failure::Item) => {
                    return Err(Error::AlreadyExists {
                        table: self.table.to_string(),
                        key: key.to_string(),
                        unique: None,
                    });
                }
                Err(Failure::Conflict) if attempt < MAX_ATTEMPTS => backoff(attempt).await,
                Err(Failure::Conflict) => break,
                Err(Failure::Error(err)) => return Err(err),
            }
        }
        Err(self.conflict(key))
    }

    /// Writes `write` to the item with `key` (a put with `claims`, or a delete) in one
    /// transaction with its claims: reads the item first to learn the claims it gives up, and
    /// writes only if its unique values are still the ones read, and `extra` holds. `check`
    /// sees each item read and may refuse before anything is sent (a stale version).
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`] naming the value if another item holds a claim,
    /// [`Error::UniqueConflict`] if the item kept changing, what `check` returns, otherwise as
    /// [`Self::put`].
    pub(super) async fn replace_claiming(
        &self,
        key: &ItemKey<E>,
        write: &ItemWrite,
        claims: &[Claim],
        extra: Option<&Condition>,
        check: impl Fn(Option<&Item>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let shown = key.to_string();
        for attempt in 1..=MAX_ATTEMPTS {
            let stored = self.stored(item_key_map(key), &shown).await?;
            check(stored.as_ref())?;
            let (stored, write) = match (stored, write) {
                // Deleting an absent item deletes nothing, as `delete` always did.
                (None, ItemWrite::Delete) => return Ok(()),
                (stored, ItemWrite::Put(attributes)) => {
                    (stored, ItemWrite::Put(attributes.clone()))
                }
                (stored, ItemWrite::Delete) => (stored, ItemWrite::Delete),
            };
            let released: Vec<Claim> = stored
                .as_ref()
                .map(|stored| stored_claims::<E>(&self.scope, stored))
                .unwrap_or_default()
                .into_iter()
                .filter(|old| claims.iter().all(|new| new.pk != old.pk))
                .collect();
            let mut condition = extra.cloned().unwrap_or_default();
            condition.unchanged::<E>(stored.as_ref());
            match self
                .send_claiming(key, write, condition, claims, &released)
                .await
            {
                Ok(()) => return Ok(()),
                Err(Failure::Item | Failure::Conflict) if attempt < MAX_ATTEMPTS => {
                    backoff(attempt).await;
                }
                Err(Failure::Item | Failure::Conflict) => break,
                Err(Failure::Error(err)) => return Err(err),
            }
        }
        Err(self.conflict(key))
    }

    fn conflict(&self, key: &ItemKey<E>) -> Error {
        Error::UniqueConflict {
            table: self.table.to_string(),
            key: key.to_string(),
            attempts: MAX_ATTEMPTS,
        }
    }

    /// Sends one transaction: `write` to the item with `key` under `condition`, a put of each
    /// of `claims` and a delete of each of `released`, both only if free or the item's own.
    async fn send_claiming(
        &self,
        key: &ItemKey<E>,
        write: ItemWrite,
        condition: Condition,
        claims: &[Claim],
        released: &[Claim],
    ) -> Result<(), Failure> {
        let table = self.table.as_str();
        let shown = key.to_string();
        let (expression, names, values) = condition.into_parts();
        let item = match write {
            ItemWrite::Put(attributes) => Put::builder()
                .table_name(table)
                .set_item(Some(attributes))
                .set_condition_expression(expression)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .build()
                .map(|put| TransactWriteItem::builder().put(put).build()),
            ItemWrite::Delete => Delete::builder()
                .table_name(table)
                .set_key(Some(item_key_map(key)))
                .set_condition_expression(expression)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .build()
                .map(|delete| TransactWriteItem::builder().delete(delete).build()),
        };
        let build = |err| Failure::Error(build_error(TRANSACT, table, err));
        let mut items = vec![item.map_err(build)?];
        let mut roles = vec![Role::Item];
        for claim in claims {
            items.push(claim_put(table, key, claim).map_err(build)?);
            roles.push(Role::Claim(claim.clone()));
        }
        for claim in released {
            items.push(claim_release(table, key, claim).map_err(build)?);
            roles.push(Role::Release(claim.clone()));
        }
        let sent = self
            .sender
            .client()
            .transact_write_items()
            .set_transact_items(Some(items))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        let err = match sent {
            Ok(_) => return Ok(()),
            Err(err) => err,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(canceled)) =
            err.as_service_error()
        else {
            return Err(Failure::Error(request_error(
                TRANSACT,
                table,
                Some(&shown),
                err,
            )));
        };
        let codes: Vec<&str> = roles
            .iter()
            .enumerate()
            .map(|(index, _)| {
                canceled
                    .cancellation_reasons()
                    .get(index)
                    .and_then(|reason| reason.code())
                    .unwrap_or("None")
            })
            .collect();
        // A claim another item holds is the answer even when the item's own condition failed
        // too: it would fail again.
        for (role, code) in roles.iter().zip(&codes) {
            if let (Role::Claim(claim), &"ConditionalCheckFailed") = (role, code) {
                return Err(Failure::Error(Error::AlreadyExists {
                    table: table.to_owned(),
                    key: shown,
                    unique: Some(claim.duplicate()),
                }));
            }
        }
        if codes.first() == Some(&"ConditionalCheckFailed") {
            return Err(Failure::Item);
        }
        if codes.contains(&"TransactionConflict") {
            return Err(Failure::Conflict);
        }
        let reasons = roles
            .iter()
            .zip(&codes)
            .enumerate()
            .map(|(index, (role, code))| {
                let (write, tag, key) = match role {
                    Role::Item => ("put", E::TAG, shown.clone()),
                    Role::Claim(claim) => ("claim", EntityTag::UNIQUE, claim.pk.clone()),
                    Role::Release(claim) => ("release", EntityTag::UNIQUE, claim.pk.clone()),
                };
                let message = canceled
                    .cancellation_reasons()
                    .get(index)
                    .and_then(|reason| reason.message())
                    .map(str::to_owned);
                CancellationReason {
                    position: index + 1,
                    write,
                    entity: std::any::type_name::<E>(),
                    tag,
                    table: table.to_owned(),
                    key,
                    code: (*code).to_owned(),
                    message,
                }
            })
            .collect();
        Err(Failure::Error(Error::TransactionCanceled {
            table: table.to_owned(),
            reasons,
            source: Box::new(err),
        }))
    }
}

/// The transaction write claiming `claim` for the item with `owner` in `table`: a put of its
/// uniqueness item, if it is free or the owner's already (a put by the owner is idempotent).
pub(crate) fn claim_put<E: ?Sized>(
    table: &str,
    owner: &ItemKey<E>,
    claim: &Claim,
) -> Result<TransactWriteItem, aws_sdk_dynamodb::error::BuildError> {
    let mut item = HashMap::with_capacity(4);
    item.insert(PK.to_owned(), AttributeValue::S(claim.pk.clone()));
    item.insert(
        OWNER_PK.to_owned(),
        AttributeValue::S(owner.partition().as_str().to_owned()),
    );
    if let Some(sort) = owner.sort() {
        item.insert(SK.to_owned(), AttributeValue::S(UNIQUE_SORT_KEY.to_owned()));
        item.insert(OWNER_SK.to_owned(), AttributeValue::S(sort.to_owned()));
    }
    let (expression, names, values) = free_or_own(owner);
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(expression)
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .build()?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// The transaction write releasing `claim` of the item with `owner`: a delete of its
/// uniqueness item, if it is the owner's (or already gone).
fn claim_release<E: ?Sized>(
    table: &str,
    owner: &ItemKey<E>,
    claim: &Claim,
) -> Result<TransactWriteItem, aws_sdk_dynamodb::error::BuildError> {
    let mut key = HashMap::with_capacity(2);
    key.insert(PK.to_owned(), AttributeValue::S(claim.pk.clone()));
    if owner.sort().is_some() {
        key.insert(SK.to_owned(), AttributeValue::S(UNIQUE_SORT_KEY.to_owned()));
    }
    let (expression, names, values) = free_or_own(owner);
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(expression)
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .build()?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// The condition "the uniqueness item is absent or `owner`'s", with its placeholders.
fn free_or_own<E: ?Sized>(owner: &ItemKey<E>) -> (&'static str, Names, Values) {
    let mut names = HashMap::with_capacity(3);
    let mut values = HashMap::with_capacity(2);
    names.insert("#pk".to_owned(), PK.to_owned());
    names.insert("#opk".to_owned(), OWNER_PK.to_owned());
    values.insert(
        ":opk".to_owned(),
        AttributeValue::S(owner.partition().as_str().to_owned()),
    );
    let expression = match owner.sort() {
        Some(sort) => {
            names.insert("#osk".to_owned(), OWNER_SK.to_owned());
            values.insert(":osk".to_owned(), AttributeValue::S(sort.to_owned()));
            FREE_OR_OWN_SORTED
        }
        None => FREE_OR_OWN,
    };
    (expression, names, values)
}

/// Waits before sending a transaction again (attempt is 1-based): up to 10 ms, doubling, with
/// jitter, so the writers of a contended claim spread out.
async fn backoff(attempt: u32) {
    let ceiling = Duration::from_millis(10).saturating_mul(1 << attempt.min(6));
    tokio::time::sleep(ceiling / 2 + (ceiling / 2).mul_f64(fastrand::f64())).await;
}

#[cfg(test)]
mod tests;
