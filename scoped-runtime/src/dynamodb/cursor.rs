//! Query cursors: where a query stopped, as opaque text to resume it from.
//!
//! A [`Cursor`] holds DynamoDB's last evaluated key of a page and a fingerprint of the query it
//! came from: the scope (its kind and key prefix), the table, the entity tag or collection
//! name, the partition key, the direction and the index, if any. Resuming checks the
//! fingerprint against the query being resumed, so a cursor taken from another scope, table,
//! entity, partition, direction or index is an error naming the part that differs, never a
//! page of something else.
//!
//! **Text form.** URL-safe base64 without padding of a compact binary encoding, version 1:
//!
//! | bytes          | field                                                           |
//! |----------------|-----------------------------------------------------------------|
//! | 1              | format version: `1`                                             |
//! | 1              | scope kind: `0` platform, `1` tenant, `2` capsule               |
//! | 1              | direction: `0` ascending, `1` descending                        |
//! | 1              | target: `0` entity, `1` collection                              |
//! | 1              | index: `0` none, `1` present                                    |
//! | string ×4      | scope key prefix, table, entity tag or collection name, partition key |
//! | string         | index name, if present                                          |
//! | 2              | number of last-key attributes (at least 1)                      |
//! | string ×2 each | attribute name, value; names non-empty, strictly ascending      |
//!
//! A string is its UTF-8 length as 2 bytes (big-endian) and its bytes. The encoding is
//! canonical: every cursor has one text, and any other text (trailing bytes, unsorted names,
//! padding, non-zero trailing bits) is rejected, so parsing and printing a cursor gives back
//! the text it was parsed from.
//!
//! **Restarts.** A cursor depends on nothing but the query and the key: no per-process secret,
//! no server-side state. It stays valid across restarts, deployments and instances of the same
//! service, for as long as the item layout it points into stays the same. A later release that
//! changes the format bumps the version and rejects older cursors with
//! [`CursorError::Version`] rather than misreading them.
//!
//! **Not secret.** Cursors are encoded, not encrypted or signed: whoever holds one can decode it
//! and read the tenant and capsule ids, table name, partition key and last sort key in it. Hand
//! them only to callers allowed to see those ids. A forged cursor gains nothing a forged
//! `ExclusiveStartKey` would not: its fingerprint must match the query being resumed, and the
//! isolation guard checks the start key as on every request.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::dynamodb::schema::PARTITION_KEY_ATTRIBUTE;
use crate::scope::ScopeKind;

/// The longest cursor text accepted, in bytes: 16 KiB.
///
/// Longer than any cursor of keys within DynamoDB's limits (a 2 KiB partition key in the
/// fingerprint and the last key, a 1 KiB sort key, an index's keys), short enough that a
/// request carrying garbage is rejected before it is decoded.
pub const MAX_CURSOR_LEN: usize = 16 * 1024;

/// The format version this release writes and reads.
const VERSION: u8 = 1;

/// How many characters of a differing fingerprint part an error shows.
const ERROR_VALUE_CHARS: usize = 96;

/// The order a query returns items in: by sort key, ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Smallest sort key first (DynamoDB's `ScanIndexForward = true`).
    #[default]
    Ascending,
    /// Largest sort key first (DynamoDB's `ScanIndexForward = false`).
    Descending,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ascending => "ascending",
            Self::Descending => "descending",
        })
    }
}

/// What a query reads: one entity's items, or a collection's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum QueryTarget {
    /// The items of the entity with this tag.
    Entity(String),
    /// The items of the collection with this name.
    Collection(String),
}

impl fmt::Display for QueryTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Entity(tag) => write!(f, "entity {}", shorten(tag)),
            Self::Collection(name) => write!(f, "collection {}", shorten(name)),
        }
    }
}

/// Everything that identifies a query for resuming it: a cursor resumes only the query it was
/// taken from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct QueryFingerprint {
    /// The scope's kind.
    pub(crate) scope: ScopeKind,
    /// The scope's partition-key prefix: `TENANT#t1#CAPSULE#c1#`, empty for the platform.
    pub(crate) scope_prefix: String,
    /// The table queried.
    pub(crate) table: String,
    /// The entity or collection read.
    pub(crate) target: QueryTarget,
    /// The partition key the query binds.
    pub(crate) partition_key: String,
    /// The order of the query.
    pub(crate) direction: Direction,
    /// The index queried, if not the table.
    pub(crate) index: Option<String>,
}

/// A part of a query's fingerprint, named by [`CursorError::Mismatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CursorPart {
    /// The scope: its kind and key prefix (tenant and capsule ids).
    Scope,
    /// The table.
    Table,
    /// The entity or collection.
    Target,
    /// The partition key.
    PartitionKey,
    /// The direction.
    Direction,
    /// The index, or none.
    Index,
    /// The partition key in the cursor's last evaluated key, which must be the query's.
    LastKeyPartition,
}

