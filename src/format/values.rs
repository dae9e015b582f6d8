//! Values as the formatter writes them: strings with the fewest escapes that read back to the
//! same text, and the canonical order of the lists whose order means nothing.

use crate::syntax::ast::{Value, ValueKind};
use std::cmp::Ordering;

/// The text of one value.
pub(super) fn text(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => quote(s),
        ValueKind::Regex(s) => format!("regex {}", quote(s)),
        ValueKind::Star => "*".to_string(),
        ValueKind::Word(w) => w.clone(),
    }
}

/// `s` as a quoted string that the grammar reads back as `s`.
///
/// The grammar knows two escapes, `\"` and `\\`, and keeps any other backslash as written. So a
/// backslash needs escaping only where the character after it would otherwise be read as part
/// of an escape: a quote, another backslash, or the closing quote. Everywhere else it is written
/// alone, which keeps a regex such as `^https://a\.example$` byte for byte as its author wrote
/// it.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => match chars.peek() {
                None | Some('"' | '\\') => out.push_str("\\\\"),
                Some(_) => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Which lists the formatter may sort: sets whose order no reader or target depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    /// Kept as written (origins, paths, origin sets, single values).
    AsWritten,
    /// `methods`: the usual methods first, in the order people list them, then the rest.
    Methods,
    /// `request-headers`, `expose-headers`: by name, ignoring case.
    Headers,
}

impl Order {
    /// The order for a directive's values, by its name as written.
    pub(super) fn of(directive: &str) -> Order {
        match directive {
            "methods" => Order::Methods,
            "request-headers" | "expose-headers" => Order::Headers,
            _ => Order::AsWritten,
        }
    }

    /// Sorts rendered values in place (stable, so equal entries keep their order).
    pub(super) fn sort<T>(self, items: &mut [(String, T)]) {
        match self {
            Order::AsWritten => {}
            Order::Methods => items.sort_by(|(a, _), (b, _)| method_cmp(a, b)),
            Order::Headers => items.sort_by(|(a, _), (b, _)| {
                a.to_ascii_lowercase()
                    .cmp(&b.to_ascii_lowercase())
                    .then_with(|| a.cmp(b))
            }),
        }
    }
}

/// The canonical order of methods: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, QUERY, then
/// any other by its bytes.
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY",
];

fn method_cmp(a: &str, b: &str) -> Ordering {
    let rank = |m: &str| {
        METHODS
            .iter()
            .position(|k| *k == m)
            .unwrap_or(METHODS.len())
    };
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescape(inner: &str) -> String {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some(n @ ('"' | '\\')) => out.push(n),
                    Some(n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn quoting_reads_back_and_keeps_regex_backslashes() {
        assert_eq!(quote(r"^https://a\.example$"), r#""^https://a\.example$""#);
        for s in [r"a\", r#"a\""#, r"\\", r"\\.", "\"", r"x\y\\z", ""] {
            let q = quote(s);
            assert_eq!(unescape(&q[1..q.len() - 1]), s, "{q}");
        }
    }

    #[test]
    fn methods_sort_in_the_usual_order_then_by_bytes() {
        let mut m: Vec<(String, ())> = ["PROPFIND", "DELETE", "*", "GET", "get", "QUERY", "POST"]
            .iter()
            .map(|s| ((*s).to_string(), ()))
            .collect();
        Order::Methods.sort(&mut m);
        let got: Vec<_> = m.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            got,
            ["GET", "POST", "DELETE", "QUERY", "*", "PROPFIND", "get"]
        );
    }
}
