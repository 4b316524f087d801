//! Index keys: the values typed code writes to `pk_{index}` and `sk_{index}`.
//!
//! | attribute | value |
//! |-----------|-------|
//! | `pk_{index}` | `{scope prefix}{ENTITY}#{index}#{partition fields…}`, then `#{shard}` on a sharded index |
//! | `sk_{index}` | `{ENTITY}` or `{ENTITY}#{sort fields…}`, in the order-preserving sort codec |
//!
//! The partition value is a partition key of the scope, built by the partition-key codec with
//! the index name as its first id: each field escaped, so no value reaches another scope's or
//! another entity's index partition, and a collection template (no partition fields) still has
//! an id. The shard of an item is [`shard_of`] its table key, so an item always lands in the
//! same shard and an ownership check can recompute it.

use super::{Index, IndexedBy};
use crate::dynamodb::entity::ItemKey;
use crate::error::KeyError;
use crate::key::{self, VisitIds};
use crate::segment::{KeySegment, Segment, seal::Ids};
use crate::sort::SortIds as _;

/// The index attributes of one item: `(attribute, value)` pairs, `pk_{index}` and
/// `sk_{index}` for each index the item is in.
pub type IndexAttributes = Vec<(&'static str, String)>;

/// The values of an index template's partition fields: `()` for a collection template, one
/// [`KeySegment`], or a tuple of up to six.
///
/// Sealed: implemented for exactly those, so every value is escaped into the key.
pub trait IndexPartitionIds: seal::IndexPartitionIds {}

impl IndexPartitionIds for () {}
impl<T: Ids> IndexPartitionIds for T {}

pub(crate) mod seal {
    use crate::segment::Segment;

    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the partition fields of an index template",
        label = "not a key id",
        note = "index partition fields are key ids (text, integers, `uuid::Uuid`, or a type implementing `scoped_runtime::KeySegment`), optionally in an `Option` for a sparse index"
    )]
    pub trait IndexPartitionIds {
        /// Calls `visit` with each value, in order.
        fn visit(&self, visit: &mut dyn FnMut(Segment<'_>));
    }

    impl IndexPartitionIds for () {
        fn visit(&self, _: &mut dyn FnMut(Segment<'_>)) {}
    }

    impl<T: crate::segment::seal::Ids> IndexPartitionIds for T {
        fn visit(&self, visit: &mut dyn FnMut(Segment<'_>)) {
            self.visit_segments(visit);
        }
    }
}

/// The shard, in `0..shards`, of the item with table key `pk` (and `sk`): FNV-1a (64 bits) of
/// the key's bytes, so the same item always lands in the same shard on every machine and
/// release. `shards` of 0 or 1 is shard 0.
///
/// ```
/// use scoped_runtime::shard_of;
///
/// assert_eq!(shard_of("TENANT#t1#LEAD#l1", None, 1), 0);
/// assert!(shard_of("TENANT#t1#LEAD#l1", None, 4) < 4);
/// assert_eq!(shard_of("TENANT#t1#LEAD#l1", None, 4), shard_of("TENANT#t1#LEAD#l1", None, 4));
/// ```
#[must_use]
pub fn shard_of(pk: &str, sk: Option<&str>, shards: u16) -> u16 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    if shards <= 1 {
        return 0;
    }
    let mut hash = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    eat(pk.as_bytes());
    if let Some(sk) = sk {
        // A separator no key contains, so (`ab`, `c`) and (`a`, `bc`) hash apart.
        eat(&[0]);
        eat(sk.as_bytes());
    }
    // The remainder is below `shards`, a `u16`.
    u16::try_from(hash % u64::from(shards)).unwrap_or(0)
}

/// Calls `f` with a visitor of an index partition value's ids: the index name, the template's
/// partition values, then the shard on a sharded index. One definition for building the value
/// and for comparing a stored one with it.
fn with_index_ids<E: IndexedBy<I>, I: Index, R>(
    ids: &E::PartitionValues<'_>,
    shard: Option<u16>,
    f: impl FnOnce(&VisitIds<'_>) -> R,
) -> R {
    let shard = shard.as_ref().map(KeySegment::segment);
    f(&|visit| {
        visit(I::SCHEMA.name);
        seal::IndexPartitionIds::visit(ids, &mut |segment: Segment<'_>| {
            visit(segment.as_str());
        });
        if let Some(shard) = &shard {
            visit(shard.as_str());
        }
    })
}

/// The index partition value of `E`'s template for `I` with partition values `ids`, in shard
/// `shard` (`None` on an unsharded index).
pub(crate) fn index_partition_key<E: IndexedBy<I>, I: Index>(
    scope: &E::Scope,
    ids: &E::PartitionValues<'_>,
    shard: Option<u16>,
) -> Result<String, KeyError> {
    with_index_ids::<E, I, _>(ids, shard, |visit| {
        key::encode_visited(scope, &E::TAG, visit)
    })
}

/// Whether `key` is exactly the index partition value [`index_partition_key`] builds of
/// `ids` in `shard`, compared in place: the check of every item an index query reads back,
/// which must not allocate.
pub(crate) fn index_partition_matches<E: IndexedBy<I>, I: Index>(
    scope: &E::Scope,
    ids: &E::PartitionValues<'_>,
    shard: Option<u16>,
    key: &str,
) -> bool {
    with_index_ids::<E, I, _>(ids, shard, |visit| key::matches(scope, &E::TAG, visit, key))
}

/// Whether `sk` is exactly the index sort value [`index_sort_key`] builds of `ids`, compared
/// in place.
pub(crate) fn index_sort_matches<E: IndexedBy<I>, I: Index>(
    ids: &E::SortValues<'_>,
    sk: &str,
) -> bool {
    ids.with_sort_values(|values| crate::sort::matches(&E::TAG, values, sk))
        .unwrap_or(false)
}

/// The index sort value of `E`'s template for `I` with sort values `ids`.
pub(crate) fn index_sort_key<E: IndexedBy<I>, I: Index>(
    ids: E::SortValues<'_>,
) -> Result<String, KeyError> {
    ids.encode(&E::TAG)
}

/// Appends `entity`'s attributes for index `I` to `out`, unless an optional template field is
/// `None` (the item is then not in the index). `key` is the item's table key, which picks its
/// shard.
///
/// # Errors
///
/// [`KeyError`] if a template value is empty or a key is too long.
pub(crate) fn write_index_attributes<E: IndexedBy<I>, I: Index>(
    entity: &E,
    scope: &E::Scope,
    key: &ItemKey<E>,
    out: &mut IndexAttributes,
) -> Result<(), KeyError> {
    let Some((partition, sort)) = entity.index_values() else {
        return Ok(());
    };
    let schema = I::SCHEMA;
    let shard =
        (schema.shards > 1).then(|| shard_of(key.partition().as_str(), key.sort(), schema.shards));
    let pk = index_partition_key::<E, I>(scope, &partition, shard)?;
    out.push((schema.partition_attribute(), pk));
    if let Some(attribute) = schema.sort_attribute() {
        out.push((attribute, index_sort_key::<E, I>(sort)?));
    }
    Ok(())
}
