//! S3 object keys: each scope's objects live under a key prefix of its own.
//!
//! | scope    | prefix                              | object key of `Upload { lead_id, file }` in `uploads` |
//! |----------|-------------------------------------|-------------------------------------------------------|
//! | platform | `platform/`                         | `platform/uploads/{lead_id}/{file}`                    |
//! | tenant   | `tenant/{tenant_id}/`               | `tenant/tenant-123/uploads/{lead_id}/{file}`           |
//! | capsule  | `capsule/{tenant_id}/{capsule_id}/` | `capsule/tenant-123/caps-456/uploads/{lead_id}/{file}` |
//!
//! **Invariant: the prefixes are prefix-free.** No scope's prefix is a prefix of another's, so
//! a key (or a listing `Prefix`) under one scope's prefix is under no other's:
//!
//! - the first segment (`platform`, `tenant`, `capsule`) names the scope kind, and the
//!   platform prefix ends there, so prefixes of different kinds differ in their first segment;
//! - tenant and capsule ids never contain `/` (they are `a-z 0-9 -`), and every prefix ends in
//!   `/`, so `tenant/t1/` is not a prefix of `tenant/t10/`, nor `…/caps-456/` of `…/caps-4567/`;
//! - a tenant's objects are not under its capsules' prefix nor the other way round: capsules
//!   live under `capsule/`, not under `tenant/{tenant_id}/`, so listing a tenant's objects
//!   never shows a capsule's (and a tenant's session policy grants no capsule object).
//!
//! Ids are escaped into one segment each (`%` → `%25`, `/` → `%2F`, control characters as
//! their UTF-8 bytes in `%XX`, and an id that is exactly `.` or `..` as `%2E`s), so an id can neither add a segment
//! nor make a path segment that a client might normalise away; object keys are therefore
//! injective too, and every key the library builds passes the guard's normal-form check
//! ([`check_normal`]).

use std::fmt::Write as _;

use crate::scope::{AnyScope, Capsule, ScopeRef, Tenant};

/// S3's limit on the length of an object key, in bytes.
pub(crate) const MAX_OBJECT_KEY_BYTES: usize = 1024;

/// The first segment of each scope kind's prefix.
pub(crate) const PLATFORM_ROOT: &str = "platform/";
/// See [`PLATFORM_ROOT`].
pub(crate) const TENANT_ROOT: &str = "tenant/";
/// See [`PLATFORM_ROOT`].
pub(crate) const CAPSULE_ROOT: &str = "capsule/";

/// Writes `scope`'s object key prefix, ending in `/`.
pub(crate) fn write_scope_prefix(scope: ScopeRef<'_>, out: &mut String) {
    match scope {
        ScopeRef::Platform => out.push_str(PLATFORM_ROOT),
        ScopeRef::Tenant(tenant) => write_tenant_prefix(tenant, out),
        ScopeRef::Capsule(capsule) => write_capsule_prefix(capsule, out),
    }
}

fn write_tenant_prefix(tenant: &Tenant, out: &mut String) {
    out.push_str(TENANT_ROOT);
    out.push_str(tenant.id().as_str());
    out.push('/');
}

fn write_capsule_prefix(capsule: &Capsule, out: &mut String) {
    out.push_str(CAPSULE_ROOT);
    out.push_str(capsule.tenant_id().as_str());
    out.push('/');
    out.push_str(capsule.id().as_str());
    out.push('/');
}

/// `scope`'s object key prefix: `capsule/tenant-123/caps-456/`.
pub(crate) fn scope_prefix(scope: &AnyScope) -> String {
    let scope = scope.scope_ref();
    let mut out = String::with_capacity(prefix_len(scope));
    write_scope_prefix(scope, &mut out);
    out
}

/// The length of `scope`'s prefix in bytes.
pub(crate) fn prefix_len(scope: ScopeRef<'_>) -> usize {
    match scope {
        ScopeRef::Platform => PLATFORM_ROOT.len(),
        ScopeRef::Tenant(tenant) => TENANT_ROOT.len() + tenant.id().as_str().len() + 1,
        ScopeRef::Capsule(capsule) => {
            CAPSULE_ROOT.len()
                + capsule.tenant_id().as_str().len()
                + capsule.id().as_str().len()
                + 2
        }
    }
}

/// Why a name could not be built or a key is not in normal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRule {
    /// An id is empty: it would make an empty segment (`//`).
    EmptyId,
    /// The key is longer than S3's 1,024 bytes.
    TooLong,
    /// The key has an empty segment (`//`, or a leading or trailing `/` where a name belongs).
    EmptySegment,
    /// The key has a `.` or `..` segment, which clients may normalise into another key.
    DotSegment,
    /// The key holds a control character.
    ControlCharacter,
}

