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
use crate::kind::ScopeKind;
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

/// `key` after the escaped form of `id` (`%` as `%25`, `#` as `%23`), if `key` starts with it:
/// compares without building the escaped text.
fn strip_escaped_id<'k>(key: &'k str, id: &str) -> Option<&'k str> {
    let mut rest = key.as_bytes();
    for &b in id.as_bytes() {
        let expected: &[u8] = match b {
            b'#' => b"%23",
            ESCAPE => b"%25",
            _ => std::slice::from_ref(&b),
        };
        rest = rest.strip_prefix(expected)?;
    }
    key.get(key.len() - rest.len()..)
}

/// The part of a partition key before its entity tag: a scope's (`TENANT#t1#`), empty for the
/// platform. The scopes implement it (`scope.rs`); the codec needs nothing else of them.
pub(crate) mod prefix {
    /// A partition-key prefix. Public in a private module: it bounds the hidden methods of the
    /// public [`KeyIds`](crate::KeyIds), and no one outside the crate can name it.
    pub trait KeyPrefix {
        /// The prefix's length in bytes.
        fn key_prefix_len(&self) -> usize;

        /// Appends the prefix to `out`.
        fn write_key_prefix(&self, out: &mut String);

        /// `key` without the prefix, if it starts with it.
        fn strip_key_prefix<'k>(&self, key: &'k str) -> Option<&'k str>;
    }
}

pub(crate) use prefix::KeyPrefix;

/// Calls its argument with each id of a key, in order.
pub(crate) type VisitIds<'a> = dyn Fn(&mut dyn FnMut(&str)) + 'a;

/// Whether `key` is exactly the key of `entity` with `ids` in `scope`, what [`encode`] would
/// build, compared in place: the check of every item read back, which must not allocate.
pub(crate) fn matches<P: KeyPrefix + ?Sized>(
    scope: &P,
    entity: &EntityTag,
    ids: &VisitIds<'_>,
    key: &str,
) -> bool {
    let Some(rest) = scope
        .strip_key_prefix(key)
        .and_then(|rest| rest.strip_prefix(entity.as_str()))
    else {
        return false;
    };
    let mut rest = Some(rest);
    let mut count = 0;
    ids(&mut |id| {
        count += 1;
        rest = rest
            .filter(|_| !id.is_empty())
            .and_then(|rest| rest.strip_prefix(SEPARATOR))
            .and_then(|rest| strip_escaped_id(rest, id));
    });
    count > 0 && rest == Some("")
}

/// Builds the key of `entity` with `ids` in `scope`, allocating once with exact capacity.
pub(crate) fn encode<P: KeyPrefix + ?Sized>(
    scope: &P,
    entity: &EntityTag,
    ids: &[&str],
) -> Result<String, KeyError> {
    encode_visited(scope, entity, &|visit| {
        for id in ids {
            visit(id);
        }
    })
}

