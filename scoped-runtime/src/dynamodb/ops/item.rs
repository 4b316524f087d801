//! Single-item operations: put, create-if-absent, get, delete, update.

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::convert::{Item, is_condition_failure, item_key_map, request_error, to_item};
use super::unique;
use super::update::upsert_ids;
use super::{Items, Update};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;

/// The condition under which a put creates and never replaces: no item has the key's `pk`.
pub(crate) const ABSENT: &str = "attribute_not_exists(pk)";

impl<E: Entity> Items<E> {
    /// Writes `item` under its own partition key, replacing any item already there.
    ///
    /// For an entity with `#[scoped(unique)]` fields, a consistent `GetItem` learns the stored
    /// item's values, then one `TransactWriteItems` writes the item (only if its values are
    /// still those), claims each of its values (free, or already its own) and releases the
    /// ones it gives up (see `docs/patterns.md`, "Unique values").
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id field is empty, [`Error::Item`] or
    /// [`Error::ReservedAttribute`] if the entity does not serialize to an item,
    /// [`Error::DynamoDb`] if the request fails. With unique fields:
    /// [`Error::AlreadyExists`] naming the attribute and value if another item holds one,
    /// [`Error::UniqueValue`] if a value is not stored as its key text,
    /// [`Error::UniqueConflict`] if concurrent writes kept changing the item's values,
    /// [`Error::TransactionCanceled`] if DynamoDB cancelled the transaction otherwise.
    pub async fn put(&self, item: &E) -> Result<(), Error>
    where
        E: Serialize,
    {
        self.put_item(item, None).await
    }

