//! DynamoDB's statements of a scope's session policy.
//!
//! A tenant or capsule that carries a role assumes it with an inline session policy that
//! allows only that scope's tables and, through `dynamodb:LeadingKeys`, only partition keys
//! with that scope's prefix **including its trailing separator**, so `TENANT#t1#…` never
//! matches `TENANT#t10#…`. AWS then enforces the isolation the types and the key codec
//! promise, even for a bug or a compromised dependency in this process. The policy is built
//! from the same scope values that build the keys, so the two cannot drift.
//!
//! Its statements grant what the isolation guard allows the scope, no more:
//!
//! - `ScopedItems`: the item operations (get, put, update, delete, condition checks, query,
//!   batch get and write; transactions are authorised per item action) on the scope's tables
//!   and their indexes, for its own partition keys only.
//! - `OwnTables` and `OwnIndexes` (tenants): the table-level work the guard allows on a
//!   tenant's unshared tables ([`UNSHARED_TABLE_ACTIONS`]: create, describe, update, delete,
//!   TTL, scan) and queries of their indexes by any key, without the `LeadingKeys` condition:
//!   those requests carry no partition key, and the tables hold only the tenant's items.
//! - `ProvisionTables` (capsules): `CreateTable`, `DescribeTable` and `DescribeTimeToLive` on
//!   the capsule's listed tables ([`SHARED_TABLE_ACTIONS`]), which `provision` needs. There is
//!   no `Scan` and no table change: `ForAllValues` conditions pass for requests without leading
//!   keys, so an unconditioned `Scan` would read every tenant's items in a shared table; the
//!   `Null` condition additionally denies item requests that carry no leading keys.
//!
//! `dynamodb::policy_agreement` evaluates the generated JSON against requests the guard accepts and rejects,
//! so the two cannot drift either.
//!
//! # Queries of secondary indexes
//!
//! Index ARNs (`table/{name}/index/*`) appear only for the scope's own tables: `{tenant}_*`
//! covers the tenant's tables and their indexes (IAM's `*` matches `/`), and a capsule lists
//! `{code}_{base}/index/*` for each of its listed tables only.
//!
//! Which partition key value `dynamodb:LeadingKeys` holds for a `Query` of a global secondary
//! index, AWS does not say outright. Its definition is "the first key attribute of a table —
//! in other words, the partition key", and its example 5 grants `Query` on a table and on its
//! index (`table/GameScores/index/TopScoreDateTimeIndex`) under one `LeadingKeys` condition
//! without saying which key a query of the index is matched by ([Using IAM policy conditions
//! for fine-grained access control][conditions], "Specifying conditions: using condition
//! keys" and example 5). The session policies hold under either reading:
//!
//! - **The queried index's partition key value** (the value bound to `pk_{index}`): every
//!   index partition value the library writes, and every one the guard lets a write carry,
//!   is a key of the scope, so it starts with the scope's prefix *including its trailing
//!   separator* and matches the `ForAllValues:StringLike` pattern exactly when it is the
//!   scope's own: another tenant's index partition (`TENANT#t10#…` against `TENANT#t1#*`) is
//!   denied like its table partitions are.
//! - **The table's partition key** `pk`: a query of a global secondary index names no `pk`
//!   value, so the key is absent, and the `Null` condition (`"dynamodb:LeadingKeys": "false"`)
//!   denies the query. Nothing of another scope is readable; the cost is that a capsule's own
//!   GSI queries fail with `AccessDenied` under role credentials (closed, not open). A
//!   tenant's own index queries are granted by `OwnIndexes`, which has no key condition.
//!
//! A query of a local secondary index, or one that binds `pk` on an index, names the table's
//! partition key, which both readings agree on. `policy_agreement::index_queries_hold_either_way`
//! evaluates both readings; which one AWS applies only AWS can show (docs/guard.md, "What only
//! AWS can prove").
//!
//! [conditions]: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html

use serde_json::json;

use super::PolicyScope;
use crate::role::RoleArn;

/// The DynamoDB actions the typed item operations need, sorted.
pub(crate) const ITEM_ACTIONS: [&str; 8] = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
];

/// The IAM actions of the requests the guard allows on a scope's own tables without checking
/// a partition key, for scopes whose tables are not shared (tenant, platform): table
/// administration and scans. Their session policies grant these without the
/// `dynamodb:LeadingKeys` condition; `dynamodb::policy_agreement` checks both against the guard's decisions.
pub(crate) const UNSHARED_TABLE_ACTIONS: [&str; 7] = [
    "dynamodb:CreateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:Scan",
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
];

