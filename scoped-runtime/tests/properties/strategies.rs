//! Strategies. Uniformly random identifiers almost never collide, so most draw from tiny
//! alphabets and hand-picked near-misses where a collision would actually show up. Long values
//! are a short random head padded with one repeated character: generating every character of a
//! 128-character regex match is what makes debug-build property tests slow.

use std::ops::RangeInclusive;

use proptest::prelude::*;
use proptest::sample::{Index, select};

use scoped_runtime::MAX_PARTITION_KEY_BYTES;

use crate::model::{ScopeSpec, is_valid_entity};

const LOWER_DIGIT: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_DIGIT_DASH: &str = "abcdefghijklmnopqrstuvwxyz0123456789-";
const LOWER_DIGIT_DOT_DASH: &str = "abcdefghijklmnopqrstuvwxyz0123456789.-";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const UPPER_DIGIT: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const UPPER_DIGIT_UNDERSCORE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/// `len` characters drawn from `set`.
///
/// Used instead of regex strategies, which proptest parses anew for every value generated.
pub(crate) fn text(set: &str, len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    let set: Vec<char> = set.chars().collect();
    prop::collection::vec(select(set), len).prop_map(String::from_iter)
}

/// One character of `first`, then `rest_len` characters of `rest`.
fn word(first: &str, rest: &str, rest_len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (text(first, 1..=1), text(rest, rest_len)).prop_map(|(first, rest)| first + &rest)
}

/// `head` followed by copies of one `pad` character up to a length drawn from `len`.
fn padded(
    head: impl Strategy<Value = String>,
    pad: &'static [char],
    len: RangeInclusive<usize>,
) -> impl Strategy<Value = String> {
    (head, select(pad), len).prop_map(|(mut value, pad, len)| {
        let missing = len.saturating_sub(value.chars().count());
        value.extend(std::iter::repeat_n(pad, missing));
        value
    })
}

/// Valid tenant or capsule ids, mostly from a tiny alphabet so that equal ids, prefixes
/// (`a` / `a-b`) and near-misses are common, sometimes up to the 64-character maximum.
fn valid_id(near_misses: &'static [&'static str]) -> impl Strategy<Value = String> {
    let head = || word(LOWER_DIGIT, LOWER_DIGIT_DASH, 0..=3);
    prop_oneof![
        4 => word("ab1", "ab1-", 0..=3),
        2 => select(near_misses).prop_map(str::to_owned),
        1 => padded(head(), &['a', 'z', '0', '9', '-'], 1..=64),
        1 => padded(head(), &['x', '-'], 64..=64),
    ]
}

const TENANT_NEAR_MISSES: &[&str] = &[
    "a",
    "a-b",
    "a-",
    "ab",
    "b",
    "t1",
    "t10",
    "t1-0",
    "t-1",
    "1",
    "tenant-123",
    "tenant-1234",
    "tenant-12",
];

const CAPSULE_NEAR_MISSES: &[&str] = &[
    "c",
    "c-1",
    "caps-45",
    "caps-456",
    "caps-4567",
    "caps-456-7",
    "caps",
    "1",
];

pub(crate) fn tenant_id() -> impl Strategy<Value = String> {
    valid_id(TENANT_NEAR_MISSES)
}

pub(crate) fn capsule_id() -> impl Strategy<Value = String> {
    valid_id(CAPSULE_NEAR_MISSES)
}

pub(crate) fn capsule_code() -> impl Strategy<Value = String> {
    let head = || word(UPPER, UPPER_DIGIT, 0..=3);
    prop_oneof![
        4 => word("AB", "AB1", 0..=2),
        2 => select(&["PRODUS", "PRODUSX", "PROD", "DEV", "D3V", "A", "B1"][..])
            .prop_map(str::to_owned),
        1 => padded(head(), &['A', 'Z', '0', '9'], 1..=32),
        1 => padded(head(), &['Q', '7'], 32..=32),
    ]
}

pub(crate) fn base_name() -> impl Strategy<Value = String> {
    let head = || word(LOWER_DIGIT, LOWER_DIGIT_DOT_DASH, 2..=4);
    prop_oneof![
        4 => word("a1", "a1.-", 2..=4),
        2 => select(&["crm", "crm.v2", "events", "b-c", "abc", "1.0"][..]).prop_map(str::to_owned),
        1 => padded(head(), &['a', 'z', '0', '9', '.', '-'], 3..=128),
        1 => padded(head(), &['b', '.'], 128..=128),
    ]
}

pub(crate) fn scope_spec() -> impl Strategy<Value = ScopeSpec> {
    prop_oneof![
        1 => Just(ScopeSpec::Platform),
        2 => tenant_id().prop_map(|tenant| ScopeSpec::Tenant { tenant }),
        2 => (tenant_id(), capsule_id(), capsule_code()).prop_map(|(tenant, capsule, code)| {
            ScopeSpec::Capsule { tenant, capsule, code }
        }),
    ]
}

