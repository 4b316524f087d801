//! Property tests of the key-condition reader (`condition::parse`) against an independent
//! model: a plain evaluator of DynamoDB's condition grammar (`OR`, `AND`, `NOT` with their
//! precedence, parentheses, comparisons, `BETWEEN`, `begins_with`) over every item of a small
//! universe. 10,000 cases each.
//!
//! - **Sound**: whenever the guard accepts an expression with a partition attribute (`pk` for a
//!   table; `pk_x` or `pk` for index `x` of a shared table) bound to `:x`, every item the
//!   expression selects has that attribute equal to `:x`'s value, so a query reads one
//!   partition of the table or of the index.
//! - **Complete** for what it promises: `pk = :v` (or `pk_x = :v` on an index), with or without
//!   one sort-key condition of any operator, in any order, with literal or `#placeholder`
//!   names, any parentheses, spacing and keyword case, is accepted and read as written.

use std::collections::HashMap;

use proptest::prelude::*;

use super::super::condition::{Comparison, parse};

/// `#names` and what they stand for.
fn names() -> HashMap<String, String> {
    [("#p", "pk"), ("#s", "sk"), ("#a", "at"), ("#i", "pk_x")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// `:values` and what they stand for.
fn value(placeholder: &str) -> Option<&'static str> {
    match placeholder {
        ":v" | ":a" => Some("A"),
        ":w" | ":b" => Some("B"),
        ":ab" => Some("AB"),
        _ => None,
    }
}

/// Every item of the universe: `pk`, `pk_x` (index `x`'s partition attribute), `sk` and `at`
/// each one of a few strings.
fn items() -> Vec<HashMap<&'static str, &'static str>> {
    let strings = ["A", "B", "AB"];
    let mut items = vec![];
    for pk in ["A", "B"] {
        for pk_x in ["A", "B"] {
            for sk in strings {
                for at in strings {
                    items.push(HashMap::from([
                        ("pk", pk),
                        ("pk_x", pk_x),
                        ("sk", sk),
                        ("at", at),
                    ]));
                }
            }
        }
    }
    items
}

/// The partition attributes `parse` is given: a table's, or index `x`'s of a shared table.
fn partitions(index: bool) -> &'static [&'static str] {
    if index { &["pk_x", "pk"] } else { &["pk"] }
}

/// The model: DynamoDB's condition grammar, evaluated on one item. `None` if the tokens are
/// not a condition.
struct Model<'t> {
    tokens: &'t [String],
    at: usize,
}

#[derive(Debug, Clone)]
enum Expr {
    Compare(String, &'static str, String),
    Between(String, String, String),
    BeginsWith(String, String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

impl Model<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn eat(&mut self, token: &str) -> Option<()> {
        (self.peek()?.eq_ignore_ascii_case(token)).then(|| self.at += 1)
    }

    fn operand(&mut self) -> Option<String> {
        let token = self.peek()?.to_owned();
        let is_operand = token.starts_with('#')
            || token.starts_with(':')
            || ["pk", "sk", "at", "PK", "pk_x"].contains(&token.as_str());
        is_operand.then(|| {
            self.at += 1;
            token
        })
    }

    fn or(&mut self) -> Option<Expr> {
        let mut left = self.and()?;
        while self.eat("OR").is_some() {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.not()?;
        while self.eat("AND").is_some() {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Some(left)
    }

    fn not(&mut self) -> Option<Expr> {
        if self.eat("NOT").is_some() {
            return Some(Expr::Not(Box::new(self.not()?)));
        }
        if self.eat("(").is_some() {
            let inner = self.or()?;
            self.eat(")")?;
            return Some(inner);
        }
        if self.peek() == Some("begins_with") {
            self.at += 1;
            self.eat("(")?;
            let left = self.operand()?;
            self.eat(",")?;
            let right = self.operand()?;
            self.eat(")")?;
            return Some(Expr::BeginsWith(left, right));
        }
        let left = self.operand()?;
        if self.eat("BETWEEN").is_some() {
            let low = self.operand()?;
            self.eat("AND")?;
            return Some(Expr::Between(left, low, self.operand()?));
        }
        let operator = ["=", "<>", "<=", "<", ">=", ">"]
            .into_iter()
            .find(|operator| self.peek() == Some(*operator))?;
        self.at += 1;
        Some(Expr::Compare(left, operator, self.operand()?))
    }
}

fn resolve<'i>(
    operand: &str,
    item: &HashMap<&str, &'i str>,
    names: &HashMap<String, String>,
) -> Option<&'i str> {
    if operand.starts_with(':') {
        return value(operand);
    }
    let name = if operand.starts_with('#') {
        names.get(operand)?.as_str()
    } else {
        operand
    };
    item.get(name).copied()
}

fn eval(expr: &Expr, item: &HashMap<&str, &str>, names: &HashMap<String, String>) -> bool {
    let get = |operand: &str| resolve(operand, item, names);
    match expr {
        Expr::Compare(left, operator, right) => match (get(left), get(right)) {
            (Some(l), Some(r)) => match *operator {
                "=" => l == r,
                "<>" => l != r,
                "<" => l < r,
                "<=" => l <= r,
                ">" => l > r,
                _ => l >= r,
            },
            _ => false,
        },
        Expr::Between(x, low, high) => match (get(x), get(low), get(high)) {
            (Some(x), Some(low), Some(high)) => low <= x && x <= high,
            _ => false,
        },
        Expr::BeginsWith(x, prefix) => match (get(x), get(prefix)) {
            (Some(x), Some(prefix)) => x.starts_with(prefix),
            _ => false,
        },
        Expr::And(l, r) => eval(l, item, names) && eval(r, item, names),
        Expr::Or(l, r) => eval(l, item, names) || eval(r, item, names),
        Expr::Not(inner) => !eval(inner, item, names),
    }
}

fn operand() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "pk", "sk", "at", "#p", "#s", "#a", "#x", ":v", ":w", ":a", ":ab", "PK", "pk_x", "#i",
    ])
}

