//! Reading a query's `KeyConditionExpression` into the conditions the guard checks.
//!
//! DynamoDB's key conditions are a conjunction: `pk = :v`, optionally `AND` one sort-key
//! condition (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN … AND …`, `begins_with(…)`), with names
//! either literal or `#placeholders` and values always `:placeholders`. The guard parses an
//! expression with exactly that grammar and nothing more:
//!
//! ```text
//! condition   = conjunct { "AND" conjunct }
//! conjunct    = "(" condition ")"
//!             | "begins_with" "(" attribute "," :value ")"
//!             | attribute ( "=" | "<" | "<=" | ">" | ">=" ) :value
//!             | attribute "BETWEEN" :value "AND" :value
//! attribute   = name | #name          (a #name must be in ExpressionAttributeNames)
//! ```
//!
//! so an expression it accepts is a conjunction of comparisons, each of one attribute with
//! `:values`: no `OR`, no `NOT`, no literals, no document paths (`a.b`, `a[0]`), no functions
//! but `begins_with`, no value on the left. Over that, [`parse`] proves that the partition
//! attribute (`pk` for a table; for an index of a shared table `pk_{index}`, or `pk`) is
//! compared exactly once, with `=`, and that no attribute is compared twice (DynamoDB allows
//! one condition per key attribute). Which other attributes a query may compare depends on the
//! table (`guard::query`). Anything else is rejected, even where DynamoDB would accept it.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'e> {
    /// An attribute name or a keyword: `pk`, `AND`, `begins_with`.
    Word(&'e str),
    /// `#name`.
    Name(&'e str),
    /// `:value`.
    Value(&'e str),
    /// `=`, `<>`, `<`, `<=`, `>`, `>=`.
    Operator(&'e str),
    Open,
    Close,
    Comma,
}

impl Token<'_> {
    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Token::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(text) | Token::Name(text) | Token::Value(text) | Token::Operator(text) => {
                write!(f, "`{text}`")
            }
            Token::Open => f.write_str("`(`"),
            Token::Close => f.write_str("`)`"),
            Token::Comma => f.write_str("`,`"),
        }
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
            b'=' => Token::Operator("="),
            b'<' | b'>' => {
                if matches!(bytes.get(i), Some(b'=')) || (b == b'<' && bytes.get(i) == Some(&b'>'))
                {
                    i += 1;
                }
                Token::Operator(&expression[start..i])
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

/// How a conjunct compares its attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Comparison {
    /// `=`, `<`, `<=`, `>`, `>=`: the operator.
    Compare(&'static str),
    /// `BETWEEN :a AND :b`.
    Between,
    /// `begins_with(attribute, :v)`.
    BeginsWith,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Compare(operator) => f.write_str(operator),
            Self::Between => f.write_str("BETWEEN"),
            Self::BeginsWith => f.write_str("begins_with"),
        }
    }
}

/// One conjunct: an attribute (its real name, after `ExpressionAttributeNames`), how it is
/// compared, and to which `:values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Conjunct<'e> {
    pub(super) attribute: &'e str,
    pub(super) comparison: Comparison,
    pub(super) values: Vec<&'e str>,
}

/// A key condition the guard could read: `partition = :value` and the other conjuncts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeyCondition<'e> {
    /// The partition attribute it binds: the first of `parse`'s candidates it compares.
    pub(super) attribute: &'e str,
    /// The `:value` placeholder the partition attribute is compared to with `=`.
    pub(super) partition: &'e str,
    /// Every other conjunct, in the expression's order; no attribute twice.
    pub(super) others: Vec<Conjunct<'e>>,
}

struct Parser<'e> {
    tokens: Vec<Token<'e>>,
    at: usize,
    names: Option<&'e HashMap<String, String>>,
    conjuncts: Vec<Conjunct<'e>>,
}

