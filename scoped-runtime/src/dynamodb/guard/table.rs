//! Table-level requests: `CreateTable`, `UpdateTable`, `UpdateTimeToLive`, `DeleteTable`,
//! `DescribeTable`, `DescribeTimeToLive`.
//!
//! Each is checked against an allow-list of the input's fields and their values, never a
//! deny-list: the checker clones the input, takes out every field it has checked, and rejects
//! the request if anything is left, so a field a newer SDK adds is rejected until it is
//! reviewed here. Shared (capsule) tables get exactly the shape `provision` creates;
//! unshared (tenant, platform) tables may also be tuned, but nothing that reaches beyond the
//! scope (resource policies, tags, customer KMS keys, global-table replicas).

use std::fmt;

use aws_sdk_dynamodb::operation::create_table::CreateTableInput;
use aws_sdk_dynamodb::operation::delete_table::DeleteTableInput;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableInput;
use aws_sdk_dynamodb::operation::describe_time_to_live::DescribeTimeToLiveInput;
use aws_sdk_dynamodb::operation::update_table::UpdateTableInput;
use aws_sdk_dynamodb::operation::update_time_to_live::UpdateTimeToLiveInput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    SseSpecification,
};

use super::index_tables::{IndexCheck, non_string_key_definition};
use super::keys::Table;
use super::{Check, GuardedScope, PK, SK};
use crate::dynamodb::schema::KeySchema;
use crate::error::IsolationViolation;

/// One attribute of a scoped table's key.
struct KeyAttribute {
    name: &'static str,
    key_type: KeyType,
    attribute_type: ScalarAttributeType,
}

/// The key of a table a scoped client creates, in `KeySchema` order: `pk`, `HASH`, a string,
/// then for a table with a sort key `sk`, `RANGE`, a string. The one place the key schema
/// becomes DynamoDB's.
const fn table_key(schema: KeySchema) -> &'static [KeyAttribute] {
    const PARTITION: KeyAttribute = KeyAttribute {
        name: PK,
        key_type: KeyType::Hash,
        attribute_type: ScalarAttributeType::S,
    };
    const SORT: KeyAttribute = KeyAttribute {
        name: SK,
        key_type: KeyType::Range,
        attribute_type: ScalarAttributeType::S,
    };
    match schema {
        KeySchema::Partition => &[PARTITION],
        KeySchema::PartitionAndSort => &[PARTITION, SORT],
    }
}

/// Both key schemas, for tables whose declaration is not used in the process.
const ANY_SCHEMA: [KeySchema; 2] = [KeySchema::Partition, KeySchema::PartitionAndSort];

const SHARED_SHAPE: &str = "is not part of the shape `provision` creates (the declared key, \
    on-demand billing, nothing else), the only shape a scoped client may give a table that every tenant's \
    capsule with the same code shares; an operator client can create it otherwise";

const NOT_REVIEWED: &str = "is not one of the fields the guard allows on a scoped client's own \
    table (billing and throughput, indexes, stream, AWS-managed encryption, table class, \
    deletion protection); an operator client can set it";

const RESOURCE_POLICY: &str = "grants access to principals outside the scope, which only an \
    operator client may do";

const TAGS: &str = "can grant access through tag-based (ABAC) policies, and scoped clients may \
    not tag resources; an operator client can tag the table";

const CUSTOMER_KEY: &str = "names a customer KMS key (possibly another account's) that the \
    table's data would depend on; scoped clients use AWS-owned or AWS-managed keys, and an \
    operator client can set a customer key";

const GLOBAL_TABLE: &str = "makes the table a global table that replicates its items to other \
    Regions outside the scope's control; never from a scoped client";

const KEY_TYPE: &str = "defines a key attribute with another type than the keys of every \
    scoped table and index (`pk`, `sk`, `pk_*`, `sk_*`: strings)";

const BILLING: &str = "must be PAY_PER_REQUEST or PROVISIONED";

/// What a table-level request may carry besides its table name.
enum Allowed {
    /// Exactly what `provision` sends: shared tables.
    ProvisionShape,
    /// Tuning a scope's own unshared table.
    OwnTable,
}