impl KeyRule {
    /// The rule, as a sentence for errors.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::EmptyId => "an id must not be empty (it would make an empty `//` segment)",
            Self::TooLong => "an object key is at most 1,024 bytes",
            Self::EmptySegment => {
                "a key must not have an empty segment (`//`, or a leading `/`): clients and \
                 proxies may merge them into another key"
            }
            Self::DotSegment => {
                "a key must not have a `.` or `..` segment: clients and proxies may resolve \
                 them into another scope's key"
            }
            Self::ControlCharacter => "a key must not contain control characters",
        }
    }
}

/// Escapes one id into `out` as one segment (see the module docs).
pub(crate) fn write_id(id: &str, out: &mut String) -> Result<(), KeyRule> {
    if id.is_empty() {
        return Err(KeyRule::EmptyId);
    }
    if id == "." || id == ".." {
        for _ in 0..id.len() {
            out.push_str("%2E");
        }
        return Ok(());
    }
    if !id.chars().any(needs_escape) {
        out.push_str(id);
        return Ok(());
    }
    for ch in id.chars() {
        if needs_escape(ch) {
            let mut utf8 = [0; 4];
            for byte in ch.encode_utf8(&mut utf8).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            out.push(ch);
        }
    }
    Ok(())
}

/// `%` (the escape), `/` (the separator) and control characters (C0, DEL and C1), which the
/// normal-form check rejects in keys.
fn needs_escape(ch: char) -> bool {
    ch == '%' || ch == '/' || ch.is_control()
}