/// Scopes at their shortest and longest ids and codes.
pub(crate) fn extreme_scope_spec() -> impl Strategy<Value = ScopeSpec> {
    let id = || {
        prop_oneof![
            text(LOWER_DIGIT, 1..=1),
            padded(text(LOWER_DIGIT, 1..=1), &['k', '-'], 64..=64),
        ]
    };
    let code = prop_oneof![
        text(UPPER, 1..=1),
        padded(text(UPPER, 1..=1), &['K', '4'], 32..=32),
    ];
    prop_oneof![
        Just(ScopeSpec::Platform),
        id().prop_map(|tenant| ScopeSpec::Tenant { tenant }),
        (id(), id(), code).prop_map(|(tenant, capsule, code)| ScopeSpec::Capsule {
            tenant,
            capsule,
            code,
        }),
    ]
}

/// Bases at their shortest and longest.
pub(crate) fn extreme_base_name() -> impl Strategy<Value = String> {
    prop_oneof![
        word(LOWER_DIGIT, LOWER_DIGIT_DOT_DASH, 2..=2),
        padded(text(LOWER_DIGIT, 1..=1), &['m', '.', '-'], 128..=128),
    ]
}

/// How [`scope_pair`] derives a second scope from the first.
#[derive(Debug, Clone, Copy)]
enum Nudge {
    /// `t1` → `t10`.
    ExtendTenant,
    /// `t10` → `t1`.
    TruncateTenant,
    /// `caps-456` → `caps-4567`.
    ExtendCapsule,
    /// `caps-4567` → `caps-456`.
    TruncateCapsule,
    /// The same capsule under another code.
    OtherCode,
    /// Capsule → its tenant, tenant → platform.
    Up,
    /// Platform → a tenant, tenant → one of its capsules.
    Down,
}

/// `id` with `suffix` appended, or cut short where that would pass 64 characters.
fn extend(id: &str, suffix: &str) -> String {
    if id.len() + suffix.len() <= 64 {
        format!("{id}{suffix}")
    } else {
        id[..id.len() - suffix.len()].to_owned()
    }
}

/// A strict prefix of `id` (or `id` plus a digit if it has one character).
fn truncate(id: &str, cut: Index) -> String {
    if id.len() > 1 {
        id[..1 + cut.index(id.len() - 1)].to_owned()
    } else {
        format!("{id}0")
    }
}

impl Nudge {
    /// The neighbour of `spec`, drawing missing ids from `other`; `spec` itself when the nudge
    /// does not apply to its kind.
    fn apply(self, spec: &ScopeSpec, suffix: &str, cut: Index, other: &ScopeSpec) -> ScopeSpec {
        let other_tenant = match other {
            ScopeSpec::Tenant { tenant } | ScopeSpec::Capsule { tenant, .. } => tenant.as_str(),
            ScopeSpec::Platform => "t1",
        };
        let (other_capsule, other_code) = match other {
            ScopeSpec::Capsule { capsule, code, .. } => (capsule.as_str(), code.as_str()),
            _ => ("caps-456", "PRODUSX"),
        };
        let capsule = |tenant: String, capsule: String, code: &str| ScopeSpec::Capsule {
            tenant,
            capsule,
            code: code.to_owned(),
        };
        match (self, spec) {
            (Self::ExtendTenant, ScopeSpec::Tenant { tenant }) => ScopeSpec::Tenant {
                tenant: extend(tenant, suffix),
            },
            (Self::TruncateTenant, ScopeSpec::Tenant { tenant }) => ScopeSpec::Tenant {
                tenant: truncate(tenant, cut),
            },
            (
                Self::ExtendTenant,
                ScopeSpec::Capsule {
                    tenant,
                    capsule: c,
                    code,
                },
            ) => capsule(extend(tenant, suffix), c.clone(), code),
            (
                Self::TruncateTenant,
                ScopeSpec::Capsule {
                    tenant,
                    capsule: c,
                    code,
                },
            ) => capsule(truncate(tenant, cut), c.clone(), code),
            (
                Self::ExtendCapsule,
                ScopeSpec::Capsule {
                    tenant,
                    capsule: c,
                    code,
                },
            ) => capsule(tenant.clone(), extend(c, suffix), code),
            (
                Self::TruncateCapsule,
                ScopeSpec::Capsule {
                    tenant,
                    capsule: c,
                    code,
                },
            ) => capsule(tenant.clone(), truncate(c, cut), code),
            (
                Self::OtherCode,
                ScopeSpec::Capsule {
                    tenant, capsule: c, ..
                },
            ) => capsule(tenant.clone(), c.clone(), other_code),
            (Self::Up, ScopeSpec::Capsule { tenant, .. }) => ScopeSpec::Tenant {
                tenant: tenant.clone(),
            },
            (Self::Up, ScopeSpec::Tenant { .. }) => ScopeSpec::Platform,
            (Self::Down, ScopeSpec::Platform) => ScopeSpec::Tenant {
                tenant: other_tenant.to_owned(),
            },
            (Self::Down, ScopeSpec::Tenant { tenant }) => {
                capsule(tenant.clone(), other_capsule.to_owned(), other_code)
            }
            _ => spec.clone(),
        }
    }
}

