//! Scope-typed AWS clients for multi-tenant services.
//!
//! A SaaS platform on AWS mixes four scopes, and every DynamoDB table name, partition key and
//! set of credentials belongs to exactly one of them. This crate makes the scope a type, so
//! that writing tenant A's data under tenant B is a compile error where it can be, a rejected
//! request where it cannot, and an AWS-enforced denial where credentials allow it.
//!
//! The sections below teach it in order: the scopes, entities, the factory, typed operations,
//! the guard, credentials.
//!
//! # 1. The four scopes
//!
//! | scope                       | covers                               | table name                 | partition key prefix                 |
//! |-----------------------------|--------------------------------------|----------------------------|--------------------------------------|
//! | [`Platform`]                | cross-tenant infrastructure          | `events`                   | —                                    |
//! | [`Tenant`]                  | one customer                         | `tenant-123_notifications` | `TENANT#tenant-123#`                 |
//! | [`Capsule`]                 | one SDLC environment of one customer | `PRODUS_crm`               | `TENANT#tenant-123#CAPSULE#caps-456#` |
//! | operator ([`OperatorRole`]) | cross-account work through STS       | —                          | —                                    |
//!
//! Scopes are values, built once by validating constructors (see [Naming rules](#naming-rules))
//! and cheap to clone:
//!
//! ```
//! use scoped_runtime::{Capsule, OperatorRole, Platform, Tenant};
//!
//! let platform = Platform::new();
//! let tenant = Tenant::new("tenant-123", "Acme Corp")?;
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! let operator = OperatorRole::new("arn:aws:iam::210987654321:role/org-operator", "inventory")?;
//! assert!(Tenant::new("Tenant_123", "Acme").is_err()); // uppercase and `_` are not allowed
//! # Ok::<(), scoped_runtime::ScopeError>(())
//! ```
//!
//! # 2. Entities
//!
//! An entity is a struct bound to one scope and one base table by an attribute, with its key
//! derived from its `#[scoped(id)]` fields:
//!
//! ```
//! use scoped_runtime::{Capsule, ScopedKey, capsule_table};
//!
//! /// A sales lead, kept per capsule.
//! #[capsule_table("crm")]
//! #[derive(ScopedKey)]
//! #[scoped(entity = "LEAD")]
//! pub struct Lead {
//!     #[scoped(id)]
//!     pub lead_id: String,
//!     pub name: String,
//! }
//!
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! assert_eq!(Lead::table_name(&capsule), "PRODUS_crm");
//! assert_eq!(
//!     Lead::partition_key(&capsule, "lead-789")?,
//!     "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`tenant_table`] and [`platform_table`] bind to the other scopes. The base name is checked
//! at compile time, and the generated functions document their scope, table pattern and key
//! pattern. A `Lead` can only be used with a capsule client: `factory.tenant_dynamodb(&tenant)
//! .items::<Lead>()` does not compile, and the error names the client to use.
//!
//! ## Tables with sort keys
//!
//! A table whose partitions hold many items is declared once, with `sort_key`, and its
//! entities refer to it, so they cannot disagree about its key schema ([`KeySchema`]). Sort
//! ids (`#[scoped(sort)]`) make the sort key `sk`, encoded so that it orders as the values
//! do; an entity can live in another's partition (`#[scoped(partition = …)]`):
//!
//! ```
//! use scoped_runtime::{Capsule, ScopedKey, capsule_table};
//!
//! /// The CRM table of each capsule, keyed by `pk` and `sk`.
//! #[capsule_table("crm", sort_key)]
//! pub struct Crm;
//!
//! /// A lead: `sk = LEAD`.
//! #[derive(ScopedKey)]
//! #[scoped(table = Crm, entity = "LEAD")]
//! pub struct Lead {
//!     #[scoped(id)]
//!     pub lead_id: String,
//! }
//!
//! /// A note, in its lead's partition: `sk = NOTE#{created}#{note_id}`.
//! #[derive(ScopedKey)]
//! #[scoped(partition = Lead, entity = "NOTE")]
//! pub struct Note {
//!     #[scoped(id)]
//!     pub lead_id: String,
//!     #[scoped(sort)]
//!     pub created: i64,
//!     #[scoped(sort)]
//!     pub note_id: String,
//! }
//!
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! let key = Note::item_key(&capsule, "lead-789", -5, "n1")?;
//! assert_eq!(key.partition(), &*Lead::partition_key(&capsule, "lead-789")?.as_str());
//! assert_eq!(key.sort(), Some("NOTE#09223372036854775803#n1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Queries fix sort ids in order and may put one range on the next
//! (`notes.query("lead-789").lt(Note::CREATED, t).descending().limit(20)`: [`Query`]), always
//! inside the entity's own sort keys; [`Collection`]s read a partition's entities together.
//! docs/patterns.md shows lists, newest first, last N, counters and uniqueness.
//!
//! # 3. The factory
//!
//! One [`AwsClientFactory`] per process, injected wherever AWS is needed, hands out clients
//! bound to a scope — an `Arc` clone each, never a new SDK client:
//!
//! ```no_run
//! use scoped_runtime::{AwsClientFactory, Capsule};
//!
//! # async fn demo() -> Result<(), scoped_runtime::Error> {
//! let factory = AwsClientFactory::from_env().await?; // honours AWS_ENDPOINT_URL & co.
//! let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
//! let crm = factory.capsule_dynamodb(&capsule); // CapsuleClient<DynamoDb>
//!
//! assert_eq!(crm.table_name("crm")?, "PRODUS_crm");
//! crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789")?; // whole segments
//! assert!(crm.validate_pk("TENANT#tenant-123#CAPSULE#caps-4567#LEAD#lead-789").is_err());
//! # Ok(()) }
//! ```
//!
//! `factory.tenant_dynamodb(&tenant)`, `factory.platform_dynamodb()` and
//! `factory.operator(&role)` give the other scopes' clients.
//!
//! # 4. Typed operations
//!
//! A scoped client's `items::<E>()` gives the operations on one entity in the client's scope
//! ([`Items`]): `put`, `create` (if absent), `get`, `delete`, `update` of non-key attributes
//! ([`Update`], names checked against the entity's serialized fields; conditions, optimistic
//! locking with a version attribute, list appends and set deletes), `upsert` (an update that
//! creates), `put_versioned` (a whole-item write under optimistic locking), `query` of a
//! partition with sort-key conditions ([`Query`]: a stream, a page with a cursor, a count),
//! `scan` and `count` of a tenant or platform entity's items in parallel segments (capsule
//! tables are shared and may not be scanned: [`ScannableEntity`]), `batch_get`, `batch_put`
//! and `batch_delete` (chunked, unprocessed parts retried with backoff), `provision` (create
//! the table with its declared key schema if absent, wait until active), and `from_item` (an
//! item read through `raw()` back as the entity, ownership-checked). `collection::<C>(ids)`
//! reads several entities of one partition ([`Collection`]); `transaction()` writes entities
//! of the scope together ([`Transaction`]). Items are the entity serialized with serde
//! ([`serde_dynamo`]) plus its key in the string attributes
//! [`pk`](PARTITION_KEY_ATTRIBUTE) and, in tables with sort keys,
//! [`sk`](SORT_KEY_ATTRIBUTE), which the library writes. Every item read back is checked to be
//! one of the entity's in the scope.
//!
//! # 5. The isolation guard
//!
//! Every scoped DynamoDB client, the SDK client from `raw()` included, carries an interceptor
//! that checks each request before it is serialized and rejects, with an
//! [`IsolationViolation`], a table that is not the scope's, an item or key whose `pk` is not a
//! key of the scope, a query whose key condition does not bind `pk = :value` to such a key
//! (except on an index of an unshared table), a scan or table-level change of a table shared
//! with other scopes (capsule tables), a table created with another key than `pk` or with a
//! field outside its allow-list, PartiQL, and every operation it does not know. A rejected
//! request is never signed or sent; [`IsolationViolation::find_in`] finds the violation in the
//! SDK's error. It stops mistakes, not hostile code in the same process. The README's "The
//! isolation guard" summarises what each scope may do; docs/guard.md has the rules, the threat
//! model and what the guard cannot see.
//!
//! # 6. Credentials
//!
//! Tenants and capsules with a role ([`Tenant::with_role_arn`], [`Capsule::with_role_arn`])
//! and operator roles sign with `sts:AssumeRole` credentials from the factory's cache (see
//! [`AwsClientFactory`], "Credentials", and [`CredentialCacheConfig`]), assumed with a session
//! policy generated from the scope ([`Tenant::session_policy`]) so that AWS enforces the same
//! isolation the types do.
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
//!