/// Conditions of DynamoDB's whole grammar, as tokens, biased towards conjunctions that
/// mention `pk`.
fn condition() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![
        3 => (operand(), prop::sample::select(vec!["=", "<>", "<", "<=", ">", ">="]), operand())
            .prop_map(|(l, o, r)| vec![l.to_owned(), o.to_owned(), r.to_owned()]),
        2 => (prop::sample::select(vec!["pk", "#p", "pk_x", "#i"]), prop::sample::select(vec![":v", ":w"]))
            .prop_map(|(l, r)| vec![l.to_owned(), "=".to_owned(), r.to_owned()]),
        1 => (operand(), operand(), operand()).prop_map(|(x, a, b)| {
            [x, "BETWEEN", a, "AND", b].map(str::to_owned).to_vec()
        }),
        1 => (operand(), operand()).prop_map(|(x, p)| {
            ["begins_with", "(", x, ",", p, ")"].map(str::to_owned).to_vec()
        }),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            4 => (inner.clone(), inner.clone()).prop_map(|(l, r)| [l, vec!["AND".to_owned()], r].concat()),
            1 => (inner.clone(), inner.clone()).prop_map(|(l, r)| [l, vec!["OR".to_owned()], r].concat()),
            1 => inner.clone().prop_map(|i| [vec!["NOT".to_owned()], i].concat()),
            1 => inner.prop_map(|i| [vec!["(".to_owned()], i, vec![")".to_owned()]].concat()),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    /// An accepted expression selects items of the bound partition only.
    #[test]
    fn an_accepted_key_condition_reads_one_partition(tokens in condition(), index in any::<bool>()) {
        let names = names();
        let expression = tokens.join(" ");
        let Ok(condition) = parse(&expression, Some(&names), partitions(index)) else {
            return Ok(());
        };
        let mut model = Model { tokens: &tokens, at: 0 };
        let expr = model.or();
        let Some(expr) = expr.filter(|_| model.at == tokens.len()) else {
            return Err(TestCaseError::fail(format!(
                "{expression:?} was accepted, but it is not a DynamoDB condition"
            )));
        };
        let bound = value(condition.partition);
        for item in items() {
            if eval(&expr, &item, &names) {
                prop_assert_eq!(
                    Some(item[condition.attribute]), bound,
                    "{:?} binds {} to {} and selects {:?}",
                    expression, condition.attribute, condition.partition, item
                );
            }
        }
    }

    /// `pk = :v` (`pk_x = :v` on index `x`) and at most one sort-key condition, written any
    /// way DynamoDB allows, is read as written.
    #[test]
    fn every_spelling_of_a_partition_and_a_sort_key_condition_is_read(
        index in any::<bool>(),
        sort in prop::option::of(0..7_usize),
        pk_name in any::<bool>(),
        sk_name in any::<bool>(),
        sort_first in any::<bool>(),
        parens in prop::collection::vec(any::<bool>(), 3),
        space in prop::sample::select(vec!["", " ", "  ", "\t", "\n"]),
        lower in any::<bool>(),
    ) {
        let names = names();
        let keyword = |k: &str| if lower { k.to_ascii_lowercase() } else { k.to_owned() };
        let pk = match (index, pk_name) {
            (false, true) => "#p",
            (false, false) => "pk",
            (true, true) => "#i",
            (true, false) => "pk_x",
        };
        let sk = if sk_name { "#s" } else { "sk" };
        let wrap = |text: String, wrap: bool| if wrap { format!("({space}{text}{space})") } else { text };
        let partition = wrap(format!("{pk}{space} = {space}:v"), parens[0]);
        let (expected, sort_text) = match sort {
            None => (None, None),
            Some(at) => {
                let (comparison, text) = match at {
                    0..=4 => {
                        let operator = ["=", "<", "<=", ">", ">="][at];
                        (Comparison::Compare(operator), format!("{sk} {operator}{space}:a"))
                    }
                    5 => (
                        Comparison::Between,
                        format!("{sk} {} :a {} :b", keyword("BETWEEN"), keyword("AND")),
                    ),
                    _ => (Comparison::BeginsWith, format!("begins_with{space}({space}{sk}{space},:a)")),
                };
                (Some(comparison), Some(wrap(text, parens[1])))
            }
        };
        let expression = match sort_text {
            None => partition,
            Some(sort_text) => {
                let (first, second) = if sort_first { (sort_text, partition) } else { (partition, sort_text) };
                wrap(format!("{first} {} {second}", keyword("AND")), parens[2])
            }
        };
        let condition = parse(&expression, Some(&names), partitions(index));
        prop_assert!(condition.is_ok(), "{:?}: {:?}", expression, condition);
        let condition = condition.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(condition.attribute, if index { "pk_x" } else { "pk" });
        prop_assert_eq!(condition.partition, ":v");
        let found: Vec<_> = condition.others.iter().map(|c| (c.attribute, c.comparison)).collect();
        let wanted: Vec<_> = expected.into_iter().map(|c| ("sk", c)).collect();
        prop_assert_eq!(found, wanted, "{:?}", expression);
    }
}