impl fmt::Display for CursorPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scope => "scope",
            Self::Table => "table",
            Self::Target => "entity or collection",
            Self::PartitionKey => "partition key",
            Self::Direction => "direction",
            Self::Index => "index",
            Self::LastKeyPartition => "last evaluated key's partition key",
        })
    }
}

/// A cursor that cannot be read, or that belongs to another query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// The cursor text is longer than [`MAX_CURSOR_LEN`], or a cursor of these keys would be.
    #[error("cursor of {len} bytes rejected: cursors are at most {max} bytes", max = MAX_CURSOR_LEN)]
    TooLong {
        /// The text's length in bytes.
        len: usize,
    },
    /// The text is not URL-safe base64 without padding.
    #[error("cursor rejected: it is not URL-safe base64 without padding ({reason})")]
    NotBase64 {
        /// What is wrong with it.
        reason: String,
    },
    /// The encoding ends before a field is complete: the text was cut, or is not a cursor.
    #[error("cursor rejected: it ends inside its {field}, so it was truncated or is not a cursor")]
    Truncated {
        /// The field it ends in.
        field: &'static str,
    },
    /// The cursor is of a format version this release does not read.
    #[error(
        "cursor rejected: it has format version {found}, and this release reads version \
         {expected} only; run the query again from the start for a new cursor"
    )]
    Version {
        /// The cursor's version.
        found: u8,
        /// The version this release reads.
        expected: u8,
    },
    /// The encoding breaks the format in another way.
    #[error("cursor rejected: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The cursor was taken from another query.
    #[error(
        "cursor rejected: it was taken from another query; its {part} is {found}, but this \
         query's is {expected}"
    )]
    Mismatch {
        /// Which part of the query differs.
        part: CursorPart,
        /// This query's value of the part (long values shortened).
        expected: String,
        /// The cursor's value of the part (long values shortened).
        found: String,
    },
}

/// `value` cut to [`ERROR_VALUE_CHARS`] characters, for error messages.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(ERROR_VALUE_CHARS) {
        Some((at, _)) => format!("{:?}…", &value[..at]),
        None => format!("{value:?}"),
    }
}

/// Where a query stopped, to resume it from: the opaque text a paged query hands out.
///
/// Print it with `to_string()` and parse it back with `str::parse`; the text is URL-safe
/// base64 without padding, so it can go into a URL or a header unescaped. A query resumes only
/// from a cursor it handed out itself (same scope, table, entity or collection, partition,
/// direction and index); any other is a [`CursorError`] naming what differs.
///
/// Cursors survive restarts: they hold no per-process secret and no server-side state. They
/// are **not encrypted**: whoever holds one can decode it and read the tenant and capsule ids,
/// the table, the partition key and the last sort key in it.
///
/// ```
/// use scoped_runtime::{Cursor, CursorError};
///
/// let err = "not a cursor!".parse::<Cursor>().unwrap_err();
/// assert!(matches!(err, CursorError::NotBase64 { .. }));
/// assert!(matches!("".parse::<Cursor>(), Err(CursorError::Truncated { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    fingerprint: QueryFingerprint,
    last_key: BTreeMap<String, String>,
}

