//! Updates never write the key attributes `pk` and `sk`, and write index key attributes only
//! in ways whose value the guard can check.
//!
//! An item's key is what the guard checks; an update that could set, remove, add to or delete
//! from `pk` or `sk` would move the item out of the partition the guard saw (DynamoDB refuses
//! to update key attributes of the table's own schema, but `sk` is not one on a `pk`-only or
//! undeclared table, and the library reserves it everywhere). An index key attribute (`pk_*`,
//! `sk_*`) may be set, but only to one `:value` the guard then checks
//! ([`indexes`](super::indexes)), or removed. The guard finds the attribute each action of an
//! `UpdateExpression` writes:
//!
//! ```text
//! expression = clause { clause }
//! clause     = ( "SET" | "REMOVE" | "ADD" | "DELETE" ) action { "," action }
//! action     = path …                 (the path written; the rest is not inspected, except
//!                                      for an index key attribute: exactly `= :value` in SET,
//!                                      nothing in REMOVE)
//! path       = ( name | #name ) { "." … | "[" … "]" }
//! ```
//!
//! A clause keyword is a reserved word, so it cannot be a bare attribute name; commas inside
//! parentheses (function arguments) do not start an action. The attribute an action writes is
//! its path's first element, through `ExpressionAttributeNames`; a `#name` missing from them,
//! an expression that does not start with a clause keyword, an action that does not start with
//! a path, or a character outside the grammar's is rejected. The legacy `AttributeUpdates`
//! parameter names its attributes directly.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValueUpdate;

use super::indexes::IndexAttribute;
use super::{PK, SK};

const CLAUSES: [&str; 4] = ["SET", "REMOVE", "ADD", "DELETE"];

/// A `SET pk_x = :value` (or `sk_x`) action: the index key attribute and the `:value`
/// placeholder it is set to, which the guard checks against `ExpressionAttributeValues`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct IndexWrite<'e> {
    pub(super) attribute: &'e str,
    pub(super) value: &'e str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'e> {
    /// An attribute name or a keyword.
    Word(&'e str),
    /// `#name`.
    Name(&'e str),
    /// `:value`.
    Value(&'e str),
    /// A list index: `0` in `a[0]`.
    Number(&'e str),
    /// `=`, `+`, `-`, `.`, `,`, `(`, `)`, `[`, `]`.
    Punct(u8),
}

impl Token<'_> {
    fn text(&self) -> String {
        match self {
            Self::Word(text) | Self::Name(text) | Self::Value(text) | Self::Number(text) => {
                (*text).to_owned()
            }
            Self::Punct(b) => (*b as char).to_string(),
        }
    }
}

/// The tokens of `expression`, each with its depth in parentheses and brackets.
fn tokenize(expression: &str) -> Result<Vec<(Token<'_>, usize)>, String> {
    let bytes = expression.as_bytes();
    let mut tokens = Vec::with_capacity(8);
    let mut depth = 0_usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        i += 1;
        let token = match b {
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'(' | b'[' => {
                depth += 1;
                tokens.push((Token::Punct(b), depth - 1));
                continue;
            }
            b')' | b']' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced {:?} at byte {start}", b as char))?;
                Token::Punct(b)
            }
            b',' | b'=' | b'+' | b'-' | b'.' => Token::Punct(b),
            b'0'..=b'9' => {
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                Token::Number(&expression[start..i])
            }
            b'#' | b':' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while bytes
                    .get(i)
                    .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    i += 1;
                }
                let text = &expression[start..i];
                match b {
                    b'#' => Token::Name(text),
                    b':' => Token::Value(text),
                    _ => Token::Word(text),
                }
            }
            _ => {
                let c = expression[start..].chars().next().unwrap_or_default();
                return Err(format!(
                    "{c:?} at byte {start} is not part of an update expression the guard can \
                     check"
                ));
            }
        };
        tokens.push((token, depth));
    }
    if depth != 0 {
        return Err("its parentheses or brackets are not balanced".to_owned());
    }
    Ok(tokens)
}

