//! SQS queue names, and the scope label every scoped message carries.
//!
//! # The rule
//!
//! A scope's queue named `base` is `{scope part}_{base}`; its dead-letter queue is
//! `{scope part}_{base}_dlq`. The scope part starts with a one-letter tag that says which
//! kind of scope it is and how the rest is written:
//!
//! | scope | scope part | when |
//! |-------|------------|------|
//! | platform | `p` | always |
//! | tenant `t1` | `t_t1` | `t_{tenant}` fits in 38 characters (tenant ids up to 36) |
//! | tenant with a longer id | `T_{first 15 of the id}_{hash}` | otherwise |
//! | capsule `PRODUS`, `t1`, `caps-1` | `c_PRODUS_t1_caps-1` | `c_{code}_{tenant}_{capsule}` fits in 38 |
//! | capsule with longer ids | `C_{first 15 of "{code}_{tenant}_{capsule}"}_{hash}` | otherwise |
//!
//! `{hash}` is the first 80 bits of the SHA-256 of the scope's label ([`scope_label`]), in
//! 20 lowercase hex digits. Bases are 1–32 of `a-z 0-9 -`
//! ([`check_queue_base`](scoped_rules::check_queue_base)), so the longest name is
//! 38 + 1 + 32 + 4 = 75 characters: SQS's 80 with room for `.fifo`.
//!
//! Why two scopes never share a name, and why no scope's names are a prefix-match for
//! another's (what a session policy's `{scope part}_*` needs):
//!
//! - The tag differs between kinds and between plain and hashed forms (`p`, `t`, `T`, `c`,
//!   `C`), so names of different forms differ in their first character.
//! - Plain forms are the scope's ids joined by `_`, which no id contains: the ids are read back
//!   by splitting, so different scopes give different scope parts, and a scope part followed by
//!   `_` is never a prefix of another scope's name (`t_t1_` is not a prefix of `t_t10_x`).
//! - Hashed forms all have the same length (38) and end in the hash of the full label, so two
//!   differ unless the 80-bit hashes collide (about 2^40 long-id scopes for an even chance).
//! - Bases contain no `_`, so the rest after the scope part is `{base}` or `{base}_dlq`
//!   unambiguously.

use sha2::{Digest, Sha256};

use crate::scope::AnyScope;
use scoped_rules::sqs::{QUEUE_BASE_MAX, QUEUE_NAME_BUDGET};

/// The message attribute that names the scope of every message a scoped client sends, and of
/// every SNS notification a scoped topic publishes (delivered raw, so it arrives in SQS as the
/// same attribute).
pub(crate) const SCOPE_ATTRIBUTE: &str = "scoped.scope";

/// The suffix of a dead-letter queue's name, after its queue's.
pub(crate) const DEAD_LETTER_SUFFIX: &str = "_dlq";

/// The longest scope part: what the budget leaves after `_`, the longest base and `_dlq`.
pub(crate) const SCOPE_PART_MAX: usize =
    QUEUE_NAME_BUDGET - 1 - QUEUE_BASE_MAX - DEAD_LETTER_SUFFIX.len();

/// How many characters of the ids a hashed scope part keeps readable.
const READABLE: usize = 15;

/// Hex digits of the hash in a hashed scope part.
const HASH_HEX: usize = 20;

const _: () = assert!(2 + READABLE + 1 + HASH_HEX == SCOPE_PART_MAX);

/// The scope's ids as names use them, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ScopeIds<'a> {
    Platform,
    Tenant {
        tenant: &'a str,
    },
    Capsule {
        code: &'a str,
        tenant: &'a str,
        capsule: &'a str,
    },
}

impl<'a> ScopeIds<'a> {
    pub(crate) fn of(scope: &'a AnyScope) -> Self {
        match scope {
            AnyScope::Platform => Self::Platform,
            AnyScope::Tenant(tenant) => Self::Tenant {
                tenant: tenant.id().as_str(),
            },
            AnyScope::Capsule(capsule) => Self::Capsule {
                code: capsule.code().as_str(),
                tenant: capsule.tenant_id().as_str(),
                capsule: capsule.id().as_str(),
            },
        }
    }