#![deny(missing_docs)]
// The core's key and sort codecs and the role signing serve the service modules: a build with
// no service feature has parts of them unused. Every service build warns as usual.
#![cfg_attr(
    not(feature = "dynamodb"),
    allow(
        dead_code,
        unused_imports,
        unused_variables,
        reason = "core parts only services use"
    )
)]

mod client;
mod credentials;
#[cfg(feature = "dynamodb")]
mod dynamodb;
mod error;
mod factory;
mod iam;
mod ident;
mod key;
mod kind;
#[cfg(any(feature = "sqs", feature = "sns"))]
mod messaging;
mod naming;
mod role;
#[cfg(feature = "s3")]
mod s3;
mod scope;
mod segment;
#[cfg(feature = "sns")]
mod sns;
mod sort;
#[cfg(feature = "sqs")]
mod sqs;

pub use client::{
    CapsuleClient, ClientStats, OperatorClient, PlatformClient, ScopedClient, Service, Sts,
    TenantClient,
};
pub use credentials::{CredentialCacheConfig, CredentialStats};
pub use error::{ConfigError, CredentialError, IsolationViolation, KeyError, ScopeError};
pub use factory::{AwsClientFactory, FactoryBuilder, OperatorClients};
pub use iam::abac::{AbacPolicies, TAG_CAPSULE, TAG_CODE, TAG_KIND, TAG_TENANT};
pub use ident::{BaseName, CapsuleCode, CapsuleId, EntityTag, TenantId, TenantName};
pub use key::{DecodedKey, KeyScope, MAX_PARTITION_KEY_BYTES};
pub use naming::table::TableName;
pub use role::{ExternalId, OperatorRole, RoleArn, SessionName};
#[cfg(feature = "s3")]
pub use s3::error::{S3Error, S3Violation};
#[cfg(feature = "s3")]
pub use s3::objects::{CapsuleObjects, ObjectKey, Objects, PlatformObjects, TenantObjects};
#[cfg(feature = "s3")]
pub use s3::{
    Download, MAX_PRESIGNED_EXPIRY, MultipartUpload, ObjectPage, ObjectStore, ObjectSummary, S3,
    S3Buckets,
};
pub use scope::{Capsule, Platform, Scope, ScopeKind, Tenant};
#[cfg(feature = "sns")]
pub use sns::{
    BatchPublished, CapsuleNotification, MAX_PUBLISH_BATCH, MAX_PUBLISH_BYTES,
    PlatformNotification, ScopedTopic, Sns, SnsError, SnsViolation, TenantNotification, Topic,
    TopicBase,
};
#[cfg(feature = "sqs")]
pub use sqs::{
    BatchSent, CapsuleMessage, Delivery, MessageQueue, PlatformMessage, ProvisionedQueue, Queue,
    QueueBase, Receipt, Received, Refused, RefusedReason, Sqs, SqsError, SqsViolation,
    TenantMessage,
};
/// SQS's limits and the attributes scoped messages carry.
#[cfg(feature = "sqs")]
pub mod sqs_limits {
    pub use crate::sqs::{MAX_BATCH, MAX_MESSAGE_BYTES, MAX_RECEIVE_COUNT, REFUSED_ATTRIBUTE};
}
pub use scoped_rules::Rule;
pub use segment::{KeyIds, KeySegment, Segment};
pub use sort::{
    DecodedSortKey, EncodedSortId, MAX_SORT_KEY_BYTES, SortIds, SortSegment, SortValue,
};

