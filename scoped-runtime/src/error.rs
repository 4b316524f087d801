//! Errors: each names the offending value and the rule it broke.

use crate::cursor::CursorError;
use crate::ident::EntityTag;
use crate::key::MAX_PARTITION_KEY_BYTES;
use crate::schema::KeySchema;
use crate::scope::ScopeKind;
use crate::sort::MAX_SORT_KEY_BYTES;
use scoped_rules::Rule;

/// A value that cannot be part of a scope: a bad id, code, name or ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// A tenant id broke [the tenant id rule](crate#naming-rules).
    #[error("invalid tenant id {value:?}: {rule}")]
    TenantId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A tenant display name is empty, too long or contains control characters.
    #[error("invalid tenant name {value:?}: {rule}")]
    TenantName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A capsule id broke [the capsule id rule](crate#naming-rules).
    #[error("invalid capsule id {value:?}: {rule}")]
    CapsuleId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A capsule code broke [the capsule code rule](crate#naming-rules).
    #[error("invalid capsule code {value:?}: {rule}")]
    CapsuleCode {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// A base table name broke [the base name rule](crate#naming-rules).
    #[error("invalid base table name {value:?}: {rule}")]
    BaseName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An entity tag broke [the entity tag rule](crate#naming-rules).
    #[error("invalid entity tag {value:?}: {rule}")]
    EntityTag {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An IAM role ARN is not of the form `arn:{partition}:iam::{account}:role/{path}{name}`.
    #[error("invalid IAM role ARN {value:?}: {rule}")]
    RoleArn {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS role session name broke STS's rule (2–64 of `[A-Za-z0-9+=,.@_-]`).
    #[error("invalid role session name {value:?}: {rule}")]
    SessionName {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS session duration is outside 15 minutes to 12 hours.
    #[error("invalid session duration {value:?}: {rule}")]
    SessionDuration {
        /// The rejected value.
        value: std::time::Duration,
        /// The rule it broke.
        rule: Rule,
    },
    /// An inline session policy is empty or over STS's 2,048 characters.
    #[error("invalid session policy ({} characters): {rule}", value.chars().count())]
    SessionPolicy {
        /// The rejected policy.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// The session policy generated for a scope exceeds STS's limit.
    #[error(
        "the session policy for {scope} is {len} characters, over STS's limit of {max}: \
         give the scope's role fewer tables"
    )]
    PolicyTooLarge {
        /// The scope the policy was generated for.
        scope: String,
        /// The policy's length in characters.
        len: usize,
        /// STS's limit.
        max: usize,
    },
    /// A managed session policy ARN is malformed, or more than 10 were given.
    #[error("invalid session policy ARN {value:?}: {rule}")]
    PolicyArn {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
    /// An STS external id broke STS's rule (2–1224 of `[A-Za-z0-9+=,.@:/_-]`).
    #[error("invalid external id {value:?}: {rule}")]
    ExternalId {
        /// The rejected value.
        value: String,
        /// The rule it broke.
        rule: Rule,
    },
}

/// A partition key that cannot be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// An id segment is empty; an empty id is almost always a missing value.
    #[error("id #{position} of entity {entity} is empty: key ids must not be empty")]
    EmptyId {
        /// The entity whose key was being built.
        entity: String,
        /// The 1-based position of the empty id among the entity's ids.
        position: usize,
    },
    /// A key needs at least one id.
    #[error("entity {entity} was given no id: a partition key needs at least one")]
    NoIds {
        /// The entity whose key was being built.
        entity: String,
    },
    /// The key would exceed DynamoDB's partition-key limit.
    #[error(
        "partition key starting {prefix:?} is {len} bytes long, over DynamoDB's limit of {max} bytes",
        max = MAX_PARTITION_KEY_BYTES
    )]
    TooLong {
        /// The first characters of the key.
        prefix: String,
        /// The key's length in bytes.
        len: usize,
    },
    /// Another entity already uses this entity's tag in the same table: their keys would be
    /// the same, and each would overwrite the other's items. Reported from the second entity's
    /// first key (or provisioning) in the process on; see [`Entity`](crate::Entity), "Tags".
    #[error(
        "entity `{entity}` cannot use tag {tag:?} in the {scope} table {base:?}: entity \
         `{other}` already does, and two entities with one tag in one table have the same keys \
         and overwrite each other's items; give one of them its own tag with \
         `#[scoped(entity = \"…\")]`"
    )]
    TagInUse {
        /// The tag both entities have.
        tag: String,
        /// The scope of their table.
        scope: ScopeKind,
        /// The base name of their table.
        base: String,
        /// The entity refused, by type name.
        entity: String,
        /// The entity that claimed the tag first, by type name.
        other: String,
    },
    /// Two declarations of the same tables (scope and base name) give them different key
    /// schemas: one of them would read and write items the table cannot hold. Reported from
    /// the second declaration's first use in the process on.
    #[error(
        "`{declaration}` declares the {scope} table {base:?} keyed by {schema}, but \
         `{other}` already declared it keyed by {other_schema}; declare each table once and \
         have its entities refer to that declaration with `#[scoped(table = …)]`"
    )]
    SchemaConflict {
        /// The scope of the tables.
        scope: ScopeKind,
        /// Their base name.
        base: String,
        /// The declaration refused, by type name.
        declaration: String,
        /// The schema it declares.
        schema: KeySchema,
        /// The declaration that recorded the tables' schema first, by type name.
        other: String,
        /// The schema it declared.
        other_schema: KeySchema,
    },
    /// The text is not a key this codec produces.
    #[error("malformed partition key {key:?}: {reason}")]
    Malformed {
        /// The rejected key.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A text sort id is empty; an empty sort id is almost always a missing value.
    #[error("sort id #{position} of entity {entity} is empty: text sort ids must not be empty")]
    EmptySortId {
        /// The entity whose sort key was being built.
        entity: String,
        /// The 1-based position of the empty id among the entity's sort ids.
        position: usize,
    },
    /// A timestamp outside the years 0000–9999, which RFC 3339 text (and so a sort id) cannot
    /// hold in order.
    #[error(
        "timestamp {value} cannot be a sort id: sort ids hold RFC 3339 UTC timestamps of the \
         years 0000 to 9999 ({reason})"
    )]
    TimestampOutOfRange {
        /// The rejected timestamp, as its type displays it.
        value: String,
        /// Why it is out of range.
        reason: &'static str,
    },
    /// The sort key would exceed DynamoDB's sort-key limit.
    #[error(
        "sort key starting {prefix:?} is {len} bytes long, over DynamoDB's limit of {max} bytes",
        max = MAX_SORT_KEY_BYTES
    )]
    SortKeyTooLong {
        /// The first characters of the sort key.
        prefix: String,
        /// The sort key's length in bytes.
        len: usize,
    },
    /// The text is not a sort key this codec produces.
    #[error("malformed sort key {key:?}: {reason}")]
    MalformedSortKey {
        /// The rejected sort key.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// A key or table that belongs to another scope than the client's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IsolationViolation {
    /// The key belongs to another tenant.
    #[error(
        "partition key {key:?} belongs to tenant {found:?}, not to this client's tenant {expected:?}"
    )]
    CrossTenant {
        /// The rejected key.
        key: String,
        /// The client's tenant id.
        expected: String,
        /// The tenant id the key carries.
        found: String,
    },
    /// The key belongs to another capsule of the same tenant.
    #[error(
        "partition key {key:?} belongs to capsule {found:?}, not to this client's capsule {expected:?}"
    )]
    CrossCapsule {
        /// The rejected key.
        key: String,
        /// The client's capsule id.
        expected: String,
        /// The capsule id the key carries.
        found: String,
    },
    /// The key has another scope's shape (a tenant key given to a capsule client, say).
    #[error("partition key {key:?} is a {found} key, but this client is {expected}-scoped")]
    WrongScope {
        /// The rejected key.
        key: String,
        /// The client's scope.
        expected: ScopeKind,
        /// The scope the key's shape belongs to.
        found: ScopeKind,
    },
    /// The text is not a key the codec produces, so it belongs to no scope.
    #[error("partition key rejected: {0}")]
    Malformed(#[source] KeyError),
    /// A request names a table that is not one of the client's scope.
    #[error(
        "table {table:?} is not a table of this {scope}-scoped client: its tables are named {expected}"
    )]
    CrossTable {
        /// The rejected table name (empty when the request named none).
        table: String,
        /// The client's scope.
        scope: ScopeKind,
        /// The pattern of the client's table names: `PRODUS_{base}`, `tenant-123_{base}`, or
        /// `{base}` without `_` for the platform.
        expected: String,
    },
    /// An item or key has no string partition key attribute `pk`, so the guard cannot tell
    /// which partition it touches.
    #[error(
        "{what} for table {table:?} has no string attribute `pk`: every item and key a scoped \
         client sends carries its scope's partition key in `pk`"
    )]
    MissingPartitionKey {
        /// The table the item or key was sent to.
        table: String,
        /// `"item"` or `"key"`.
        what: &'static str,
    },
    /// An item or key whose attributes do not fit the table's key schema: a missing or
    /// non-string sort key `sk` on a table declared with one, an `sk` on a table declared
    /// without one (the attribute is reserved), or a key carrying an attribute that is not a
    /// key attribute.
    #[error("{what} for table {table:?} rejected: {reason}")]
    KeyShape {
        /// The table the item or key was sent to.
        table: String,
        /// `"item"`, `"key"` or `"ExclusiveStartKey"`.
        what: &'static str,
        /// What is wrong, naming the attribute and the table's key schema.
        reason: String,
    },
    /// An update (`UpdateItem`, or an `Update` in a transaction) that writes a key attribute,
    /// or whose update expression the guard cannot read.
    #[error("update of an item in table {table:?} rejected: {reason}")]
    KeyUpdate {
        /// The table.
        table: String,
        /// The action and the attribute it writes, or what the guard could not read.
        reason: String,
    },
    /// A query whose key condition does not provably bind `pk` to one value.
    #[error("query on table {table:?} is not bound to one partition key: {reason}")]
    UnboundQuery {
        /// The queried table.
        table: String,
        /// What the guard could not prove.
        reason: String,
    },
    /// A scan of a table that several scopes share.
    #[error(
        "scan of table {table:?} rejected: capsule tables are shared by every tenant's capsule \
         with the same code, so a scan reads other tenants' items; query by partition key instead"
    )]
    SharedTableScan {
        /// The table.
        table: String,
    },
    /// A table-level change (delete, update, TTL) to a table that several scopes share.
    #[error(
        "{operation} on table {table:?} rejected: capsule tables are shared by every tenant's \
         capsule with the same code, so a table-level change affects other tenants; make it with \
         an operator client"
    )]
    SharedTableChange {
        /// The table.
        table: String,
        /// The DynamoDB operation: `DeleteTable`, `UpdateTable`, `UpdateTimeToLive`.
        operation: String,
    },
    /// A table created through a scoped client with another key than its declaration gives:
    /// `pk` (`HASH`, a string), and `sk` (`RANGE`, a string) when the table is declared with a
    /// sort key; either of the two when the table's declaration is not used in the process.
    #[error(
        "CreateTable of {table:?} rejected: its key is {found}, but {expected} (KeySchema and \
         AttributeDefinitions), the key the guard checks"
    )]
    ForeignKeySchema {
        /// The table.
        table: String,
        /// The key the request asked for: each `KeySchema` element with its key type and the
        /// types `AttributeDefinitions` gives it (`pk HASH N, ref HASH S`).
        found: String,
        /// The keys the guard accepts for the table, and why.
        expected: String,
    },
    /// A table-level request sets a field, or a value, outside the guard's allow-list for the
    /// table (see the crate's guard documentation, docs/guard.md).
    #[error("{operation} of table {table:?} rejected: {field} {rule}")]
    TableSetting {
        /// The DynamoDB operation: `CreateTable`, `UpdateTable`, `UpdateTimeToLive`,
        /// `DeleteTable`, `DescribeTable` or `DescribeTimeToLive`.
        operation: &'static str,
        /// The table.
        table: String,
        /// The field, as DynamoDB's API names it: `ResourcePolicy`, `ReplicaUpdates`,
        /// `SSESpecification.KMSMasterKeyId`.
        field: String,
        /// The rule the field breaks.
        rule: &'static str,
    },
    /// An operation the guard does not allow on scoped clients.
    #[error("{operation} is not allowed on a scoped client: {reason}")]
    UnsupportedOperation {
        /// The DynamoDB operation.
        operation: String,
        /// Why, and what to use instead.
        reason: &'static str,
    },
}