impl Cursor {
    /// The cursor of a page of the query `fingerprint` that ended at `last_key` (DynamoDB's
    /// `LastEvaluatedKey`, whose attributes are all strings here).
    ///
    /// # Errors
    ///
    /// [`CursorError::Malformed`] if `last_key` is empty or has an empty attribute name,
    /// [`CursorError::TooLong`] if the cursor's text would exceed [`MAX_CURSOR_LEN`].
    pub(crate) fn new(
        fingerprint: QueryFingerprint,
        last_key: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, CursorError> {
        let last_key: BTreeMap<String, String> = last_key.into_iter().collect();
        if last_key.is_empty() {
            return Err(CursorError::Malformed {
                reason: "a cursor's last evaluated key has at least one attribute",
            });
        }
        if last_key.contains_key("") {
            return Err(CursorError::Malformed {
                reason: "a cursor's last evaluated key has no empty attribute name",
            });
        }
        let cursor = Self {
            fingerprint,
            last_key,
        };
        let len = base64_len(cursor.encoded_len());
        if len > MAX_CURSOR_LEN {
            return Err(CursorError::TooLong { len });
        }
        Ok(cursor)
    }

    /// The last evaluated key to resume `expected` from, if this cursor was taken from it.
    ///
    /// # Errors
    ///
    /// [`CursorError::Mismatch`] naming the first part of the query that differs, in the order
    /// scope, table, entity or collection, partition key, direction, index; or, on a table
    /// (not an index) query, a last evaluated key whose partition key is not the query's.
    pub(crate) fn resume(
        &self,
        expected: &QueryFingerprint,
    ) -> Result<&BTreeMap<String, String>, CursorError> {
        let found = &self.fingerprint;
        let mismatch = |part, expected: String, found: String| {
            Err(CursorError::Mismatch {
                part,
                expected,
                found,
            })
        };
        let scope = |kind: ScopeKind, prefix: &str| match kind {
            ScopeKind::Platform if prefix.is_empty() => "platform".to_owned(),
            kind => format!("{kind} {}", shorten(prefix)),
        };
        if (found.scope, &found.scope_prefix) != (expected.scope, &expected.scope_prefix) {
            return mismatch(
                CursorPart::Scope,
                scope(expected.scope, &expected.scope_prefix),
                scope(found.scope, &found.scope_prefix),
            );
        }
        if found.table != expected.table {
            return mismatch(
                CursorPart::Table,
                shorten(&expected.table),
                shorten(&found.table),
            );
        }
        if found.target != expected.target {
            return mismatch(
                CursorPart::Target,
                expected.target.to_string(),
                found.target.to_string(),
            );
        }
        if found.partition_key != expected.partition_key {
            return mismatch(
                CursorPart::PartitionKey,
                shorten(&expected.partition_key),
                shorten(&found.partition_key),
            );
        }
        if found.direction != expected.direction {
            return mismatch(
                CursorPart::Direction,
                expected.direction.to_string(),
                found.direction.to_string(),
            );
        }
        if found.index != expected.index {
            let index = |index: &Option<String>| {
                index
                    .as_deref()
                    .map_or("the table itself".to_owned(), |name| {
                        format!("index {}", shorten(name))
                    })
            };
            return mismatch(
                CursorPart::Index,
                index(&expected.index),
                index(&found.index),
            );
        }
        if expected.index.is_none() {
            let last_pk = self.last_key.get(PARTITION_KEY_ATTRIBUTE);
            if last_pk != Some(&expected.partition_key) {
                return mismatch(
                    CursorPart::LastKeyPartition,
                    shorten(&expected.partition_key),
                    last_pk.map_or("missing".to_owned(), |pk| shorten(pk)),
                );
            }
        }
        Ok(&self.last_key)
    }

    /// The length of the binary encoding.
    fn encoded_len(&self) -> usize {
        let fp = &self.fingerprint;
        let strings = [
            &fp.scope_prefix,
            &fp.table,
            target_name(&fp.target),
            &fp.partition_key,
        ];
        let mut len = 5 + strings.iter().map(|s| 2 + s.len()).sum::<usize>();
        len += fp.index.as_ref().map_or(0, |index| 2 + index.len());
        len += 2 + self
            .last_key
            .iter()
            .map(|(name, value)| 4 + name.len() + value.len())
            .sum::<usize>();
        len
    }

    /// The binary encoding (see the [module docs](self)).
    fn encode(&self) -> Vec<u8> {
        let fp = &self.fingerprint;
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(VERSION);
        out.push(match fp.scope {
            ScopeKind::Platform => 0,
            ScopeKind::Tenant => 1,
            ScopeKind::Capsule => 2,
        });
        out.push(match fp.direction {
            Direction::Ascending => 0,
            Direction::Descending => 1,
        });
        out.push(match fp.target {
            QueryTarget::Entity(_) => 0,
            QueryTarget::Collection(_) => 1,
        });
        out.push(u8::from(fp.index.is_some()));
        for field in [
            &fp.scope_prefix,
            &fp.table,
            target_name(&fp.target),
            &fp.partition_key,
        ] {
            push_string(&mut out, field);
        }
        if let Some(index) = &fp.index {
            push_string(&mut out, index);
        }
        push_len(&mut out, self.last_key.len());
        for (name, value) in &self.last_key {
            push_string(&mut out, name);
            push_string(&mut out, value);
        }
        debug_assert_eq!(out.len(), self.encoded_len());
        out
    }

    /// Reads the binary encoding, accepting exactly what [`Cursor::encode`] writes.
    fn decode(bytes: &[u8]) -> Result<Self, CursorError> {
        let mut reader = Reader(bytes);
        let version = reader.byte("version")?;
        if version != VERSION {
            return Err(CursorError::Version {
                found: version,
                expected: VERSION,
            });
        }
        let scope = match reader.byte("scope kind")? {
            0 => ScopeKind::Platform,
            1 => ScopeKind::Tenant,
            2 => ScopeKind::Capsule,
            _ => return Err(malformed("its scope kind is not 0, 1 or 2")),
        };
        let direction = match reader.byte("direction")? {
            0 => Direction::Ascending,
            1 => Direction::Descending,
            _ => return Err(malformed("its direction is not 0 or 1")),
        };
        let collection = match reader.byte("target kind")? {
            0 => false,
            1 => true,
            _ => return Err(malformed("its target kind is not 0 or 1")),
        };
        let has_index = match reader.byte("index flag")? {
            0 => false,
            1 => true,
            _ => return Err(malformed("its index flag is not 0 or 1")),
        };
        let scope_prefix = reader.string("scope prefix")?;
        let table = reader.string("table")?;
        let target = reader.string("entity or collection")?;
        let partition_key = reader.string("partition key")?;
        let index = if has_index {
            Some(reader.string("index")?)
        } else {
            None
        };
        let count = reader.len("last key")?;
        if count == 0 {
            return Err(malformed("its last evaluated key is empty"));
        }
        let mut last_key = BTreeMap::new();
        let mut previous: Option<String> = None;
        for _ in 0..count {
            let name = reader.string("last key attribute name")?;
            let value = reader.string("last key attribute value")?;
            if previous.as_ref().is_some_and(|previous| *previous >= name) || name.is_empty() {
                return Err(malformed(
                    "its last key attribute names are not non-empty and strictly ascending",
                ));
            }
            previous = Some(name.clone());
            last_key.insert(name, value);
        }
        if !reader.0.is_empty() {
            return Err(malformed("bytes follow its last field"));
        }
        Ok(Self {
            fingerprint: QueryFingerprint {
                scope,
                scope_prefix,
                table,
                target: if collection {
                    QueryTarget::Collection(target)
                } else {
                    QueryTarget::Entity(target)
                },
                partition_key,
                direction,
                index,
            },
            last_key,
        })
    }
}

fn target_name(target: &QueryTarget) -> &String {
    match target {
        QueryTarget::Entity(name) | QueryTarget::Collection(name) => name,
    }
}

fn malformed(reason: &'static str) -> CursorError {
    CursorError::Malformed { reason }
}

/// The length of `len` bytes in base64 without padding.
fn base64_len(len: usize) -> usize {
    len / 3 * 4 + [0, 2, 3][len % 3]
}

/// Writes a length as 2 bytes, big-endian. Lengths are bounded by [`Cursor::new`]'s size check
/// (a cursor's text is at most [`MAX_CURSOR_LEN`], so no field reaches 65,536 bytes).
fn push_len(out: &mut Vec<u8>, len: usize) {
    let len = u16::try_from(len).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
}

fn push_string(out: &mut Vec<u8>, value: &str) {
    push_len(out, value.len());
    out.extend_from_slice(value.as_bytes());
}

/// Reads fields off the front of a cursor's bytes.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&[u8], CursorError> {
        if self.0.len() < n {
            return Err(CursorError::Truncated { field });
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self, field: &'static str) -> Result<u8, CursorError> {
        Ok(self.take(1, field)?[0])
    }