#[cfg(feature = "dynamodb")]
pub use dynamodb::{
    DynamoDb,
    cursor::{Cursor, CursorError, CursorPart, Direction, MAX_CURSOR_LEN},
    entity::{Entity, EntityInScope, EntityTable, ItemKey, PartitionKey, Table},
    error::{CancellationReason, Duplicate, Error, UpdateRule},
    index::{
        FullProjection, Index, IndexAttributes, IndexPartitionIds, IndexSortAt, IndexedBy, shard_of,
    },
    ops::{
        Attribute, Attributes, Collection, CollectionQuery, DEFAULT_INDEX_PAGE_ITEMS, IndexItems,
        IndexQuery, ItemStream, Items, Page, Query, ScannableEntity, Transaction, Update,
    },
    range::{NextSortField, Position, SortAt, SortField},
    schema::{
        INDEX_PARTITION_PREFIX, INDEX_SORT_PREFIX, IndexSchema, KeySchema, PARTITION_KEY_ATTRIBUTE,
        Projection, SORT_KEY_ATTRIBUTE, TableSchema, is_key_attribute,
    },
};

/// The positions of sort ids in typed queries ([`SortField`], [`Position`]).
#[cfg(feature = "dynamodb")]
pub mod position {
    pub use crate::dynamodb::range::{Done, Fifth, First, Fourth, Second, Sixth, Third};
}

