use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::RngAlgorithm;

use super::*;

fn lead_query() -> QueryFingerprint {
    QueryFingerprint {
        scope: ScopeKind::Capsule,
        scope_prefix: "TENANT#t1#CAPSULE#c1#".into(),
        table: "PRODUS_crm".into(),
        target: QueryTarget::Entity("NOTE".into()),
        partition_key: "TENANT#t1#CAPSULE#c1#LEAD#l1".into(),
        direction: Direction::Descending,
        index: None,
    }
}

fn last_key(fp: &QueryFingerprint) -> Vec<(String, String)> {
    vec![
        ("pk".into(), fp.partition_key.clone()),
        ("sk".into(), "NOTE#2026-11-30T14:03:03.000000000Z#n7".into()),
    ]
}

fn cursor(fp: &QueryFingerprint) -> Cursor {
    Cursor::new(fp.clone(), last_key(fp)).unwrap()
}

#[test]
fn a_cursor_round_trips_through_its_text() {
    let fp = lead_query();
    let original = cursor(&fp);
    let text = original.to_string();
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{text}"
    );
    let parsed: Cursor = text.parse().unwrap();
    assert_eq!(parsed, original);
    assert_eq!(parsed.to_string(), text);
    let resumed = parsed.resume(&fp).unwrap();
    assert_eq!(
        resumed.iter().collect::<Vec<_>>(),
        last_key(&fp)
            .iter()
            .map(|(k, v)| (k, v))
            .collect::<Vec<_>>()
    );
    // The text is the JSON-free binary form, not the raw key in disguise.
    assert!(!text.contains("TENANT"));
}

#[test]
fn a_cursor_of_another_query_is_rejected_naming_the_part() {
    let fp = lead_query();
    let original = cursor(&fp);
    let mut other_tenant = fp.clone();
    other_tenant.scope_prefix = "TENANT#t10#CAPSULE#c1#".into();
    let mut other_kind = fp.clone();
    other_kind.scope = ScopeKind::Tenant;
    let mut other_table = fp.clone();
    other_table.table = "PRODUS_crm2".into();
    let mut other_entity = fp.clone();
    other_entity.target = QueryTarget::Entity("LEAD".into());
    let mut collection = fp.clone();
    collection.target = QueryTarget::Collection("NOTE".into());
    let mut other_partition = fp.clone();
    other_partition.partition_key = "TENANT#t1#CAPSULE#c1#LEAD#l2".into();
    let mut ascending = fp.clone();
    ascending.direction = Direction::Ascending;
    let mut on_index = fp.clone();
    on_index.index = Some("by-date".into());
    let cases = [
        (
            other_tenant,
            CursorPart::Scope,
            "capsule \"TENANT#t10#CAPSULE#c1#\"",
            "capsule \"TENANT#t1#CAPSULE#c1#\"",
        ),
        (
            other_kind,
            CursorPart::Scope,
            "tenant \"TENANT#t1#CAPSULE#c1#\"",
            "capsule \"TENANT#t1#CAPSULE#c1#\"",
        ),
        (
            other_table,
            CursorPart::Table,
            "\"PRODUS_crm2\"",
            "\"PRODUS_crm\"",
        ),
        (
            other_entity,
            CursorPart::Target,
            "entity \"LEAD\"",
            "entity \"NOTE\"",
        ),
        (
            collection,
            CursorPart::Target,
            "collection \"NOTE\"",
            "entity \"NOTE\"",
        ),
        (
            other_partition,
            CursorPart::PartitionKey,
            "\"TENANT#t1#CAPSULE#c1#LEAD#l2\"",
            "\"TENANT#t1#CAPSULE#c1#LEAD#l1\"",
        ),
        (ascending, CursorPart::Direction, "ascending", "descending"),
        (
            on_index,
            CursorPart::Index,
            "index \"by-date\"",
            "the table itself",
        ),
    ];
    for (expected, part, expected_text, found_text) in cases {
        let err = original.resume(&expected).unwrap_err();
        assert_eq!(
            err,
            CursorError::Mismatch {
                part,
                expected: expected_text.into(),
                found: found_text.into(),
            }
        );
        let message = err.to_string();
        assert!(message.contains(&part.to_string()), "{message}");
        assert!(!message.contains("n7"), "the last key leaks: {message}");
    }
}

