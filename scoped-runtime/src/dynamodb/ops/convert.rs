//! Entities to items and back, and SDK errors to [`Error`].
//!
//! Items are converted with serde_dynamo, which maps serde's data model onto DynamoDB's
//! attribute values (numbers as `N`, sequences as `L`, structs and maps as `M`…) for the
//! aws-sdk-dynamodb 1.x types directly.

use std::collections::HashMap;
use std::error::Error as StdError;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::dynamodb::entity::{Entity, ItemKey};
use crate::dynamodb::error::Error;
use crate::error::IsolationViolation;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// `{pk: key}`, a key map.
#[cfg(test)]
pub(crate) fn key_map(key: String) -> Item {
    let mut map = HashMap::with_capacity(1);
    map.insert(PK.to_owned(), AttributeValue::S(key));
    map
}

/// `{pk: …}` or `{pk: …, sk: …}`: the key map of one item.
pub(crate) fn item_key_map<E: ?Sized>(key: &ItemKey<E>) -> Item {
    let mut map = HashMap::with_capacity(2);
    map.insert(
        PK.to_owned(),
        AttributeValue::S(key.partition().as_str().to_owned()),
    );
    if let Some(sort) = key.sort() {
        map.insert(SK.to_owned(), AttributeValue::S(sort.to_owned()));
    }
    map
}

/// `item` as attributes, with its key in `pk` (and `sk`) and its index keys in `pk_{index}`
/// (and `sk_{index}`) for every index template it is in.
pub(crate) fn to_item<E: Entity + Serialize>(
    item: &E,
    scope: &E::Scope,
    table: &str,
    key: &ItemKey<E>,
) -> Result<Item, Error> {
    let mut attributes = to_attributes(item, table, key)?;
    let indexes = item.index_attributes(scope, key)?;
    attributes.extend(
        indexes
            .into_iter()
            .map(|(name, value)| (name.to_owned(), AttributeValue::S(value))),
    );
    Ok(attributes)
}

/// `item` as attributes, with its key in `pk` (and `sk`).
fn to_attributes<E: Serialize>(item: &E, table: &str, key: &ItemKey<E>) -> Result<Item, Error> {
    let mut attributes: Item =
        serde_dynamo::aws_sdk_dynamodb_1::to_item(item).map_err(|source| Error::Item {
            table: table.to_owned(),
            key: key.to_string(),
            entity: std::any::type_name::<E>(),
            direction: "writing",
            source,
        })?;
    reject_reserved::<E>(attributes.keys().map(String::as_str))?;
    attributes.extend(item_key_map(key));
    Ok(attributes)
}

/// [`Error::ReservedAttribute`] if `names` has `pk`, `sk` or an index key attribute
/// (`pk_…`, `sk_…`).
pub(crate) fn reject_reserved<'a, E>(
    mut names: impl Iterator<Item = &'a str>,
) -> Result<(), Error> {
    match names.find(|name| crate::dynamodb::schema::is_key_attribute(name)) {
        Some(name) => Err(Error::ReservedAttribute {
            entity: std::any::type_name::<E>(),
            attribute: name.to_owned(),
        }),
        None => Ok(()),
    }
}

/// The entity in `item`, read from `table`. The key attributes are removed first, so an
/// entity with `#[serde(deny_unknown_fields)]` reads too.
#[cfg(test)]
pub(crate) fn from_item<E: DeserializeOwned>(mut item: Item, table: &str) -> Result<E, Error> {
    let key = match item.remove(PK) {
        Some(AttributeValue::S(key)) => key,
        _ => String::new(),
    };
    item.remove(SK);
    from_attributes(item, table, || key)
}

/// The entity in `item`, whose key attributes were taken off already, read from `table` where
/// its key is `key()` (written only for the error).
pub(crate) fn from_attributes<E: DeserializeOwned>(
    item: Item,
    table: &str,
    key: impl FnOnce() -> String,
) -> Result<E, Error> {
    serde_dynamo::aws_sdk_dynamodb_1::from_item(item).map_err(|source| Error::Item {
        table: table.to_owned(),
        key: key(),
        entity: std::any::type_name::<E>(),
        direction: "reading",
        source,
    })
}