impl IsolationViolation {
    /// The violation that caused `error`, if any: walks `error` and its sources.
    ///
    /// A request the isolation guard rejects fails with an SDK error whose source chain holds
    /// the [`IsolationViolation`]; this finds it there, and in [`Error::Isolation`].
    ///
    /// ```no_run
    /// # async fn demo(crm: scoped_runtime::CapsuleClient<scoped_runtime::DynamoDb>) {
    /// use scoped_runtime::IsolationViolation;
    ///
    /// let err = crm.raw().scan().table_name("PRODUS_crm").send().await.unwrap_err();
    /// assert!(matches!(
    ///     IsolationViolation::find_in(&err),
    ///     Some(IsolationViolation::SharedTableScan { .. })
    /// ));
    /// # }
    /// ```
    #[must_use]
    pub fn find_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Self> {
        let mut next = Some(error);
        while let Some(error) = next {
            if let Some(violation) = error.downcast_ref::<Self>() {
                return Some(violation);
            }
            // `Error::Isolation` is transparent: its `source()` skips the violation itself.
            if let Some(Error::Isolation(violation)) = error.downcast_ref::<Error>() {
                return Some(violation);
            }
            next = error.source();
        }
        None
    }
}

/// Credentials for a role could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// STS refused in a way retrying cannot fix (access denied, malformed policy…). The refusal
    /// is remembered for a few seconds so a stampede of requests does not repeat it.
    #[error("sts:AssumeRole on {role_arn} was refused ({code}): {message}")]
    Refused {
        /// The role asked for.
        role_arn: String,
        /// STS's error code.
        code: String,
        /// STS's message.
        message: String,
    },
    /// STS failed in a way a retry may fix (throttling, 5xx, network).
    #[error("sts:AssumeRole on {role_arn} failed: {message}")]
    Unavailable {
        /// The role asked for.
        role_arn: String,
        /// What went wrong.
        message: String,
    },
    /// STS did not answer within the load timeout.
    #[error("sts:AssumeRole on {role_arn} did not answer within {timeout:?}")]
    Timeout {
        /// The role asked for.
        role_arn: String,
        /// The load timeout.
        timeout: std::time::Duration,
    },
}

