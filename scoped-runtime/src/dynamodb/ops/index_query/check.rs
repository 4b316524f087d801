//! The ownership check of every item an index query reads back.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use super::merge::{At, Entry};
use crate::dynamodb::entity::Entity;
use crate::dynamodb::error::Error;
use crate::dynamodb::index::{
    Index, IndexedBy, index_partition_key, index_partition_matches, index_sort_key,
    index_sort_matches, shard_of,
};
use crate::dynamodb::ops::Items;
use crate::dynamodb::ops::convert::Item;
use crate::dynamodb::ops::plan::Plan;
use crate::dynamodb::ops::{PARTITION_KEY_ATTRIBUTE as PK, SORT_KEY_ATTRIBUTE as SK};
use crate::error::IsolationViolation;
use crate::key::DecodedKey;
use crate::scope::Scope;

/// The entity in `item`, read from shard `shard` of `plan`'s index partition, with its
/// position; `None` for the one item a `<` range reads but excludes.
///
/// The item must be one of `E`'s in the scope ([`Items::check_item`]: `pk` in the scope with
/// the partition entity's tag, `sk` `E`'s, both what its ids make), and in the index as its
/// own fields put it: its `pk_{index}` the queried partition and what its template fields and
/// its table key's shard make, its `sk_{index}` inside the range and what its fields make.
pub(super) fn check_entity<E, I>(
    items: &Items<E>,
    plan: &Plan,
    shard: Option<u16>,
    mut item: Item,
) -> Result<Option<Entry<E>>, Error>
where
    E: IndexedBy<I> + DeserializeOwned,
    I: Index,
{
    let schema = I::SCHEMA;
    let table = items.table.as_str();
    let (index_pk, keep) = check_index_keys::<E>(&items.scope, table, plan, &item)?;
    item.remove(schema.partition_attribute());
    let index_sk = match schema.sort_attribute() {
        Some(attribute) => match item.remove(attribute) {
            Some(AttributeValue::S(value)) => Some(value),
            _ => None,
        },
        None => None,
    };
    let string = |name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.clone()),
        _ => None,
    };
    // Missing or malformed table keys are reported by the entity check below.
    let (pk, sk) = (string(PK).unwrap_or_default(), string(SK));
    let entity = items.check_item(item, None)?;
    let foreign = |reason: String| Error::ForeignItem {
        table: table.to_owned(),
        key: match &sk {
            Some(sk) => format!("{pk} / {sk}"),
            None => pk.clone(),
        },
        entity: std::any::type_name::<E>(),
        reason,
    };
    // The template values borrow the entity, which the entry then takes.
    {
        let Some((values, sort_values)) = entity.index_values() else {
            return Err(foreign(format!(
                "it carries `{}`, but its template fields for index `{}` are empty (an optional \
                 field is `None`), so it is not in the index",
                schema.partition_attribute(),
                schema.name
            )));
        };
        // Its own shard, from its table key: the one it must have been written to.
        let own_shard = shard.map(|_| shard_of(&pk, sk.as_deref(), schema.shards));
        if !index_partition_matches::<E, I>(&items.scope, &values, own_shard, &index_pk) {
            let own = index_partition_key::<E, I>(&items.scope, &values, own_shard)
                .unwrap_or_else(|err| format!("none ({err})"));
            return Err(foreign(format!(
                "its `{}` is {index_pk:?}, but its fields and table key put it in index partition \
                 {own:?}",
                schema.partition_attribute()
            )));
        }
        if let Some(index_sk) = &index_sk
            && !index_sort_matches::<E, I>(&sort_values, index_sk)
        {
            let own =
                index_sort_key::<E, I>(sort_values).unwrap_or_else(|err| format!("none ({err})"));
            return Err(foreign(format!(
                "its `{}` is {index_sk:?}, but its fields make the index sort value {own:?}",
                schema.sort_attribute().unwrap_or_default()
            )));
        }
    }
    Ok(keep.then(|| Entry {
        at: At::new(index_sk, pk, sk),
        entity,
    }))
}

