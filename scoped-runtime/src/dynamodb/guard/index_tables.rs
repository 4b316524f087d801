//! Secondary indexes in `CreateTable` and `UpdateTable`: only indexes the naming convention
//! keys, and on a declared table exactly the declared ones.
//!
//! The guard holds every `pk_*` attribute of every write to a key of the writer's scope
//! ([`indexes`](super::indexes)), which keeps an index partition inside one scope only if the
//! index is keyed by such an attribute. So a global secondary index `N` a scoped client creates
//! is keyed by exactly `pk_N` (`HASH`, a string) and optionally `sk_N` (`RANGE`, a string),
//! with `N` an index name of the convention ([`scoped_rules::check_index_name`]), in every
//! scope; an index keyed by any other attribute (`email`, say) would put every scope's items
//! with the same value in one index partition. On a declared table the indexes are exactly
//! the declared ones, each with its declared sort key and projection, so that the table a
//! scoped client creates is the one typed index queries expect.
//!
//! | | shared table (capsule) | unshared table (tenant, platform) |
//! |-|------------------------|-----------------------------------|
//! | `CreateTable` `GlobalSecondaryIndexes` | convention keys; projection `ALL` or `KEYS_ONLY` (the declared one, when declared); no throughput fields (on-demand, `provision`'s shape) | convention keys; the declared projection when declared, any otherwise; throughput fields allowed |
//! | `CreateTable` `LocalSecondaryIndexes` | never (not `provision`'s shape) | allowed: an LSI shares the table's partition key `pk` |
//! | `UpdateTable` `GlobalSecondaryIndexUpdates` | never (no table change on a shared table) | `Create` as in `CreateTable`; `Update` (throughput); `Delete` unless the index is declared |
//! | `AttributeDefinitions` | exactly the key attributes of the table and its indexes | `pk`, `sk`, `pk_*`, `sk_*` only as strings |
//!
//! Like the rest of [`table`](super::table), each index is checked against an allow-list of
//! its fields: a field a newer SDK adds is rejected until it is reviewed here.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType,
};

use super::keys::Table;
use super::table::leftover;
use crate::dynamodb::schema::{
    INDEX_PARTITION_PREFIX, INDEX_SORT_PREFIX, IndexSchema, is_key_attribute,
};
use crate::error::IsolationViolation;

const SHARED_INDEX_SHAPE: &str = "is not part of the shape `provision` creates for an index \
    (its name, its convention key and its projection, on-demand), the only shape a scoped client \
    may give an index of a table that every tenant's capsule with the same code shares";

const INDEX_NOT_REVIEWED: &str = "is not one of the fields the guard allows on an index of a \
    scoped client's own table (name, key, projection, throughput); an operator client can set it";

/// The parts of a `GlobalSecondaryIndex` or `CreateGlobalSecondaryIndexAction` the guard
/// checks.
pub(super) struct NewIndex<'r> {
    pub(super) name: &'r str,
    pub(super) key_schema: &'r [KeySchemaElement],
    pub(super) projection: Option<&'r Projection>,
}

/// Checks one request's secondary indexes of `table`.
pub(super) struct IndexCheck<'r, 't> {
    pub(super) operation: &'static str,
    pub(super) table: Table<'t>,
    pub(super) definitions: &'r [AttributeDefinition],
    pub(super) shared: bool,
}

impl IndexCheck<'_, '_> {
    fn violation(&self, index: &str, reason: String) -> IsolationViolation {
        IsolationViolation::IndexSchema {
            operation: self.operation,
            table: self.table.name.to_owned(),
            index: index.to_owned(),
            reason,
        }
    }

    fn setting(&self, index: &str, field: &str, rule: &'static str) -> IsolationViolation {
        IsolationViolation::TableSetting {
            operation: self.operation,
            table: self.table.name.to_owned(),
            field: format!("GlobalSecondaryIndexes[{index}].{field}"),
            rule,
        }
    }

