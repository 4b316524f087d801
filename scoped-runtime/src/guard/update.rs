//! Updates never write the key attributes `pk` and `sk`.
//!
//! An item's key is what the guard checks; an update that could set, remove, add to or delete
//! from `pk` or `sk` would move the item out of the partition the guard saw (DynamoDB refuses
//! to update key attributes of the table's own schema, but `sk` is not one on a `pk`-only or
//! undeclared table, and the library reserves it everywhere). The guard finds the attribute
//! each action of an `UpdateExpression` writes:
//!
//! ```text
//! expression = clause { clause }
//! clause     = ( "SET" | "REMOVE" | "ADD" | "DELETE" ) action { "," action }
//! action     = path …                 (the path written; the rest is not inspected)
//! path       = ( name | #name ) { "." … | "[" … "]" }
//! ```
//!
//! A clause keyword is a reserved word, so it cannot be a bare attribute name; commas inside
//! parentheses (function arguments) do not start an action. The attribute an action writes is
//! its path's first element, through `ExpressionAttributeNames`; a `#name` missing from them,
//! an expression that does not start with a clause keyword, or a character outside the
//! grammar's is rejected. The legacy `AttributeUpdates` parameter names its attributes
//! directly.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValueUpdate;

use super::{PK, SK};

const CLAUSES: [&str; 4] = ["SET", "REMOVE", "ADD", "DELETE"];

/// `Err(why)` if `expression` writes `pk` or `sk`, or cannot be read.
pub(super) fn check_update_expression(
    expression: &str,
    names: Option<&HashMap<String, String>>,
) -> Result<(), String> {
    let bytes = expression.as_bytes();
    let mut depth = 0_usize;
    // The clause the next word-like token starts an action of, if it does.
    let mut action_of: Option<&str> = None;
    let mut clause: Option<&str> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        i += 1;
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'(' | b'[' => depth += 1,
            b')' | b']' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced {:?} at byte {start}", b as char))?;
            }
            b',' => {
                if depth == 0 {
                    action_of = clause;
                }
            }
            b'=' | b'+' | b'-' | b'.' | b'0'..=b'9' => action_of = None,
            b'#' | b':' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while bytes
                    .get(i)
                    .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    i += 1;
                }
                let text = &expression[start..i];
                if depth == 0
                    && b != b'#'
                    && b != b':'
                    && let Some(keyword) = CLAUSES
                        .iter()
                        .find(|keyword| text.eq_ignore_ascii_case(keyword))
                {
                    clause = Some(keyword);
                    action_of = clause;
                    continue;
                }
                if clause.is_none() {
                    return Err(format!(
                        "it does not start with SET, REMOVE, ADD or DELETE but with {text:?}"
                    ));
                }
                if let Some(clause) = action_of.take() {
                    let attribute = match b {
                        b'#' => names
                            .and_then(|names| names.get(text))
                            .map(String::as_str)
                            .ok_or_else(|| {
                                format!("`{text}` is not in ExpressionAttributeNames")
                            })?,
                        b':' => {
                            return Err(format!(
                                "{clause} writes to `{text}`, which is a value, not a path"
                            ));
                        }
                        _ => text,
                    };
                    if attribute == PK || attribute == SK {
                        return Err(format!(
                            "{clause} `{text}` writes `{attribute}`, a key attribute: an \
                             item's key cannot change; put the item under its new key and \
                             delete the old one"
                        ));
                    }
                }
            }
            _ => {
                let c = expression[start..].chars().next().unwrap_or_default();
                return Err(format!(
                    "{c:?} at byte {start} is not part of an update expression the guard can \
                     check"
                ));
            }
        }
    }
    if clause.is_none() {
        return Err("the update expression is empty".to_owned());
    }
    if depth != 0 {
        return Err("its parentheses or brackets are not balanced".to_owned());
    }
    Ok(())
}

/// `Err(why)` if the legacy `AttributeUpdates` names `pk` or `sk`.
pub(super) fn check_attribute_updates(
    updates: &HashMap<String, AttributeValueUpdate>,
) -> Result<(), String> {
    match updates
        .keys()
        .find(|attribute| *attribute == PK || *attribute == SK)
    {
        Some(attribute) => Err(format!(
            "AttributeUpdates writes `{attribute}`, a key attribute: an item's key cannot \
             change; put the item under its new key and delete the old one"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_written_key_attribute() {
        let names: HashMap<String, String> = [("#p", "pk"), ("#s", "sk"), ("#a", "a")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for expression in [
            "SET a = :a",
            "SET #a = :a, b = :b",
            "set a = :a remove b add c :c delete d :d",
            "SET a = if_not_exists(sk, :z), b = list_append(a, :l)",
            "SET a = pk",
            "SET a.b[0] = :v, c = c + :one",
            "SET a = :a REMOVE b[1], c.d",
            "ADD #a :one",
            "SET skx = :v, pkx = :v, sk_ = :v",
        ] {
            assert_eq!(
                check_update_expression(expression, Some(&names)),
                Ok(()),
                "{expression}"
            );
        }
        for expression in [
            "SET sk = :s",
            "SET #s = :s",
            "SET pk = :p",
            "SET #p = :p",
            "set a = :a, sk = :s",
            "SET a = :a REMOVE sk",
            "SET a = list_append(a, :l), #s = :s",
            "REMOVE a, #s",
            "ADD sk :one",
            "DELETE #s :set",
            "SET a = :a ADD pk :n",
            "SET sk.x = :v",
            "SET sk[0] = :v",
            "SET #missing = :v",
            "SET :v = a",
            "a = :a",
            "",
            "SET a = :a)",
            "SET a = (:a",
            "SET a = 'x'",
            "SET a = :a; REMOVE sk",
        ] {
            assert!(
                check_update_expression(expression, Some(&names)).is_err(),
                "{expression:?} should be rejected"
            );
        }
        let updates = HashMap::from([("sk".to_owned(), AttributeValueUpdate::builder().build())]);
        assert!(check_attribute_updates(&updates).is_err());
        let updates = HashMap::from([("a".to_owned(), AttributeValueUpdate::builder().build())]);
        assert_eq!(check_attribute_updates(&updates), Ok(()));
    }
}
