//! The compile-time checks of the key model that `#[derive(ScopedKey)]` generates calls to:
//! sort ids and shared partitions need a table with sort keys, and an entity in another's
//! partition takes the same partition ids.

use super::{Entity, Table};

/// Implemented by the table attributes for a table declared with `sort_key`
/// (`#[capsule_table("crm", sort_key)]`): the tables whose entities may have sort ids and
/// share partitions. `#[derive(ScopedKey)]` requires it of an entity's declaration when the
/// entity has `#[scoped(sort)]` fields or `#[scoped(partition = …)]`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the table declared by `{Self}` is keyed by `pk` alone, so its entities cannot have sort ids or share a partition",
    label = "needs a table with sort keys",
    note = "declare the table with `sort_key`: `#[capsule_table(\"…\", sort_key)]` (or the tenant or platform form) on its declaration, and have its entities refer to it with `#[scoped(table = …)]`"
)]
pub trait SortKeyTable: Table {}

/// Compiles only if `T` declares a table with sort keys. Called by the code
/// `#[derive(ScopedKey)]` generates.
#[doc(hidden)]
pub fn require_sort_key<T: SortKeyTable + ?Sized>() {}

/// Compiles only if entity `E` takes the same partition ids as entity `P`, whose partitions
/// hold its items (`#[scoped(partition = P)]`). Called by the code `#[derive(ScopedKey)]`
/// generates.
#[doc(hidden)]
pub fn same_partition_ids<P, E>()
where
    P: Entity + ?Sized,
    E: for<'a> SamePartitionIds<'a, P> + ?Sized,
{
}

/// `Self`'s partition ids are `P`'s.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot live in `{P}`'s partitions: its `#[scoped(id)]` fields differ from `{P}`'s",
    label = "partition ids differ",
    note = "an entity in another's partition (`#[scoped(partition = …)]`) has the same `#[scoped(id)]` fields as that entity, of the same types and in the same order; its other key fields are `#[scoped(sort)]`"
)]
pub trait SamePartitionIds<'a, P: ?Sized> {}

impl<'a, P, E> SamePartitionIds<'a, P> for E
where
    P: Entity + ?Sized + 'a,
    E: Entity<PartitionIds<'a> = P::PartitionIds<'a>> + ?Sized + 'a,
{
}
