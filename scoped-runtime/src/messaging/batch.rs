//! Batches of SQS `SendMessageBatch` and SNS `PublishBatch`: entries are numbered by their
//! position, and each answer lists which positions went out and which failed.

/// SQS's and SNS's limit on the entries of one batch.
pub(crate) const MAX_ENTRIES: usize = 10;

/// Whether `count` entries make a batch: 1 to [`MAX_ENTRIES`].
pub(crate) fn is_valid_size(count: usize) -> bool {
    (1..=MAX_ENTRIES).contains(&count)
}

/// The position an entry id names (the ids are the positions, as written when sending);
/// `usize::MAX` for an id the service made up, so it sorts last instead of failing.
pub(crate) fn position(id: &str) -> usize {
    id.parse().unwrap_or(usize::MAX)
}

/// A failed entry's detail: `{code}: {message}`, or the code alone.
pub(crate) fn failure(code: &str, message: Option<&str>) -> String {
    match message {
        Some(message) => format!("{code}: {message}"),
        None => code.to_owned(),
    }
}

/// `(position, value)` pairs from `(entry id, value)` pairs, in position order.
pub(crate) fn by_position<'a>(
    entries: impl IntoIterator<Item = (&'a str, String)>,
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = entries
        .into_iter()
        .map(|(id, value)| (position(id), value))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_positions_and_failures() {
        assert!(!is_valid_size(0));
        assert!(is_valid_size(1));
        assert!(is_valid_size(10));
        assert!(!is_valid_size(11));
        assert_eq!(
            by_position([
                ("2", "c".to_owned()),
                ("x", "?".to_owned()),
                ("0", "a".to_owned())
            ]),
            [
                (0, "a".to_owned()),
                (2, "c".to_owned()),
                (usize::MAX, "?".to_owned())
            ]
        );
        assert_eq!(
            failure("Throttled", Some("slow down")),
            "Throttled: slow down"
        );
        assert_eq!(failure("Throttled", None), "Throttled");
    }
}
