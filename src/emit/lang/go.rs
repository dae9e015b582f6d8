//! Go literals beyond strings: regexes and string slices.

use super::strings;

/// A regex as a Go raw string (no escaping to undo) when it is printable ASCII without a
/// backquote; otherwise as an interpreted string.
#[must_use]
pub fn regex_literal(r: &str) -> String {
    if r.chars().all(|c| matches!(c, ' '..='~') && c != '`') {
        format!("`{r}`")
    } else {
        strings::go(r)
    }
}

/// A `[]string{…}` literal.
#[must_use]
pub fn string_slice(items: &[&str]) -> String {
    let q: Vec<String> = items.iter().map(|s| strings::go(s)).collect();
    format!("[]string{{{}}}", q.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_raw_strings_when_they_can_be() {
        assert_eq!(regex_literal(r"^a\.b$"), r"`^a\.b$`");
        assert_eq!(regex_literal("^a`b$"), "\"^a`b$\"");
        assert_eq!(string_slice(&["a", "b"]), r#"[]string{"a", "b"}"#);
    }
}
