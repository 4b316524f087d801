//! Proving that a query's `KeyConditionExpression` binds the partition key `pk` to values the
//! guard can check.
//!
//! DynamoDB's key conditions are a conjunction: `pk = :v`, optionally `AND` one sort-key
//! condition (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN … AND …`, `begins_with(…)`), with names
//! either literal or `#placeholders` and values always `:placeholders`. The guard accepts an
//! expression only if it can show, from its tokens alone, that every mention of `pk` is an
//! equality `pk = :value` standing as a conjunct of its own:
//!
//! - every token is a name, `#name`, `:value`, `(`, `)`, `,` or a comparison operator: no
//!   literals, no document paths (`a.b`, `a[0]`), nothing else;
//! - there is no `OR` and no `NOT`, so the expression is a conjunction however it is
//!   parenthesized;
//! - each mention of `pk` (literally, or through a `#name` that ExpressionAttributeNames maps to
//!   `pk`) is preceded by the start, `AND` or a bare `(`, and followed by `=`, a `:value`, and
//!   then the end, `AND` or `)`; it is not an operand of `BETWEEN`;
//! - `pk` is mentioned at least once.
//!
//! Anything else is rejected, even where DynamoDB would accept it.

use std::collections::HashMap;

use crate::schema::PARTITION_KEY_ATTRIBUTE as PK;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'e> {
    /// An attribute name or a keyword: `pk`, `AND`, `begins_with`.
    Word(&'e str),
    /// `#name`.
    Name(&'e str),
    /// `:value`.
    Value(&'e str),
    /// `=`, `<>`, `<`, `<=`, `>`, `>=`.
    Operator,
    /// `=` alone, the only operator that binds `pk`.
    Equals,
    Open,
    Close,
    Comma,
}

impl Token<'_> {
    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Token::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn tokenize(expression: &str) -> Result<Vec<Token<'_>>, String> {
    let bytes = expression.as_bytes();
    let mut tokens = Vec::with_capacity(8);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        i += 1;
        let token = match b {
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'(' => Token::Open,
            b')' => Token::Close,
            b',' => Token::Comma,
            b'=' => Token::Equals,
            b'<' | b'>' => {
                if matches!(bytes.get(i), Some(b'=')) || (b == b'<' && bytes.get(i) == Some(&b'>'))
                {
                    i += 1;
                }
                Token::Operator
            }
            b'#' | b':' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
                    i += 1;
                }
                let text = &expression[start..i];
                match b {
                    b'#' if text.len() > 1 => Token::Name(text),
                    b':' if text.len() > 1 => Token::Value(text),
                    b'#' | b':' => return Err(format!("{text:?} at byte {start} has no name")),
                    _ => Token::Word(text),
                }
            }
            _ => {
                let c = expression[start..].chars().next().unwrap_or_default();
                return Err(format!(
                    "{c:?} at byte {start} is not part of a key condition the guard can check"
                ));
            }
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// The `:value` placeholders `pk` is bound to with `=` in `expression`, or why the guard
/// cannot prove the expression binds `pk`.
pub(super) fn bound_partition_key<'e>(
    expression: &'e str,
    names: Option<&HashMap<String, String>>,
) -> Result<Vec<&'e str>, String> {
    let tokens = tokenize(expression)?;
    let is_pk = |token: &Token<'_>| match token {
        Token::Word(word) => *word == PK,
        Token::Name(name) => names
            .and_then(|names| names.get(*name))
            .is_some_and(|name| name == PK),
        _ => false,
    };
    // A conjunct boundary: the start, an `AND` that is not `BETWEEN`'s, or a `(` that is not a
    // function call's.
    let mut conjunction_and = vec![false; tokens.len()];
    let mut in_between = vec![false; tokens.len()];
    let mut between_pending = false;
    for (i, token) in tokens.iter().enumerate() {
        if token.is_keyword("OR") || token.is_keyword("NOT") {
            return Err("`OR` and `NOT` cannot appear in a key condition".to_owned());
        }
        in_between[i] = between_pending;
        if token.is_keyword("BETWEEN") {
            between_pending = true;
        } else if token.is_keyword("AND") {
            conjunction_and[i] = !between_pending;
            between_pending = false;
        }
    }
    let opens_conjunct = |at: Option<usize>| -> bool {
        let Some(at) = at else { return true };
        match tokens[at] {
            Token::Open => match at.checked_sub(1) {
                None => true,
                Some(before) => matches!(tokens[before], Token::Open) || conjunction_and[before],
            },
            _ => conjunction_and[at],
        }
    };
    let closes_conjunct = |at: usize| match tokens.get(at) {
        None | Some(Token::Close) => true,
        Some(_) => conjunction_and[at],
    };
    let mut bound = Vec::with_capacity(1);
    for (i, token) in tokens.iter().enumerate() {
        if !is_pk(token) {
            continue;
        }
        let value = match (tokens.get(i + 1), tokens.get(i + 2)) {
            (Some(Token::Equals), Some(Token::Value(value))) => *value,
            _ => {
                return Err(
                    "`pk` must be compared with `=` to one `:value`, not otherwise".to_owned(),
                );
            }
        };
        if in_between[i] || !opens_conjunct(i.checked_sub(1)) || !closes_conjunct(i + 3) {
            return Err(format!(
                "`pk = {value}` must stand alone as a condition joined by `AND`"
            ));
        }
        bound.push(value);
    }
    if bound.is_empty() {
        return Err(
            "the key condition does not mention `pk`; bind it with `pk = :value`".to_owned(),
        );
    }
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn accepts_pk_equalities_joined_by_and() {
        let pk = names(&[("#p", "pk"), ("#s", "sk")]);
        for (expression, values) in [
            ("pk = :v", vec![":v"]),
            ("pk=:v", vec![":v"]),
            ("#p = :v", vec![":v"]),
            ("(#p = :v)", vec![":v"]),
            ("#p = :v AND #s > :s", vec![":v"]),
            ("#p = :v and begins_with(#s, :s)", vec![":v"]),
            ("#s BETWEEN :a AND :b AND pk = :v", vec![":v"]),
            ("(#s <= :a) AND (pk = :v)", vec![":v"]),
            ("pk = :v AND pk = :w", vec![":v", ":w"]),
        ] {
            assert_eq!(
                bound_partition_key(expression, Some(&pk)),
                Ok(values),
                "{expression}"
            );
        }
    }

    #[test]
    fn rejects_what_it_cannot_prove() {
        let pk = names(&[("#p", "pk"), ("#x", "other")]);
        for expression in [
            "",
            "sk = :s",
            "#x = :v",
            "#missing = :v",
            "PK = :v",
            "pk <> :v",
            "pk > :v",
            "pk <= :v",
            "begins_with(pk, :v)",
            "pk BETWEEN :a AND :b",
            "sk BETWEEN :a AND pk = :v",
            "pk = :v OR sk = :s",
            "NOT pk = :v",
            "pk = :v or sk = :s",
            "pk = pk",
            ":v = pk",
            "pk = :v = :w",
            "size(pk = :v)",
            "pk.a = :v",
            "pk[0] = :v",
            "pk = 'TENANT#t1#LEAD#a'",
            "pk = :",
            "# = :v",
            "pk = :v; DROP",
            "pk = :v AND sk = :s OR #p = :w",
        ] {
            assert!(
                bound_partition_key(expression, Some(&pk)).is_err(),
                "{expression:?} should be rejected"
            );
        }
    }
}
