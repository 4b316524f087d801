//! Sort keys order as their values: comparing two encoded sort keys byte by byte, as DynamoDB
//! does, gives the order of their sort ids as values, component by component; equal sort keys
//! come only from equal values; and the decoder gives back what was encoded. Every property
//! runs 10,000 cases.
//!
//! The expected order is the values' own `Ord` (tuples compare component by component, `str`
//! by UTF-8 bytes, timestamps as (seconds, nanoseconds)), so the oracle is independent of the
//! codec. Text is drawn from a tiny alphabet around the bytes the codec treats specially (the
//! separator `#`, the escape `%`, the bound marker `$`, space, control characters, the first
//! byte passed through `&`, multi-byte characters), so prefixes and near-misses are common.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::RngAlgorithm;
use scoped_runtime::{
    DecodedSortKey, EntityTag, KeyError, MAX_SORT_KEY_BYTES, SortIds, SortSegment, SortValue,
};

use crate::strategies::text;

/// The characters sort-id text is drawn from: around every byte the codec treats specially.
const SORT_TEXT: &str = "#%$ !\"\u{0}\u{1f}&'aAz~\u{7f}é€\u{10348}0";

fn tag() -> EntityTag {
    EntityTag::from_static("NOTE")
}

/// Text sort ids: mostly short over [`SORT_TEXT`], so that one is often a prefix of another.
fn sort_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => text(SORT_TEXT, 1..=4),
        2 => text("#%a", 1..=6),
        1 => any::<String>().prop_filter("sort ids are non-empty", |s| !s.is_empty()),
    ]
}

/// A pair where the second is often the first extended, truncated or equal.
fn text_pair() -> impl Strategy<Value = (String, String)> {
    (sort_text(), sort_text(), 0_u8..4).prop_map(|(a, b, how)| match how {
        0 => (a.clone(), a + &b),
        1 => (a.clone(), a),
        _ => (a, b),
    })
}

/// Integers of type `T`: the extremes, values around zero, and anything.
macro_rules! integers {
    ($ty:ty) => {
        prop_oneof![
            select(vec![<$ty>::MIN, <$ty>::MAX, <$ty>::MIN + 1, <$ty>::MAX - 1]),
            select(vec![0 as $ty, 1 as $ty, 9 as $ty, 10 as $ty, 100 as $ty]),
            any::<$ty>(),
        ]
    };
}

/// Integers of a signed type `T`: also values around zero on both sides.
macro_rules! signed {
    ($ty:ty) => {
        prop_oneof![integers!($ty), (-20_i8..=20).prop_map(<$ty>::from)]
    };
}

/// The sort key of `ids`.
fn sk(ids: impl SortIds) -> Result<String, TestCaseError> {
    ids.encode(&tag())
        .map_err(|err| TestCaseError::fail(format!("building a sort key failed: {err}")))
}

/// Checks that the sort keys of `a` and `b` compare as the values do, and parse back to
/// their encoded components.
fn same_order<T: SortIds + Ord + Copy + std::fmt::Debug>(a: T, b: T) -> Result<(), TestCaseError> {
    let (ka, kb) = (sk(a)?, sk(b)?);
    prop_assert_eq!(
        ka.as_bytes().cmp(kb.as_bytes()),
        a.cmp(&b),
        "{:?} → {:?}, {:?} → {:?}",
        a,
        ka,
        b,
        kb
    );
    let decoded = DecodedSortKey::parse(&ka);
    prop_assert!(decoded.is_ok(), "{ka:?}: {decoded:?}");
    Ok(())
}

/// Timestamps within 0000–9999: the extremes, around the epoch, and anything.
fn timestamp() -> impl Strategy<Value = (i64, u32)> {
    const MIN: i64 = -62_167_219_200;
    const MAX: i64 = 253_402_300_799;
    let seconds = prop_oneof![
        select(vec![MIN, MIN + 1, -1, 0, 1, MAX - 1, MAX]),
        -100_000_i64..100_000,
        MIN..=MAX,
    ];
    let nanos = prop_oneof![
        select(vec![0, 1, 999_999_999, 500_000_000]),
        0_u32..1_000_000_000,
    ];
    (seconds, nanos)
}

