//! Property tests for invariants 1–4 and 7 of `docs/design.md`: table names and partition keys are
//! injective, `validate_pk` accepts exactly its own scope's keys, and everything produced fits
//! DynamoDB's limits. Every property runs 10,000 cases.
//!
//! Expected values come from the oracles in `properties/model.rs`, written from
//! `docs/design.md` and the crate docs; inputs from `properties/strategies.rs`, which favours
//! near-collisions (`a_b` + `c` against `a` + `b_c`, `t1` against `t10`, ids made of `#`, `%23`
//! and `TENANT`) over uniformly random values that would never collide.
//!
//! `properties/index.rs` checks index keys: every index partition value is a key of its own
//! scope only, and index keys are injective.
//!
//! `properties/sort.rs` checks the sort-key codec the same way: encoded order is value order,
//! equal sort keys come from equal values, and the decoder accepts exactly the encoder's output.

#[path = "properties/index.rs"]
mod index;
#[path = "properties/model.rs"]
mod model;
#[path = "properties/sort.rs"]
mod sort;
#[path = "properties/strategies.rs"]
mod strategies;

use std::collections::HashMap;
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use scoped_runtime::{
    BaseName, Capsule, CapsuleCode, CapsuleId, DecodedKey, EntityTag, IsolationViolation, KeyError,
    KeySegment, MAX_PARTITION_KEY_BYTES, ScopeError, Tenant, TenantId,
};

use model::{
    KeyOwner, ScopeSpec, TableOwner, built, factory, is_dynamodb_table_name, is_valid_base,
    is_valid_code, is_valid_entity, is_valid_id,
};
use strategies::{
    base_name, entity_tag, extreme_base_name, extreme_scope_spec, id_value, identifier_candidate,
    key_candidate, key_input, key_near_the_limit, scope_pair, scope_spec, text, tiny_key_input,
};

// ---------------------------------------------------------------------------------------------
// Invariant 1: table names are injective, and constructors validate instead of altering.
// ---------------------------------------------------------------------------------------------