/// Reverses [`write_id`]: the id a segment holds, or `None` if it is not an escaped id.
pub(crate) fn read_id(segment: &str) -> Option<String> {
    if segment.is_empty() || segment.contains('/') {
        return None;
    }
    if !segment.contains('%') {
        return Some(segment.to_owned());
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The object key `{scope prefix}{collection}/{id}/{id}…` (the collection is valid by
/// `scoped_rules::check_object_collection`).
pub(crate) fn object_key(
    scope: ScopeRef<'_>,
    collection: &str,
    ids: &[&str],
) -> Result<String, KeyRule> {
    let ids_len = ids.iter().map(|id| id.len() + 1).sum::<usize>();
    object_key_with(scope, collection, ids_len, |id| {
        ids.iter().try_for_each(|each| id(each))
    })
}

/// [`object_key`] with the ids handed over one at a time by `visit` (which stops at the first
/// error), so a caller holding them in its own shape collects nothing; `ids_len` is a guess of
/// their escaped length, for the key's one allocation.
pub(crate) fn object_key_with(
    scope: ScopeRef<'_>,
    collection: &str,
    ids_len: usize,
    visit: impl FnOnce(&mut dyn FnMut(&str) -> Result<(), KeyRule>) -> Result<(), KeyRule>,
) -> Result<String, KeyRule> {
    let mut out = String::with_capacity(prefix_len(scope) + collection.len() + ids_len);
    write_scope_prefix(scope, &mut out);
    out.push_str(collection);
    visit(&mut |id| {
        out.push('/');
        write_id(id, &mut out)
    })?;
    if out.len() > MAX_OBJECT_KEY_BYTES {
        return Err(KeyRule::TooLong);
    }
    Ok(out)
}

/// The listing prefix `{scope prefix}{collection}/` followed by the given leading ids, each
/// followed by `/`.
pub(crate) fn list_prefix(
    scope: &AnyScope,
    collection: &str,
    ids: &[&str],
) -> Result<String, KeyRule> {
    let mut out = scope_prefix(scope);
    out.push_str(collection);
    out.push('/');
    for id in ids {
        write_id(id, &mut out)?;
        out.push('/');
    }
    if out.len() > MAX_OBJECT_KEY_BYTES {
        return Err(KeyRule::TooLong);
    }
    Ok(out)
}

/// Checks that `key` is in the normal form every S3 client and proxy leaves alone: no empty
/// segment, no `.` or `..` segment, no control character, at most 1,024 bytes. A trailing `/`
/// is allowed when `trailing_slash` (a listing prefix), never on an object key.
pub(crate) fn check_normal(key: &str, trailing_slash: bool) -> Result<(), KeyRule> {
    if key.len() > MAX_OBJECT_KEY_BYTES {
        return Err(KeyRule::TooLong);
    }
    if key.chars().any(char::is_control) {
        return Err(KeyRule::ControlCharacter);
    }
    let body = if trailing_slash {
        key.strip_suffix('/').unwrap_or(key)
    } else {
        key
    };
    for segment in body.split('/') {
        match segment {
            "" => return Err(KeyRule::EmptySegment),
            "." | ".." => return Err(KeyRule::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn tenant(id: &str) -> AnyScope {
        AnyScope::Tenant(Tenant::new(id, "t").unwrap())
    }

    fn capsule(tenant: &str, id: &str) -> AnyScope {
        AnyScope::Capsule(Capsule::new(tenant, id, "PRODUS").unwrap())
    }

    #[test]
    fn prefixes_by_scope() {
        assert_eq!(scope_prefix(&AnyScope::Platform), "platform/");
        assert_eq!(scope_prefix(&tenant("t1")), "tenant/t1/");
        assert_eq!(scope_prefix(&capsule("t1", "c1")), "capsule/t1/c1/");
        for scope in [AnyScope::Platform, tenant("t1"), capsule("t1", "c1")] {
            assert_eq!(scope_prefix(&scope).len(), prefix_len(scope.scope_ref()));
        }
    }

    #[test]
    fn classic_siblings_are_not_prefixes() {
        let t1 = scope_prefix(&tenant("t1"));
        let t10 = scope_prefix(&tenant("t10"));
        assert!(!t10.starts_with(&t1) && !t1.starts_with(&t10));
        let c = scope_prefix(&capsule("t1", "caps-456"));
        let c7 = scope_prefix(&capsule("t1", "caps-4567"));
        assert!(!c7.starts_with(&c));
        assert!(!c.starts_with(&t1));
    }

    #[test]
    fn ids_are_escaped_into_one_segment() {
        let key = object_key(
            tenant("t1").scope_ref(),
            "uploads",
            &["a/b", "%2F", "..", ".", "x\n\u{85}"],
        )
        .unwrap();
        assert_eq!(key, "tenant/t1/uploads/a%2Fb/%252F/%2E%2E/%2E/x%0A%C2%85");
        assert_eq!(check_normal(&key, false), Ok(()));
        assert_eq!(
            object_key(tenant("t1").scope_ref(), "uploads", &[""]),
            Err(KeyRule::EmptyId)
        );
        let long = "x".repeat(1024);
        assert_eq!(
            object_key(tenant("t1").scope_ref(), "uploads", &[&long]),
            Err(KeyRule::TooLong)
        );
    }

    #[test]
    fn normal_form() {
        assert_eq!(check_normal("tenant/t1/a", false), Ok(()));
        assert_eq!(check_normal("tenant/t1/a/", true), Ok(()));
        assert_eq!(
            check_normal("tenant/t1/a/", false),
            Err(KeyRule::EmptySegment)
        );
        assert_eq!(
            check_normal("tenant/t1//a", false),
            Err(KeyRule::EmptySegment)
        );
        assert_eq!(
            check_normal("/tenant/t1/a", false),
            Err(KeyRule::EmptySegment)
        );
        assert_eq!(
            check_normal("tenant/t1/../t2/a", false),
            Err(KeyRule::DotSegment)
        );
        assert_eq!(
            check_normal("tenant/t1/./a", false),
            Err(KeyRule::DotSegment)
        );
        assert_eq!(
            check_normal("tenant/t1/a\u{0}", false),
            Err(KeyRule::ControlCharacter)
        );
    }

    fn ident() -> impl Strategy<Value = String> {
        "[a-z0-9][a-z0-9-]{0,6}"
    }

    fn any_scope() -> impl Strategy<Value = AnyScope> {
        prop_oneof![
            Just(AnyScope::Platform),
            ident().prop_map(|t| tenant(&t)),
            (ident(), ident()).prop_map(|(t, c)| capsule(&t, &c)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// docs/design.md, invariant 8: no scope's prefix is a prefix of another's.
        #[test]
        fn prefixes_are_prefix_free(a in any_scope(), b in any_scope()) {
            let (pa, pb) = (scope_prefix(&a), scope_prefix(&b));
            if a == b {
                prop_assert_eq!(pa, pb);
            } else {
                prop_assert!(!pb.starts_with(&pa), "{pa} is a prefix of {pb}");
            }
        }

        /// Object keys are injective, stay under their scope's prefix, and read back.
        #[test]
        fn object_keys_are_injective(
            a in any_scope(), b in any_scope(),
            ia in prop::collection::vec(".{1,6}", 1..3),
            ib in prop::collection::vec(".{1,6}", 1..3),
        ) {
            let ra: Vec<&str> = ia.iter().map(String::as_str).collect();
            let rb: Vec<&str> = ib.iter().map(String::as_str).collect();
            let ka = object_key(a.scope_ref(), "uploads", &ra).unwrap();
            let kb = object_key(b.scope_ref(), "uploads", &rb).unwrap();
            prop_assert_eq!(ka == kb, a == b && ia == ib);
            prop_assert!(ka.starts_with(&scope_prefix(&a)));
            prop_assert_eq!(check_normal(&ka, false), Ok(()));
            let rest = &ka[scope_prefix(&a).len() + "uploads/".len()..];
            let read: Vec<String> = rest.split('/').map(|s| read_id(s).unwrap()).collect();
            prop_assert_eq!(read, ia);
        }

        /// A key under one scope's prefix is under no other scope's.
        #[test]
        fn keys_belong_to_one_scope(a in any_scope(), b in any_scope(), id in ".{1,8}") {
            let key = object_key(a.scope_ref(), "uploads", &[&id]).unwrap();
            prop_assert_eq!(key.starts_with(&scope_prefix(&b)), a == b);
        }
    }
}