    fn len(&mut self, field: &'static str) -> Result<usize, CursorError> {
        let bytes = self.take(2, field)?;
        Ok(usize::from(u16::from_be_bytes([bytes[0], bytes[1]])))
    }

    fn string(&mut self, field: &'static str) -> Result<String, CursorError> {
        let len = self.len(field)?;
        let bytes = self.take(len, field)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed("a text field is not UTF-8"))
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.encode()))
    }
}

impl FromStr for Cursor {
    type Err = CursorError;

    /// Reads a cursor's text.
    ///
    /// # Errors
    ///
    /// [`CursorError::TooLong`] over [`MAX_CURSOR_LEN`] bytes, [`CursorError::NotBase64`],
    /// [`CursorError::Version`] for another format version, [`CursorError::Truncated`] and
    /// [`CursorError::Malformed`] for anything else that is not a cursor's text. Never panics.
    fn from_str(text: &str) -> Result<Self, CursorError> {
        if text.len() > MAX_CURSOR_LEN {
            return Err(CursorError::TooLong { len: text.len() });
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|err| {
            let reason = match err {
                base64::DecodeError::InvalidByte(offset, byte) => format!(
                    "byte {byte:#04x} at offset {offset} is not in its alphabet `A-Z a-z 0-9 - _`"
                ),
                base64::DecodeError::InvalidLength(_) => format!(
                    "{} characters is not a length base64 text can have",
                    text.len()
                ),
                base64::DecodeError::InvalidLastSymbol { offset, .. } => format!(
                    "its last character, at offset {offset}, has bits set that encode nothing"
                ),
                base64::DecodeError::InvalidPadding => "padding is not allowed".to_owned(),
            };
            CursorError::NotBase64 { reason }
        })?;
        Self::decode(&bytes)
    }
}

#[cfg(test)]
mod tests;
