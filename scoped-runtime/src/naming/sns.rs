//! SNS topic names.
//!
//! A scope's topic named `base` is `{scope part}_{base}`, with the plain scope part of
//! [`sqs`](super::sqs) (`p`, `t_{tenant}`, `c_{code}_{tenant}_{capsule}`), never hashed: the
//! longest (164 characters, `_`, a 64-character base) fits SNS's 256 with room for `.fifo`.
//! It is injective and prefix-free for the reasons the queue names' plain form is: the tag
//! says the kind of scope, ids never contain `_`, and neither do bases.

use super::sqs::ScopeIds;
use crate::scope::AnyScope;
use scoped_rules::sns::{TOPIC_BASE_MAX, TOPIC_NAME_MAX};

const _: () =
    assert!(2 + 32 + 1 + 64 + 1 + 64 + 1 + TOPIC_BASE_MAX + ".fifo".len() <= TOPIC_NAME_MAX);

/// `{scope part}_`: what every topic name of `scope` starts with.
pub(crate) fn topic_prefix(scope: &AnyScope) -> String {
    let ids = ScopeIds::of(scope);
    let mut out = String::with_capacity(ids.plain_len() + 1);
    ids.write_plain(&mut out);
    out.push('_');
    out
}

/// The name of `scope`'s topic `base` (a checked topic base): `t_t1_webhooks`.
pub(crate) fn topic_name(scope: &AnyScope, base: &str) -> String {
    let ids = ScopeIds::of(scope);
    let mut out = String::with_capacity(ids.plain_len() + 1 + base.len());
    ids.write_plain(&mut out);
    out.push('_');
    out.push_str(base);
    out
}

/// Whether `name` is a topic name of the scope whose prefix is `prefix` (from
/// [`topic_prefix`]): `{prefix}{base}` with a valid base, optionally ending in `.fifo`.
pub(crate) fn is_own_topic_name(prefix: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let base = rest.strip_suffix(".fifo").unwrap_or(rest);
    scoped_rules::check_topic_base(base).is_ok()
}

/// The topic name of an SNS topic ARN, `arn:{partition}:sns:{region}:{account}:{name}`, or
/// of a subscription ARN, `…:{name}:{subscription id}` (`subscription` true), if `arn` has
/// exactly that shape.
pub(crate) fn topic_name_from_arn(arn: &str, subscription: bool) -> Option<&str> {
    topic_arn_parts(arn, subscription).map(|(_, name)| name)
}

/// The account and the topic name of a topic or subscription ARN of the shape
/// [`topic_name_from_arn`] reads: `("123456789012", "t_t1_webhooks")`.
pub(crate) fn topic_arn_parts(arn: &str, subscription: bool) -> Option<(&str, &str)> {
    let mut parts = arn.split(':');
    let (Some("arn"), Some(partition), Some("sns"), Some(region), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let id_ok = if subscription {
        parts.next().is_some_and(|id| !id.is_empty())
    } else {
        true
    };
    let parts_ok = [partition, region, account, name]
        .iter()
        .all(|part| !part.is_empty());
    (parts_ok && id_ok && parts.next().is_none()).then_some((account, name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::scope::{Capsule, Tenant};

    fn tenant(id: &str) -> AnyScope {
        AnyScope::Tenant(Tenant::new(id, "T").unwrap())
    }

    fn capsule(tenant: &str, id: &str, code: &str) -> AnyScope {
        AnyScope::Capsule(Capsule::new(tenant, id, code).unwrap())
    }

    #[test]
    fn names_and_arns() {
        assert_eq!(topic_name(&tenant("t1"), "webhooks"), "t_t1_webhooks");
        assert_eq!(topic_name(&AnyScope::Platform, "audit"), "p_audit");
        assert_eq!(
            topic_name(&capsule("t1", "caps-1", "PRODUS"), "events"),
            "c_PRODUS_t1_caps-1_events"
        );
        let prefix = topic_prefix(&tenant("t1"));
        assert!(is_own_topic_name(&prefix, "t_t1_webhooks"));
        assert!(!is_own_topic_name(&prefix, "t_t10_webhooks"));
        assert_eq!(
            topic_name_from_arn("arn:aws:sns:us-east-1:123456789012:t_t1_webhooks", false),
            Some("t_t1_webhooks")
        );
        assert_eq!(
            topic_name_from_arn("arn:aws:sns:us-east-1:123456789012:t_t1_webhooks:abc", true),
            Some("t_t1_webhooks")
        );
        assert_eq!(
            topic_arn_parts("arn:aws:sns:us-east-1:999999999999:t_t1_webhooks:abc", true),
            Some(("999999999999", "t_t1_webhooks"))
        );
        assert_eq!(
            topic_name_from_arn(
                "arn:aws:sns:us-east-1:123456789012:t_t1_webhooks:abc",
                false
            ),
            None
        );
        assert_eq!(
            topic_name_from_arn("arn:aws:sqs:us-east-1:123456789012:t_t1_webhooks", false),
            None
        );
    }

    fn any_scope() -> impl Strategy<Value = AnyScope> {
        prop_oneof![
            Just(AnyScope::Platform),
            "[a-z0-9][a-z0-9-]{0,63}".prop_map(|t| tenant(&t)),
            ("[a-z0-9]{1,2}", "[a-z0-9]{1,2}", "[A-Z]{1,2}")
                .prop_map(|(t, c, code)| capsule(&t, &c, &code)),
            (
                "[a-z0-9][a-z0-9-]{0,63}",
                "[a-z0-9][a-z0-9-]{0,63}",
                "[A-Z][A-Z0-9]{0,31}"
            )
                .prop_map(|(t, c, code)| capsule(&t, &c, &code)),
        ]
    }

    proptest! {
        /// Topic names are valid, within 251 characters, their own scope's and no other's.
        #[test]
        fn names_are_valid_and_owned(a in any_scope(), b in any_scope(), base in "[a-z0-9][a-z0-9-]{0,63}") {
            let name = topic_name(&a, &base);
            prop_assert!(name.len() <= TOPIC_NAME_MAX - ".fifo".len());
            prop_assert!(name.bytes().all(scoped_rules::sns::is_topic_name_byte));
            prop_assert!(is_own_topic_name(&topic_prefix(&a), &name));
            if a != b {
                prop_assert!(!name.starts_with(&topic_prefix(&b)), "{name} under {b:?}'s prefix");
            }
        }

        /// No two (scope, base) pairs share a topic name.
        #[test]
        fn names_are_injective(cases in proptest::collection::vec((any_scope(), "[a-z0-9][a-z0-9-]{0,3}"), 1..40)) {
            let mut seen: HashMap<String, (String, String)> = HashMap::new();
            for (scope, base) in cases {
                let name = topic_name(&scope, &base);
                let key = (super::super::sqs::scope_label(&scope), base);
                if let Some(previous) = seen.insert(name.clone(), key.clone()) {
                    prop_assert_eq!(previous, key, "two owners of {}", name);
                }
            }
        }
    }
}
