//! [`IsolationViolation`]: a request, key or item outside the client's scope.

use super::KeyError;
use crate::scope::ScopeKind;

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
        "{what} for table {table:?} has no string attribute `{pk}`: every item and key a scoped \
         client sends carries its scope's partition key in `{pk}`",
        // DynamoDB's `PARTITION_KEY_ATTRIBUTE`, spelled out: the core imports no service
        // (dynamodb/schema.rs tests that the two agree).
        pk = "pk"
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
    /// An index key attribute that an item, an update or a key condition gives a value the
    /// guard does not accept: every `pk_{index}` attribute holds a string key of the client's
    /// scope, so that an index partition never mixes two scopes' items, and every
    /// `sk_{index}` attribute a non-empty string, as every index sort key the library writes.
    #[error(
        "{what} for table {table:?} rejected: index key attribute `{attribute}` = {value} {rule}"
    )]
    IndexKey {
        /// The table.
        table: String,
        /// `"item"`, `"update"`, `"query"` or `"ExclusiveStartKey"`.
        what: &'static str,
        /// The attribute: `pk_{index}` or `sk_{index}`.
        attribute: String,
        /// The value it was given, as DynamoDB's JSON would show its type (`S "TENANT#t2#…"`,
        /// `N "1"`), or the expression that computes it.
        value: String,
        /// The rule it breaks.
        rule: String,
    },
    /// A `CreateTable` or `UpdateTable` that defines a secondary index outside the naming
    /// convention (index `{name}` keyed by the string `pk_{name}`, `HASH`, and optionally the
    /// string `sk_{name}`, `RANGE`) or, on a declared table, outside its declaration.
    #[error("{operation} of table {table:?} rejected: index {index:?} {reason}")]
    IndexSchema {
        /// `CreateTable` or `UpdateTable`.
        operation: &'static str,
        /// The table.
        table: String,
        /// The index name (empty when the index is missing from the request).
        index: String,
        /// What is wrong and what the guard expects.
        reason: String,
    },
    /// A query of a declared shared table names an index its declaration does not declare.
    #[error(
        "query on table {table:?} rejected: it names index {index:?}, but the table's declaration \
         declares {declared}; a query of a shared table uses a declared index, whose partition \
         values the library keeps inside each scope"
    )]
    UndeclaredIndex {
        /// The table.
        table: String,
        /// The index the query names.
        index: String,
        /// The declared indexes, for the message: `` `by_email`, `recent` `` or `no index`.
        declared: String,
    },
    /// A query whose key condition does not provably bind `pk` (or, on an index of a shared
    /// table, the index's partition attribute) to one value.
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
    /// A request reached a shared client's guard without the scope a typed operation stamps
    /// on it: a bug in this crate, rejected rather than sent unchecked.
    #[error(
        "{operation} rejected: the request carries no scope to check it against (every typed \
         operation stamps one; please report this as a bug in scoped-runtime)"
    )]
    Unscoped {
        /// The DynamoDB operation.
        operation: String,
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
    /// the [`IsolationViolation`]; this finds it there, and in a service error that wraps it
    /// (such as [`Error::Isolation`](crate::Error::Isolation), whose source it is).
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
            next = error.source();
        }
        None
    }
}
