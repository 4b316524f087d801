//! The ownership check of every item read back: it is one of an entity's items in the
//! client's scope, or an error naming why not.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use super::convert::{self, Item};
use super::{PARTITION_KEY_ATTRIBUTE, SORT_KEY_ATTRIBUTE};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::error::IsolationViolation;
use crate::key::{self, DecodedKey};
use crate::scope::Scope;
use crate::segment::seal::Ids as _;
use crate::sort::{self, SortIds as _};

/// The entity in `item`, read back from `table` of `scope`, after checking that the item is
/// one of `E`'s in the scope: its `pk` a key of the scope with the tag of `E`'s partition
/// entity, its `sk` (in a table with sort keys) `E`'s tag and sort ids, and both equal to the
/// key its id attributes make. With `partition`, its `pk` must also be that key (a query's).
///
/// Every item an operation reads back passes through here: a stranger is an error, never an
/// item of `E`.
pub(crate) fn check_item<E: Entity + DeserializeOwned>(
    scope: &E::Scope,
    table: &str,
    mut item: Item,
    partition: Option<&str>,
) -> Result<E, Error> {
    let Some(AttributeValue::S(pk)) = item.remove(PARTITION_KEY_ATTRIBUTE) else {
        return Err(IsolationViolation::MissingPartitionKey {
            table: table.to_owned(),
            what: "item",
        }
        .into());
    };
    let sk = if E::KEY_SCHEMA.has_sort_key() {
        match item.remove(SORT_KEY_ATTRIBUTE) {
            Some(AttributeValue::S(sk)) => Some(sk),
            _ => {
                scope.check_key(&pk)?;
                return Err(Error::ForeignItem {
                    table: table.to_owned(),
                    key: pk,
                    entity: std::any::type_name::<E>(),
                    reason: "it has no string sort key `sk`, and every item of a table \
                             with sort keys has one"
                        .to_owned(),
                });
            }
        }
    } else {
        None
    };
    // Only an error shows the key, so it is written only then.
    let shown = || match &sk {
        Some(sk) => format!("{pk} / {sk}"),
        None => pk.clone(),
    };
    let foreign = |reason: String| Error::ForeignItem {
        table: table.to_owned(),
        key: shown(),
        entity: std::any::type_name::<E>(),
        reason,
    };
    match partition {
        // A query's own partition key, built from the scope and the partition entity: the
        // item is in the scope, and the comparison with its own key below is the proof that
        // it is `E`'s. Parsing the key again would only slow every item down.
        Some(partition) if pk == partition => {}
        Some(partition) => {
            scope.check_key(&pk)?;
            return Err(foreign(format!(
                "it is in partition {pk:?}, not the queried {partition:?}"
            )));
        }
        None => {
            scope.check_key(&pk)?;
            let decoded = DecodedKey::parse(&pk).map_err(IsolationViolation::Malformed)?;
            let partition_tag = <E::Partition as Entity>::TAG;
            if decoded.entity() != partition_tag.as_str() {
                return Err(foreign(format!(
                    "its partition key has entity tag `{}`, not `{partition_tag}`",
                    decoded.entity(),
                )));
            }
        }
    }
    if let Some(sk) = &sk {
        let tag = E::TAG;
        let tag = tag.as_str();
        let own = sk == tag
            || sk
                .strip_prefix(tag)
                .is_some_and(|rest| rest.starts_with('#'));
        if !own {
            return Err(foreign(format!(
                "its sort key does not start with entity tag `{tag}`"
            )));
        }
    }
    if !E::INDEXES.is_empty() {
        // Index key attributes are the library's, like `pk` and `sk`: not the entity's fields.
        item.retain(|name, _| !crate::dynamodb::schema::is_key_attribute(name));
    }
    let entity: E = convert::from_attributes(item, table, shown)?;
    if !key_is_own(scope, &entity, &pk, sk.as_deref()) {
        let own = entity.to_item_key(scope)?;
        return Err(foreign(format!(
            "its id attributes make the key {own}, not its own"
        )));
    }
    Ok(entity)
}

/// Whether `entity`'s ids make exactly the key `pk` (and `sk`), compared in place: building
/// the key anew for every item read back would cost two allocations each.
fn key_is_own<E: Entity>(scope: &E::Scope, entity: &E, pk: &str, sk: Option<&str>) -> bool {
    let (partition, sort) = E::split_ids(entity.ids());
    let partition_tag = <E::Partition as Entity>::TAG;
    let pk_matches = key::matches(
        scope,
        &partition_tag,
        &|visit| partition.visit_segments(&mut |segment| visit(segment.as_str())),
        pk,
    );
    let sk_matches = match sk {
        None => !E::KEY_SCHEMA.has_sort_key(),
        Some(sk) => {
            let tag = E::TAG;
            sort.with_sort_values(|values| sort::matches(&tag, values, sk))
                .unwrap_or(false)
        }
    };
    pk_matches && sk_matches
}