/// Two scopes: unrelated, or the second a neighbour of the first (`t1` / `t10`, `caps-456` /
/// `caps-4567`, one scope up or down, another capsule code, or the same scope).
pub(crate) fn scope_pair() -> impl Strategy<Value = (ScopeSpec, ScopeSpec)> {
    let nudge = select(
        &[
            Nudge::ExtendTenant,
            Nudge::TruncateTenant,
            Nudge::ExtendCapsule,
            Nudge::TruncateCapsule,
            Nudge::OtherCode,
            Nudge::Up,
            Nudge::Down,
        ][..],
    );
    let suffix = select(&["0", "1", "-", "-7", "a0"][..]);
    let neighbours = (scope_spec(), nudge, suffix, any::<Index>(), scope_spec()).prop_map(
        |(spec, nudge, suffix, cut, other)| {
            let neighbour = nudge.apply(&spec, suffix, cut, &other);
            (spec, neighbour)
        },
    );
    prop_oneof![(scope_spec(), scope_spec()), neighbours]
}

pub(crate) fn entity_tag() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["A", "B", "LEAD", "LEAD_NOTE", "TENANTS", "CAPSULES", "T", "C"][..])
            .prop_map(str::to_owned),
        1 => padded(word(UPPER, UPPER_DIGIT_UNDERSCORE, 0..=3), &['E', '_', '5'], 1..=64),
    ]
    .prop_filter("TENANT and CAPSULE are reserved", |tag| {
        is_valid_entity(tag)
    })
}

/// Fragments that mean something to the key format.
const KEY_TOKENS: &[&str] = &[
    "#",
    "#",
    "%",
    "%",
    "%23",
    "%25",
    "%2",
    "23",
    "25",
    "%%",
    "TENANT",
    "CAPSULE",
    "#TENANT#",
    "#CAPSULE#",
    "LEAD",
    "t1",
    "t10",
    "caps-456",
    "a",
    "é",
    "😀",
    "\u{0}",
    " ",
    "\u{ffff}",
];

pub(crate) fn token_soup(
    tokens: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    prop::collection::vec(select(tokens), 0..=max).prop_map(|parts| parts.concat())
}

/// Id values: arbitrary unicode (with and without control characters), soups of the key
/// format's own fragments, and the empty string.
pub(crate) fn id_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => token_soup(KEY_TOKENS, 5),
        2 => any::<String>(),
        1 => prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
        1 => Just(String::new()),
    ]
}

/// Key inputs: a scope, an entity tag and up to three ids (sometimes none).
pub(crate) fn key_input() -> impl Strategy<Value = (ScopeSpec, String, Vec<String>)> {
    (
        scope_spec(),
        entity_tag(),
        prop_oneof![
            1 => Just(Vec::new()),
            12 => prop::collection::vec(id_value(), 1..=3),
        ],
    )
}

/// Key inputs from an alphabet small enough that a handful of them often share segments.
pub(crate) fn tiny_key_input() -> impl Strategy<Value = (ScopeSpec, String, Vec<String>)> {
    let scope = prop_oneof![
        Just(ScopeSpec::Platform),
        select(&["a", "a-b", "b"][..]).prop_map(|t| ScopeSpec::Tenant {
            tenant: t.to_owned()
        }),
        (select(&["a", "b"][..]), select(&["a", "c"][..])).prop_map(|(t, c)| {
            ScopeSpec::Capsule {
                tenant: t.to_owned(),
                capsule: c.to_owned(),
                code: "A".to_owned(),
            }
        }),
    ];
    let id = token_soup(&["#", "%", "23", "a", "%23", "CAPSULE", "TENANT"], 3);
    (
        scope,
        select(&["A", "B", "LEAD"][..]).prop_map(str::to_owned),
        prop::collection::vec(id, 1..=3),
    )
}