impl<S: GuardedScope> Check<'_, S> {
    pub(super) fn create_table(&self, input: &CreateTableInput) -> Result<(), IsolationViolation> {
        let keyed = self.keyed_table(input.table_name())?;
        let table = keyed.name;
        let setting = |field: &str, rule| setting("CreateTable", table, field, rule);
        let mut rest = input.clone();
        rest.table_name = None;
        let schema = rest.key_schema.take().unwrap_or_default();
        let definitions = rest.attribute_definitions.take().unwrap_or_default();
        let key = check_table_key(keyed, &schema, &definitions)?;
        if non_string_key_definition(&definitions).is_some() {
            return Err(setting("AttributeDefinitions", KEY_TYPE));
        }
        let indexes = IndexCheck {
            operation: "CreateTable",
            table: keyed,
            definitions: &definitions,
            shared: S::SHARES_TABLES,
        };
        let index_definitions = indexes
            .create_table_indexes(&rest.global_secondary_indexes.take().unwrap_or_default())?;

        if rest.resource_policy.is_some() {
            return Err(setting("ResourcePolicy", RESOURCE_POLICY));
        }
        if rest.tags.is_some() {
            return Err(setting("Tags", TAGS));
        }
        if rest.global_table_source_arn.is_some() {
            return Err(setting("GlobalTableSourceArn", GLOBAL_TABLE));
        }
        if rest.global_table_settings_replication_mode.is_some() {
            return Err(setting("GlobalTableSettingsReplicationMode", GLOBAL_TABLE));
        }
        check_sse(rest.sse_specification.as_ref()).map_err(|field| setting(field, CUSTOMER_KEY))?;

        match self.allowed() {
            Allowed::ProvisionShape => {
                if definitions.len() != key.len() + index_definitions {
                    return Err(setting("AttributeDefinitions", SHARED_SHAPE));
                }
                if rest.billing_mode.take() != Some(BillingMode::PayPerRequest) {
                    return Err(setting("BillingMode", SHARED_SHAPE));
                }
                leftover(&rest).map_or(Ok(()), |field| Err(setting(&field, SHARED_SHAPE)))
            }
            Allowed::OwnTable => {
                check_billing(rest.billing_mode.take())
                    .map_err(|()| setting("BillingMode", BILLING))?;
                rest.provisioned_throughput = None;
                rest.on_demand_throughput = None;
                rest.warm_throughput = None;
                rest.local_secondary_indexes = None;
                rest.stream_specification = None;
                rest.sse_specification = None;
                rest.table_class = None;
                rest.deletion_protection_enabled = None;
                leftover(&rest).map_or(Ok(()), |field| Err(setting(&field, NOT_REVIEWED)))
            }
        }
    }

    pub(super) fn update_table(&self, input: &UpdateTableInput) -> Result<(), IsolationViolation> {
        let table = self.own_unshared_table(input.table_name(), "UpdateTable")?;
        let setting = |field: &str, rule| setting("UpdateTable", table, field, rule);
        let mut rest = input.clone();
        rest.table_name = None;
        for (set, field) in [
            (rest.replica_updates.is_some(), "ReplicaUpdates"),
            (
                rest.multi_region_consistency.is_some(),
                "MultiRegionConsistency",
            ),
            (
                rest.global_table_witness_updates.is_some(),
                "GlobalTableWitnessUpdates",
            ),
            (
                rest.global_table_settings_replication_mode.is_some(),
                "GlobalTableSettingsReplicationMode",
            ),
        ] {
            if set {
                return Err(setting(field, GLOBAL_TABLE));
            }
        }
        check_sse(rest.sse_specification.as_ref()).map_err(|field| setting(field, CUSTOMER_KEY))?;
        let definitions = rest.attribute_definitions.take().unwrap_or_default();
        if non_string_key_definition(&definitions).is_some() {
            return Err(setting("AttributeDefinitions", KEY_TYPE));
        }
        IndexCheck {
            operation: "UpdateTable",
            table: self.keyed_table(input.table_name())?,
            definitions: &definitions,
            shared: S::SHARES_TABLES,
        }
        .index_updates(
            &rest
                .global_secondary_index_updates
                .take()
                .unwrap_or_default(),
        )?;
        check_billing(rest.billing_mode.take()).map_err(|()| setting("BillingMode", BILLING))?;
        rest.provisioned_throughput = None;
        rest.on_demand_throughput = None;
        rest.warm_throughput = None;
        rest.stream_specification = None;
        rest.sse_specification = None;
        rest.table_class = None;
        rest.deletion_protection_enabled = None;
        leftover(&rest).map_or(Ok(()), |field| Err(setting(&field, NOT_REVIEWED)))
    }

    pub(super) fn update_time_to_live(
        &self,
        input: &UpdateTimeToLiveInput,
    ) -> Result<(), IsolationViolation> {
        let table = self.own_unshared_table(input.table_name(), "UpdateTimeToLive")?;
        let mut rest = input.clone();
        rest.table_name = None;
        rest.time_to_live_specification = None;
        leftover(&rest).map_or(Ok(()), |field| {
            Err(setting("UpdateTimeToLive", table, &field, NOT_REVIEWED))
        })
    }

    pub(super) fn delete_table(&self, input: &DeleteTableInput) -> Result<(), IsolationViolation> {
        let table = self.own_unshared_table(input.table_name(), "DeleteTable")?;
        let mut rest = input.clone();
        rest.table_name = None;
        leftover(&rest).map_or(Ok(()), |field| {
            Err(setting("DeleteTable", table, &field, NOT_REVIEWED))
        })
    }

    pub(super) fn describe_table(
        &self,
        input: &DescribeTableInput,
    ) -> Result<(), IsolationViolation> {
        let table = self.table(input.table_name())?;
        let mut rest = input.clone();
        rest.table_name = None;
        leftover(&rest).map_or(Ok(()), |field| {
            Err(setting("DescribeTable", table, &field, NOT_REVIEWED))
        })
    }

    pub(super) fn describe_time_to_live(
        &self,
        input: &DescribeTimeToLiveInput,
    ) -> Result<(), IsolationViolation> {
        let table = self.table(input.table_name())?;
        let mut rest = input.clone();
        rest.table_name = None;
        leftover(&rest).map_or(Ok(()), |field| {
            Err(setting("DescribeTimeToLive", table, &field, NOT_REVIEWED))
        })
    }

    /// The table, if it is the scope's and not shared with other scopes.
    fn own_unshared_table<'t>(
        &self,
        table: Option<&'t str>,
        operation: &str,
    ) -> Result<&'t str, IsolationViolation> {
        let table = self.table(table)?;
        self.unshared(|| IsolationViolation::SharedTableChange {
            table: table.to_owned(),
            operation: operation.to_owned(),
        })?;
        Ok(table)
    }

    fn allowed(&self) -> Allowed {
        if S::SHARES_TABLES {
            Allowed::ProvisionShape
        } else {
            Allowed::OwnTable
        }
    }
}