    /// Writes `item` only if no item has its partition key (a conditional put). For an entity
    /// with `#[scoped(unique)]` fields, one `TransactWriteItems` writes it and claims each of
    /// its values (no read first).
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`] if there is one (`unique: None`), or if another item holds one
    /// of its unique values (naming the attribute and value); otherwise as [`Self::put`].
    pub async fn create(&self, item: &E) -> Result<(), Error>
    where
        E: Serialize,
    {
        self.put_item(item, Some(ABSENT)).await
    }

    async fn put_item(&self, item: &E, condition: Option<&str>) -> Result<(), Error>
    where
        E: Serialize,
    {
        let key = self.key_of(item)?;
        let attributes = to_item(item, &self.scope, self.table.as_str(), &key)?;
        if unique::has_unique::<E>() {
            let claims = unique::claims_of(&self.scope, item, &attributes)?;
            return match condition {
                Some(_) => self.create_claiming(&key, attributes, &claims).await,
                None => {
                    let write = unique::ItemWrite::Put(attributes);
                    self.replace_claiming(&key, &write, &claims, None, |_| Ok(()))
                        .await
                }
            };
        }
        let sent = self
            .sender
            .client()
            .put_item()
            .table_name(self.table.as_str())
            .set_item(Some(attributes))
            .set_condition_expression(condition.map(str::to_owned))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(err) if condition.is_some() && is_condition_failure(&err) => {
                Err(Error::AlreadyExists {
                    table: self.table.to_string(),
                    key: key.to_string(),
                    unique: None,
                })
            }
            Err(err) => Err(request_error(
                "PutItem",
                self.table.as_str(),
                Some(&key.to_string()),
                err,
            )),
        }
    }

    /// The item with `ids`, or `None`.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id is empty, [`Error::Item`] if the stored item does not
    /// deserialize as `E`, [`Error::DynamoDb`] if the request fails.
    pub async fn get(&self, ids: E::Ids<'_>) -> Result<Option<E>, Error>
    where
        E: DeserializeOwned,
    {
        let key = self.item_key(ids)?;
        let output = self
            .sender
            .client()
            .get_item()
            .table_name(self.table.as_str())
            .set_key(Some(item_key_map(&key)))
            .consistent_read(self.consistent)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| {
                request_error("GetItem", self.table.as_str(), Some(&key.to_string()), err)
            })?;
        output
            .item
            .map(|item| self.check_item(item, None))
            .transpose()
    }

    /// Deletes the item with `ids`; deleting an absent item is not an error.
    ///
    /// For an entity with `#[scoped(unique)]` fields, a consistent `GetItem` learns its values,
    /// then one `TransactWriteItems` deletes the item (only if its values are still those) and
    /// releases them.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id is empty, [`Error::DynamoDb`] if the request fails; with unique
    /// fields, [`Error::UniqueConflict`] if concurrent writes kept changing the item's values.
    pub async fn delete(&self, ids: E::Ids<'_>) -> Result<(), Error> {
        let key = self.item_key(ids)?;
        if unique::has_unique::<E>() {
            let write = unique::ItemWrite::Delete;
            return self
                .replace_claiming(&key, &write, &[], None, |_| Ok(()))
                .await;
        }
        self.sender
            .client()
            .delete_item()
            .table_name(self.table.as_str())
            .set_key(Some(item_key_map(&key)))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| {
                request_error(
                    "DeleteItem",
                    self.table.as_str(),
                    Some(&key.to_string()),
                    err,
                )
            })?;
        Ok(())
    }

    /// Applies `update` to the existing item with `ids` and returns the item as it is after.
    /// `update` names the entity's serialized attributes and may not name its ids or the key
    /// attributes (see [`Update`]); an absent item is not created (see [`Self::upsert`]).
    ///
    /// ```no_run
    /// # use scoped_runtime::{capsule_table, ScopedKey, Items, Update};
    /// # #[capsule_table("crm")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct Lead { #[scoped(id)] pub lead_id: String, pub name: String, pub visits: u32 }
    /// # async fn demo(leads: Items<Lead>) -> Result<(), scoped_runtime::Error> {
    /// let lead = leads
    ///     .update("lead-789", Update::new().set("name", "Ada Lovelace").add("visits", 1))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UpdateAttribute`] if `update` names an attribute the entity does not serialize,
    /// an id's attribute, `pk` or `sk`, [`Error::UpdateValue`] for a set that is not one
    /// (before anything is sent); [`Error::NotFound`] if there is no such item;
    /// [`Error::VersionConflict`] if the item's version is not the one
    /// [`Update::expect_version`] expects; [`Error::ConditionFailed`] if another condition
    /// does not hold; [`Error::Item`] if a value does not serialize or the result does not
    /// deserialize, [`Error::DynamoDb`] if the request fails.
    pub async fn update(&self, ids: E::Ids<'_>, update: Update) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        self.update_item(ids, update, false).await
    }

    /// Applies `update` to the item with `ids`, creating it if it is absent, and returns the
    /// item as it is after (an "upsert").
    ///
    /// Creating writes the key and the item's id attributes (from `ids`, as serde stores them:
    /// integers as numbers, other ids as strings; an existing item's are left as they are) and
    /// the attributes `update` sets; every other
    /// attribute is left unset, so the created item reads back as `E` only if `E`'s other
    /// fields are `Option`s or `#[serde(default)]`, or `update` sets them. Otherwise the item is
    /// written and reading it back is [`Error::Item`]. The conditions of `update` still apply;
    /// on an absent item, [`Update::when_exists`] and [`Update::when_equals`] fail and
    /// [`Update::expect_version`]`(_, 0)` matches.
    ///
    /// ```no_run
    /// # use scoped_runtime::{capsule_table, ScopedKey, Items, Update};
    /// # #[capsule_table("crm")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct PageViews { #[scoped(id)] pub page: String, #[serde(default)] pub views: u64 }
    /// # async fn demo(views: Items<PageViews>) -> Result<(), scoped_runtime::Error> {
    /// let counted = views.upsert("/pricing", Update::new().add("views", 1)).await?;
    /// assert_eq!(counted.page, "/pricing");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Self::update`], without [`Error::NotFound`].
    pub async fn upsert(&self, ids: E::Ids<'_>, update: Update) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        self.update_item(ids, update, true).await
    }

    async fn update_item(&self, ids: E::Ids<'_>, update: Update, upsert: bool) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        let (partition, sort) = E::split_ids(ids);
        let created = if upsert {
            Some(upsert_ids::<E>(&partition)?)
        } else {
            None
        };
        let key = crate::dynamodb::entity::item_key_of::<E>(&self.scope, partition, sort)?;
        let shown = key.to_string();
        let table = self.table.as_str();
        let expression = match created {
            Some(ids) => update.into_upsert_expression::<E>(table, &shown, ids)?,
            None => update.into_expression::<E>(table, &shown)?,
        };
        let key_attributes = item_key_map(&key);
        let sent = self
            .sender
            .client()
            .update_item()
            .table_name(table)
            .set_key(Some(key_attributes.clone()))
            .set_update_expression(expression.update)
            .set_expression_attribute_names(Some(expression.names))
            .set_expression_attribute_values(expression.values)
            .set_condition_expression(expression.condition)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        match sent {
            Ok(output) => self.check_item(output.attributes.unwrap_or_default(), None),
            Err(err) if is_condition_failure(&err) => {
                let returned = match err.into_service_error() {
                    UpdateItemError::ConditionalCheckFailedException(failed) => failed.item,
                    _ => None,
                };
                // DynamoDB returns the item that failed the condition, if there was one; a
                // backend that does not is asked for it (the answer may be a later version).
                let stored = match returned {
                    Some(item) => Some(item),
                    None => self.stored(key_attributes, &shown).await?,
                };
                Err(expression.diagnosis.explain(table, &shown, stored.as_ref()))
            }
            Err(err) => Err(request_error("UpdateItem", table, Some(&shown), err)),
        }
    }

    /// The item stored under `key_attributes` as it is (read consistently), to explain a
    /// failed condition.
    pub(super) async fn stored(
        &self,
        key_attributes: Item,
        key: &str,
    ) -> Result<Option<Item>, Error> {
        let output = self
            .sender
            .client()
            .get_item()
            .table_name(self.table.as_str())
            .set_key(Some(key_attributes))
            .consistent_read(true)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| request_error("GetItem", self.table.as_str(), Some(key), err))?;
        Ok(output.item)
    }
}
