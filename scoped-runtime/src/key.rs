//! The partition-key codec.
//!
//! | scope    | key                                                   |
//! |----------|-------------------------------------------------------|
//! | platform | `{ENTITY}#{id}`                                       |
//! | tenant   | `TENANT#{tenant_id}#{ENTITY}#{id}`                    |
//! | capsule  | `TENANT#{tenant_id}#CAPSULE#{capsule_id}#{ENTITY}#{id}` |
//!
//! An entity with several ids appends them in order: `{ENTITY}#{id1}#{id2}`.
//!
//! **Escaping.** Ids may be any non-empty string. In each id, `%` becomes `%25` and `#`
//! becomes `%23`, so an id never contains the separator and every key has exactly one
//! decoding. Tenant ids, capsule ids and entity tags cannot contain `#` by their rules, and
//! entity tags may not be `TENANT` or `CAPSULE`, so the scope of a key is read from its leading
//! segments alone.

use std::borrow::Cow;

use crate::error::KeyError;
use crate::ident::EntityTag;
use crate::scope::{Scope, ScopeKind};
use scoped_rules as rule;

/// DynamoDB's limit on the size of a partition key value, in bytes.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;

const SEPARATOR: char = '#';
const ESCAPE: u8 = b'%';

/// How many leading characters of an over-long key its error shows.
const ERROR_PREFIX_CHARS: usize = 64;

fn needs_escape(b: u8) -> bool {
    b == b'#' || b == ESCAPE
}

fn escaped_len(id: &str) -> usize {
    id.len() + 2 * id.bytes().filter(|&b| needs_escape(b)).count()
}

fn push_escaped(out: &mut String, id: &str) {
    let mut rest = id;
    while let Some(at) = rest.bytes().position(needs_escape) {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'#' {
            "%23"
        } else {
            "%25"
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Builds the key of `entity` with `ids` in `scope`, allocating once with exact capacity.
pub(crate) fn encode<S: Scope>(
    scope: &S,
    entity: &EntityTag,
    ids: &[&str],
) -> Result<String, KeyError> {
    if ids.is_empty() {
        return Err(KeyError::NoIds {
            entity: entity.to_string(),
        });
    }
    let mut len = scope.key_prefix_len() + entity.as_str().len();
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            return Err(KeyError::EmptyId {
                entity: entity.to_string(),
                position: i + 1,
            });
        }
        len += 1 + escaped_len(id);
    }
    let mut key = String::with_capacity(len);
    scope.write_key_prefix(&mut key);
    key.push_str(entity.as_str());
    for id in ids {
        key.push(SEPARATOR);
        push_escaped(&mut key, id);
    }
    debug_assert_eq!(key.len(), len, "key capacity must be exact");
    if len > MAX_PARTITION_KEY_BYTES {
        return Err(KeyError::TooLong {
            prefix: key.chars().take(ERROR_PREFIX_CHARS).collect(),
            len,
        });
    }
    Ok(key)
}

/// The scope segments of a decoded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyScope<'a> {
    /// A platform key: no scope segments.
    Platform,
    /// A tenant key: `TENANT#{tenant_id}#…`.
    Tenant {
        /// The tenant id segment.
        tenant_id: &'a str,
    },
    /// A capsule key: `TENANT#{tenant_id}#CAPSULE#{capsule_id}#…`.
    Capsule {
        /// The tenant id segment.
        tenant_id: &'a str,
        /// The capsule id segment.
        capsule_id: &'a str,
    },
}

impl KeyScope<'_> {
    /// Which scope the key's shape belongs to.
    #[must_use]
    pub fn kind(&self) -> ScopeKind {
        match self {
            Self::Platform => ScopeKind::Platform,
            Self::Tenant { .. } => ScopeKind::Tenant,
            Self::Capsule { .. } => ScopeKind::Capsule,
        }
    }
}

/// A partition key parsed back into its segments, borrowing from the key.
///
/// ```
/// use scoped_runtime::{DecodedKey, KeyScope};
///
/// let key = DecodedKey::parse("TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead%23789")?;
/// assert_eq!(key.scope(), KeyScope::Capsule { tenant_id: "tenant-123", capsule_id: "caps-456" });
/// assert_eq!(key.entity(), "LEAD");
/// assert_eq!(key.ids().collect::<Vec<_>>(), ["lead#789"]);
/// # Ok::<(), scoped_runtime::KeyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodedKey<'a> {
    key: &'a str,
    scope: KeyScope<'a>,
    entity: &'a str,
    ids: &'a str,
}

fn malformed(key: &str, reason: &'static str) -> KeyError {
    KeyError::Malformed {
        key: key.to_owned(),
        reason,
    }
}