/// The README's and the guides' Rust examples, compiled as doc tests so they cannot rot.
#[cfg(all(doctest, feature = "dynamodb"))]
mod guides {
    #[doc = include_str!("../../README.md")]
    struct Readme;
    #[doc = include_str!("../../docs/scopes.md")]
    struct Scopes;
    #[doc = include_str!("../../docs/keys.md")]
    struct Keys;
    #[doc = include_str!("../../docs/credentials.md")]
    struct Credentials;
    #[doc = include_str!("../../docs/testing.md")]
    struct Testing;
    #[doc = include_str!("../../docs/migration.md")]
    struct Migration;
    #[doc = include_str!("../../docs/patterns.md")]
    struct Patterns;
    #[doc = include_str!("../../docs/indexes.md")]
    struct Indexes;
    #[cfg(all(feature = "sqs", feature = "sns"))]
    #[doc = include_str!("../../docs/messaging.md")]
    struct Messaging;
    #[cfg(feature = "s3")]
    #[doc = include_str!("../../docs/s3.md")]
    struct S3;
    #[doc = include_str!("../../docs/scale.md")]
    struct Scale;
}

#[cfg(feature = "test-util")]
pub mod test_util;

/// Not public API: the paths the macros' generated code names. Changes without notice.
#[doc(hidden)]
pub mod __private;

