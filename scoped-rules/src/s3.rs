//! The naming rules of S3: object collections (the `uploads` of `#[capsule_objects("uploads")]`)
//! and bucket names.

use crate::{Charset, Rule, Spec, check};

/// Object collection names: `uploads`. 1–64 of `a-z 0-9 -`, starting with a letter or digit:
/// one key segment that never holds `/` (the segment separator), `%` (the id escape) or `.`
/// (so it is never a `.` or `..` path segment, which some clients normalise away).
const OBJECT_COLLECTION: Spec = Spec {
    min: 1,
    max: 64,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDash,
};

/// Bucket names: 3–63 of `a-z 0-9 . -`, starting and ending with a letter or digit
/// (S3's general-purpose bucket rules).
const BUCKET: Spec = Spec {
    min: 3,
    max: 63,
    first: Charset::LowerAlnum,
    rest: Charset::LowerAlnumDotDash,
};

/// Checks an object collection name: 1–64 of `a-z 0-9 -`, starting with a letter or digit.
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_object_collection(value: &str) -> Result<(), Rule> {
    check(value, OBJECT_COLLECTION)
}

/// Checks an S3 bucket name: 3–63 of `a-z 0-9 . -`, starting and ending with a letter or
/// digit, no `..`, not formatted as an IPv4 address, no `xn--` prefix and no `-s3alias` or
/// `--ol-s3` suffix (S3's rules for general-purpose buckets).
///
/// # Errors
///
/// The [`Rule`] the value breaks.
pub const fn check_bucket_name(value: &str) -> Result<(), Rule> {
    if let Err(rule) = check(value, BUCKET) {
        return Err(rule);
    }
    let bytes = value.as_bytes();
    let last = bytes[bytes.len() - 1];
    if !(last.is_ascii_lowercase() || last.is_ascii_digit()) {
        return Err(Rule::Format(
            "must end with a lowercase ASCII letter or digit",
        ));
    }
    let mut i = 1;
    let mut dots = 0;
    let mut digits_and_dots = true;
    while i <= bytes.len() {
        let b = bytes[i - 1];
        if b == b'.' {
            dots += 1;
            if i < bytes.len() && bytes[i] == b'.' {
                return Err(Rule::Format("must not contain two adjacent periods"));
            }
        } else if !b.is_ascii_digit() {
            digits_and_dots = false;
        }
        i += 1;
    }
    if digits_and_dots && dots == 3 {
        return Err(Rule::Format("must not be formatted as an IP address"));
    }
    if starts_with(bytes, b"xn--") || starts_with(bytes, b"sthree-") {
        return Err(Rule::Format("must not start with `xn--` or `sthree-`"));
    }
    if ends_with(bytes, b"-s3alias") || ends_with(bytes, b"--ol-s3") {
        return Err(Rule::Format("must not end with `-s3alias` or `--ol-s3`"));
    }
    Ok(())
}

const fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    if bytes.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if bytes[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn ends_with(bytes: &[u8], suffix: &[u8]) -> bool {
    if bytes.len() < suffix.len() {
        return false;
    }
    let start = bytes.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if bytes[start + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections() {
        assert_eq!(check_object_collection("uploads"), Ok(()));
        assert_eq!(check_object_collection("lead-files2"), Ok(()));
        assert!(check_object_collection("").is_err());
        assert!(check_object_collection("a/b").is_err());
        assert!(check_object_collection("..").is_err());
        assert!(check_object_collection("-x").is_err());
        assert!(check_object_collection("Uploads").is_err());
    }

    #[test]
    fn buckets() {
        assert_eq!(check_bucket_name("acme-data"), Ok(()));
        assert_eq!(check_bucket_name("acme.data.eu"), Ok(()));
        for bad in [
            "ab",
            "Acme",
            "acme_data",
            "acme-",
            "acme..data",
            "192.168.1.1",
            "xn--acme",
            "acme-s3alias",
            "acme--ol-s3",
        ] {
            assert!(check_bucket_name(bad).is_err(), "{bad}");
        }
    }
}