fn setting(
    operation: &'static str,
    table: &str,
    field: &str,
    rule: &'static str,
) -> IsolationViolation {
    IsolationViolation::TableSetting {
        operation,
        table: table.to_owned(),
        field: field.to_owned(),
        rule,
    }
}

/// `KeySchema` is exactly the [`table_key`] of the table's declared schema (of either schema
/// if it is undeclared), and `AttributeDefinitions` defines each of its attributes once, with
/// its type. The key it matched.
fn check_table_key(
    table: Table<'_>,
    schema: &[KeySchemaElement],
    definitions: &[AttributeDefinition],
) -> Result<&'static [KeyAttribute], IsolationViolation> {
    let matches = |key: &[KeyAttribute]| {
        let schema_matches = schema.len() == key.len()
            && schema.iter().zip(key).all(|(element, key)| {
                element.attribute_name() == key.name && element.key_type() == &key.key_type
            });
        schema_matches
            && key.iter().all(|key| {
                let mut defined = definitions
                    .iter()
                    .filter(|definition| definition.attribute_name() == key.name);
                defined
                    .next()
                    .is_some_and(|definition| definition.attribute_type() == &key.attribute_type)
                    && defined.next().is_none()
            })
    };
    let candidates: &[KeySchema] = match &table.schema {
        Some(declared) => std::slice::from_ref(declared),
        None => &ANY_SCHEMA,
    };
    if let Some(key) = candidates
        .iter()
        .map(|schema| table_key(*schema))
        .find(|key| matches(key))
    {
        return Ok(key);
    }
    let found = if schema.is_empty() {
        "no KeySchema".to_owned()
    } else {
        schema
            .iter()
            .map(|element| {
                let name = element.attribute_name();
                let types: Vec<_> = definitions
                    .iter()
                    .filter(|definition| definition.attribute_name() == name)
                    .map(|definition| definition.attribute_type().as_str())
                    .collect();
                let types = if types.is_empty() {
                    "not in AttributeDefinitions".to_owned()
                } else {
                    types.join(" and ")
                };
                format!("{name} {} {types}", element.key_type())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let expected = match table.schema {
        Some(KeySchema::Partition) => format!(
            "the table is declared without a sort key: exactly one HASH attribute `{PK}` of \
             type S"
        ),
        Some(KeySchema::PartitionAndSort) => format!(
            "the table is declared with a sort key: exactly one HASH attribute `{PK}` of type \
             S and one RANGE attribute `{SK}` of type S"
        ),
        None => format!(
            "every scoped table is keyed by exactly one HASH attribute `{PK}` of type S and, \
             if it has a sort key, one RANGE attribute `{SK}` of type S"
        ),
    };
    Err(IsolationViolation::ForeignKeySchema {
        table: table.name.to_owned(),
        found,
        expected,
    })
}

/// `Err(field)` if the encryption settings name a customer KMS key.
fn check_sse(sse: Option<&SseSpecification>) -> Result<(), &'static str> {
    match sse.and_then(SseSpecification::kms_master_key_id) {
        Some(_) => Err("SSESpecification.KMSMasterKeyId"),
        None => Ok(()),
    }
}

/// On-demand, provisioned, or the default; not a value this SDK does not know.
fn check_billing(mode: Option<BillingMode>) -> Result<(), ()> {
    match mode {
        None | Some(BillingMode::PayPerRequest | BillingMode::Provisioned) => Ok(()),
        Some(_) => Err(()),
    }
}

/// The first field of `rest` that is still set, named as in DynamoDB's API (`Tags`,
/// `SSESpecification`), after the checker has taken out every field it allows.
///
/// SDK input structs are `#[non_exhaustive]` with every field an `Option` (index types have a
/// few required fields, which the checker clears to `""` or `[]`), so their derived `Debug`
/// lists each field at the top level, and a field still set is one whose value is not
/// `None` (or the cleared `""`, `[]`): that is how a field a newer SDK adds is caught without naming it here. Were an
/// input's `Debug` ever written by hand to hide a value, every such request would be rejected
/// (closed, not open), and the unit tests of `provision`'s shape would fail on that SDK.
pub(super) fn leftover(rest: &impl fmt::Debug) -> Option<String> {
    let debug = format!("{rest:#?}");
    debug.lines().find_map(|line| {
        let (field, value) = line.strip_prefix("    ")?.split_once(": ")?;
        let top_level = !field.starts_with(' ')
            && field
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        // `None` for an optional field, `""` and `[]` for the required fields of index types,
        // which the checker clears to take them out.
        let set = !["None,", "\"\",", "[],"].contains(&value);
        (top_level && set).then(|| api_name(field))
    })
}

/// `sse_specification` → `SSESpecification`, `vector_indexes` → `VectorIndexes`.
fn api_name(field: &str) -> String {
    field
        .split('_')
        .map(|word| match word {
            "sse" | "kms" | "ttl" => word.to_ascii_uppercase(),
            _ => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}