impl<'e> Parser<'e> {
    fn peek(&self) -> Option<Token<'e>> {
        self.tokens.get(self.at).copied()
    }

    fn next(&mut self) -> Option<Token<'e>> {
        let token = self.peek();
        self.at += 1;
        token
    }

    fn unexpected(&self, token: Option<Token<'_>>, wanted: &str) -> String {
        match token {
            Some(token) => format!("expected {wanted}, found {token}"),
            None => format!("expected {wanted}, found the end of the expression"),
        }
    }

    fn expect(&mut self, wanted: Token<'_>) -> Result<(), String> {
        match self.next() {
            Some(token) if token == wanted => Ok(()),
            token => Err(self.unexpected(token, &wanted.to_string())),
        }
    }

    fn value(&mut self) -> Result<&'e str, String> {
        match self.next() {
            Some(Token::Value(value)) => Ok(value),
            token => Err(self.unexpected(token, "a `:value`")),
        }
    }

    /// An attribute's real name.
    fn attribute(&mut self) -> Result<&'e str, String> {
        match self.next() {
            Some(Token::Word(word))
                if !["AND", "BETWEEN", "OR", "NOT"]
                    .iter()
                    .any(|keyword| word.eq_ignore_ascii_case(keyword)) =>
            {
                Ok(word)
            }
            Some(Token::Name(name)) => self
                .names
                .and_then(|names| names.get(name))
                .map(String::as_str)
                .ok_or_else(|| format!("`{name}` is not in ExpressionAttributeNames")),
            token => Err(self.unexpected(token, "an attribute name or `#name`")),
        }
    }

    fn condition(&mut self) -> Result<(), String> {
        self.conjunct()?;
        while self.peek().is_some_and(|token| token.is_keyword("AND")) {
            self.at += 1;
            self.conjunct()?;
        }
        Ok(())
    }

    fn conjunct(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(Token::Open) => {
                self.at += 1;
                self.condition()?;
                return self.expect(Token::Close);
            }
            Some(Token::Word("begins_with")) => {
                self.at += 1;
                self.expect(Token::Open)?;
                let attribute = self.attribute()?;
                self.expect(Token::Comma)?;
                let value = self.value()?;
                self.expect(Token::Close)?;
                return self.push(attribute, Comparison::BeginsWith, vec![value]);
            }
            _ => {}
        }
        let attribute = self.attribute()?;
        match self.next() {
            Some(Token::Operator(operator)) => {
                let comparison = match operator {
                    "=" => Comparison::Compare("="),
                    "<" => Comparison::Compare("<"),
                    "<=" => Comparison::Compare("<="),
                    ">" => Comparison::Compare(">"),
                    ">=" => Comparison::Compare(">="),
                    _ => return Err(format!("`{operator}` is not a key condition operator")),
                };
                let value = self.value()?;
                self.push(attribute, comparison, vec![value])
            }
            Some(token) if token.is_keyword("BETWEEN") => {
                let low = self.value()?;
                match self.next() {
                    Some(token) if token.is_keyword("AND") => {}
                    token => return Err(self.unexpected(token, "`AND` of `BETWEEN`")),
                }
                let high = self.value()?;
                self.push(attribute, Comparison::Between, vec![low, high])
            }
            token => Err(self.unexpected(
                token,
                &format!("a comparison of `{attribute}` (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`)"),
            )),
        }
    }

    fn push(
        &mut self,
        attribute: &'e str,
        comparison: Comparison,
        values: Vec<&'e str>,
    ) -> Result<(), String> {
        if self.conjuncts.iter().any(|c| c.attribute == attribute) {
            return Err(format!(
                "`{attribute}` is compared twice; a key condition compares each key attribute once"
            ));
        }
        self.conjuncts.push(Conjunct {
            attribute,
            comparison,
            values,
        });
        Ok(())
    }
}

