//! Single-item operations: put, create-if-absent, get, delete, update.

use aws_sdk_dynamodb::types::ReturnValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::convert::{is_condition_failure, item_key_map, request_error, to_item};
use super::{Items, Update};
use crate::entity::Entity;
use crate::error::Error;

/// The condition under which a put creates and never replaces: no item has the key's `pk`.
pub(crate) const ABSENT: &str = "attribute_not_exists(pk)";

impl<E: Entity> Items<E> {
    /// Writes `item` under its own partition key, replacing any item already there.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] if an id field is empty, [`Error::Item`] or
    /// [`Error::ReservedAttribute`] if the entity does not serialize to an item,
    /// [`Error::DynamoDb`] if the request fails.
    pub async fn put(&self, item: &E) -> Result<(), Error>
    where
        E: Serialize,
    {
        self.put_item(item, None).await
    }

    /// Writes `item` only if no item has its partition key (a conditional put).
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`] if there is one; otherwise as [`Self::put`].
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
        let attributes = to_item(item, self.table.as_str(), &key)?;
        let sent = self
            .client
            .put_item()
            .table_name(self.table.as_str())
            .set_item(Some(attributes))
            .set_condition_expression(condition.map(str::to_owned))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(err) if condition.is_some() && is_condition_failure(&err) => {
                Err(Error::AlreadyExists {
                    table: self.table.to_string(),
                    key: key.to_string(),
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
            .client
            .get_item()
            .table_name(self.table.as_str())
            .set_key(Some(item_key_map(&key)))
            .consistent_read(self.consistent)
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
    /// # Errors
    ///
    /// [`Error::Key`] if an id is empty, [`Error::DynamoDb`] if the request fails.
    pub async fn delete(&self, ids: E::Ids<'_>) -> Result<(), Error> {
        let key = self.item_key(ids)?;
        self.client
            .delete_item()
            .table_name(self.table.as_str())
            .set_key(Some(item_key_map(&key)))
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
    /// attributes (see [`Update`]); an absent item is not created.
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
    /// an id's attribute, `pk` or `sk` (before anything is sent), [`Error::NotFound`] if there
    /// is no such item, [`Error::Item`] if a value does not serialize or the result does not
    /// deserialize, [`Error::DynamoDb`] if the request fails.
    pub async fn update(&self, ids: E::Ids<'_>, update: Update) -> Result<E, Error>
    where
        E: DeserializeOwned,
    {
        let key = self.item_key(ids)?;
        let expression = update.into_expression::<E>(self.table.as_str(), &key.to_string())?;
        let sent = self
            .client
            .update_item()
            .table_name(self.table.as_str())
            .set_key(Some(item_key_map(&key)))
            .set_update_expression(expression.update)
            .set_expression_attribute_names(Some(expression.names))
            .set_expression_attribute_values(expression.values)
            .condition_expression(expression.condition)
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match sent {
            Ok(output) => self.check_item(output.attributes.unwrap_or_default(), None),
            Err(err) if is_condition_failure(&err) => Err(Error::NotFound {
                table: self.table.to_string(),
                key: key.to_string(),
            }),
            Err(err) => Err(request_error(
                "UpdateItem",
                self.table.as_str(),
                Some(&key.to_string()),
                err,
            )),
        }
    }
}
