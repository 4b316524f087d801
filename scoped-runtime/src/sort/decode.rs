//! Parsing sort keys back: [`DecodedSortKey`].

use std::borrow::Cow;

use super::{ESCAPE, HEX, LAST_ESCAPED, SEPARATOR, check_len, escaped};
use crate::error::KeyError;
use scoped_rules as rule;

/// A sort key parsed back into its entity tag and encoded sort ids, borrowing from it.
///
/// ```
/// use scoped_runtime::DecodedSortKey;
///
/// let sk = DecodedSortKey::parse("NOTE#2026-11-30T14:03:03.000000000Z#a%20b%23c")?;
/// assert_eq!(sk.tag(), "NOTE");
/// assert_eq!(sk.len(), 2);
/// let ids: Vec<_> = sk.sort_ids().collect();
/// assert_eq!(ids[1].as_str(), "a%20b%23c");
/// assert_eq!(ids[1].to_text(), "a b#c");
/// assert_eq!(DecodedSortKey::parse("LEAD")?.len(), 0);
/// # Ok::<(), scoped_runtime::KeyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodedSortKey<'a> {
    key: &'a str,
    tag: &'a str,
    /// The components joined by `#`, empty when there are none.
    ids: &'a str,
}

fn malformed(key: &str, reason: &'static str) -> KeyError {
    KeyError::MalformedSortKey {
        key: key.to_owned(),
        reason,
    }
}

impl<'a> DecodedSortKey<'a> {
    /// Parses `sk`, accepting exactly the sort keys this codec produces: `{TAG}` or
    /// `{TAG}#{c1}#…` with a valid entity tag and non-empty components in which every byte up
    /// to `%` (0x25) is escaped as `%` and two uppercase hex digits.
    ///
    /// # Errors
    ///
    /// [`KeyError::SortKeyTooLong`] over 1,024 bytes; [`KeyError::MalformedSortKey`] naming
    /// what breaks the format: a bad entity tag, an empty component, an unescaped byte up to
    /// `%`, or an escape that is not `%` and two uppercase hex digits of such a byte.
    pub fn parse(sk: &'a str) -> Result<Self, KeyError> {
        check_len(sk)?;
        let (tag, ids) = match sk.split_once(char::from(SEPARATOR)) {
            Some((tag, ids)) => (tag, Some(ids)),
            None => (sk, None),
        };
        if rule::check_entity_tag(tag).is_err() {
            return Err(malformed(
                sk,
                "a sort key starts with a valid entity tag (1–64 of `A-Z 0-9 _`, starting with a \
                 letter, not `TENANT` or `CAPSULE`)",
            ));
        }
        if let Some(ids) = ids
            && let Some(reason) = encoded_ids_fault(ids)
        {
            return Err(malformed(sk, reason));
        }
        Ok(Self {
            key: sk,
            tag,
            ids: ids.unwrap_or_default(),
        })
    }

    /// The whole sort key.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.key
    }

    /// The entity tag.
    #[must_use]
    pub fn tag(&self) -> &'a str {
        self.tag
    }

    /// How many sort ids the sort key has.
    #[must_use]
    pub fn len(&self) -> usize {
        if self.ids.is_empty() {
            0
        } else {
            self.ids.bytes().filter(|&b| b == SEPARATOR).count() + 1
        }
    }

    /// Whether the sort key is the tag alone, without sort ids.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The encoded sort ids, in order.
    pub fn sort_ids(&self) -> impl Iterator<Item = EncodedSortId<'a>> + 'a {
        let ids = (!self.ids.is_empty()).then_some(self.ids);
        ids.into_iter()
            .flat_map(|ids| ids.split(char::from(SEPARATOR)))
            .map(EncodedSortId)
    }
}

/// One encoded component of a [`DecodedSortKey`], already checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EncodedSortId<'a>(&'a str);

impl<'a> EncodedSortId<'a> {
    /// The component as it is in the sort key.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// The component read as a text sort id: its escapes undone. Borrowed unless it has one.
    #[must_use]
    pub fn to_text(&self) -> Cow<'a, str> {
        unescape(self.0)
    }
}

/// Why `ids`, a sort key's components joined by `#`, are not what the encoder writes. One pass
/// over the bytes.
fn encoded_ids_fault(ids: &str) -> Option<&'static str> {
    const EMPTY: &str = "sort ids must not be empty";
    let bytes = ids.as_bytes();
    let mut id_is_empty = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            SEPARATOR if id_is_empty => return Some(EMPTY),
            SEPARATOR => id_is_empty = true,
            ESCAPE => {
                let escaped = bytes.get(i + 1..i + 3).and_then(|hex| {
                    let digit = |d: u8| HEX.iter().position(|&h| h == d);
                    Some(digit(hex[0])? * 16 + digit(hex[1])?)
                });
                if escaped.is_none_or(|b| b > usize::from(LAST_ESCAPED)) {
                    return Some(
                        "`%` in a sort id must start an escape of a byte from 00 to 25 in \
                         uppercase hex",
                    );
                }
                id_is_empty = false;
                i += 2;
            }
            _ if escaped(b) => {
                return Some(
                    "bytes from 0x00 to 0x25 other than the `#` separators must be escaped",
                );
            }
            _ => id_is_empty = false,
        }
        i += 1;
    }
    id_is_empty.then_some(EMPTY)
}

/// Reverses [`push_escaped`] on a component already checked by [`encoded_ids_fault`].
fn unescape(id: &str) -> Cow<'_, str> {
    if !id.contains(char::from(ESCAPE)) {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len());
    let mut rest = id;
    while let Some(at) = rest.find(char::from(ESCAPE)) {
        out.push_str(&rest[..at]);
        let byte = rest
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .unwrap_or(ESCAPE);
        // Checked escapes are of bytes up to 0x25: ASCII, so a whole `char`.
        out.push(char::from(byte));
        rest = rest.get(at + 3..).unwrap_or_default();
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::EntityTag;
    use crate::sort::{MAX_SORT_KEY_BYTES, SortIds};

    const NOTE: EntityTag = EntityTag::from_static("NOTE");

    #[test]
    fn decoding_round_trips() {
        let text = "a b#c%$\u{7f}é\u{0}";
        let key = (text, 7_u32).encode(&NOTE).unwrap();
        let decoded = DecodedSortKey::parse(&key).unwrap();
        assert_eq!(decoded.tag(), "NOTE");
        let ids: Vec<_> = decoded.sort_ids().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].to_text(), text);
        assert_eq!(ids[1].as_str(), "0000000007");
        assert_eq!(DecodedSortKey::parse("NOTE").unwrap().sort_ids().count(), 0);
    }

    #[test]
    fn malformed_sort_keys() {
        for key in [
            "",
            "note",
            "NOTE#",
            "NOTE##a",
            "NOTE#a#",
            "#a",
            "TENANT#a",
            "NOTE#a b",
            "NOTE#a$",
            "NOTE#a%",
            "NOTE#a%2",
            "NOTE#a%2g",
            "NOTE#%2a",
            "NOTE#%26",
            "NOTE#%41",
            "NOTE#\u{1}",
        ] {
            assert!(
                matches!(
                    DecodedSortKey::parse(key),
                    Err(KeyError::MalformedSortKey { .. })
                ),
                "{key:?} should be malformed"
            );
        }
        let long = format!("NOTE#{}", "x".repeat(MAX_SORT_KEY_BYTES));
        assert!(matches!(
            DecodedSortKey::parse(&long),
            Err(KeyError::SortKeyTooLong { .. })
        ));
    }
}