fn timestamp_sk(seconds: i64, nanos: u32) -> Result<String, TestCaseError> {
    let value = SortValue::timestamp(seconds, nanos)
        .map_err(|err| TestCaseError::fail(format!("{seconds}.{nanos:09}: {err}")))?;
    Ok(format!("NOTE#{value}"))
}

/// `SystemTime` at `seconds`, `nanos` after the epoch (negative: before).
fn system_time(seconds: i64, nanos: u32) -> SystemTime {
    let whole = Duration::from_secs(seconds.unsigned_abs());
    let at = if seconds < 0 {
        UNIX_EPOCH - whole
    } else {
        UNIX_EPOCH + whole
    };
    at + Duration::from_nanos(u64::from(nanos))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// Text sort keys compare as the texts' UTF-8 bytes (Rust's `str` order), also when one
    /// text is a prefix of the other and when either is followed by another sort id.
    #[test]
    fn text_sort_keys_order_as_the_text((a, b) in text_pair(), next_a in sort_text(), next_b in sort_text()) {
        let (ka, kb) = (sk(a.as_str())?, sk(b.as_str())?);
        prop_assert_eq!(ka.as_bytes().cmp(kb.as_bytes()), a.cmp(&b), "{:?} → {:?}, {:?} → {:?}", a, ka, b, kb);
        let (ka, kb) = (sk((a.as_str(), next_a.as_str()))?, sk((b.as_str(), next_b.as_str()))?);
        prop_assert_eq!(
            ka.as_bytes().cmp(kb.as_bytes()),
            (&a, &next_a).cmp(&(&b, &next_b)),
            "{:?} against {:?}", ka, kb
        );
        for key in [&ka, &kb] {
            prop_assert!(!key[tag().as_str().len()..].contains('$'), "{key:?} contains `$`");
        }
    }

    /// Integer sort keys of every width compare as the numbers, negative ones first.
    #[test]
    fn integer_sort_keys_order_as_the_numbers(
        u8s in (integers!(u8), integers!(u8)),
        u16s in (integers!(u16), integers!(u16)),
        u32s in (integers!(u32), integers!(u32)),
        u64s in (integers!(u64), integers!(u64)),
        u128s in (integers!(u128), integers!(u128)),
        usizes in (integers!(usize), integers!(usize)),
        i8s in (signed!(i8), signed!(i8)),
        i16s in (signed!(i16), signed!(i16)),
        i32s in (signed!(i32), signed!(i32)),
        i64s in (signed!(i64), signed!(i64)),
        i128s in (signed!(i128), signed!(i128)),
        isizes in (signed!(isize), signed!(isize)),
    ) {
        same_order(u8s.0, u8s.1)?;
        same_order(u16s.0, u16s.1)?;
        same_order(u32s.0, u32s.1)?;
        same_order(u64s.0, u64s.1)?;
        same_order(u128s.0, u128s.1)?;
        same_order(usizes.0, usizes.1)?;
        same_order(i8s.0, i8s.1)?;
        same_order(i16s.0, i16s.1)?;
        same_order(i32s.0, i32s.1)?;
        same_order(i64s.0, i64s.1)?;
        same_order(i128s.0, i128s.1)?;
        same_order(isizes.0, isizes.1)?;
        same_order(i64s.0 < 0, i64s.1 < 0)?;
    }

    /// Timestamp sort keys compare as the instants, before the epoch too, and a `SystemTime`
    /// encodes as the same instant given as seconds and nanoseconds.
    #[test]
    fn timestamp_sort_keys_order_as_the_instants(a in timestamp(), b in timestamp()) {
        let (ka, kb) = (timestamp_sk(a.0, a.1)?, timestamp_sk(b.0, b.1)?);
        prop_assert_eq!(ka.as_bytes().cmp(kb.as_bytes()), a.cmp(&b), "{:?} → {:?}, {:?} → {:?}", a, ka, b, kb);
        prop_assert_eq!(ka.len(), "NOTE#".len() + "2026-11-30T14:03:03.000000000Z".len());
        prop_assert_eq!(sk(system_time(a.0, a.1))?, ka);
    }

    /// Tuples of sort ids compare component by component, whichever type comes first; equal
    /// sort keys come only from equal tuples.
    #[test]
    fn tuple_sort_keys_order_component_by_component(
        (a, b) in text_pair(), m in signed!(i64), n in signed!(i64), same in any::<bool>(),
    ) {
        let n = if same { m } else { n };
        let (ka, kb) = (sk((a.as_str(), m))?, sk((b.as_str(), n))?);
        prop_assert_eq!(ka.as_bytes().cmp(kb.as_bytes()), (&a, m).cmp(&(&b, n)), "{:?} against {:?}", ka, kb);
        let (ka, kb) = (sk((m, a.as_str()))?, sk((n, b.as_str()))?);
        prop_assert_eq!(ka.as_bytes().cmp(kb.as_bytes()), (m, &a).cmp(&(n, &b)), "{:?} against {:?}", ka, kb);
        let (ka, kb) = (sk((m, a.as_str(), m < 0))?, sk((n, b.as_str(), n < 0))?);
        prop_assert_eq!(ka == kb, (m, &a) == (n, &b));
    }

    /// A sort key parses back into its tag and one component per sort id, each the sort id's
    /// encoding, and a text component decodes to the text.
    #[test]
    fn sort_keys_decode_to_what_built_them(a in sort_text(), b in sort_text(), n in signed!(i32)) {
        let key = sk((a.as_str(), n, b.as_str()))?;
        let decoded = DecodedSortKey::parse(&key);
        prop_assert!(decoded.is_ok(), "{key:?}: {decoded:?}");
        let decoded = decoded?;
        prop_assert_eq!(decoded.tag(), "NOTE");
        prop_assert_eq!(decoded.len(), 3);
        let ids: Vec<_> = decoded.sort_ids().collect();
        prop_assert_eq!(ids[0].to_text(), a.as_str());
        prop_assert_eq!(ids[1].as_str(), SortValue::from(n).to_string());
        prop_assert_eq!(ids[2].to_text(), b.as_str());
        prop_assert_eq!(ids[2].as_str(), b.sort_value()?.to_string());
    }

    /// The decoder accepts exactly the encoder's output: whatever it accepts, re-encoded from
    /// its decoded texts, is the input again.
    #[test]
    fn only_canonical_sort_keys_parse(candidate in text("NOTE#%$ 0123456789ABCDEFa\u{1}é", 0..=14)) {
        match DecodedSortKey::parse(&candidate) {
            Ok(decoded) => {
                let tag = EntityTag::new(decoded.tag());
                prop_assert!(tag.is_ok(), "{candidate:?}: tag {:?}", decoded.tag());
                let texts: Vec<String> = decoded.sort_ids().map(|id| id.to_text().into_owned()).collect();
                let values: Vec<SortValue<'_>> = texts.iter().map(|t| SortValue::text(t)).collect();
                let mut rebuilt = decoded.tag().to_owned();
                for value in &values {
                    rebuilt.push('#');
                    rebuilt.push_str(&value.to_string());
                }
                prop_assert_eq!(rebuilt, candidate);
            }
            Err(KeyError::MalformedSortKey { key, .. }) => prop_assert_eq!(key, candidate),
            Err(other) => prop_assert!(false, "{candidate:?}: {other}"),
        }
    }

    /// Sort keys up to DynamoDB's limit build and parse; one byte over is an error both ways.
    #[test]
    fn sort_keys_fit_the_sort_key_limit(escapes in 0_usize..=400, extra in 0_usize..=3) {
        let room = MAX_SORT_KEY_BYTES - "NOTE#".len();
        let escapes = escapes.min(room / 3);
        let text = format!("{}{}", "#".repeat(escapes), "x".repeat(room - 3 * escapes + extra));
        let built = text.as_str().encode(&tag());
        if extra == 0 {
            prop_assert!(built.is_ok(), "{built:?}");
            let key = built?;
            prop_assert_eq!(key.len(), MAX_SORT_KEY_BYTES);
            prop_assert!(DecodedSortKey::parse(&key).is_ok());
        } else {
            let too_long = matches!(built, Err(KeyError::SortKeyTooLong { len, .. }) if len == MAX_SORT_KEY_BYTES + extra);
            prop_assert!(too_long, "{built:?}");
            let key = format!("NOTE#{}{}", "%23".repeat(escapes), "x".repeat(room - 3 * escapes + extra));
            let parsed = DecodedSortKey::parse(&key);
            prop_assert!(matches!(parsed, Err(KeyError::SortKeyTooLong { .. })), "{parsed:?}");
        }
    }
}