/// Whether an item of a keys-only read (a count) is one of `E`'s in shard `shard` of `plan`'s
/// index partition (`Ok(true)`), or the one item a `<` range reads but excludes
/// (`Ok(false)`): its `pk` a key of the scope with the partition entity's tag, its `sk`
/// `E`'s, its `pk_{index}` the queried partition, its table key's shard the queried shard, its
/// `sk_{index}` in the range. Without the item's fields, its ids cannot be compared with its
/// keys; [`check_entity`] does that for whole items.
pub(super) fn check_keys<E: IndexedBy<I>, I: Index>(
    scope: &E::Scope,
    table: &str,
    plan: &Plan,
    shard: Option<u16>,
    item: Item,
) -> Result<bool, Error> {
    let (_, keep) = check_index_keys::<E>(scope, table, plan, &item)?;
    let Some(AttributeValue::S(pk)) = item.get(PK) else {
        return Err(IsolationViolation::MissingPartitionKey {
            table: table.to_owned(),
            what: "item",
        }
        .into());
    };
    scope.check_key(pk)?;
    let sk = match item.get(SK) {
        Some(AttributeValue::S(sk)) => Some(sk.as_str()),
        _ => None,
    };
    let foreign = |reason: String| Error::ForeignItem {
        table: table.to_owned(),
        key: match sk {
            Some(sk) => format!("{pk} / {sk}"),
            None => pk.clone(),
        },
        entity: std::any::type_name::<E>(),
        reason,
    };
    let decoded = DecodedKey::parse(pk).map_err(IsolationViolation::Malformed)?;
    let partition_tag = <E::Partition as Entity>::TAG;
    if decoded.entity() != partition_tag.as_str() {
        return Err(foreign(format!(
            "its partition key has entity tag `{}`, not `{partition_tag}`",
            decoded.entity()
        )));
    }
    if E::KEY_SCHEMA.has_sort_key() {
        let tag = E::TAG;
        let own = sk.is_some_and(|sk| {
            sk == tag.as_str()
                || sk
                    .strip_prefix(tag.as_str())
                    .is_some_and(|rest| rest.starts_with('#'))
        });
        if !own {
            return Err(foreign(format!(
                "its sort key is not one of entity tag `{tag}`'s"
            )));
        }
    }
    if let Some(shard) = shard {
        let own = shard_of(pk, sk, I::SCHEMA.shards);
        if own != shard {
            return Err(foreign(format!(
                "its table key puts it in shard {own} of index `{}`, not the queried shard \
                 {shard}",
                I::SCHEMA.name
            )));
        }
    }
    Ok(keep)
}

/// The item's index partition value, which must be the queried one, and whether its index sort
/// value is one of the range's (`false` for the one item a `<` range reads but excludes; an
/// error outside the range).
fn check_index_keys<E: Entity>(
    scope: &E::Scope,
    table: &str,
    plan: &Plan,
    item: &Item,
) -> Result<(String, bool), Error> {
    let attribute = plan.partition_attribute();
    let foreign = |reason: String| Error::ForeignItem {
        table: table.to_owned(),
        key: match item.get(PK) {
            Some(AttributeValue::S(pk)) => pk.clone(),
            _ => "(no pk)".to_owned(),
        },
        entity: std::any::type_name::<E>(),
        reason,
    };
    let index_pk = match item.get(attribute) {
        Some(AttributeValue::S(value)) => value,
        _ => {
            return Err(foreign(format!(
                "it has no string `{attribute}`, the index's partition attribute"
            )));
        }
    };
    if *index_pk != plan.partition {
        // Another scope's is an isolation violation, not just a stranger.
        scope.check_key(index_pk)?;
        return Err(foreign(format!(
            "its `{attribute}` is {index_pk:?}, not the queried index partition {:?}",
            plan.partition
        )));
    }
    if plan.index.is_some_and(|index| index.has_sort_key()) {
        match item.get(plan.sort_attribute()) {
            Some(AttributeValue::S(_)) => {}
            _ => {
                return Err(foreign(format!(
                    "it has no string `{}`, the index's sort attribute",
                    plan.sort_attribute()
                )));
            }
        }
    }
    let keep = plan.in_range(item, std::any::type_name::<E>())?;
    Ok((index_pk.clone(), keep))
}