    /// The scope's ids joined by `_` after their tag (`t_t1`, `c_PRODUS_t1_caps-1`, `p`):
    /// the plain scope part, never shortened. Topic names use it as it is.
    pub(crate) fn write_plain(self, out: &mut String) {
        match self {
            Self::Platform => out.push('p'),
            Self::Tenant { tenant } => {
                out.push_str("t_");
                out.push_str(tenant);
            }
            Self::Capsule {
                code,
                tenant,
                capsule,
            } => {
                out.push_str("c_");
                out.push_str(code);
                out.push('_');
                out.push_str(tenant);
                out.push('_');
                out.push_str(capsule);
            }
        }
    }

    /// The length of [`Self::write_plain`]'s output.
    pub(crate) fn plain_len(self) -> usize {
        match self {
            Self::Platform => 1,
            Self::Tenant { tenant } => 2 + tenant.len(),
            Self::Capsule {
                code,
                tenant,
                capsule,
            } => 2 + code.len() + 1 + tenant.len() + 1 + capsule.len(),
        }
    }

    /// The label every message of the scope carries in [`SCOPE_ATTRIBUTE`]: `platform`,
    /// `tenant/t1`, `capsule/PRODUS/t1/caps-1`.
    pub(crate) fn label(self) -> String {
        match self {
            Self::Platform => "platform".to_owned(),
            Self::Tenant { tenant } => {
                let mut out = String::with_capacity(7 + tenant.len());
                out.push_str("tenant/");
                out.push_str(tenant);
                out
            }
            Self::Capsule {
                code,
                tenant,
                capsule,
            } => {
                let mut out =
                    String::with_capacity(8 + code.len() + 1 + tenant.len() + 1 + capsule.len());
                out.push_str("capsule/");
                out.push_str(code);
                out.push('/');
                out.push_str(tenant);
                out.push('/');
                out.push_str(capsule);
                out
            }
        }
    }