/// Any error of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// See [`ScopeError`].
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// See [`KeyError`].
    #[error(transparent)]
    Key(#[from] KeyError),
    /// See [`IsolationViolation`].
    #[error(transparent)]
    Isolation(#[from] IsolationViolation),
    /// See [`CredentialError`].
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    /// See [`CursorError`].
    #[error(transparent)]
    Cursor(#[from] CursorError),
    /// The AWS configuration cannot build clients.
    #[error("AWS configuration is incomplete: {0}")]
    Config(&'static str),
    /// A DynamoDB request failed; the SDK's error is the source.
    #[error(
        "DynamoDB {operation} on table {table}{} failed: {detail}",
        key.as_deref().map(|key| format!(", key {key:?},")).unwrap_or_default()
    )]
    DynamoDb {
        /// The DynamoDB operation: `GetItem`, `Query`…
        operation: &'static str,
        /// The table (several, comma-separated, for a transaction).
        table: String,
        /// The partition key the request was about, if one.
        key: Option<String>,
        /// The service's error code and message, or what failed on the way.
        detail: String,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An entity could not be converted to or from a DynamoDB item.
    #[error("item {key:?} in table {table}: {direction} `{entity}` failed: {source}")]
    Item {
        /// The table.
        table: String,
        /// The item's partition key.
        key: String,
        /// The entity type.
        entity: &'static str,
        /// `"writing"` or `"reading"`.
        direction: &'static str,
        /// serde_dynamo's error.
        #[source]
        source: serde_dynamo::Error,
    },
    /// An entity serializes an attribute the library reserves for keys.
    #[error(
        "`{entity}` has an attribute named {attribute:?}: `pk` and `sk` are the key attributes \
         the library writes; rename the field (`#[serde(rename = \"…\")]`)"
    )]
    ReservedAttribute {
        /// The entity type.
        entity: &'static str,
        /// The attribute: `pk` or `sk`.
        attribute: String,
    },
    /// An [`Update`](crate::Update) names an attribute it may not change: one the entity does
    /// not serialize (a typo, or the Rust name of a renamed field), one holding an id, or a key
    /// attribute. Checked before anything is sent.
    #[error(
        "update of `{entity}` rejected: attribute {attribute:?} {rule}{}",
        suggestion.as_deref().map(|name| format!("; did you mean `{name}`?")).unwrap_or_default()
    )]
    UpdateAttribute {
        /// The entity type.
        entity: &'static str,
        /// The attribute the update named.
        attribute: String,
        /// The rule it broke.
        rule: UpdateRule,
        /// The entity's attribute the name is closest to, if one is close.
        suggestion: Option<String>,
    },
    /// An item read through the raw SDK client (a scan…) is not an item of the entity in this
    /// scope: its key is another entity's, or its id attributes make another key than its
    /// `pk`. (An item of another scope is an [`IsolationViolation`].)
    #[error("item {key:?} in table {table} is not a `{entity}` of this scope: {reason}")]
    ForeignItem {
        /// The table the item was read from.
        table: String,
        /// The item's partition key.
        key: String,
        /// The entity type it was to be read as.
        entity: &'static str,
        /// Why it is not one.
        reason: String,
    },
    /// An upsert of an entity with sort ids: an item it created would lack their attributes.
    #[error(
        "`{entity}` cannot be upserted: it has sort ids, and an item an upsert creates would \
         lack their attributes (a timestamp, a bool… cannot be written back from the key); \
         create it with `create` or `put`, then `update` it"
    )]
    UpsertSortIds {
        /// The entity, by type name.
        entity: &'static str,
    },
    /// A create-if-absent found an item under the key.
    #[error("item {key:?} already exists in table {table}: create writes only absent items")]
    AlreadyExists {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
    },
    /// An update found no item under the key: updates never create items (an upsert does).
    #[error(
        "no item {key:?} in table {table}: update changes existing items only; upsert creates \
         absent ones"
    )]
    NotFound {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
    },
    /// An update's conditions ([`Update::when_equals`](crate::Update::when_equals)…) did not
    /// hold for the item: it exists, but an attribute differs from what the update expected.
    /// Nothing was written.
    #[error(
        "update of item {key:?} in table {table} not applied: its condition `{condition}` does \
         not hold for the stored item"
    )]
    ConditionFailed {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
        /// The update's conditions, as `name = value`, `name exists`, `name not exists`
        /// joined by `AND`.
        condition: String,
    },
    /// An optimistic-locking update ([`Update::expect_version`](crate::Update::expect_version))
    /// found another version: someone else wrote the item since it was read. Nothing was
    /// written; read the item again and retry.
    #[error(
        "update of item {key:?} in table {table} not applied: it expected version {expected} in \
         attribute {attribute:?}, but the item has {}; read it again and retry",
        found.map_or_else(|| "none".to_owned(), |found| found.to_string())
    )]
    VersionConflict {
        /// The table.
        table: String,
        /// The partition key.
        key: String,
        /// The version attribute.
        attribute: String,
        /// The version the update expected.
        expected: u64,
        /// The version the item had when the failure was diagnosed, `None` if it had no
        /// integer version.
        found: Option<u64>,
    },
    /// An update's value for an attribute cannot do what the update asks: a set to delete or
    /// add that is empty, or holds anything but only strings or only numbers. Checked before
    /// anything is sent.
    #[error("update of `{entity}` rejected: the value for attribute {attribute:?} {rule}")]
    UpdateValue {
        /// The entity type.
        entity: &'static str,
        /// The attribute the update named.
        attribute: String,
        /// The rule the value broke.
        rule: &'static str,
    },
    /// DynamoDB left part of a batch unprocessed through every retry.
    #[error(
        "DynamoDB {operation} on table {table} left {remaining} requests unprocessed after \
         {attempts} attempts with backoff"
    )]
    Unprocessed {
        /// `BatchGetItem` or `BatchWriteItem`.
        operation: &'static str,
        /// The table.
        table: String,
        /// How many keys or writes were still unprocessed.
        remaining: usize,
        /// How many requests were sent for them.
        attempts: u32,
    },
    /// A transaction was cancelled; `reasons` has one entry per write, in order, naming the
    /// write's entity, table and key next to DynamoDB's code (`None` for the writes that were
    /// not the cause). The message lists the writes that were.
    #[error(
        "transaction on table {table} was cancelled: {}",
        CancellationReason::causes(reasons)
    )]
    TransactionCanceled {
        /// The tables the transaction wrote, comma-separated.
        table: String,
        /// One reason per write, in the order the writes were added.
        reasons: Vec<CancellationReason>,
        /// The SDK's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A table exists with another key schema than its declaration gives it.
    #[error("table {table} has key schema {found}, but its declaration keys it by {expected}")]
    KeySchema {
        /// The table.
        table: String,
        /// The key schema its declaration gives it.
        expected: KeySchema,
        /// Its key schema, as `attribute (KEY_TYPE)` pairs.
        found: String,
    },
}