/// Reads `expression` into the partition attribute's `:value` and the other conjuncts, or
/// says why the guard cannot prove that it binds a partition attribute with `=` to one value.
/// The partition attribute is the first of `partitions` the expression compares (for a table,
/// `["pk"]`); the others, if compared, are among the other conjuncts.
pub(super) fn parse<'e>(
    expression: &'e str,
    names: Option<&'e HashMap<String, String>>,
    partitions: &[&str],
) -> Result<KeyCondition<'e>, String> {
    let tokens = tokenize(expression)?;
    let wanted = || {
        partitions
            .iter()
            .map(|attribute| format!("`{attribute} = :value`"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    if tokens
        .iter()
        .any(|token| token.is_keyword("OR") || token.is_keyword("NOT"))
    {
        return Err("`OR` and `NOT` cannot appear in a key condition".to_owned());
    }
    if tokens.is_empty() {
        return Err(format!(
            "the key condition is empty; bind the partition with {}",
            wanted()
        ));
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        names,
        conjuncts: Vec::with_capacity(2),
    };
    parser.condition()?;
    if let Some(token) = parser.peek() {
        return Err(parser.unexpected(Some(token), "`AND` or the end of the expression"));
    }
    let mut others = parser.conjuncts;
    let Some(at) = partitions
        .iter()
        .find_map(|attribute| others.iter().position(|c| c.attribute == *attribute))
    else {
        return Err(format!(
            "the key condition does not bind the partition; bind it with {}",
            wanted()
        ));
    };
    let partition = others.remove(at);
    match (partition.comparison, partition.values.as_slice()) {
        (Comparison::Compare("="), [value]) => Ok(KeyCondition {
            attribute: partition.attribute,
            partition: value,
            others,
        }),
        (comparison, _) => Err(format!(
            "`{}` is compared with `{comparison}`; it must be compared with `=` to one `:value`",
            partition.attribute
        )),
    }
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
    fn reads_pk_equalities_and_the_other_conjuncts() {
        let names = names(&[("#p", "pk"), ("#s", "sk")]);
        for (expression, others) in [
            ("pk = :v", vec![]),
            ("pk=:v", vec![]),
            ("#p = :v", vec![]),
            ("(#p = :v)", vec![]),
            ("((#p = :v))", vec![]),
            ("#p = :v AND #s > :s", vec![("sk", ">", vec![":s"])]),
            ("#p = :v AND sk >= :s", vec![("sk", ">=", vec![":s"])]),
            ("#p = :v AND sk < :s", vec![("sk", "<", vec![":s"])]),
            ("#p = :v AND sk <= :s", vec![("sk", "<=", vec![":s"])]),
            ("#p = :v AND #s = :s", vec![("sk", "=", vec![":s"])]),
            (
                "#p = :v and begins_with(#s, :s)",
                vec![("sk", "begins_with", vec![":s"])],
            ),
            (
                "#p = :v AND begins_with ( sk , :s )",
                vec![("sk", "begins_with", vec![":s"])],
            ),
            (
                "#s BETWEEN :a AND :b AND pk = :v",
                vec![("sk", "BETWEEN", vec![":a", ":b"])],
            ),
            (
                "#s between :a and :b and pk = :v",
                vec![("sk", "BETWEEN", vec![":a", ":b"])],
            ),
            ("(#s <= :a) AND (pk = :v)", vec![("sk", "<=", vec![":a"])]),
            ("(pk = :v AND at > :a)", vec![("at", ">", vec![":a"])]),
        ] {
            let condition = parse(expression, Some(&names), &["pk"]).unwrap();
            assert_eq!(condition.partition, ":v", "{expression}");
            let found: Vec<_> = condition
                .others
                .iter()
                .map(|c| (c.attribute, c.comparison.to_string(), c.values.clone()))
                .collect();
            let others: Vec<_> = others
                .into_iter()
                .map(|(a, c, v)| (a, c.to_owned(), v))
                .collect();
            assert_eq!(found, others, "{expression}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_prove() {
        let names = names(&[("#p", "pk"), ("#x", "other"), ("#s", "sk")]);
        for expression in [
            "",
            "  ",
            "sk = :s",
            "#x = :v",
            "#missing = :v",
            "PK = :v",
            "pk <> :v",
            "pk > :v",
            "pk <= :v",
            "begins_with(pk, :v)",
            "begins_with(#p, :v)",
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
            "pk = :v AND pk = :w",
            "pk = :v AND #p = :w",
            "pk = :v AND sk > :a AND #s < :b",
            "pk = :v AND sk <> :s",
            "pk = :v AND sk",
            "pk = :v AND",
            "pk = :v sk = :s",
            "(pk = :v",
            "pk = :v)",
            "pk = :v AND ()",
            "pk = :v AND sk BETWEEN :a",
            "pk = :v AND sk BETWEEN :a OR :b",
            "pk = :v AND BEGINS_WITH(sk, :s)",
            "pk = :v AND begins_with(sk, :s, :t)",
            "pk = :v AND begins_with(:s, sk)",
            "pk = :v AND contains(sk, :s)",
            "pk = :v AND attribute_exists(sk)",
            "pk = :v AND AND = :s",
            "AND = :v",
        ] {
            assert!(
                parse(expression, Some(&names), &["pk"]).is_err(),
                "{expression:?} should be rejected"
            );
        }
    }
}