/// The clause keyword `token` is, if it is one (at the top level).
fn clause_keyword(token: Token<'_>, depth: usize) -> Option<&'static str> {
    match token {
        Token::Word(word) if depth == 0 => CLAUSES
            .iter()
            .find(|keyword| word.eq_ignore_ascii_case(keyword))
            .copied(),
        _ => None,
    }
}

/// The `SET pk_x = :value` actions of `expression`, or `Err(why)` if it writes `pk` or `sk`,
/// writes an index key attribute otherwise than by `SET … = :value` or `REMOVE`, or cannot be
/// read.
pub(super) fn check_update_expression<'e>(
    expression: &'e str,
    names: Option<&'e HashMap<String, String>>,
) -> Result<Vec<IndexWrite<'e>>, String> {
    let tokens = tokenize(expression)?;
    let mut writes = Vec::new();
    let mut clause: Option<&str> = None;
    let mut action: Vec<Token<'e>> = Vec::with_capacity(4);
    for &(token, depth) in &tokens {
        let keyword = clause_keyword(token, depth);
        let ends_action = keyword.is_some() || (depth == 0 && token == Token::Punct(b','));
        if ends_action {
            if let Some(clause) = clause {
                check_action(clause, &action, names, &mut writes)?;
            }
            action.clear();
            if keyword.is_some() {
                clause = keyword;
            }
            continue;
        }
        if clause.is_none() {
            return Err(format!(
                "it does not start with SET, REMOVE, ADD or DELETE but with {:?}",
                token.text()
            ));
        }
        action.push(token);
    }
    match clause {
        None => Err("the update expression is empty".to_owned()),
        Some(clause) => {
            check_action(clause, &action, names, &mut writes)?;
            Ok(writes)
        }
    }
}

/// One action of `clause`: what it writes is not `pk` or `sk`, and an index key attribute only
/// as `SET attribute = :value` (recorded in `writes`) or `REMOVE attribute`.
fn check_action<'e>(
    clause: &str,
    action: &[Token<'e>],
    names: Option<&'e HashMap<String, String>>,
    writes: &mut Vec<IndexWrite<'e>>,
) -> Result<(), String> {
    let Some((&first, rest)) = action.split_first() else {
        return Err(format!("{clause} has an empty action"));
    };
    let (text, attribute) = match first {
        Token::Word(word) => (word, word),
        Token::Name(name) => (
            name,
            names
                .and_then(|names| names.get(name))
                .map(String::as_str)
                .ok_or_else(|| format!("`{name}` is not in ExpressionAttributeNames"))?,
        ),
        Token::Value(value) => {
            return Err(format!(
                "{clause} writes to `{value}`, which is a value, not a path"
            ));
        }
        other => {
            return Err(format!(
                "a {clause} action starts with {:?}, not with the path it writes",
                other.text()
            ));
        }
    };
    if attribute == PK || attribute == SK {
        return Err(format!(
            "{clause} `{text}` writes `{attribute}`, a key attribute: an item's key cannot \
             change; put the item under its new key and delete the old one"
        ));
    }
    if IndexAttribute::of(attribute).is_none() {
        return Ok(());
    }
    match (clause, rest) {
        ("SET", [Token::Punct(b'='), Token::Value(value)]) => {
            writes.push(IndexWrite { attribute, value });
            Ok(())
        }
        ("REMOVE", []) => Ok(()),
        ("SET", _) => Err(format!(
            "SET `{text}`{} writes `{attribute}`, an index key attribute, with an expression \
             the guard cannot check: set it to exactly one `:value` (`SET {text} = :value`), \
             never through if_not_exists, arithmetic, list_append, another attribute or a path \
             into it",
            rest.iter()
                .map(|token| format!(" {}", token.text()))
                .collect::<String>()
        )),
        ("REMOVE", _) => Err(format!(
            "REMOVE `{text}` removes a path inside `{attribute}`, an index key attribute, which \
             is a string: remove the attribute itself (`REMOVE {text}`)"
        )),
        _ => Err(format!(
            "{clause} `{text}` writes `{attribute}`, an index key attribute, which is a string: \
             {clause} works on numbers and sets; set it with `SET {text} = :value` or remove it"
        )),
    }
}

/// `Err(why)` if the legacy `AttributeUpdates` names `pk` or `sk`. Index key attributes are
/// checked with their values ([`indexes`](super::indexes)).
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
            "SET skx = :v, pkx = :v, spk_ = :v",
        ] {
            assert_eq!(
                check_update_expression(expression, Some(&names)),
                Ok(vec![]),
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