/// Why an [`Update`](crate::Update) may not name an attribute, in [`Error::UpdateAttribute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateRule {
    /// `pk` or `sk`: the key attributes the library writes.
    Reserved,
    /// The attribute of an `#[scoped(id)]` field: the item's partition key is built from it.
    Id,
    /// The entity serializes no top-level attribute of that name.
    Unknown,
}

impl std::fmt::Display for UpdateRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Reserved => {
                "is reserved: `pk` and `sk` are the key attributes the library writes from the \
                 entity's ids"
            }
            Self::Id => {
                "holds one of the entity's ids, which make up the item's partition key: an \
                 update would leave the item under its old key with a new id; put the item \
                 under its new ids and delete the old one"
            }
            Self::Unknown => {
                "is not one the entity serializes: updates name the entity's serialized \
                 top-level field names (after `#[serde(rename…)]`), not Rust field names"
            }
        })
    }
}

/// One write of a cancelled transaction and why DynamoDB cancelled it, in
/// [`Error::TransactionCanceled`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancellationReason {
    /// The write's 1-based position in the transaction, in the order the writes were added.
    pub position: usize,
    /// The write: `put`, `create`, `update`, `upsert`, `delete` or `require_exists`.
    pub write: &'static str,
    /// The entity type written.
    pub entity: &'static str,
    /// The entity's tag in partition keys: `LEAD`.
    pub tag: EntityTag,
    /// The table written.
    pub table: String,
    /// The item's partition key.
    pub key: String,
    /// DynamoDB's code: `ConditionalCheckFailed`, `TransactionConflict`…, or `None` for a write
    /// that was not the cause.
    pub code: String,
    /// DynamoDB's message, if it gave one.
    pub message: Option<String>,
}

impl CancellationReason {
    /// Whether this write caused the cancellation (its code is not `None`).
    #[must_use]
    pub fn is_cause(&self) -> bool {
        self.code != "None"
    }

    /// The writes that caused the cancellation, for the error message.
    fn causes(reasons: &[Self]) -> String {
        let causes: Vec<String> = reasons
            .iter()
            .filter(|reason| reason.is_cause())
            .map(Self::to_string)
            .collect();
        if causes.is_empty() {
            "DynamoDB named no write as the cause".to_owned()
        } else {
            causes.join("; ")
        }
    }
}

impl std::fmt::Display for CancellationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "write {} ({} of `{}` {}, key {:?} in table {}): {}",
            self.position, self.write, self.entity, self.tag, self.key, self.table, self.code
        )?;
        match &self.message {
            Some(message) => write!(f, " ({message})"),
            None => Ok(()),
        }
    }
}