/// Builds the key of `entity` with the ids `ids` visits, in `scope`, allocating once with exact
/// capacity: an index key's ids are its index name, its template's fields and its shard, which
/// need no slice of their own.
pub(crate) fn encode_visited<P: KeyPrefix + ?Sized>(
    scope: &P,
    entity: &EntityTag,
    ids: &VisitIds<'_>,
) -> Result<String, KeyError> {
    let mut len = scope.key_prefix_len() + entity.as_str().len();
    let mut count = 0;
    let mut empty = None;
    let mut escapes = false;
    ids(&mut |id| {
        count += 1;
        if id.is_empty() && empty.is_none() {
            empty = Some(count);
        }
        let escaped = escaped_len(id);
        escapes |= escaped != id.len();
        len += 1 + escaped;
    });
    if count == 0 {
        return Err(KeyError::NoIds {
            entity: entity.to_string(),
        });
    }
    if let Some(position) = empty {
        return Err(KeyError::EmptyId {
            entity: entity.to_string(),
            position,
        });
    }
    let mut key = String::with_capacity(len);
    scope.write_key_prefix(&mut key);
    key.push_str(entity.as_str());
    ids(&mut |id| {
        key.push(SEPARATOR);
        // Most ids need no escape: the first pass knows, so this one copies them whole.
        if escapes {
            push_escaped(&mut key, id);
        } else {
            key.push_str(id);
        }
    });
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
    /// Parses `key`, accepting exactly the keys [`Scope::partition_key`](crate::Scope::partition_key) produces.
    ///
    /// # Errors
    ///
    /// [`KeyError::TooLong`] over 2048 bytes, [`KeyError::Malformed`] naming the first
    /// segment that breaks the format: a bad tenant or capsule id, a bad or reserved entity
    /// tag (`UNIQUE`, the tag of uniqueness items, is accepted), no id, an empty id, or an escape other than `%23` and `%25`.
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
        if !is_key_tag(entity) {
            return Err(malformed(
                key,
                "the entity segment is not a valid entity tag",
            ));
        }
        let ids = rest;
        if let Some(reason) = escaped_ids_fault(ids) {
            return Err(malformed(key, reason));
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

/// Whether `tag` may head a key after its scope segments: an entity tag, or `UNIQUE`, the
/// reserved tag of uniqueness items (`{scope prefix}UNIQUE#{ENTITY}#{attribute}#{value}`,
/// `ops::unique`), which no entity can have, so their keys are the scope's and never an
/// entity's.
fn is_key_tag(tag: &str) -> bool {
    tag == EntityTag::UNIQUE.as_str() || rule::check_entity_tag(tag).is_ok()
}

/// Whether `rest`, what follows a key's scope segments, is `{ENTITY}#{id}…` as
/// [`DecodedKey::parse`] accepts it there: the answer without building the decoded key or an
/// error, for [`Scope::check_key`](crate::Scope::check_key)'s fast path.
pub(crate) fn is_entity_and_ids(rest: &str) -> bool {
    rest.split_once(SEPARATOR)
        .is_some_and(|(entity, ids)| is_key_tag(entity) && escaped_ids_fault(ids).is_none())
}

/// Why `ids`, a key's escaped ids joined by `#`, are not valid: the first id that is empty or
/// has a `%` starting neither `%23` nor `%25`. One pass over the bytes: this runs on every
/// key checked.
fn escaped_ids_fault(ids: &str) -> Option<&'static str> {
    const EMPTY: &str = "ids must not be empty";
    let bytes = ids.as_bytes();
    let mut id_is_empty = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' if id_is_empty => return Some(EMPTY),
            b'#' => id_is_empty = true,
            ESCAPE => {
                if !matches!(bytes.get(i + 1..i + 3), Some(b"23" | b"25")) {
                    return Some("`%` in an id must start `%23` or `%25`");
                }
                id_is_empty = false;
                i += 2;
            }
            _ => id_is_empty = false,
        }
        i += 1;
    }
    id_is_empty.then_some(EMPTY)
}

