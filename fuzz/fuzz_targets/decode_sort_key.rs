//! Fuzzes the sort-key decoder: it must never panic, and every string it accepts must be
//! canonical, i.e. re-encoding the decoded tag and sort ids gives back the input exactly.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scoped_runtime::{DecodedSortKey, EntityTag, KeyError, MAX_SORT_KEY_BYTES, SortValue};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is replaced rather than skipped, so the fuzzer's byte mutations still
    // reach the decoder.
    let sk = String::from_utf8_lossy(data);
    let decoded = match DecodedSortKey::parse(&sk) {
        Ok(decoded) => decoded,
        Err(KeyError::SortKeyTooLong { len, .. }) => {
            assert!(len == sk.len() && len > MAX_SORT_KEY_BYTES);
            return;
        }
        Err(KeyError::MalformedSortKey { key, .. }) => {
            assert_eq!(key, sk);
            return;
        }
        Err(other) => panic!("unexpected error for {sk:?}: {other}"),
    };
    assert_eq!(decoded.as_str(), sk);
    EntityTag::new(decoded.tag()).expect("a decoded entity tag is valid");
    let mut rebuilt = decoded.tag().to_owned();
    for id in decoded.sort_ids() {
        let text = id.to_text();
        assert!(!text.is_empty(), "a decoded sort id is never empty");
        let encoded = SortValue::text(&text).to_string();
        assert_eq!(encoded, id.as_str(), "the decoder accepted a non-canonical sort id");
        rebuilt.push('#');
        rebuilt.push_str(&encoded);
    }
    assert_eq!(rebuilt, sk, "the decoder accepted a non-canonical sort key");
    assert_eq!(decoded.len(), decoded.sort_ids().count());
});