/// Binds a struct to the **capsule** scope and a base table: `#[capsule_table("crm")]`.
///
/// The struct implements [`Table`] with `Scope = `[`Capsule`], its table is named
/// `{capsule_code}_{base}` (`PRODUS_crm`), and it gets
/// `fn table_name(scope: &Capsule) -> TableName`. The base is checked at compile time against
/// the [base name rule](crate#naming-rules); a bad one is an error on the literal. Only a
/// [`CapsuleClient`] reaches the struct: `factory.tenant_dynamodb(..).table::<Lead>()` does not
/// compile, and its error names the client to use.
///
/// Place it above `#[derive(ScopedKey)]`, which then also generates the key builders. Generic
/// structs, enums and unions are rejected: an entity is one row shape in one table.
///
/// ```
/// use scoped_runtime::{Capsule, ScopedKey, capsule_table};
///
/// /// A sales lead.
/// #[capsule_table("crm")]
/// #[derive(ScopedKey)]
/// #[scoped(entity = "LEAD")]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
///     pub name: String,
/// }
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// assert_eq!(Lead::table_name(&capsule), "PRODUS_crm");
/// assert_eq!(
///     Lead::partition_key(&capsule, "lead-789")?,
///     "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// **Secondary indexes.** After the base name (and `sort_key`), `index(ByEmail)` declares a
/// global secondary index and generates the unit struct `ByEmail` that names it in typed code
/// ([`Index`]). Its DynamoDB name is the type's name in snake case (`by_email`) or
/// `name = "…"`; it is keyed by the string attribute `pk_{name}` and, with `sort_key`, by
/// `sk_{name}`. `shards = N` (1–64) spreads each of its partitions over `N` partitions for
/// hot collections; `projection = keys_only` projects only keys (the default is `all`).
/// Entities appear in an index through a template ([`ScopedKey`]'s `index(..)`), and
/// `provision` creates the declared indexes.
///
/// ```
/// use scoped_runtime::{Index, IndexedBy, ScopedKey, Table, capsule_table};
///
/// /// The CRM table of each capsule, with two indexes.
/// #[capsule_table("crm", sort_key, index(ByEmail), index(Recent, sort_key, shards = 4))]
/// pub struct Crm;
///
/// /// A lead, found by email and listed newest first.
/// #[derive(ScopedKey, serde::Serialize, serde::Deserialize)]
/// #[scoped(table = Crm, entity = "LEAD")]
/// #[scoped(index(ByEmail(partition(email)), Recent(sort(created, lead_id))))]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
///     #[scoped(unique)]
///     pub email: String,
///     pub created: i64,
/// }
///
/// assert_eq!(ByEmail::SCHEMA.partition_attribute(), "pk_by_email");
/// assert_eq!(Recent::SCHEMA.sort_attribute(), Some("sk_recent"));
/// assert_eq!(<Lead as Table>::INDEXES.len(), 2);
/// assert_eq!(<Lead as IndexedBy<Recent>>::SORT_VALUE_COUNT, 2);
/// ```
#[cfg(all(feature = "macros", feature = "dynamodb"))]
pub use scoped_macros::capsule_table;

/// Binds a struct to the **tenant** scope and a base table: `#[tenant_table("notifications")]`.
///
/// The struct implements [`Table`] with `Scope = `[`Tenant`], its table is named
/// `{tenant_id}_{base}` (`tenant-123_notifications`), and only a [`TenantClient`] reaches it.
/// Otherwise as [`capsule_table`].
///
/// ```
/// use scoped_runtime::{ScopedKey, Tenant, tenant_table};
///
/// /// A webhook a tenant registered.
/// #[tenant_table("notifications")]
/// #[derive(ScopedKey)]
/// pub struct Webhook {
///     #[scoped(id)]
///     pub webhook_id: u64,
///     pub url: String,
/// }
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// assert_eq!(Webhook::table_name(&tenant), "tenant-123_notifications");
/// let hook = Webhook { webhook_id: 7, url: "https://example.com/hook".into() };
/// assert_eq!(hook.to_partition_key(&tenant)?, "TENANT#tenant-123#WEBHOOK#7");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "dynamodb"))]
pub use scoped_macros::tenant_table;

/// Binds a struct to the **platform** scope and a base table: `#[platform_table("events")]`.
///
/// The struct implements [`Table`] with `Scope = `[`Platform`], its table is named by its base
/// alone (`events`), and only a [`PlatformClient`] reaches it. Otherwise as [`capsule_table`].
///
/// ```
/// use scoped_runtime::{Platform, ScopedKey, platform_table};
///
/// /// One audit event of the platform.
/// #[platform_table("events")]
/// #[derive(ScopedKey)]
/// #[scoped(entity = "AUDIT")]
/// pub struct AuditEvent {
///     #[scoped(id)]
///     pub day: String,
///     #[scoped(id)]
///     pub sequence: u32,
/// }
///
/// let platform = Platform::new();
/// assert_eq!(AuditEvent::table_name(&platform), "events");
/// assert_eq!(AuditEvent::partition_key(&platform, "2026-11-26", 42)?, "AUDIT#2026-11-26#42");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "dynamodb"))]
pub use scoped_macros::platform_table;