/// As [`UNSHARED_TABLE_ACTIONS`], on the indexes of unshared tables: a query of any key.
pub(crate) const UNSHARED_INDEX_ACTIONS: [&str; 1] = ["dynamodb:Query"];

/// As [`UNSHARED_TABLE_ACTIONS`], for shared (capsule) tables: what `provision` needs. The guard
/// allows `CreateTable` only in `provision`'s shape; AWS cannot check a shape (see
/// docs/guard.md).
pub(crate) const SHARED_TABLE_ACTIONS: [&str; 3] = [
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
];

/// DynamoDB's statements for `scope`'s credentials of `role`: `ScopedItems`, and `OwnTables` +
/// `OwnIndexes` (tenants) or `ProvisionTables` (capsules).
pub(crate) fn statements(scope: &PolicyScope<'_>, role: &RoleArn) -> Vec<serde_json::Value> {
    let mut statements = vec![json!({
        "Sid": "ScopedItems",
        "Effect": "Allow",
        "Action": ITEM_ACTIONS,
        "Resource": scope.item_resources(role),
        "Condition": {
            "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [scope.leading_keys()] },
            "Null": { "dynamodb:LeadingKeys": "false" },
        },
    })];
    statements.extend(scope.table_statements(role));
    statements
}

impl PolicyScope<'_> {
    /// The `dynamodb:LeadingKeys` pattern: the scope's key prefix, separator included.
    pub(crate) fn leading_keys(&self) -> String {
        match self {
            Self::Tenant { tenant_id } => format!("TENANT#{tenant_id}#*"),
            Self::Capsule {
                tenant_id,
                capsule_id,
                ..
            } => format!("TENANT#{tenant_id}#CAPSULE#{capsule_id}#*"),
        }
    }

    /// The ARN of table (or table pattern) `name` in the role's partition and account.
    fn table_arn(role: &RoleArn, name: &str) -> String {
        format!(
            "arn:{}:dynamodb:*:{}:table/{name}",
            role.partition(),
            role.account_id()
        )
    }

    /// The resources of the item statement: the scope's tables and their indexes.
    fn item_resources(&self, role: &RoleArn) -> Vec<String> {
        match self {
            // IAM's `*` also matches `/`, so this covers the tables' indexes.
            Self::Tenant { tenant_id } => vec![Self::table_arn(role, &format!("{tenant_id}_*"))],
            Self::Capsule {
                capsule_code,
                bases: None,
                ..
            } => vec![Self::table_arn(role, &format!("{capsule_code}_*"))],
            Self::Capsule {
                capsule_code,
                bases: Some(bases),
                ..
            } => bases
                .iter()
                .flat_map(|base| {
                    let name = format!("{capsule_code}_{base}");
                    [
                        Self::table_arn(role, &name),
                        Self::table_arn(role, &format!("{name}/index/*")),
                    ]
                })
                .collect(),
        }
    }

    /// The statements for the requests the guard allows without a partition key.
    fn table_statements(&self, role: &RoleArn) -> Vec<serde_json::Value> {
        match self {
            Self::Tenant { tenant_id } => vec![
                json!({
                    "Sid": "OwnTables",
                    "Effect": "Allow",
                    "Action": UNSHARED_TABLE_ACTIONS,
                    "Resource": [Self::table_arn(role, &format!("{tenant_id}_*"))],
                }),
                json!({
                    "Sid": "OwnIndexes",
                    "Effect": "Allow",
                    "Action": UNSHARED_INDEX_ACTIONS,
                    "Resource": [Self::table_arn(role, &format!("{tenant_id}_*/index/*"))],
                }),
            ],
            Self::Capsule {
                capsule_code,
                bases,
                ..
            } => vec![json!({
                "Sid": "ProvisionTables",
                "Effect": "Allow",
                "Action": SHARED_TABLE_ACTIONS,
                "Resource": match bases {
                    Some(bases) => bases
                        .iter()
                        .map(|base| Self::table_arn(role, &format!("{capsule_code}_{base}")))
                        .collect::<Vec<_>>(),
                    None => vec![Self::table_arn(role, &format!("{capsule_code}_*"))],
                },
            })],
        }
    }
}