/// An SDK error as [`Error`]: the guard's [`IsolationViolation`] if it rejected the request,
/// otherwise [`Error::DynamoDb`] naming the operation, table and key.
pub(crate) fn request_error<OpErr, R>(
    operation: &'static str,
    table: &str,
    key: Option<&str>,
    error: SdkError<OpErr, R>,
) -> Error
where
    OpErr: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(violation) = IsolationViolation::find_in(&error) {
        return Error::Isolation(violation.clone());
    }
    Error::DynamoDb {
        operation,
        table: table.to_owned(),
        key: key.map(str::to_owned),
        detail: detail(&error),
        source: Box::new(error),
    }
}

/// A request the SDK's builders refused to build (a required field missing), as
/// [`Error::DynamoDb`].
pub(crate) fn build_error(
    operation: &'static str,
    table: &str,
    error: aws_sdk_dynamodb::error::BuildError,
) -> Error {
    Error::DynamoDb {
        operation,
        table: table.to_owned(),
        key: None,
        detail: error.to_string(),
        source: Box::new(error),
    }
}

/// The service's `code: message`, or the SDK's description of what failed.
fn detail<OpErr, R>(error: &SdkError<OpErr, R>) -> String
where
    OpErr: ProvideErrorMetadata + StdError + 'static,
    R: std::fmt::Debug,
{
    match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string(),
    }
}

/// Whether `error` is DynamoDB's `ConditionalCheckFailedException`.
pub(crate) fn is_condition_failure<OpErr, R>(error: &SdkError<OpErr, R>) -> bool
where
    OpErr: ProvideErrorMetadata,
{
    error.code() == Some("ConditionalCheckFailedException")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Lead {
        lead_id: String,
        score: u32,
    }

    #[derive(Serialize)]
    struct Forged {
        pk: String,
    }

    #[test]
    fn items_carry_the_key_and_read_back_without_it() {
        let lead = Lead {
            lead_id: "l1".into(),
            score: 7,
        };
        let key = ItemKey::from_parts("TENANT#t#CAPSULE#c#LEAD#l1", None);
        let item = to_attributes(&lead, "PRODUS_crm", &key).unwrap();
        assert_eq!(
            item.get(PK),
            Some(&AttributeValue::S("TENANT#t#CAPSULE#c#LEAD#l1".into()))
        );
        assert_eq!(item.get("score"), Some(&AttributeValue::N("7".into())));
        assert_eq!(from_item::<Lead>(item, "PRODUS_crm").unwrap(), lead);
    }

    #[test]
    fn an_entity_cannot_write_its_own_key() {
        let err = to_attributes(
            &Forged {
                pk: "TENANT#other#X#1".into(),
            },
            "t",
            &ItemKey::from_parts("k", None),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::ReservedAttribute { attribute, .. } if attribute == "pk"),
            "{err}"
        );
    }

    #[derive(Serialize)]
    struct ForgedIndexKey {
        pk_by_email: String,
    }

    #[test]
    fn an_entity_cannot_write_an_index_key_either() {
        let err = to_attributes(
            &ForgedIndexKey {
                pk_by_email: "TENANT#other#LEAD#by_email#x".into(),
            },
            "t",
            &ItemKey::from_parts("k", None),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::ReservedAttribute { attribute, .. } if attribute == "pk_by_email"),
            "{err}"
        );
    }

    #[test]
    fn conversion_errors_name_the_item() {
        let mut item = key_map("LEAD#l1".into());
        item.insert("lead_id".into(), AttributeValue::N("1".into()));
        let err = from_item::<Lead>(item, "crm").unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("LEAD#l1") && message.contains("crm"),
            "{message}"
        );
    }
}