/// A single edit of a string: a character inserted, deleted or replaced, or `#`-separated
/// segments swapped, dropped or duplicated.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, char),
    Delete(Index),
    Replace(Index, char),
    SwapSegments(Index, Index),
    DropSegment(Index),
    DuplicateSegment(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = select(
        &[
            '#', '%', '_', '-', '.', 'a', 'A', 'T', '1', '0', '2', '3', '5', 'é', ' ', '\0',
        ][..],
    );
    prop_oneof![
        (any::<Index>(), ch.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), ch).prop_map(|(at, c)| Edit::Replace(at, c)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapSegments(a, b)),
        any::<Index>().prop_map(Edit::DropSegment),
        any::<Index>().prop_map(Edit::DuplicateSegment),
    ]
}

impl Edit {
    fn apply(&self, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        let mut segments: Vec<&str> = text.split('#').collect();
        match *self {
            Self::Insert(at, c) => chars.insert(at.index(chars.len() + 1), c),
            Self::Delete(at) if !chars.is_empty() => {
                chars.remove(at.index(chars.len()));
            }
            Self::Replace(at, c) if !chars.is_empty() => {
                let at = at.index(chars.len());
                chars[at] = c;
            }
            Self::SwapSegments(a, b) => {
                let (a, b) = (a.index(segments.len()), b.index(segments.len()));
                segments.swap(a, b);
                return segments.join("#");
            }
            Self::DropSegment(at) => {
                segments.remove(at.index(segments.len()));
                return segments.join("#");
            }
            Self::DuplicateSegment(at) => {
                let at = at.index(segments.len());
                segments.insert(at, segments[at]);
                return segments.join("#");
            }
            Self::Delete(_) | Self::Replace(..) => {}
        }
        chars.into_iter().collect()
    }
}

/// Strings to feed constructors: arbitrary unicode, soups of near-valid characters, values
/// around every length bound, reserved words, and valid values with one edit.
pub(crate) fn identifier_candidate() -> impl Strategy<Value = String> {
    let valid = prop_oneof![tenant_id(), capsule_code(), base_name(), entity_tag()];
    prop_oneof![
        2 => any::<String>(),
        3 => text("aAbZ019_.#%é -", 0..=5),
        1 => padded(text(LOWER_DIGIT_DASH, 0..=3), &['a', '-'], 62..=66),
        1 => padded(text(LOWER_DIGIT_DOT_DASH, 0..=3), &['a', '.'], 126..=130),
        1 => padded(text(UPPER_DIGIT, 0..=3), &['A', '9'], 30..=34),
        1 => padded(text(UPPER_DIGIT_UNDERSCORE, 0..=3), &['A', '_'], 62..=66),
        1 => select(&[
            "", "TENANT", "CAPSULE", "TENANTS", "a_b", "A_B", "-a", "a-", ".ab", "ab.", "1A",
            "A1", "é", "a b", "ab", "abc", "Abc", "aBc",
        ][..])
        .prop_map(str::to_owned),
        3 => (valid, edit()).prop_map(|(value, edit)| edit.apply(&value)),
    ]
}

/// Strings to feed the decoder: arbitrary text, soups of key fragments, and valid keys with
/// one edit.
pub(crate) fn key_candidate() -> impl Strategy<Value = String> {
    let valid_key = || {
        key_input().prop_filter_map("only keys that build", |(spec, entity, ids)| {
            spec.expected_key_result(&entity, &ids).ok()
        })
    };
    prop_oneof![
        1 => any::<String>(),
        2 => token_soup(KEY_TOKENS, 8),
        2 => valid_key(),
        5 => (valid_key(), prop::collection::vec(edit(), 1..=2))
            .prop_map(|(key, edits)| edits.iter().fold(key, |key, edit| edit.apply(&key))),
    ]
}

/// A key input whose encoded length lands within a few bytes of 2048: an id of key fragments
/// padded with a character of 1 to 4 escaped bytes (`x`, `é`, `#` → `%23`, `😀`).
pub(crate) fn key_near_the_limit() -> impl Strategy<Value = (ScopeSpec, String, Vec<String>)> {
    (
        scope_spec(),
        entity_tag(),
        token_soup(KEY_TOKENS, 4),
        select(&['x', 'é', '#', '%', '😀'][..]),
        MAX_PARTITION_KEY_BYTES - 8..=MAX_PARTITION_KEY_BYTES + 8,
        any::<bool>(),
    )
        .prop_map(|(spec, entity, head, pad, target, two_ids)| {
            let mut ids = if two_ids {
                vec!["y".to_owned()]
            } else {
                Vec::new()
            };
            ids.push(head);
            let len = spec.expected_key(&entity, &ids).len();
            let pad_len = pad.len_utf8() + if matches!(pad, '#' | '%') { 2 } else { 0 };
            let count = target.saturating_sub(len) / pad_len;
            if let Some(last) = ids.last_mut() {
                last.extend(std::iter::repeat_n(pad, count.max(1)));
            }
            (spec, entity, ids)
        })
}
