//! [`EntityTable`]: the table of one entity type in one scope.

use std::fmt;
use std::marker::PhantomData;

use super::Table;
use crate::naming::table::TableName;
use crate::scope::Scope;

/// The table of entity type `E` in one scope, from a scoped client's `table::<E>()`.
pub struct EntityTable<E: ?Sized> {
    name: TableName,
    entity: PhantomData<fn() -> E>,
}

impl<E: Table + ?Sized> EntityTable<E> {
    pub(crate) fn new(scope: &E::Scope) -> Self {
        Self {
            name: scope.table(&E::BASE_NAME),
            entity: PhantomData,
        }
    }
}

impl<E: ?Sized> EntityTable<E> {
    /// The table's name: `PRODUS_crm`.
    #[must_use]
    pub fn name(&self) -> &TableName {
        &self.name
    }

    /// The table's name, owned, as the SDK's builders take it.
    #[must_use]
    pub fn into_name(self) -> TableName {
        self.name
    }
}

impl<E: ?Sized> Clone for EntityTable<E> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            entity: PhantomData,
        }
    }
}

impl<E: ?Sized> fmt::Debug for EntityTable<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EntityTable").field(&self.name).finish()
    }
}

impl<E: ?Sized> fmt::Display for EntityTable<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name.as_str())
    }
}
