//! Typed keys: [`PartitionKey`] and [`ItemKey`], built only by the key builders.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use super::Entity;
use crate::error::KeyError;
use crate::sort::SortIds;

/// The key of the item of `E` with partition ids `partition` and sort ids `sort` in `scope`.
pub(crate) fn item_key_of<E: Entity>(
    scope: &E::Scope,
    partition: E::PartitionIds<'_>,
    sort: E::SortIds<'_>,
) -> Result<ItemKey<E>, KeyError> {
    let partition = E::partition_key(scope, partition)?;
    let sort = if E::KEY_SCHEMA.has_sort_key() {
        Some(sort.encode(&E::TAG)?)
    } else {
        None
    };
    Ok(ItemKey { partition, sort })
}

/// The key of one item of entity `E`: its [`PartitionKey`] and, in a table with sort keys,
/// its sort key.
///
/// Built only by the key builders ([`Entity::item_key`], [`Items::item_key`](crate::Items::item_key)),
/// so it always holds a valid key of `E`'s scope, partition and tag. Like [`PartitionKey`],
/// it never turns into text by itself.
pub struct ItemKey<E: ?Sized> {
    partition: PartitionKey<E>,
    sort: Option<String>,
}

impl<E: ?Sized> ItemKey<E> {
    /// A key from its parts, for the crate's own tests.
    #[cfg(test)]
    pub(crate) fn from_parts(pk: &str, sk: Option<&str>) -> Self {
        Self {
            partition: PartitionKey::new(pk.to_owned()),
            sort: sk.map(str::to_owned),
        }
    }

    /// The partition key, `pk`.
    #[must_use]
    pub fn partition(&self) -> &PartitionKey<E> {
        &self.partition
    }

    /// The sort key, `sk`: `None` in a table keyed by `pk` alone.
    #[must_use]
    pub fn sort(&self) -> Option<&str> {
        self.sort.as_deref()
    }
}

impl<E: ?Sized> Clone for ItemKey<E> {
    fn clone(&self) -> Self {
        Self {
            partition: self.partition.clone(),
            sort: self.sort.clone(),
        }
    }
}

impl<E: ?Sized> fmt::Debug for ItemKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemKey")
            .field("pk", &self.partition.key)
            .field("sk", &self.sort)
            .finish()
    }
}

/// `pk`, or `pk / sk` in a table with sort keys: how errors name an item.
impl<E: ?Sized> fmt::Display for ItemKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.partition.key)?;
        if let Some(sort) = &self.sort {
            write!(f, " / {sort}")?;
        }
        Ok(())
    }
}

impl<E: ?Sized> PartialEq for ItemKey<E> {
    fn eq(&self, other: &Self) -> bool {
        self.partition == other.partition && self.sort == other.sort
    }
}

impl<E: ?Sized> Eq for ItemKey<E> {}

impl<E: ?Sized> Hash for ItemKey<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.partition.hash(state);
        self.sort.hash(state);
    }
}

/// The partition key of one entity type: a `PartitionKey<Lead>` is not a
/// `PartitionKey<Account>`, so a key cannot be handed to code expecting another entity's.
///
/// Built only by the key builders ([`Entity::partition_key`], the clients' `key::<E>()`, the
/// generated `Lead::partition_key`), so it always holds a valid key of `E`'s scope and tag.
///
/// It never turns into text by itself: it does not dereference to `str` and does not convert
/// `Into<String>`, so a key cannot pass where an id (`&str`) or other text is expected, where
/// it would be escaped into one id of some other key. Ask for the text with
/// [`as_str`](Self::as_str), [`as_ref`](AsRef::as_ref) or [`into_string`](Self::into_string).
pub struct PartitionKey<E: ?Sized> {
    key: String,
    entity: PhantomData<fn() -> E>,
}

impl<E: ?Sized> PartitionKey<E> {
    pub(super) fn new(key: String) -> Self {
        Self {
            key,
            entity: PhantomData,
        }
    }

    /// The key as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The key as an owned `String`, as the SDK's `AttributeValue::S` takes it.
    #[must_use]
    pub fn into_string(self) -> String {
        self.key
    }
}

impl<E: ?Sized> Clone for PartitionKey<E> {
    fn clone(&self) -> Self {
        Self::new(self.key.clone())
    }
}

impl<E: ?Sized> fmt::Debug for PartitionKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PartitionKey").field(&self.key).finish()
    }
}

impl<E: ?Sized> fmt::Display for PartitionKey<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl<E: ?Sized> PartialEq for PartitionKey<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E: ?Sized> Eq for PartitionKey<E> {}

impl<E: ?Sized> Hash for PartitionKey<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<E: ?Sized> PartialEq<str> for PartitionKey<E> {
    fn eq(&self, other: &str) -> bool {
        self.key == other
    }
}

impl<E: ?Sized> PartialEq<&str> for PartitionKey<E> {
    fn eq(&self, other: &&str) -> bool {
        self.key == *other
    }
}

impl<E: ?Sized> AsRef<str> for PartitionKey<E> {
    fn as_ref(&self) -> &str {
        &self.key
    }
}
