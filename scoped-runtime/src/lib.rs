//! Scope-typed AWS clients for multi-tenant services.
//!
//! A SaaS platform on AWS mixes four scopes, and every DynamoDB table name, partition key and
//! set of credentials belongs to exactly one of them:
//!
//! | scope                    | covers                                  | table name                 | partition key prefix                         |
//! |--------------------------|-----------------------------------------|----------------------------|----------------------------------------------|
//! | [`Platform`]             | cross-tenant infrastructure             | `events`                   | `{ENTITY}#{id}`                              |
//! | [`Tenant`]               | one customer                            | `tenant-123_notifications` | `TENANT#tenant-123#{ENTITY}#{id}`            |
//! | [`Capsule`]              | one SDLC environment of one customer    | `PRODUS_crm`               | `TENANT#tenant-123#CAPSULE#caps-456#{ENTITY}#{id}` |
//! | operator ([`OperatorRole`]) | cross-account work through STS       | —                          | —                                            |
//!
//! Instead of building names with `format!`, build a scope once with its validating
//! constructor, ask the [`AwsClientFactory`] for a client of that scope, and let the client
//! name tables and check keys:
//!
//! ```no_run
//! use scoped_runtime::{AwsClientFactory, Capsule, EntityTag, Scope};
//!
//! # async fn demo() -> Result<(), scoped_runtime::Error> {
//! let factory = AwsClientFactory::from_env().await?; // one per process, injected
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! let crm = factory.capsule_dynamodb(&capsule); // CapsuleClient<DynamoDb>
//!
//! assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
//! let pk = capsule.partition_key(&EntityTag::from_static("LEAD"), &["lead-789"])?;
//! assert_eq!(pk, "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789");
//! crm.validate_pk(&pk)?; // exact segments, never substrings
//! # Ok(()) }
//! ```
//!
//! # Naming rules
//!
//! Identifiers are validated when a scope is built, so every table name and key the crate
//! produces is valid for DynamoDB, and no two scopes can produce the same name or key.
//!
//! | identifier        | rule                                                                  | example      |
//! |-------------------|-----------------------------------------------------------------------|--------------|
//! | [`TenantId`]      | 1–64 of `a-z 0-9 -`, starting with a letter or digit                  | `tenant-123` |
//! | [`CapsuleId`]     | 1–64 of `a-z 0-9 -`, starting with a letter or digit                  | `caps-456`   |
//! | [`CapsuleCode`]   | 1–32 of `A-Z 0-9`, starting with a letter                             | `PRODUS`     |
//! | [`BaseName`]      | 3–128 of `a-z 0-9 . -`, starting with a letter or digit; never `_`    | `crm`        |
//! | [`EntityTag`]     | 1–64 of `A-Z 0-9 _`, starting with a letter; not `TENANT`, `CAPSULE` | `LEAD`       |
//! | [`TenantName`]    | 1–256 printable characters (never part of a name or key)             | `Acme Corp`  |
//! | ids in keys       | any non-empty string; `%` and `#` are escaped as `%25` and `%23`      | `lead#7`     |
//!
//! Why these rules make names injective: a scoped table name is `{prefix}_{base}`, where the
//! prefix never contains `_`, so the first `_` splits it back into prefix and base. A tenant
//! prefix is lowercase and a capsule prefix starts with an uppercase letter, so they never
//! coincide. A platform table is its base alone, and bases never contain `_`. The longest
//! name (64 + 1 + 128 characters) stays under DynamoDB's 255.
//!
//! Keys are injective because ids are escaped (no id can add a `#`), tenant and capsule ids
//! and entity tags cannot contain `#`, and the entity tags `TENANT` and `CAPSULE` are
//! reserved, so the leading segments say which scope a key belongs to. Keys over DynamoDB's
//! 2048-byte limit are errors. [`DecodedKey::parse`] accepts exactly the keys the codec
//! produces.

#![deny(missing_docs)]

mod assume_role;
mod client;
mod entity;
mod error;
mod factory;
mod ident;
mod key;
mod role;
mod scope;
mod segment;
mod table;

pub use client::{
    CapsuleClient, DynamoDb, OperatorClient, PlatformClient, Service, Sts, TenantClient,
};
pub use entity::{
    CapsuleEntity, Entity, EntityTable, PartitionKey, PlatformEntity, Table, TenantEntity,
};
pub use error::{Error, IsolationViolation, KeyError, ScopeError};
pub use factory::AwsClientFactory;
pub use ident::{BaseName, CapsuleCode, CapsuleId, EntityTag, TenantId, TenantName};
pub use key::{DecodedKey, KeyScope, MAX_PARTITION_KEY_BYTES};
pub use role::{ExternalId, OperatorRole, RoleArn, SessionName};
pub use scope::{Capsule, Platform, Scope, ScopeKind, Tenant};
pub use segment::{KeyIds, KeySegment, Segment};
pub use scoped_rules::Rule;
pub use table::TableName;

/// The README's Rust examples, compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// Not public API: the paths the macros' generated code names. Changes without notice.
#[doc(hidden)]
pub mod __private;
