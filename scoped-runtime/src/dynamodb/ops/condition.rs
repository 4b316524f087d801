//! Conditions of an [`Update`](crate::Update): what the stored item must hold for the update
//! to apply, as a condition expression, and why a failed one failed.
//!
//! DynamoDB answers a failed condition with one error, `ConditionalCheckFailedException`,
//! whatever part of the condition failed. The caller needs to know which: an absent item
//! ([`Error::NotFound`]), a stale version ([`Error::VersionConflict`], retry) or another
//! condition ([`Error::ConditionFailed`]). [`Diagnosis::explain`] tells them apart from the
//! item as it was stored when the condition failed.

use std::fmt::Write as _;

use aws_sdk_dynamodb::types::AttributeValue;

use super::convert::Item;
use crate::dynamodb::error::Error;

/// What one condition expects of an attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expected {
    /// The attribute equals the value (and so has its type).
    Equals(AttributeValue),
    /// The attribute exists, with any value.
    Exists,
    /// The attribute does not exist.
    NotExists,
}

/// The optimistic-locking version of an update: the integer attribute `attribute` must be
/// `expected` (or absent, when `expected` is 0), and becomes `expected + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    pub(crate) attribute: String,
    pub(crate) expected: u64,
}

impl Version {
    /// Whether `stored` (the item's version attribute, if any) is the expected version. An
    /// absent attribute is version 0: the item was never written with a version.
    pub(crate) fn matches(&self, stored: Option<&AttributeValue>) -> bool {
        match stored {
            None => self.expected == 0,
            Some(value) => version_of(value) == Some(self.expected),
        }
    }
}

/// The integer in a version attribute, if it holds one.
fn version_of(value: &AttributeValue) -> Option<u64> {
    match value {
        AttributeValue::N(number) => number.parse().ok(),
        _ => None,
    }
}

/// Everything an update's condition expression requires, kept to explain a failure.
#[derive(Debug, Clone, Default)]
pub(crate) struct Diagnosis {
    /// The item must exist (an update); an upsert creates it.
    pub(crate) require_item: bool,
    pub(crate) version: Option<Version>,
    pub(crate) conditions: Vec<(String, Expected)>,
}

impl Diagnosis {
    /// The error for a failed condition, given the item as stored when it failed (`None`
    /// if there was none).
    pub(crate) fn explain(&self, table: &str, key: &str, stored: Option<&Item>) -> Error {
        let Some(stored) = stored else {
            if self.require_item {
                return Error::NotFound {
                    table: table.to_owned(),
                    key: key.to_owned(),
                };
            }
            return self.explain_attributes(table, key, &Item::new());
        };
        self.explain_attributes(table, key, stored)
    }

    fn explain_attributes(&self, table: &str, key: &str, stored: &Item) -> Error {
        if let Some(version) = &self.version {
            let found = stored.get(&version.attribute);
            if !version.matches(found) {
                return Error::VersionConflict {
                    table: table.to_owned(),
                    key: key.to_owned(),
                    attribute: version.attribute.clone(),
                    expected: version.expected,
                    found: found.and_then(version_of),
                };
            }
        }
        Error::ConditionFailed {
            table: table.to_owned(),
            key: key.to_owned(),
            condition: self.describe(),
        }
    }

    /// The conditions as people read them: `status = "open" AND nickname not exists`.
    pub(crate) fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(version) = &self.version {
            parts.push(if version.expected == 0 {
                format!("{} = 0 or not exists", version.attribute)
            } else {
                format!("{} = {}", version.attribute, version.expected)
            });
        }
        for (name, expected) in &self.conditions {
            parts.push(match expected {
                Expected::Equals(value) => format!("{name} = {}", display_value(value)),
                Expected::Exists => format!("{name} exists"),
                Expected::NotExists => format!("{name} not exists"),
            });
        }
        if parts.is_empty() {
            "the item exists".to_owned()
        } else {
            parts.join(" AND ")
        }
    }
}

/// A condition expression in the making: its text, and the placeholders it binds.
pub(crate) struct ConditionExpression {
    parts: Vec<String>,
}

impl ConditionExpression {
    pub(crate) fn new() -> Self {
        Self { parts: Vec::new() }
    }

    /// Adds `part`, ANDed with the others.
    pub(crate) fn and(&mut self, part: String) {
        self.parts.push(part);
    }

    /// Adds the condition on attribute placeholder `name`, with value placeholder `value`
    /// for an equality.
    pub(crate) fn expect(&mut self, name: &str, value: &str, expected: &Expected) {
        let mut part = String::new();
        // Writing to a `String` cannot fail.
        let _ = match expected {
            Expected::Equals(_) => write!(part, "{name} = {value}"),
            Expected::Exists => write!(part, "attribute_exists({name})"),
            Expected::NotExists => write!(part, "attribute_not_exists({name})"),
        };
        self.parts.push(part);
    }

    /// The expression, `None` if nothing is required.
    pub(crate) fn finish(self) -> Option<String> {
        (!self.parts.is_empty()).then(|| self.parts.join(" AND "))
    }
}

/// A value as people read it in an error: strings quoted, numbers and booleans bare.
fn display_value(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(text) => format!("{text:?}"),
        AttributeValue::N(number) => number.clone(),
        AttributeValue::Bool(flag) => flag.to_string(),
        AttributeValue::Null(_) => "null".to_owned(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnosis(version: Option<u64>) -> Diagnosis {
        Diagnosis {
            require_item: true,
            version: version.map(|expected| Version {
                attribute: "version".into(),
                expected,
            }),
            conditions: vec![
                (
                    "status".into(),
                    Expected::Equals(AttributeValue::S("open".into())),
                ),
                ("nickname".into(), Expected::NotExists),
            ],
        }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect()
    }

    #[test]
    fn an_absent_item_is_not_found_unless_upserted() {
        let err = diagnosis(Some(3)).explain("crm", "LEAD#1", None);
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
        let mut upsert = diagnosis(Some(3));
        upsert.require_item = false;
        let err = upsert.explain("crm", "LEAD#1", None);
        assert!(
            matches!(
                err,
                Error::VersionConflict {
                    expected: 3,
                    found: None,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_stale_version_is_a_conflict_naming_both_versions() {
        let stored = item(&[("version", AttributeValue::N("4".into()))]);
        let err = diagnosis(Some(3)).explain("crm", "LEAD#1", Some(&stored));
        assert!(
            matches!(
                err,
                Error::VersionConflict {
                    expected: 3,
                    found: Some(4),
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("expected version 3"), "{err}");
    }

    #[test]
    fn version_zero_matches_an_absent_or_zero_version() {
        let version = Version {
            attribute: "version".into(),
            expected: 0,
        };
        assert!(version.matches(None));
        assert!(version.matches(Some(&AttributeValue::N("0".into()))));
        assert!(!version.matches(Some(&AttributeValue::N("1".into()))));
        assert!(!version.matches(Some(&AttributeValue::S("0".into()))));
    }

    #[test]
    fn other_failures_name_the_whole_condition() {
        let stored = item(&[("version", AttributeValue::N("3".into()))]);
        let err = diagnosis(Some(3)).explain("crm", "LEAD#1", Some(&stored));
        match err {
            Error::ConditionFailed { condition, .. } => assert_eq!(
                condition,
                "version = 3 AND status = \"open\" AND nickname not exists"
            ),
            other => panic!("expected a failed condition, got {other}"),
        }
    }
}