/// Binds a struct to the **capsule** scope and an object collection:
/// `#[capsule_objects("uploads")]`. Feature `s3`.
///
/// Each value names one object, `capsule/{tenant_id}/{capsule_id}/{collection}/{id}/…`, from
/// the struct's `#[scoped(id)]` fields in order (text, integers or any [`KeySegment`]), each
/// escaped into one segment (`/` → `%2F`, `%` → `%25`, an id `.` or `..` as `%2E`s). The
/// struct implements [`Objects`] and gets `fn object_key(scope: &Capsule, ids…)` and
/// `fn to_object_key(&self, scope: &Capsule)`; only a [`CapsuleClient<S3>`](CapsuleClient)
/// reaches it (`factory.capsule_s3(&capsule).objects::<Upload>()`), and through a tenant or
/// platform client it does not compile. The collection is checked at compile time (1–64 of
/// `a-z 0-9 -`). An object type is not also a DynamoDB entity: the attribute consumes the
/// `#[scoped(id)]` markers. docs/s3.md is the guide.
///
/// ```
/// use scoped_runtime::{Capsule, capsule_objects};
///
/// /// A file attached to a lead.
/// #[capsule_objects("uploads")]
/// pub struct Attachment {
///     #[scoped(id)]
///     pub lead_id: String,
///     #[scoped(id)]
///     pub file_name: String,
/// }
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// assert_eq!(
///     Attachment::object_key(&capsule, "lead-789", "q3/contract.pdf")?,
///     "capsule/tenant-123/caps-456/uploads/lead-789/q3%2Fcontract.pdf"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "s3"))]
pub use scoped_macros::capsule_objects;

/// Binds a struct to the **tenant** scope and an object collection:
/// `#[tenant_objects("exports")]`; its objects are `tenant/{tenant_id}/{collection}/{id}/…`.
/// Otherwise as [`capsule_objects`].
///
/// ```
/// use scoped_runtime::{Tenant, tenant_objects};
///
/// /// A data export of a tenant.
/// #[tenant_objects("exports")]
/// pub struct Export {
///     #[scoped(id)]
///     pub export_id: u64,
/// }
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// assert_eq!(Export::object_key(&tenant, 7)?, "tenant/tenant-123/exports/7");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "s3"))]
pub use scoped_macros::tenant_objects;

/// Binds a struct to the **platform** scope and an object collection:
/// `#[platform_objects("reports")]`; its objects are `platform/{collection}/{id}/…`.
/// Otherwise as [`capsule_objects`].
///
/// ```
/// use scoped_runtime::{Platform, platform_objects};
///
/// /// A daily report of the platform.
/// #[platform_objects("reports")]
/// pub struct Report {
///     #[scoped(id)]
///     pub day: String,
/// }
///
/// assert_eq!(Report::object_key(&Platform::new(), "2026-11-30")?, "platform/reports/2026-11-30");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "s3"))]
pub use scoped_macros::platform_objects;

