//! Whole-item writes under optimistic locking: [`Items::put_versioned`].

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;

use super::Items;
use super::condition::{Diagnosis, Version};
use super::convert::{Item, is_condition_failure, item_key_map, request_error, to_item};
use super::unique;
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;

/// The rule a version attribute's value breaks when it is not a version.
const NOT_A_VERSION: &str = "is not a version: optimistic locking needs an unsigned integer \
     attribute (a `u64` field), absent or 0 before the first versioned write";

impl<E: Entity> Items<E> {
    /// Writes `item` whole, replacing the stored one, only if the stored item's version
    /// attribute `attribute` is the one `item` carries; the written item carries the next
    /// version, which is returned. The version `item` carries is what it was read with: read,
    /// change, `put_versioned`, and on [`Error::VersionConflict`] read again and retry.
    ///
    /// Version 0 (or no attribute in `item`) expects an item that does not exist or was never
    /// versioned, like [`Update::expect_version`](crate::Update::expect_version)`(_, 0)`.
    ///
    /// ```no_run
    /// # use scoped_runtime::{capsule_table, ScopedKey, Items};
    /// # #[capsule_table("crm")]
    /// # #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
    /// # pub struct Lead { #[scoped(id)] pub lead_id: String, pub name: String, pub version: u64 }
    /// # async fn demo(leads: Items<Lead>) -> Result<(), scoped_runtime::Error> {
    /// if let Some(mut lead) = leads.get("lead-789").await? {
    ///     lead.name = "Ada Lovelace".into();
    ///     lead.version = leads.put_versioned(&lead, "version").await?;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UpdateAttribute`] if `attribute` is not a non-id attribute of the entity,
    /// [`Error::UpdateValue`] if `item`'s value of it is not an unsigned integer (before
    /// anything is sent); [`Error::VersionConflict`] if the stored version is another;
    /// otherwise as [`Self::put`], which also says how unique values are kept.
    pub async fn put_versioned(&self, item: &E, attribute: &str) -> Result<u64, Error>
    where
        E: Serialize,
    {
        let entity = std::any::type_name::<E>();
        E::ATTRIBUTES.check_update(entity, attribute)?;
        let key = self.key_of(item)?;
        let shown = key.to_string();
        let table = self.table.as_str();
        let mut attributes = to_item(item, &self.scope, table, &key)?;
        let expected = match attributes.get(attribute) {
            None | Some(AttributeValue::Null(_)) => Some(0),
            Some(AttributeValue::N(number)) => number.parse::<u64>().ok(),
            Some(_) => None,
        };
        let Some(expected) = expected else {
            return Err(Error::UpdateValue {
                entity,
                attribute: attribute.to_owned(),
                rule: NOT_A_VERSION,
            });
        };
        let next = expected.checked_add(1).ok_or_else(|| Error::UpdateValue {
            entity,
            attribute: attribute.to_owned(),
            rule: NOT_A_VERSION,
        })?;
        attributes.insert(attribute.to_owned(), AttributeValue::N(next.to_string()));
        let condition = if expected == 0 {
            "attribute_not_exists(#v) OR #v = :v"
        } else {
            "#v = :v"
        };
        let diagnosis = Diagnosis {
            require_item: false,
            version: Some(Version {
                attribute: attribute.to_owned(),
                expected,
            }),
            conditions: Vec::new(),
        };
        if unique::has_unique::<E>() {
            let claims = unique::claims_of(&self.scope, item, &attributes)?;
            let extra = unique::Condition::new(
                condition,
                [("#v", attribute.to_owned())],
                [(":v", AttributeValue::N(expected.to_string()))],
            );
            let write = unique::ItemWrite::Put(attributes);
            // The version is checked on every read before the transaction is sent: a stale
            // one is a conflict to report, not a change to retry.
            let check = |stored: Option<&Item>| {
                let found = stored.and_then(|stored| stored.get(attribute));
                match &diagnosis.version {
                    Some(version) if !version.matches(found) => {
                        Err(diagnosis.explain(table, &shown, stored))
                    }
                    _ => Ok(()),
                }
            };
            self.replace_claiming(&key, &write, &claims, Some(&extra), check)
                .await?;
            return Ok(next);
        }
        let sent = self
            .sender
            .client()
            .put_item()
            .table_name(table)
            .set_item(Some(attributes))
            .condition_expression(condition)
            .expression_attribute_names("#v", attribute)
            .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(next),
            Err(err) if is_condition_failure(&err) => {
                let returned = match err.into_service_error() {
                    PutItemError::ConditionalCheckFailedException(failed) => failed.item,
                    _ => None,
                };
                // As for updates: DynamoDB returns the stored item; a backend that does not
                // is asked for it.
                let stored = match returned {
                    Some(item) => Some(item),
                    None => self.stored(item_key_map(&key), &shown).await?,
                };
                Err(diagnosis.explain(table, &shown, stored.as_ref()))
            }
            Err(err) => Err(request_error("PutItem", table, Some(&shown), err)),
        }
    }
}
