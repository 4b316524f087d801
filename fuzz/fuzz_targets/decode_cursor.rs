//! Fuzzes the cursor decoder: it must never panic, and every text it accepts must be
//! canonical, i.e. printing the decoded cursor gives back the input exactly.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scoped_runtime::{Cursor, CursorError, MAX_CURSOR_LEN};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is replaced rather than skipped, so the fuzzer's byte mutations still
    // reach the decoder.
    let text = String::from_utf8_lossy(data);
    match text.parse::<Cursor>() {
        Ok(cursor) => assert_eq!(
            cursor.to_string(),
            text,
            "the decoder accepted a non-canonical cursor"
        ),
        Err(CursorError::TooLong { len }) => assert!(len == text.len() && len > MAX_CURSOR_LEN),
        Err(_) => {}
    }
});