    /// The declared index `name`, if the table is declared; `Err` if it is declared without
    /// that index.
    fn declared(&self, name: &str) -> Result<Option<&'static IndexSchema>, IsolationViolation> {
        if self.table.schema.is_none() {
            return Ok(None);
        }
        match self.table.indexes.iter().find(|index| index.name == name) {
            Some(index) => Ok(Some(index)),
            None => Err(self.violation(
                name,
                format!(
                    "is not declared: the table's declaration declares {}, and a scoped client \
                     gives a declared table exactly its declared indexes",
                    declared_names(self.table.indexes)
                ),
            )),
        }
    }

    /// `index` is keyed by the convention (and its declaration, if any), its key attributes
    /// are defined once each as strings, and its projection is one the guard allows. Returns
    /// how many attribute definitions its key uses.
    pub(super) fn index(&self, index: &NewIndex<'_>) -> Result<usize, IsolationViolation> {
        let name = index.name;
        if let Err(rule) = scoped_rules::check_index_name(name) {
            return Err(self.violation(
                name,
                format!(
                    "is not an index name of the convention ({rule}): index `{{name}}` is keyed \
                     by `pk_{{name}}`, so its name is 3–64 of a-z, 0-9 and _"
                ),
            ));
        }
        let declared = self.declared(name)?;
        let partition = format!("{INDEX_PARTITION_PREFIX}{name}");
        let sort = format!("{INDEX_SORT_PREFIX}{name}");
        let key_matches =
            |with_sort: bool| {
                let expected: &[(&str, KeyType)] = if with_sort {
                    &[(&partition, KeyType::Hash), (&sort, KeyType::Range)]
                } else {
                    &[(&partition, KeyType::Hash)]
                };
                index.key_schema.len() == expected.len()
                    && index.key_schema.iter().zip(expected).all(
                        |(element, (attribute, key_type))| {
                            element.attribute_name() == *attribute && element.key_type() == key_type
                        },
                    )
            };
        let keyed = match declared {
            Some(declared) => key_matches(declared.has_sort_key()),
            None => key_matches(false) || key_matches(true),
        };
        if !keyed {
            let expected = match declared.map(IndexSchema::has_sort_key) {
                Some(false) => format!("`{partition}` HASH only, as declared"),
                Some(true) => format!("`{partition}` HASH and `{sort}` RANGE, as declared"),
                None => format!("`{partition}` HASH and, optionally, `{sort}` RANGE"),
            };
            return Err(self.violation(
                name,
                format!(
                    "is keyed by {}, but an index of a scoped table is keyed by {expected} \
                     (strings): the guard holds every `pk_*` attribute to a key of the writer's \
                     scope, which keeps an index partition inside one scope only if the index is \
                     keyed by one",
                    describe_key(index.key_schema)
                ),
            ));
        }
        for element in index.key_schema {
            let attribute = element.attribute_name();
            let mut defined = self
                .definitions
                .iter()
                .filter(|definition| definition.attribute_name() == attribute);
            let string = defined
                .next()
                .is_some_and(|definition| definition.attribute_type() == &ScalarAttributeType::S);
            if !string || defined.next().is_some() {
                return Err(self.violation(
                    name,
                    format!(
                        "has key attribute `{attribute}`, which AttributeDefinitions must \
                         define exactly once, as a string (S)"
                    ),
                ));
            }
        }
        self.projection(name, index.projection, declared)?;
        Ok(index.key_schema.len())
    }

    fn projection(
        &self,
        name: &str,
        projection: Option<&Projection>,
        declared: Option<&IndexSchema>,
    ) -> Result<(), IsolationViolation> {
        let found = projection.and_then(Projection::projection_type);
        let extra = projection.is_some_and(|projection| {
            let mut rest = projection.clone();
            rest.projection_type = None;
            let non_key = rest
                .non_key_attributes
                .take()
                .is_some_and(|attributes| !attributes.is_empty());
            non_key || leftover(&rest).is_some()
        });
        let wanted = declared.map(|declared| match declared.projection {
            crate::dynamodb::schema::Projection::All => ProjectionType::All,
            crate::dynamodb::schema::Projection::KeysOnly => ProjectionType::KeysOnly,
        });
        let allowed = match (wanted.as_ref(), found) {
            (Some(wanted), Some(found)) => wanted == found && !extra,
            (Some(_), None) => false,
            (None, Some(ProjectionType::All | ProjectionType::KeysOnly)) => !extra,
            (None, _) => !self.shared,
        };
        if allowed {
            return Ok(());
        }
        let found = match (found, extra) {
            (Some(found), false) => found.as_str().to_owned(),
            (Some(found), true) => format!("{} with NonKeyAttributes", found.as_str()),
            (None, _) => "no projection".to_owned(),
        };
        let expected = match wanted {
            Some(wanted) => format!("its declared projection, {}", wanted.as_str()),
            None => "ALL or KEYS_ONLY on a shared table".to_owned(),
        };
        Err(self.violation(
            name,
            format!("projects {found}, but a scoped client gives it {expected}"),
        ))
    }

    /// `CreateTable`'s `GlobalSecondaryIndexes`: each as [`index`](Self::index), each field on
    /// the allow-list, and on a declared table every declared index present. Returns how many
    /// attribute definitions their keys use.
    pub(super) fn create_table_indexes(
        &self,
        indexes: &[GlobalSecondaryIndex],
    ) -> Result<usize, IsolationViolation> {
        let mut definitions = 0;
        for index in indexes {
            definitions += self.index(&NewIndex {
                name: index.index_name(),
                key_schema: index.key_schema(),
                projection: index.projection(),
            })?;
            let mut rest = index.clone();
            rest.index_name = String::new();
            rest.key_schema = Vec::new();
            rest.projection = None;
            if self.shared {
                if let Some(field) = leftover(&rest) {
                    return Err(self.setting(index.index_name(), &field, SHARED_INDEX_SHAPE));
                }
            } else {
                rest.provisioned_throughput = None;
                rest.on_demand_throughput = None;
                rest.warm_throughput = None;
                if let Some(field) = leftover(&rest) {
                    return Err(self.setting(index.index_name(), &field, INDEX_NOT_REVIEWED));
                }
            }
        }
        if self.table.schema.is_some()
            && let Some(missing) = self.table.indexes.iter().find(|declared| {
                !indexes
                    .iter()
                    .any(|index| index.index_name() == declared.name)
            })
        {
            return Err(self.violation(
                missing.name,
                format!(
                    "is declared ({missing}) but missing from GlobalSecondaryIndexes: a scoped \
                     client creates a declared table with exactly its declared indexes"
                ),
            ));
        }
        Ok(definitions)
    }

    /// `UpdateTable`'s `GlobalSecondaryIndexUpdates` (unshared tables only): `Create` as in
    /// `CreateTable`, `Update` of throughput, `Delete` of an undeclared index.
    pub(super) fn index_updates(
        &self,
        updates: &[GlobalSecondaryIndexUpdate],
    ) -> Result<(), IsolationViolation> {
        for update in updates {
            let mut rest = update.clone();
            if let Some(create) = rest.create.take() {
                self.index(&NewIndex {
                    name: create.index_name(),
                    key_schema: create.key_schema(),
                    projection: create.projection(),
                })?;
                let mut fields = create.clone();
                fields.index_name = String::new();
                fields.key_schema = Vec::new();
                fields.projection = None;
                fields.provisioned_throughput = None;
                fields.on_demand_throughput = None;
                fields.warm_throughput = None;
                if let Some(field) = leftover(&fields) {
                    return Err(self.setting(create.index_name(), &field, INDEX_NOT_REVIEWED));
                }
            }
            if let Some(delete) = rest.delete.take() {
                let name = delete.index_name();
                if let Some(declared) = self.table.indexes.iter().find(|index| index.name == name) {
                    return Err(self.violation(
                        name,
                        format!(
                            "is declared ({declared}): deleting it would break the typed \
                             queries of the table's declaration; an operator client can \
                             delete it"
                        ),
                    ));
                }
                let mut fields = delete.clone();
                fields.index_name = String::new();
                if let Some(field) = leftover(&fields) {
                    return Err(self.setting(name, &field, INDEX_NOT_REVIEWED));
                }
            }
            if let Some(change) = rest.update.take() {
                let mut fields = change.clone();
                fields.index_name = String::new();
                fields.provisioned_throughput = None;
                fields.on_demand_throughput = None;
                fields.warm_throughput = None;
                if let Some(field) = leftover(&fields) {
                    return Err(self.setting(change.index_name(), &field, INDEX_NOT_REVIEWED));
                }
            }
            if let Some(field) = leftover(&rest) {
                return Err(self.setting("", &field, INDEX_NOT_REVIEWED));
            }
        }
        Ok(())
    }
}

/// The first attribute definition of a key attribute name (`pk`, `sk`, `pk_*`, `sk_*`) that is
/// not a string.
pub(super) fn non_string_key_definition(
    definitions: &[AttributeDefinition],
) -> Option<&AttributeDefinition> {
    definitions.iter().find(|definition| {
        is_key_attribute(definition.attribute_name())
            && definition.attribute_type() != &ScalarAttributeType::S
    })
}

/// `pk_email HASH, at RANGE`, or `no KeySchema`.
fn describe_key(key: &[KeySchemaElement]) -> String {
    if key.is_empty() {
        return "no KeySchema".to_owned();
    }
    key.iter()
        .map(|element| format!("`{}` {}", element.attribute_name(), element.key_type()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `` `by_email`, `recent` `` or `no index`.
pub(super) fn declared_names(indexes: &[IndexSchema]) -> String {
    if indexes.is_empty() {
        return "no index".to_owned();
    }
    indexes
        .iter()
        .map(|index| format!("`{}`", index.name))
        .collect::<Vec<_>>()
        .join(", ")
}
