//! A hand-written entity for the crate's own unit tests.

/// A hand-written entity for the crate's unit tests, keyed by one text id in a table without
/// sort keys: what `#[derive(ScopedKey)]` would generate, in the crate itself (which cannot use
/// its own macros). `test_entity!(Lead, Capsule, "crm", "LEAD", attributes = [..], id = "1")`.
#[cfg(test)]
macro_rules! test_entity {
    (
        $name:ident, $scope:ty, $base:literal, $tag:literal,
        attributes = [$($attribute:expr),* $(,)?], id = $id:literal $(,)?
    ) => {
        struct $name;

        impl $crate::dynamodb::entity::seal::BoundTable for $name {}
        impl $crate::dynamodb::entity::seal::DerivedEntity for $name {}

        impl $crate::dynamodb::entity::Table for $name {
            type Scope = $scope;
            type Declaration = Self;
            const BASE_NAME: $crate::ident::BaseName = $crate::ident::BaseName::from_static($base);
            const KEY_SCHEMA: $crate::dynamodb::schema::KeySchema = $crate::dynamodb::schema::KeySchema::Partition;
            const INDEXES: &'static [$crate::dynamodb::schema::IndexSchema] = &[];
        }

        impl $crate::dynamodb::entity::Entity for $name {
            const TAG: $crate::ident::EntityTag = $crate::ident::EntityTag::from_static($tag);
            const ATTRIBUTES: $crate::dynamodb::ops::Attributes =
                $crate::dynamodb::ops::Attributes::new(&[$($attribute),*], false);
            const SORT_ID_COUNT: usize = 0;
            type Partition = Self;
            type Ids<'a> = &'a str;
            type PartitionIds<'a> = &'a str;
            type SortIds<'a> = ();
            type FirstSort = $crate::dynamodb::range::Done;

            fn ids(&self) -> &str {
                $id
            }

            fn split_ids<'a>(ids: &'a str) -> (&'a str, ())
            where
                Self: 'a,
            {
                (ids, ())
            }

            fn registration() -> &'static $crate::dynamodb::tags::Registration {
                static REGISTRATION: $crate::dynamodb::tags::Registration = $crate::dynamodb::tags::Registration::new();
                &REGISTRATION
            }

            fn index_attributes(
                &self,
                _: &$scope,
                _: &$crate::dynamodb::entity::ItemKey<Self>,
            ) -> Result<$crate::dynamodb::index::IndexAttributes, $crate::error::KeyError> {
                Ok(Vec::new())
            }

            fn visit_unique(
                &self,
                _: &mut dyn FnMut(&'static str, $crate::segment::Segment<'_>),
            ) {
            }
        }
    };
}

#[cfg(test)]
pub(crate) use test_entity;