/// Derives [`Entity`]: a typed partition key built from the struct's `#[scoped(id)]` fields.
///
/// Options, all in `#[scoped(..)]`:
///
/// | where  | option            | meaning                                                              |
/// |--------|-------------------|----------------------------------------------------------------------|
/// | struct | `entity = "LEAD"` | the entity tag in keys; default: the struct name in `UPPER_SNAKE_CASE` (`LeadNote` → `LEAD_NOTE`) |
/// | struct | `table = Crm`     | the entity's table is the one `Crm`'s table attribute declares (instead of a table attribute on the entity) |
/// | struct | `partition = Lead`| the entity's items live in `Lead`'s partitions (a table with `sort_key`) |
/// | struct | `index(ByEmail(partition(email)), Recent(sort(created)))` | index templates: which fields make the entity's keys in each declared index (see below) |
/// | field  | `id`              | a key id; several are allowed and keep field order (`…#LEAD#{a}#{b}`) |
/// | field  | `sort`            | a sort id (a table with `sort_key`), in field order |
/// | field  | `unique`          | no two items of the entity in one scope hold the same value: a duplicate is [`Error::AlreadyExists`] |
///
/// **Index templates.** `index(I(partition(f, …), sort(g, …)))` puts the entity into the index
/// `I` its table declares: its `pk_{index}` is
/// `{scope prefix}{ENTITY}#{index name}#{f}…` (the scope's key prefix always comes first, so no
/// template can leave the scope) and its `sk_{index}` is `{ENTITY}#{g}…` in the
/// order-preserving sort codec. Either list may be left out: `index(AllHooks)` lists every
/// item of the entity in one index partition per scope. A field written `Option<T>` keeps the
/// item out of the index while it is `None` (a sparse index). Typed writes maintain the index
/// attributes; an [`Update`] may not change a field a template or `unique` reads (put the item
/// instead), and a field given twice, a field the struct does not have, an index of another
/// table, or sort fields on an index without `sort_key` are compile errors.
///
/// The tag is checked at compile time against the [entity tag rule](crate#naming-rules). Id
/// fields may be text (`String`, `Box<str>`, `Arc<str>`, `Cow<str>`: taken as `&str`),
/// integers (taken by value) or any other [`KeySegment`] type (taken by reference).
///
/// It must be under a table attribute ([`capsule_table`], [`tenant_table`],
/// [`platform_table`]); without one the struct is "not bound to a table", a compile error.
/// With one, the struct gets, besides the [`Entity`] impl:
///
/// - `fn partition_key(scope: &Capsule, lead_id: &str) -> Result<PartitionKey<Lead>, KeyError>`:
///   the key with the given ids;
/// - `fn to_partition_key(&self, scope: &Capsule) -> Result<PartitionKey<Lead>, KeyError>`:
///   the value's own key, from its id fields.
///
/// The two are named apart because an inherent associated function and a method cannot share
/// a name; `to_` marks the one built from `self`. Both are documented on the entity with its
/// scope, table pattern and key pattern.
///
/// The derive learns the scope from the table attribute, above or below it. Under another name
/// (`use scoped_runtime::ScopedKey as Key`) and below the attribute it cannot, and then
/// generates only the [`Entity`] impl: keys come from [`Entity::partition_key`] and the
/// clients' `key::<E>()`.
///
/// ```
/// use scoped_runtime::{Capsule, PartitionKey, ScopedKey, capsule_table};
///
/// /// A note on a lead.
/// #[capsule_table("crm")]
/// #[derive(ScopedKey)]
/// pub struct LeadNote {
///     #[scoped(id)]
///     pub lead_id: String,
///     #[scoped(id)]
///     pub note_id: u64,
///     pub text: String,
/// }
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// let key: PartitionKey<LeadNote> = LeadNote::partition_key(&capsule, "lead#7", 1)?;
/// assert_eq!(key, "TENANT#tenant-123#CAPSULE#caps-456#LEAD_NOTE#lead%237#1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Without a table attribute it does not compile:
///
/// ```compile_fail
/// #[derive(scoped_runtime::ScopedKey)]
/// pub struct Lead {
///     #[scoped(id)]
///     pub lead_id: String,
/// }
/// ```
#[cfg(all(feature = "macros", feature = "dynamodb"))]
pub use scoped_macros::ScopedKey;

/// Derives [`Collection`] for an enum of entities that share a partition: one newtype variant
/// per entity (`Lead(Lead)`, `Note(Note)`), whose items one query reads together; see
/// [`Collection`] for an example.
///
/// Every variant must live in the first variant's partitions (its own entity, or one declared
/// with `#[scoped(partition = …)]` of it), so they share scope and table: a variant of another
/// partition is a compile error. The derive applies to non-generic enums only.
#[cfg(all(feature = "macros", feature = "dynamodb"))]
pub use scoped_macros::Collection;

/// Binds a serde struct to a **tenant**'s SQS queue: `#[tenant_queue("notifications")]`.
///
/// The struct implements [`Queue`] with `Scope = `[`Tenant`]; its queue is
/// `t_{tenant_id}_{base}` (a hashed scope part for tenant ids over 36 characters, see
/// docs/sqs.md), with dead-letter queue `…_dlq`, and only a tenant's SQS client reaches it:
/// `factory.capsule_sqs(..).queue::<WebhookEvent>()` does not compile, and its error names the
/// client to use. The base (1–32 of `a-z 0-9 -`) is checked at compile time.
///
/// ```
/// use scoped_runtime::{Queue, Tenant, tenant_queue};
///
/// /// A webhook event to deliver.
/// #[tenant_queue("notifications")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct WebhookEvent {
///     pub url: String,
/// }
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// assert_eq!(WebhookEvent::queue_name(&tenant), "t_tenant-123_notifications");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "sqs"))]
pub use scoped_macros::tenant_queue;