    /// The queue scope part (see the module docs): plain if it fits in
    /// [`SCOPE_PART_MAX`], hashed otherwise.
    pub(crate) fn write_queue_part(self, out: &mut String) {
        if self.plain_len() <= SCOPE_PART_MAX {
            return self.write_plain(out);
        }
        let mut plain = String::with_capacity(self.plain_len());
        self.write_plain(&mut plain);
        // The tag in uppercase marks the hashed form; what follows the plain tag and its `_`
        // is kept readable, cut to a fixed length.
        out.push_str(match self {
            Self::Capsule { .. } => "C_",
            _ => "T_",
        });
        out.push_str(&plain[2..2 + READABLE]);
        out.push('_');
        let digest = Sha256::digest(self.label().as_bytes());
        for byte in &digest[..HASH_HEX / 2] {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }

    fn queue_part_len(self) -> usize {
        self.plain_len().min(SCOPE_PART_MAX)
    }
}

/// The label of `scope`'s messages: see [`ScopeIds::label`].
pub(crate) fn scope_label(scope: &AnyScope) -> String {
    ScopeIds::of(scope).label()
}

/// `{scope part}_`: what every queue name of `scope` starts with, and the prefix of its
/// session policy's queue ARNs.
pub(crate) fn queue_prefix(scope: &AnyScope) -> String {
    let ids = ScopeIds::of(scope);
    let mut out = String::with_capacity(ids.queue_part_len() + 1);
    ids.write_queue_part(&mut out);
    out.push('_');
    out
}

/// The name of `scope`'s queue `base` (a checked queue base): `t_t1_notifications`.
pub(crate) fn queue_name(scope: &AnyScope, base: &str) -> String {
    let ids = ScopeIds::of(scope);
    let mut out = String::with_capacity(ids.queue_part_len() + 1 + base.len());
    ids.write_queue_part(&mut out);
    out.push('_');
    out.push_str(base);
    out
}

/// The name of the dead-letter queue of `scope`'s queue `base`: `t_t1_notifications_dlq`.
pub(crate) fn dead_letter_name(scope: &AnyScope, base: &str) -> String {
    let mut out = queue_name(scope, base);
    out.push_str(DEAD_LETTER_SUFFIX);
    out
}

/// Whether `name` is one of the queue names of the scope whose prefix is `prefix` (from
/// [`queue_prefix`]): `{prefix}{base}` or `{prefix}{base}_dlq`, with a valid base, optionally
/// ending in `.fifo`.
pub(crate) fn is_own_queue_name(prefix: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let rest = rest.strip_suffix(".fifo").unwrap_or(rest);
    let base = rest.strip_suffix(DEAD_LETTER_SUFFIX).unwrap_or(rest);
    scoped_rules::check_queue_base(base).is_ok()
}

/// The account and the queue name at the end of a queue URL,
/// `https://sqs.{region}.amazonaws.com/{account}/{name}` (or an emulator's
/// `http://127.0.0.1:5000/{account}/{name}`), if `url` has exactly that shape: a scheme, a
/// host, and a path of two non-empty segments, without query or fragment.
pub(crate) fn queue_url_parts(url: &str) -> Option<(&str, &str)> {
    let (_, rest) = url.split_once("://")?;
    let (host, path) = rest.split_once('/')?;
    if host.is_empty() || path.contains(['?', '#', '%']) {
        return None;
    }
    let (account, name) = path.split_once('/')?;
    if account.is_empty() || name.is_empty() || name.contains('/') {
        return None;
    }
    Some((account, name))
}

/// The queue name of an SQS queue ARN, `arn:{partition}:sqs:{region}:{account}:{name}`, if
/// `arn` has exactly that shape.
pub(crate) fn queue_name_from_arn(arn: &str) -> Option<&str> {
    queue_arn_parts(arn).map(|(_, name)| name)
}

/// The account and the queue name of a queue ARN of the shape [`queue_name_from_arn`] reads.
pub(crate) fn queue_arn_parts(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.split(':');
    let (Some("arn"), Some(partition), Some("sqs"), Some(region), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let parts_ok = [partition, region, account, name]
        .iter()
        .all(|part| !part.is_empty());
    (parts_ok && parts.next().is_none()).then_some((account, name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::scope::{Capsule, Tenant};

    fn queue_name_from_url(url: &str) -> Option<&str> {
        queue_url_parts(url).map(|(_, name)| name)
    }

    fn tenant(id: &str) -> AnyScope {
        AnyScope::Tenant(Tenant::new(id, "T").unwrap())
    }

    fn capsule(tenant: &str, id: &str, code: &str) -> AnyScope {
        AnyScope::Capsule(Capsule::new(tenant, id, code).unwrap())
    }

    #[test]
    fn plain_names() {
        assert_eq!(queue_name(&AnyScope::Platform, "events"), "p_events");
        assert_eq!(queue_name(&tenant("t1"), "hooks"), "t_t1_hooks");
        assert_eq!(
            queue_name(&capsule("t1", "caps-1", "PRODUS"), "hooks"),
            "c_PRODUS_t1_caps-1_hooks"
        );
        assert_eq!(dead_letter_name(&tenant("t1"), "hooks"), "t_t1_hooks_dlq");
        assert_eq!(
            scope_label(&capsule("t1", "caps-1", "PRODUS")),
            "capsule/PRODUS/t1/caps-1"
        );
    }

    #[test]
    fn long_ids_are_hashed_to_a_fixed_length() {
        let long = "a".repeat(64);
        let name = queue_name(&tenant(&long), "hooks");
        assert!(name.starts_with("T_aaaaaaaaaaaaaaa_"), "{name}");
        assert_eq!(queue_prefix(&tenant(&long)).len(), SCOPE_PART_MAX + 1);
        let longest = dead_letter_name(
            &capsule(&long, &"b".repeat(64), &"C".repeat(32)),
            &"q".repeat(32),
        );
        assert_eq!(longest.len(), QUEUE_NAME_BUDGET);
        assert!(longest.starts_with("C_CCCCCCCCCCCCCCC_"), "{longest}");
        // 36 characters stay plain, 37 are hashed.
        assert!(queue_name(&tenant(&"a".repeat(36)), "q").starts_with("t_"));
        assert!(queue_name(&tenant(&"a".repeat(37)), "q").starts_with("T_"));
    }

    #[test]
    fn urls_and_arns() {
        let url = "https://sqs.us-east-1.amazonaws.com/123456789012/t_t1_hooks";
        assert_eq!(queue_name_from_url(url), Some("t_t1_hooks"));
        assert_eq!(queue_url_parts(url), Some(("123456789012", "t_t1_hooks")));
        assert_eq!(
            queue_arn_parts("arn:aws:sqs:us-east-1:999999999999:t_t1_hooks"),
            Some(("999999999999", "t_t1_hooks"))
        );
        assert_eq!(
            queue_name_from_url("http://127.0.0.1:5000/123456789012/t_t1_hooks"),
            Some("t_t1_hooks")
        );
        for bad in [
            "t_t1_hooks",
            "https://host/t_t1_hooks",
            "https://host/1/t_t1_hooks/x",
            "https://host/1/t_t1_hooks?x=1",
            "https://host//t_t1_hooks",
            "https:///1/t_t1_hooks",
            "https://host/1/t_t1_%68ooks",
        ] {
            assert_eq!(queue_name_from_url(bad), None, "{bad}");
        }
        assert_eq!(
            queue_name_from_arn("arn:aws:sqs:us-east-1:123456789012:t_t1_hooks"),
            Some("t_t1_hooks")
        );
        for bad in [
            "arn:aws:sns:us-east-1:123456789012:t_t1_hooks",
            "arn:aws:sqs:us-east-1:123456789012:t_t1_hooks:x",
            "arn:aws:sqs:us-east-1::t_t1_hooks",
        ] {
            assert_eq!(queue_name_from_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn own_names_of_prefix_siblings() {
        let t1 = queue_prefix(&tenant("t1"));
        assert!(is_own_queue_name(&t1, "t_t1_hooks"));
        assert!(is_own_queue_name(&t1, "t_t1_hooks_dlq"));
        assert!(is_own_queue_name(&t1, "t_t1_hooks.fifo"));
        assert!(!is_own_queue_name(&t1, "t_t10_hooks"));
        assert!(!is_own_queue_name(&t1, "t_t1_hooks_x"));
        assert!(!is_own_queue_name(&t1, "t_t1_"));
        assert!(!is_own_queue_name(&t1, "t_t1_Hooks"));
        let c = queue_prefix(&capsule("t1", "caps-1", "PRODUS"));
        assert!(!is_own_queue_name(&c, "c_PRODUS_t1_caps-10_hooks"));
        assert!(!is_own_queue_name(&c, "t_t1_hooks"));
    }

    fn any_scope() -> impl Strategy<Value = AnyScope> {
        let id = "[a-z0-9][a-z0-9-]{0,63}";
        let code = "[A-Z][A-Z0-9]{0,31}";
        prop_oneof![
            Just(AnyScope::Platform),
            id.prop_map(|t| tenant(&t)),
            (id, id, code).prop_map(|(t, c, code)| capsule(&t, &c, &code)),
            // Short ids, so prefix siblings and shared codes are frequent.
            "[a-z0-9]{1,3}".prop_map(|t| tenant(&t)),
            ("[a-z0-9]{1,2}", "[a-z0-9]{1,2}", "[A-Z]{1,2}")
                .prop_map(|(t, c, code)| capsule(&t, &c, &code)),
        ]
    }

    proptest! {
        /// Every name is a valid SQS queue name within 75 characters, and is one of its own
        /// scope's names and no other scope's.
        #[test]
        fn names_are_valid_and_owned(a in any_scope(), b in any_scope(), base in "[a-z0-9][a-z0-9-]{0,31}") {
            for name in [queue_name(&a, &base), dead_letter_name(&a, &base)] {
                prop_assert!(name.len() <= QUEUE_NAME_BUDGET, "{name}");
                prop_assert!(scoped_rules::check_queue_name(&name).is_ok(), "{name}");
                let url = format!("https://h/1/{name}");
                prop_assert!(queue_name_from_url(&url) == Some(name.as_str()));
                prop_assert!(is_own_queue_name(&queue_prefix(&a), &name));
                if a != b {
                    prop_assert!(!is_own_queue_name(&queue_prefix(&b), &name), "{name} owned by {b:?}");
                    prop_assert!(!name.starts_with(&queue_prefix(&b)), "{name} under {b:?}'s prefix");
                }
            }
        }

        /// No two (scope, base, dead-letter) triples share a name.
        #[test]
        fn names_are_injective(cases in proptest::collection::vec((any_scope(), "[a-z0-9][a-z0-9-]{0,3}", any::<bool>()), 1..40)) {
            let mut seen: HashMap<String, (String, String, bool)> = HashMap::new();
            for (scope, base, dlq) in cases {
                let name = if dlq { dead_letter_name(&scope, &base) } else { queue_name(&scope, &base) };
                let key = (scope_label(&scope), base, dlq);
                if let Some(previous) = seen.insert(name.clone(), key.clone()) {
                    prop_assert_eq!(previous, key, "two owners of {}", name);
                }
            }
        }
    }
}