impl<'a> DecodedKey<'a> {
    /// Parses `key`, accepting exactly the keys [`Scope::partition_key`] produces.
    ///
    /// # Errors
    ///
    /// [`KeyError::TooLong`] over 2048 bytes, [`KeyError::Malformed`] naming the first
    /// segment that breaks the format: a bad tenant or capsule id, a bad or reserved entity
    /// tag, no id, an empty id, or an escape other than `%23` and `%25`.
    pub fn parse(key: &'a str) -> Result<Self, KeyError> {
        if key.len() > MAX_PARTITION_KEY_BYTES {
            return Err(KeyError::TooLong {
                prefix: key.chars().take(ERROR_PREFIX_CHARS).collect(),
                len: key.len(),
            });
        }
        let mut rest = key;
        let mut next = || -> Option<&'a str> {
            let (segment, tail) = match rest.find(SEPARATOR) {
                Some(at) => (&rest[..at], Some(&rest[at + 1..])),
                None => (rest, None),
            };
            let tail = tail?;
            rest = tail;
            Some(segment)
        };
        let Some(first) = next() else {
            return Err(malformed(
                key,
                "a key has an entity tag and at least one id",
            ));
        };
        let (scope, entity) = if first == "TENANT" {
            let tenant_id = next()
                .filter(|id| rule::check_tenant_id(id).is_ok())
                .ok_or_else(|| malformed(key, "`TENANT` must be followed by a valid tenant id"))?;
            let segment = next().ok_or_else(|| {
                malformed(key, "a tenant key has an entity tag and at least one id")
            })?;
            if segment == "CAPSULE" {
                let capsule_id = next()
                    .filter(|id| rule::check_capsule_id(id).is_ok())
                    .ok_or_else(|| {
                        malformed(key, "`CAPSULE` must be followed by a valid capsule id")
                    })?;
                let entity = next().ok_or_else(|| {
                    malformed(key, "a capsule key has an entity tag and at least one id")
                })?;
                (
                    KeyScope::Capsule {
                        tenant_id,
                        capsule_id,
                    },
                    entity,
                )
            } else {
                (KeyScope::Tenant { tenant_id }, segment)
            }
        } else {
            (KeyScope::Platform, first)
        };
        if rule::check_entity_tag(entity).is_err() {
            return Err(malformed(
                key,
                "the entity segment is not a valid entity tag",
            ));
        }
        let ids = rest;
        for id in ids.split(SEPARATOR) {
            check_escaped_id(key, id)?;
        }
        Ok(Self {
            key,
            scope,
            entity,
            ids,
        })
    }

    /// The whole key.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.key
    }

    /// The scope segments.
    #[must_use]
    pub fn scope(&self) -> KeyScope<'a> {
        self.scope
    }

    /// The entity tag.
    #[must_use]
    pub fn entity(&self) -> &'a str {
        self.entity
    }

    /// The ids, unescaped, in order. Borrowed unless an id contained an escape.
    pub fn ids(&self) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        self.ids.split(SEPARATOR).map(unescape)
    }
}

fn check_escaped_id(key: &str, id: &str) -> Result<(), KeyError> {
    if id.is_empty() {
        return Err(malformed(key, "ids must not be empty"));
    }
    let bytes = id.as_bytes();
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == ESCAPE) {
        let escape = bytes.get(i + at + 1..i + at + 3);
        if escape != Some(b"23") && escape != Some(b"25") {
            return Err(malformed(key, "`%` in an id must start `%23` or `%25`"));
        }
        i += at + 3;
    }
    Ok(())
}

/// Reverses [`push_escaped`] on an id already checked by [`check_escaped_id`].
fn unescape(id: &str) -> Cow<'_, str> {
    if !id.contains('%') {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len());
    let mut rest = id;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        out.push(if rest[at + 1..].starts_with("23") {
            '#'
        } else {
            '%'
        });
        rest = rest.get(at + 3..).unwrap_or_default();
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capsule, Platform, Tenant};

    const LEAD: EntityTag = EntityTag::from_static("LEAD");

    #[test]
    fn keys_of_each_scope() {
        let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
        let tenant = Tenant::new("tenant-123", "Acme").unwrap();
        assert_eq!(
            capsule.partition_key(&LEAD, &["lead-789"]).unwrap(),
            "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
        );
        assert_eq!(
            tenant.partition_key(&LEAD, &["a", "b"]).unwrap(),
            "TENANT#tenant-123#LEAD#a#b"
        );
        assert_eq!(
            Platform::new().partition_key(&LEAD, &["50%#"]).unwrap(),
            "LEAD#50%25%23"
        );
    }

    #[test]
    fn bad_ids_are_errors() {
        let platform = Platform::new();
        assert!(matches!(
            platform.partition_key(&LEAD, &["a", ""]),
            Err(KeyError::EmptyId { position: 2, .. })
        ));
        assert!(matches!(
            platform.partition_key(&LEAD, &[]),
            Err(KeyError::NoIds { .. })
        ));
        let long = "#".repeat(700);
        assert!(matches!(
            platform.partition_key(&LEAD, &[&long]),
            Err(KeyError::TooLong { len: 2105, .. })
        ));
        let fits = "x".repeat(MAX_PARTITION_KEY_BYTES - "LEAD#".len());
        assert!(platform.partition_key(&LEAD, &[&fits]).is_ok());
    }

    #[test]
    fn decoding_round_trips() {
        let decoded = DecodedKey::parse("TENANT#t1#LEAD#%25%23x#y%2523").unwrap();
        assert_eq!(decoded.scope(), KeyScope::Tenant { tenant_id: "t1" });
        assert_eq!(decoded.ids().collect::<Vec<_>>(), ["%#x", "y%23"]);
    }

    #[test]
    fn malformed_keys() {
        for key in [
            "",
            "LEAD",
            "LEAD#",
            "LEAD#a##b",
            "lead#a",
            "TENANT#x",
            "TENANT#T1#LEAD#a",
            "TENANT#t1#CAPSULE#c1",
            "TENANT#t1#CAPSULE#c1#LEAD",
            "TENANT#t1#CAPSULE#c_1#LEAD#a",
            "TENANT#t1#CAPSULE#c1#TENANT#a",
            "TENANT#t1#LEAD#50%",
            "TENANT#t1#LEAD#50%2",
            "TENANT#t1#LEAD#%41",
        ] {
            assert!(
                matches!(DecodedKey::parse(key), Err(KeyError::Malformed { .. })),
                "{key:?} should be malformed"
            );
        }
    }
}