#[test]
fn a_last_key_outside_the_partition_is_rejected() {
    let fp = lead_query();
    let foreign = Cursor::new(
        fp.clone(),
        [
            ("pk".to_owned(), "TENANT#t2#CAPSULE#c1#LEAD#l1".to_owned()),
            ("sk".to_owned(), "NOTE#x".to_owned()),
        ],
    )
    .unwrap();
    assert!(matches!(
        foreign.resume(&fp),
        Err(CursorError::Mismatch {
            part: CursorPart::LastKeyPartition,
            ..
        })
    ));
    let no_pk = Cursor::new(fp.clone(), [("sk".to_owned(), "NOTE#x".to_owned())]).unwrap();
    assert!(matches!(
        no_pk.resume(&fp),
        Err(CursorError::Mismatch { found, .. }) if found == "missing"
    ));
    // On an index the last key holds the index's keys too, and its `pk` is any item's.
    let mut on_index = fp.clone();
    on_index.index = Some("by-date".into());
    assert!(
        Cursor::new(on_index.clone(), [("gsi1pk".to_owned(), "x".to_owned())])
            .unwrap()
            .resume(&on_index)
            .is_ok()
    );
}

#[test]
fn bad_text_is_a_clear_error() {
    let bytes = cursor(&lead_query()).encode();
    let truncated = URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() - 3]);
    type Expected = fn(&CursorError) -> bool;
    let cases: [(&str, Expected); 9] = [
        ("", |e| {
            matches!(e, CursorError::Truncated { field: "version" })
        }),
        ("AQ", |e| {
            matches!(
                e,
                CursorError::Truncated {
                    field: "scope kind"
                }
            )
        }),
        ("Ag", |e| {
            matches!(
                e,
                CursorError::Version {
                    found: 2,
                    expected: 1
                }
            )
        }),
        ("AQMAAAA", |e| matches!(e, CursorError::Malformed { .. })),
        ("a=", |e| matches!(e, CursorError::NotBase64 { .. })),
        ("a+b/", |e| matches!(e, CursorError::NotBase64 { .. })),
        ("A", |e| matches!(e, CursorError::NotBase64 { .. })),
        ("AR", |e| matches!(e, CursorError::NotBase64 { .. })),
        (&truncated, |e| matches!(e, CursorError::Truncated { .. })),
    ];
    for (text, expected) in cases {
        let err = text.parse::<Cursor>().unwrap_err();
        assert!(expected(&err), "{text:?} gave {err:?}");
    }
    let long = "A".repeat(MAX_CURSOR_LEN + 1);
    assert_eq!(
        long.parse::<Cursor>(),
        Err(CursorError::TooLong {
            len: MAX_CURSOR_LEN + 1
        })
    );
    // Trailing bytes after a whole cursor are not a cursor either.
    let mut bytes = cursor(&lead_query()).encode();
    bytes.push(0);
    assert!(matches!(
        URL_SAFE_NO_PAD.encode(&bytes).parse::<Cursor>(),
        Err(CursorError::Malformed { .. })
    ));
}

#[test]
fn cursors_of_oversized_keys_are_refused_when_taken() {
    let mut fp = lead_query();
    fp.partition_key = "k".repeat(9_000);
    assert!(matches!(
        Cursor::new(fp.clone(), last_key(&fp)),
        Err(CursorError::TooLong { .. })
    ));
    assert!(matches!(
        Cursor::new(lead_query(), []),
        Err(CursorError::Malformed { .. })
    ));
    // The largest keys DynamoDB allows still fit.
    let mut fp = lead_query();
    fp.partition_key = "k".repeat(2048);
    fp.index = Some("i".repeat(255));
    fp.table = "t".repeat(255);
    let big = Cursor::new(
        fp.clone(),
        [
            ("pk".to_owned(), "k".repeat(2048)),
            ("sk".to_owned(), "s".repeat(1024)),
            ("gsi1pk".to_owned(), "g".repeat(2048)),
            ("gsi1sk".to_owned(), "h".repeat(1024)),
        ],
    )
    .unwrap();
    assert_eq!(big.to_string().parse::<Cursor>().unwrap(), big);
}

// ---------------------------------------------------------------------------------------------
// Properties: decoding never panics, and a changed cursor never resumes another query.
// ---------------------------------------------------------------------------------------------