/// Checks that `scope`'s table for `base` is the specified name and fits DynamoDB's rule.
fn table_of(spec: &ScopeSpec, base: &str) -> Result<String, TestCaseError> {
    let scope = built(spec.build())?;
    let name = scope.table(&built(BaseName::new(base))?);
    prop_assert_eq!(name.as_str(), spec.expected_table(base));
    prop_assert!(
        is_dynamodb_table_name(name.as_str()),
        "{name:?} breaks DynamoDB's rule"
    );
    Ok(name.into_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// Among a handful of (scope, base) pairs drawn from tiny alphabets, equal table names
    /// only ever come from the same scope prefix and base.
    #[test]
    fn table_names_are_injective(pairs in prop::collection::vec((scope_spec(), base_name()), 2..12)) {
        let mut owners: HashMap<String, TableOwner<'_>> = HashMap::new();
        for (spec, base) in &pairs {
            let name = table_of(spec, base)?;
            let owner = spec.table_owner(base);
            if let Some(previous) = owners.insert(name.clone(), owner) {
                prop_assert_eq!(previous, owner, "two scopes share table {}", name);
            }
        }
    }

    /// For any string, at most one (scope, base) pair can be built that names it: every way of
    /// reading it as a platform base or as `{prefix}_{base}` with a tenant id or capsule code
    /// as prefix is tried, and all but one must be rejected at construction.
    #[test]
    fn a_table_name_has_at_most_one_preimage(name in text("aAbB1_.-", 1..=9)) {
        let mut readings = vec![(ScopeSpec::Platform, name.clone())];
        for (at, _) in name.match_indices('_') {
            let (prefix, base) = (&name[..at], &name[at + 1..]);
            readings.push((ScopeSpec::Tenant { tenant: prefix.to_owned() }, base.to_owned()));
            readings.push((
                ScopeSpec::Capsule {
                    tenant: "t".to_owned(),
                    capsule: "c".to_owned(),
                    code: prefix.to_owned(),
                },
                base.to_owned(),
            ));
        }
        let mut accepted = Vec::new();
        for (spec, base) in &readings {
            let (Ok(scope), Ok(base_name)) = (spec.build(), BaseName::new(base.as_str())) else {
                continue;
            };
            let table = scope.table(&base_name);
            prop_assert_eq!(table.as_str(), name.as_str());
            accepted.push((spec, base));
        }
        prop_assert!(accepted.len() <= 1, "{name:?} is the table of {accepted:?}");
    }

    /// The classic collision: `{x}_{y}` + `{z}` against `{x}` + `{y}_{z}` both spell
    /// `{x}_{y}_{z}`. The side with `_` inside an id, code or base is rejected.
    #[test]
    fn split_point_collisions_are_rejected(
        x in text("ab1-", 1..=3), y in text("ab1_-", 1..=3), z in text("ab1.-", 1..=3), upper in any::<bool>(),
    ) {
        let (x, y) = if upper { (x.to_uppercase(), y.to_uppercase()) } else { (x, y) };
        let joined_prefix = format!("{x}_{y}");
        let joined_base = format!("{y}_{z}");
        let long_prefix = if upper {
            Capsule::new("t", "c", joined_prefix.as_str()).map(|_| ())
        } else {
            Tenant::new(joined_prefix.as_str(), "Acme").map(|_| ())
        };
        match long_prefix {
            Err(ScopeError::TenantId { value, .. } | ScopeError::CapsuleCode { value, .. }) => {
                prop_assert_eq!(value, joined_prefix);
            }
            other => prop_assert!(false, "prefix {joined_prefix:?} gave {other:?}"),
        }
        match BaseName::new(joined_base.as_str()) {
            Err(ScopeError::BaseName { value, .. }) => prop_assert_eq!(value, joined_base),
            other => prop_assert!(false, "base {joined_base:?} gave {other:?}"),
        }
    }

    /// Every identifier constructor accepts exactly the values its documented rule allows,
    /// keeps them unchanged, and rejects the rest with its own `ScopeError` variant naming the
    /// value.
    #[test]
    fn identifiers_are_validated_never_altered(value in identifier_candidate()) {
        fn check<T: std::fmt::Debug>(
            value: &str,
            valid: bool,
            result: Result<T, ScopeError>,
            as_str: fn(&T) -> &str,
            variant: fn(&ScopeError) -> Option<&String>,
        ) -> Result<(), TestCaseError> {
            match result {
                Ok(built) => {
                    prop_assert!(valid, "{value:?} was accepted as {built:?}");
                    prop_assert_eq!(as_str(&built), value);
                }
                Err(err) => {
                    prop_assert!(!valid, "{value:?} was rejected: {err}");
                    prop_assert_eq!(variant(&err).map(String::as_str), Some(value), "{:?}", err);
                    prop_assert!(err.to_string().contains(&format!("{value:?}")), "{err}");
                }
            }
            Ok(())
        }
        let v = value.as_str();
        check(v, is_valid_id(v), TenantId::new(v), TenantId::as_str, |err| match err {
            ScopeError::TenantId { value, .. } => Some(value),
            _ => None,
        })?;
        check(v, is_valid_id(v), Tenant::new(v, "Acme"), |t| t.id().as_str(), |err| match err {
            ScopeError::TenantId { value, .. } => Some(value),
            _ => None,
        })?;
        check(v, is_valid_id(v), CapsuleId::new(v), CapsuleId::as_str, |err| match err {
            ScopeError::CapsuleId { value, .. } => Some(value),
            _ => None,
        })?;
        check(v, is_valid_code(v), CapsuleCode::new(v), CapsuleCode::as_str, |err| match err {
            ScopeError::CapsuleCode { value, .. } => Some(value),
            _ => None,
        })?;
        check(v, is_valid_base(v), BaseName::new(v), BaseName::as_str, |err| match err {
            ScopeError::BaseName { value, .. } => Some(value),
            _ => None,
        })?;
        check(v, is_valid_entity(v), EntityTag::new(v), EntityTag::as_str, |err| match err {
            ScopeError::EntityTag { value, .. } => Some(value),
            _ => None,
        })?;
    }

    /// `Capsule::new` reports the first bad part, in argument order, and otherwise keeps all
    /// three parts unchanged.
    #[test]
    fn capsule_constructor_names_the_first_bad_part(
        tenant in identifier_candidate(),
        capsule in identifier_candidate(),
        code in identifier_candidate(),
    ) {
        let result = Capsule::new(tenant.as_str(), capsule.as_str(), code.as_str());
        match result {
            Ok(built) => {
                prop_assert!(is_valid_id(&tenant) && is_valid_id(&capsule) && is_valid_code(&code));
                prop_assert_eq!(built.tenant_id().as_str(), tenant.as_str());
                prop_assert_eq!(built.id().as_str(), capsule.as_str());
                prop_assert_eq!(built.code().as_str(), code.as_str());
            }
            Err(ScopeError::TenantId { value, .. }) => {
                prop_assert!(!is_valid_id(&tenant));
                prop_assert_eq!(value, tenant);
            }
            Err(ScopeError::CapsuleId { value, .. }) => {
                prop_assert!(is_valid_id(&tenant) && !is_valid_id(&capsule));
                prop_assert_eq!(value, capsule);
            }
            Err(ScopeError::CapsuleCode { value, .. }) => {
                prop_assert!(is_valid_id(&tenant) && is_valid_id(&capsule) && !is_valid_code(&code));
                prop_assert_eq!(value, code);
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invariant 2: keys are injective and decode to exactly what built them.
// ---------------------------------------------------------------------------------------------

/// Builds the key of (`spec`, `entity`, `ids`), checking it against the specified key or error.
fn key_of(spec: &ScopeSpec, entity: &str, ids: &[String]) -> Result<Option<String>, TestCaseError> {
    let scope = built(spec.build())?;
    let tag = built(EntityTag::new(entity))?;
    let actual = scope.partition_key(&tag, ids);
    match (spec.expected_key_result(entity, ids), actual) {
        (Ok(expected), Ok(actual)) => {
            prop_assert_eq!(&actual, &expected);
            Ok(Some(actual))
        }
        (
            Err(KeyError::TooLong { len: expected, .. }),
            Err(KeyError::TooLong { len: actual, .. }),
        ) => {
            prop_assert_eq!(actual, expected);
            Ok(None)
        }
        (Err(expected), Err(actual)) => {
            prop_assert_eq!(actual, expected);
            Ok(None)
        }
        (expected, actual) => Err(TestCaseError::fail(format!(
            "{spec:?} {entity} {ids:?}: expected {expected:?}, got {actual:?}"
        ))),
    }
}

type KeyIdentity<'a> = (KeyOwner<'a>, &'a str, &'a [String]);

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// Any ids, whatever they contain, give the specified key (or the specified error: no ids,
    /// an empty id, over 2048 bytes), and the decoder gives back exactly the scope segments,
    /// entity and unescaped ids that built it, and the scope accepts it as its own.
    #[test]
    fn keys_decode_to_exactly_what_built_them((spec, entity, ids) in key_input()) {
        let Some(key) = key_of(&spec, &entity, &ids)? else { return Ok(()) };
        let decoded = DecodedKey::parse(&key).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert_eq!(decoded.as_str(), key.as_str());
        prop_assert_eq!(decoded.scope(), spec.key_scope());
        prop_assert_eq!(decoded.entity(), entity.as_str());
        prop_assert_eq!(decoded.ids().collect::<Vec<_>>(), ids);
        prop_assert_eq!(built(spec.build())?.check_key(&key), Ok(()));
    }

    /// Among a handful of (scope, entity, ids) drawn from a tiny alphabet of `#`, `%`, `23`,
    /// `TENANT`…, equal keys only ever come from equal inputs.
    #[test]
    fn distinct_inputs_never_share_a_key(inputs in prop::collection::vec(tiny_key_input(), 2..10)) {
        let mut owners: HashMap<String, KeyIdentity<'_>> = HashMap::new();
        for (spec, entity, ids) in &inputs {
            let Some(key) = key_of(spec, entity, ids)? else { continue };
            let identity = (spec.key_owner(), entity.as_str(), ids.as_slice());
            if let Some(previous) = owners.insert(key.clone(), identity) {
                prop_assert_eq!(previous, identity, "two inputs share key {}", key);
            }
        }
    }

    /// Integer ids, formatted on the stack rather than allocated, are exactly their decimal
    /// text, so `7_u32` and `"7"` give the same key and no two numbers share one.
    #[test]
    fn integer_ids_are_their_decimal_text(
        wide in any::<i128>(), unsigned in any::<u128>(), narrow in any::<i16>(), size in any::<usize>(),
    ) {
        let texts = [wide.to_string(), unsigned.to_string(), narrow.to_string(), size.to_string()];
        let segments = [wide.segment(), unsigned.segment(), narrow.segment(), size.segment()];
        for (segment, text) in segments.iter().zip(&texts) {
            prop_assert_eq!(segment.as_str(), text.as_str());
        }
    }

    /// Adversarial readings of a key: its `#`-separated segments re-read as a platform, tenant
    /// or capsule key, with the ids taken raw, unescaped, or joined into one id. Any reading
    /// that builds and differs from the original input must produce a different key.
    #[test]
    fn no_other_reading_of_a_key_rebuilds_it((spec, entity, ids) in key_input()) {
        let Some(key) = key_of(&spec, &entity, &ids)? else { return Ok(()) };
        let original = (spec.key_owner(), entity.as_str(), ids.as_slice());
        let segments: Vec<&str> = key.split('#').collect();
        let unescape = |id: &str| id.replace("%23", "#").replace("%25", "%");
        for scope_len in [0, 2, 4] {
            if segments.len() < scope_len + 2 {
                continue;
            }
            let reading = match scope_len {
                0 => ScopeSpec::Platform,
                2 => ScopeSpec::Tenant { tenant: segments[1].to_owned() },
                _ => ScopeSpec::Capsule {
                    tenant: segments[1].to_owned(),
                    capsule: segments[3].to_owned(),
                    code: "X".to_owned(),
                },
            };
            let entity = segments[scope_len];
            let rest = &segments[scope_len + 1..];
            let joined = rest.join("#");
            let (Ok(scope), Ok(tag)) = (reading.build(), EntityTag::new(entity)) else {
                continue;
            };
            for ids in [
                rest.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>(),
                rest.iter().map(|id| unescape(id)).collect(),
                vec![joined.clone()],
                vec![unescape(&joined)],
            ] {
                if (reading.key_owner(), entity, ids.as_slice()) == original {
                    continue;
                }
                if let Ok(other) = scope.partition_key(&tag, &ids) {
                    prop_assert_ne!(
                        &other, &key,
                        "{:?} {} {:?} rebuilds the key of {:?} {} {:?}",
                        reading, entity, ids, spec, original.1, original.2
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invariant 3: `validate_pk` accepts exactly its own scope's keys; the decoder only canonical
// ones.
// ---------------------------------------------------------------------------------------------

/// What scope `a` must answer for a key built in scope `b`.
fn expected_check(a: &ScopeSpec, b: &ScopeSpec, key: &str) -> Result<(), IsolationViolation> {
    let wrong_scope = || IsolationViolation::WrongScope {
        key: key.to_owned(),
        expected: a.kind(),
        found: b.kind(),
    };
    let cross_tenant = |expected: &str, found: &str| IsolationViolation::CrossTenant {
        key: key.to_owned(),
        expected: expected.to_owned(),
        found: found.to_owned(),
    };
    match (a, b) {
        _ if a.key_owner() == b.key_owner() => Ok(()),
        (ScopeSpec::Tenant { tenant: mine }, ScopeSpec::Tenant { tenant: theirs }) => {
            Err(cross_tenant(mine, theirs))
        }
        (
            ScopeSpec::Capsule {
                tenant: my_tenant,
                capsule: mine,
                ..
            },
            ScopeSpec::Capsule {
                tenant: their_tenant,
                capsule: theirs,
                ..
            },
        ) => {
            if my_tenant == their_tenant {
                Err(IsolationViolation::CrossCapsule {
                    key: key.to_owned(),
                    expected: mine.clone(),
                    found: theirs.clone(),
                })
            } else {
                Err(cross_tenant(my_tenant, their_tenant))
            }
        }
        _ => Err(wrong_scope()),
    }
}

/// Fixed scopes that check every decoder candidate.
static CHECKERS: LazyLock<Vec<ScopeSpec>> = LazyLock::new(|| {
    vec![
        ScopeSpec::Platform,
        ScopeSpec::Tenant {
            tenant: "t1".to_owned(),
        },
        ScopeSpec::Capsule {
            tenant: "t1".to_owned(),
            capsule: "caps-456".to_owned(),
            code: "PRODUS".to_owned(),
        },
    ]
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// For scopes A and B (unrelated, or B a neighbour of A: `t1`/`t10`, `caps-456`/`caps-4567`,
    /// one scope up or down), A accepts B's key iff A and B are the same scope (kind, tenant id
    /// and capsule id), and otherwise says why: `CrossTenant`, `CrossCapsule` or `WrongScope`.
    /// `Scope::check_key` and the scoped client's `validate_pk` answer alike.
    #[test]
    fn check_key_accepts_exactly_its_own_scope(
        (a, b) in scope_pair(),
        entity in entity_tag(),
        ids in prop::collection::vec(id_value().prop_filter("ids are not empty", |id| !id.is_empty()), 1..=2),
    ) {
        let Some(key) = key_of(&b, &entity, &ids)? else { return Ok(()) };
        let scope = built(a.build())?;
        let expected = expected_check(&a, &b, &key);
        prop_assert_eq!(scope.check_key(&key), expected.clone());
        prop_assert_eq!(scope.validate_pk(factory()?, &key), expected);
    }

    /// Arbitrary strings, fragment soups and valid keys with one or two edits (a character
    /// inserted, deleted or replaced, segments swapped, dropped or duplicated) are either
    /// rejected, or decode to parts that re-encode to the identical string: the decoder accepts
    /// only canonical keys. A scope accepts such a string only if it decodes to that scope.
    #[test]
    fn only_canonical_keys_parse(candidate in key_candidate()) {
        let parsed = DecodedKey::parse(&candidate);
        match &parsed {
            Ok(decoded) => {
                prop_assert_eq!(decoded.as_str(), candidate.as_str());
                let spec = ScopeSpec::of_key(decoded.scope());
                let ids: Vec<String> = decoded.ids().map(|id| id.into_owned()).collect();
                let rebuilt = key_of(&spec, decoded.entity(), &ids)?;
                prop_assert_eq!(rebuilt.as_deref(), Some(candidate.as_str()));
            }
            Err(KeyError::Malformed { key, .. }) => prop_assert_eq!(key, &candidate),
            Err(KeyError::TooLong { len, .. }) => {
                prop_assert_eq!(*len, candidate.len());
                prop_assert!(*len > MAX_PARTITION_KEY_BYTES);
            }
            Err(other) => prop_assert!(false, "decoder returned {other:?}"),
        }
        for checker in CHECKERS.iter() {
            let verdict = built(checker.build())?.check_key(&candidate);
            match &parsed {
                Ok(decoded) => {
                    let owner = ScopeSpec::of_key(decoded.scope());
                    prop_assert_eq!(verdict, expected_check(checker, &owner, &candidate));
                }
                Err(err) => prop_assert_eq!(verdict, Err(IsolationViolation::Malformed(err.clone()))),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invariant 4: everything produced fits DynamoDB's limits.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// The shortest and longest ids, codes and bases still give table names of 3–255
    /// characters of `[A-Za-z0-9_.-]`.
    #[test]
    fn table_names_fit_dynamodb(spec in extreme_scope_spec(), base in extreme_base_name()) {
        table_of(&spec, &base)?;
    }

    /// Around 2048 bytes, a key builds iff its encoded length is at most 2048 bytes, and is
    /// `KeyError::TooLong` with that length otherwise; the decoder draws the same line.
    #[test]
    fn keys_fit_the_partition_key_limit((spec, entity, ids) in key_near_the_limit()) {
        let encoded = spec.expected_key(&entity, &ids);
        let key = key_of(&spec, &entity, &ids)?;
        prop_assert_eq!(key.is_some(), encoded.len() <= MAX_PARTITION_KEY_BYTES);
        match DecodedKey::parse(&encoded) {
            Ok(_) => prop_assert!(encoded.len() <= MAX_PARTITION_KEY_BYTES),
            Err(KeyError::TooLong { len, .. }) => {
                prop_assert_eq!(len, encoded.len());
                prop_assert!(len > MAX_PARTITION_KEY_BYTES);
            }
            Err(other) => prop_assert!(false, "{encoded:?} gave {other:?}"),
        }
    }
}