/// Reverses [`push_escaped`] on an id already checked by [`escaped_ids_fault`].
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
    // Ownership checks (`check_key`) are the scopes' (tests only: the codec knows no scope).
    use super::*;
    use crate::Scope as _;

    #[test]
    fn keys_match_exactly_what_encode_builds() {
        let capsule = crate::Capsule::new("t1", "c1", "PRODUS").unwrap();
        let tag = EntityTag::from_static("LEAD");
        let cases: [&[&str]; 4] = [&["l1"], &["a#b%c", "x"], &["ünï"], &["%23"]];
        for ids in cases {
            let key = encode(&capsule, &tag, ids).unwrap();
            let visit = |f: &mut dyn FnMut(&str)| ids.iter().for_each(|id| f(id));
            assert!(matches(&capsule, &tag, &visit, &key), "{key}");
            for other in [
                format!("{key}x"),
                format!("{key}#y"),
                key.replace("%23", "#"),
                key.replacen("LEAD", "LEAF", 1),
                key.replacen("t1", "t10", 1),
                {
                    let mut shorter = key.clone();
                    shorter.pop();
                    shorter
                },
            ] {
                if other != key {
                    assert!(!matches(&capsule, &tag, &visit, &other), "{other}");
                }
            }
        }
        let empty = |f: &mut dyn FnMut(&str)| f("");
        assert!(!matches(
            &capsule,
            &tag,
            &empty,
            "TENANT#t1#CAPSULE#c1#LEAD#"
        ));
    }
    use crate::{Capsule, IsolationViolation, Platform, Tenant};

    const LEAD: EntityTag = EntityTag::from_static("LEAD");

    #[test]
    fn keys_of_each_scope() {
        let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
        let tenant = Tenant::new("tenant-123", "Acme").unwrap();
        assert_eq!(
            encode(&capsule, &LEAD, &["lead-789"]).unwrap(),
            "TENANT#tenant-123#CAPSULE#caps-456#LEAD#lead-789"
        );
        assert_eq!(
            encode(&tenant, &LEAD, &["a", "b"]).unwrap(),
            "TENANT#tenant-123#LEAD#a#b"
        );
        assert_eq!(
            encode(&Platform::new(), &LEAD, &["50%#"]).unwrap(),
            "LEAD#50%25%23"
        );
    }

    #[test]
    fn bad_ids_are_errors() {
        let platform = Platform::new();
        assert!(matches!(
            encode(&platform, &LEAD, &["a", ""]),
            Err(KeyError::EmptyId { position: 2, .. })
        ));
        assert!(matches!(
            encode(&platform, &LEAD, &[]),
            Err(KeyError::NoIds { .. })
        ));
        let long = "#".repeat(700);
        assert!(matches!(
            encode(&platform, &LEAD, &[&long]),
            Err(KeyError::TooLong { len: 2105, .. })
        ));
        let fits = "x".repeat(MAX_PARTITION_KEY_BYTES - "LEAD#".len());
        assert!(encode(&platform, &LEAD, &[&fits]).is_ok());
    }

    #[test]
    fn decoding_round_trips() {
        let decoded = DecodedKey::parse("TENANT#t1#LEAD#%25%23x#y%2523").unwrap();
        assert_eq!(decoded.scope(), KeyScope::Tenant { tenant_id: "t1" });
        assert_eq!(decoded.ids().collect::<Vec<_>>(), ["%#x", "y%23"]);
    }

    /// Uniqueness items (`ops::unique`) are keyed `{scope prefix}UNIQUE#…`: keys of the scope
    /// the guard must accept, though no entity can have the tag `UNIQUE`.
    #[test]
    fn uniqueness_keys_are_keys_of_their_scope() {
        let capsule = Capsule::new("t1", "c1", "PRODUS").unwrap();
        let tenant = Tenant::new("t1", "Acme").unwrap();
        let key = "TENANT#t1#CAPSULE#c1#UNIQUE#LEAD#email#a@b";
        assert_eq!(DecodedKey::parse(key).unwrap().entity(), "UNIQUE");
        capsule.check_key(key).unwrap();
        tenant.check_key("TENANT#t1#UNIQUE#HOOK#url#x").unwrap();
        Platform::new().check_key("UNIQUE#LEAD#email#a").unwrap();
        // A capsule's uniqueness key is not its tenant's, nor another tenant's.
        assert!(tenant.check_key(key).is_err());
        assert!(
            Tenant::new("t2", "Other")
                .unwrap()
                .check_key("TENANT#t1#UNIQUE#HOOK#url#x")
                .is_err()
        );
        // Other reserved tags stay rejected.
        assert!(DecodedKey::parse("TENANT#t1#CAPSULE#c1#TENANT#x").is_err());
    }

    /// `check_key` accepts a key that starts with the scope's own prefix without decoding it;
    /// its verdict must be the full decoder's, also for keys one edit away from valid.
    #[test]
    fn check_key_agrees_with_decoding() {
        let capsule = Capsule::new("t1", "c1", "PRODUS").unwrap();
        let tenant = Tenant::new("t1", "Acme").unwrap();
        let long = format!("TENANT#t1#LEAD#{}", "x".repeat(MAX_PARTITION_KEY_BYTES));
        let keys = [
            "TENANT#t1#CAPSULE#c1#LEAD#a%23b#7",
            "TENANT#t1#CAPSULE#c1#CAPSULE#a",
            "TENANT#t1#CAPSULE#c1#TENANT#a",
            "TENANT#t1#CAPSULE#c1#LEAD",
            "TENANT#t1#CAPSULE#c1#LEAD#",
            "TENANT#t1#CAPSULE#c1#LEAD#a#",
            "TENANT#t1#CAPSULE#c1#LEAD#a##b",
            "TENANT#t1#CAPSULE#c1#LEAD#a%2",
            "TENANT#t1#CAPSULE#c1#LEAD#a%2#3",
            "TENANT#t1#CAPSULE#c1#lead#a",
            "TENANT#t1#CAPSULE#c10#LEAD#a",
            "TENANT#t10#CAPSULE#c1#LEAD#a",
            "TENANT#t1#LEAD#a",
            "TENANT#t1#LEAD#%25",
            "LEAD#a",
            "TENANT#a",
            long.as_str(),
        ];
        for key in keys {
            let decoded = DecodedKey::parse(key).map_err(IsolationViolation::Malformed);
            let by_decoding =
                |scope: &dyn Fn(&DecodedKey<'_>) -> Result<(), IsolationViolation>| {
                    decoded.clone().and_then(|decoded| scope(&decoded))
                };
            assert_eq!(
                capsule.check_key(key),
                by_decoding(&|d| capsule.owns(d)),
                "{key}"
            );
            assert_eq!(
                tenant.check_key(key),
                by_decoding(&|d| tenant.owns(d)),
                "{key}"
            );
            assert_eq!(
                Platform::new().check_key(key),
                by_decoding(&|d| Platform::new().owns(d)),
                "{key}"
            );
        }
        assert_eq!(capsule.check_key(keys[0]), Ok(()));
        assert_eq!(tenant.check_key("TENANT#t1#LEAD#%25"), Ok(()));
        assert_eq!(Platform::new().check_key("LEAD#a"), Ok(()));
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
