//! IAM's `StringLike` operator, as the tests model it: shared by the session-policy tests
//! (`tests/session_policy.rs`) and the guard/policy agreement tests (`src/policy/tests.rs`,
//! which include this file with `#[path]`), so both evaluate policies the same way.

/// IAM `StringLike`: case-sensitive, `*` matches any run of characters (also none and `/`),
/// `?` any one.
pub(crate) fn string_like(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    // Classic wildcard matching with backtracking on the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < v.len() {
        if i < p.len() && (p[i] == '?' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}