fn fingerprint() -> impl Strategy<Value = QueryFingerprint> {
    let text = || select(vec!["", "a", "b", "NOTE", "TENANT#t1#", "é#%"]).prop_map(str::to_owned);
    (
        select(vec![
            ScopeKind::Platform,
            ScopeKind::Tenant,
            ScopeKind::Capsule,
        ]),
        (text(), text(), text(), text()),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(text()),
    )
        .prop_map(
            |(
                scope,
                (scope_prefix, table, target, partition_key),
                collection,
                descending,
                index,
            )| {
                QueryFingerprint {
                    scope,
                    scope_prefix,
                    table,
                    target: if collection {
                        QueryTarget::Collection(target)
                    } else {
                        QueryTarget::Entity(target)
                    },
                    partition_key,
                    direction: if descending {
                        Direction::Descending
                    } else {
                        Direction::Ascending
                    },
                    index,
                }
            },
        )
}

fn valid_cursor() -> impl Strategy<Value = Cursor> {
    (
        fingerprint(),
        prop::collection::vec(("[a-z]{1,3}", ".{0,6}"), 0..4),
    )
        .prop_map(|(fp, mut pairs)| {
            pairs.push(("pk".to_owned(), fp.partition_key.clone()));
            Cursor::new(fp, pairs).unwrap()
        })
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Set(prop::sample::Index, u8),
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<prop::sample::Index>(), 0_u8..8).prop_map(|(i, bit)| Edit::Flip(i, bit)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Edit::Remove),
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match edit {
        Edit::Set(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Edit::Flip(i, bit) => {
            let at = i.index(bytes.len());
            bytes[at] ^= 1 << bit;
        }
        Edit::Insert(i, b) => bytes.insert(i.index(bytes.len() + 1), *b),
        Edit::Remove(i) => {
            bytes.remove(i.index(bytes.len()));
        }
        Edit::Truncate(i) => bytes.truncate(i.index(bytes.len())),
    }
}

/// Whatever `changed` decodes to resumes `original`'s query only if it has the same
/// fingerprint and a last key in the same partition.
fn never_resumes_another_query(original: &Cursor, changed: &str) -> Result<(), TestCaseError> {
    if let Ok(decoded) = changed.parse::<Cursor>() {
        prop_assert_eq!(&decoded.to_string(), changed, "decoding is not canonical");
        if decoded.resume(&original.fingerprint).is_ok() {
            prop_assert_eq!(&decoded.fingerprint, &original.fingerprint);
            if original.fingerprint.index.is_none() {
                prop_assert_eq!(
                    decoded.last_key.get("pk"),
                    Some(&original.fingerprint.partition_key)
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// Any text at all: an error or a cursor, never a panic; a cursor prints back as the text.
    #[test]
    fn arbitrary_text_never_panics(text in prop_oneof![
        ".{0,40}",
        "[A-Za-z0-9_-]{0,60}",
        prop::collection::vec(any::<u8>(), 0..80).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
    ]) {
        if let Ok(cursor) = text.parse::<Cursor>() {
            prop_assert_eq!(cursor.to_string(), text);
        }
    }

    /// A cursor round-trips through its text and resumes exactly its own query.
    #[test]
    fn cursors_round_trip_and_resume_their_own_query(cursor in valid_cursor(), other in fingerprint()) {
        let parsed = cursor.to_string().parse::<Cursor>();
        prop_assert_eq!(parsed.as_ref(), Ok(&cursor));
        prop_assert!(cursor.resume(&cursor.fingerprint).is_ok());
        if other != cursor.fingerprint {
            prop_assert!(cursor.resume(&other).is_err(), "{other:?} resumed {cursor:?}");
        }
    }

    /// Edits of a cursor's bytes or of its text: never a panic, and anything that still
    /// decodes either is the original, or fails to resume the original's query, or differs
    /// from it only in the last key.
    #[test]
    fn changed_cursors_never_resume_another_query(
        cursor in valid_cursor(), edits in prop::collection::vec(edit(), 1..4), in_text in any::<bool>(),
    ) {
        let changed = if in_text {
            let mut text = cursor.to_string().into_bytes();
            for edit in &edits {
                apply(&mut text, edit);
            }
            String::from_utf8_lossy(&text).into_owned()
        } else {
            let mut bytes = cursor.encode();
            for edit in &edits {
                apply(&mut bytes, edit);
            }
            URL_SAFE_NO_PAD.encode(bytes)
        };
        never_resumes_another_query(&cursor, &changed)?;
    }
}
