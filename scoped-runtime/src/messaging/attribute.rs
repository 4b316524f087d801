//! The `scoped.scope` message attribute: every message a scoped SQS client sends and every
//! notification a scoped SNS topic publishes carries its scope's label in it
//! ([`crate::naming::sqs::scope_label`]), and guards and `receive` compare it with the scope's.

use serde::Serialize;

pub(crate) use crate::naming::sqs::SCOPE_ATTRIBUTE;

/// The data type of the attribute: a string.
pub(crate) const DATA_TYPE: &str = "String";

/// The label an attribute of `data_type` with string value `value` carries: `value`, if the
/// attribute is a string; `None` otherwise (a binary or number attribute carries no label).
pub(crate) fn carried<'a>(data_type: &str, value: Option<&'a str>) -> Option<&'a str> {
    if data_type == DATA_TYPE { value } else { None }
}

/// Whether the label `found` (from [`carried`], `None` if the attribute is missing) is exactly
/// the scope's `expected` label; if not, the label found, to name in the error.
pub(crate) fn check(found: Option<&str>, expected: &str) -> Result<(), Option<String>> {
    if found == Some(expected) {
        Ok(())
    } else {
        Err(found.map(str::to_owned))
    }
}

/// What a message of `body` labelled `label` counts against SQS's and SNS's 256 KiB: its body,
/// the attribute's name, its data type and its value.
pub(crate) fn message_bytes(body: &str, label: &str) -> usize {
    body.len() + SCOPE_ATTRIBUTE.len() + DATA_TYPE.len() + label.len()
}

/// `message` as a JSON body, with what it counts against the size limit once labelled with
/// `label` ([`message_bytes`]).
pub(crate) fn encode<M: Serialize>(
    message: &M,
    label: &str,
) -> Result<(String, usize), serde_json::Error> {
    let body = serde_json::to_string(message)?;
    let bytes = message_bytes(&body, label);
    Ok((body, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_string_attribute_carries_a_label() {
        assert_eq!(carried("String", Some("tenant/t1")), Some("tenant/t1"));
        assert_eq!(carried("Binary", Some("tenant/t1")), None);
        assert_eq!(carried("String.custom", Some("tenant/t1")), None);
        assert_eq!(carried("String", None), None);
    }

    #[test]
    fn labels_match_exactly() {
        assert_eq!(check(Some("tenant/t1"), "tenant/t1"), Ok(()));
        assert_eq!(
            check(Some("tenant/t10"), "tenant/t1"),
            Err(Some("tenant/t10".to_owned()))
        );
        assert_eq!(
            check(Some("tenant/t"), "tenant/t1"),
            Err(Some("tenant/t".to_owned()))
        );
        assert_eq!(check(None, "tenant/t1"), Err(None));
    }

    #[test]
    fn sizes_count_body_and_attribute() {
        assert_eq!(message_bytes("{}", "platform"), 2 + 12 + 6 + 8);
        let (body, bytes) = encode(&serde_json::json!({"a": 1}), "tenant/t1").unwrap();
        assert_eq!(body, r#"{"a":1}"#);
        assert_eq!(bytes, message_bytes(&body, "tenant/t1"));
    }
}