/// Binds a serde struct to a **capsule**'s SQS queue: `#[capsule_queue("jobs")]`, queue
/// `c_{capsule_code}_{tenant_id}_{capsule_id}_{base}` (hashed past 38 characters of scope
/// part, see docs/sqs.md). Otherwise as [`tenant_queue`].
///
/// ```
/// use scoped_runtime::{Capsule, Queue, capsule_queue};
///
/// /// A job of one capsule.
/// #[capsule_queue("jobs")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct Job {
///     pub lead_id: String,
/// }
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// assert_eq!(Job::queue_name(&capsule), "c_PRODUS_tenant-123_caps-456_jobs");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "sqs"))]
pub use scoped_macros::capsule_queue;

/// Binds a serde struct to the **platform**'s SQS queue: `#[platform_queue("events")]`, queue
/// `p_{base}`. Otherwise as [`tenant_queue`].
///
/// ```
/// use scoped_runtime::{Platform, Queue, platform_queue};
///
/// /// A platform metric.
/// #[platform_queue("metrics")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct Metric {
///     pub value: u64,
/// }
///
/// assert_eq!(Metric::queue_name(&Platform::new()), "p_metrics");
/// ```
#[cfg(all(feature = "macros", feature = "sqs"))]
pub use scoped_macros::platform_queue;

/// Binds a serde struct to a **tenant**'s SNS topic: `#[tenant_topic("webhooks")]`.
///
/// The struct implements [`Topic`] with `Scope = `[`Tenant`]; its topic is
/// `t_{tenant_id}_{base}`, and only a tenant's SNS client reaches it
/// (`factory.tenant_sns(&tenant).topic::<WebhookEvent>()`); another scope's client does not
/// compile, and its error names the client to use. The base (1–64 of `a-z 0-9 -`) is checked
/// at compile time.
///
/// ```
/// use scoped_runtime::{Tenant, Topic, tenant_topic};
///
/// /// A webhook event to fan out.
/// #[tenant_topic("webhooks")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct WebhookEvent {
///     pub url: String,
/// }
///
/// let tenant = Tenant::new("tenant-123", "Acme")?;
/// assert_eq!(WebhookEvent::topic_name(&tenant), "t_tenant-123_webhooks");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "sns"))]
pub use scoped_macros::tenant_topic;

/// Binds a serde struct to a **capsule**'s SNS topic: `#[capsule_topic("events")]`, topic
/// `c_{capsule_code}_{tenant_id}_{capsule_id}_{base}`. Otherwise as [`tenant_topic`].
///
/// ```
/// use scoped_runtime::{Capsule, Topic, capsule_topic};
///
/// /// A lead event of one capsule.
/// #[capsule_topic("events")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct LeadEvent {
///     pub lead_id: String,
/// }
///
/// let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS")?;
/// assert_eq!(LeadEvent::topic_name(&capsule), "c_PRODUS_tenant-123_caps-456_events");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "macros", feature = "sns"))]
pub use scoped_macros::capsule_topic;

/// Binds a serde struct to the **platform**'s SNS topic: `#[platform_topic("audit")]`, topic
/// `p_{base}`. Otherwise as [`tenant_topic`].
///
/// ```
/// use scoped_runtime::{Platform, Topic, platform_topic};
///
/// /// An audit record.
/// #[platform_topic("audit")]
/// #[derive(serde::Serialize, serde::Deserialize)]
/// pub struct Audit {
///     pub what: String,
/// }
///
/// assert_eq!(Audit::topic_name(&Platform::new()), "p_audit");
/// ```
#[cfg(all(feature = "macros", feature = "sns"))]
pub use scoped_macros::platform_topic;
