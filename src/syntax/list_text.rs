//! The values of a list, read out of the list's text.
//!
//! The grammar corsc parses with (`grammar/lists_fast.pest`) matches a whole value list as one
//! token, so the text that reaches this module has already been accepted by pest. What is left
//! is to find where each value starts and ends, by the rules of the grammar's `value`:
//! `regex_value | string | unterminated_string | star | word`, tried in that order. A property
//! test holds this module to the pairs of the detailed grammar (`grammar/lists.pest`).

use super::ast::{Value, ValueKind};
use super::errors::{internal, unterminated_string};
use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// What [`values`] read from a list.
pub(super) struct Read {
    /// The values in order.
    pub values: Vec<Value>,
    /// A diagnostic for each value that cannot be one (a string with no closing quote).
    pub errors: Vec<Diagnostic>,
    /// From the first value (or `[`) to the last value (or `]`): spaces and comments after the
    /// list are not part of it.
    pub span: Span,
}

/// The values of the list `text`, which starts at byte `base` of its file.
pub(super) fn values(text: &str, base: usize) -> Read {
    let b = text.as_bytes();
    let mut values = Vec::new();
    let mut errors = Vec::new();
    let at = |start: usize, end: usize| Span::new(base + start, base + end);
    let mut i = 0;
    // The end of the last value or bracket read.
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            // Separators and line ends: the grammar has put them where they belong.
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' => i += 1,
            b']' => {
                i += 1;
                last = i;
            }
            b'#' => i = line_end(b, i),
            b'"' => {
                if let Some(end) = string_end(b, i) {
                    let kind = ValueKind::String(unescape(&text[i + 1..end - 1]));
                    values.push(Value {
                        kind,
                        span: at(i, end),
                    });
                    i = end;
                    last = end;
                } else {
                    let end = line_end(b, i);
                    errors.push(unterminated_string(at(i, end)));
                    i = end;
                    last = end;
                }
            }
            b'*' if !text[i + 1..].starts_with(is_word_char) => {
                values.push(Value {
                    kind: ValueKind::Star,
                    span: at(i, i + 1),
                });
                i += 1;
                last = i;
            }
            _ => {
                if let Some((quote, end)) = regex_at(text, i) {
                    let kind = ValueKind::Regex(unescape(&text[quote + 1..end - 1]));
                    values.push(Value {
                        kind,
                        span: at(i, end),
                    });
                    i = end;
                    last = end;
                    continue;
                }
                let end = text[i..]
                    .find(|c| !is_word_char(c))
                    .map_or(text.len(), |n| i + n);
                if end == i {
                    errors.push(internal(&format!(
                        "a list holds a character that starts no value, at byte {}",
                        base + i
                    )));
                    break;
                }
                values.push(Value {
                    kind: ValueKind::Word(text[i..end].to_string()),
                    span: at(i, end),
                });
                i = end;
                last = end;
            }
        }
    }
    values.shrink_to_fit();
    Read {
        values,
        errors,
        span: at(0, last),
    }
}

/// `regex "…"` at `i`: the position of its opening quote and its end. `kw_regex` is `regex`
/// not followed by a name character; a gap (spaces, tabs, a comment) may stand before the
/// string, which must be closed on its line.
fn regex_at(text: &str, i: usize) -> Option<(usize, usize)> {
    let rest = text[i..].strip_prefix("regex")?;
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let quote = gap_end(text.as_bytes(), i + "regex".len());
    if text.as_bytes().get(quote) != Some(&b'"') {
        return None;
    }
    string_end(text.as_bytes(), quote).map(|end| (quote, end))
}

/// The end of the closed string whose opening quote is at `i`, or `None` when the string runs
/// into a line end or the end of the text first. A backslash takes the character after it,
/// unless that is a line end (`string_inner` in `cors.pest`). UTF-8 continuation bytes never
/// equal an ASCII byte, so stepping over a multi-byte character byte by byte is safe.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\n' | b'\r' => return None,
            b'\\' => match *b.get(j + 1)? {
                b'\n' | b'\r' => return None,
                _ => j += 2,
            },
            _ => j += 1,
        }
    }
}

/// The first line end at or after `i` (`NEWLINE` is `\n`, `\r\n` or `\r`), or the end.
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |n| i + n)
}

/// The end of pest's implicit skip from `i`: `WHITESPACE* ~ (COMMENT ~ WHITESPACE*)*`.
fn gap_end(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b' ' | b'\t') => i += 1,
            Some(b'#') => i = line_end(b, i),
            _ => return i,
        }
    }
}

/// `word_char` in `cors.pest`: anything but separators, line ends, quotes, brackets, braces,
/// parentheses, `#`, `=`, `@` and `:`.
fn is_word_char(c: char) -> bool {
    !matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '('
            | ')'
            | '"'
            | '#'
            | '='
            | '@'
            | ':'
    )
}

/// The content of a string without its quotes: `\"` and `\\` unescaped, other backslashes kept.
pub(super) fn unescape(inner: &str) -> String {
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
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

#[cfg(test)]
mod tests {
    use super::values;
    use crate::syntax::ast::ValueKind;
    use crate::syntax::grammar::{detailed, fast};
    use pest::Parser as _;
    use proptest::prelude::*;

    /// Pieces a value list is made of, and pieces that break one.
    const PIECES: &[&str] = &[
        "\"https://a.example\"",
        "\"x\\\"y\\\\\"",
        "\"é#,]\"",
        "\"open",
        "\"bad\\",
        "regex",
        "regex \"^a$\"",
        "regex#c",
        "regex-x",
        "*",
        "**",
        "*x",
        "GET",
        "null",
        "é",
        ", ",
        ",",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "[",
        "]",
        "# note",
        ":",
        "\\",
        "{",
        "}",
        "=",
        "@",
    ];

    fn file_around(list: &str, shape: u8) -> String {
        match shape % 3 {
            0 => format!("methods {list}\n"),
            1 => format!("policy p {{\n  origins {list}\n}}\n"),
            _ => format!("origins s = {list}\n# end\n"),
        }
    }

    /// Each list's values as the detailed grammar pairs them: (kind, start, end).
    fn detailed_values(file: &str) -> Option<Vec<(&'static str, usize, usize)>> {
        let pairs = detailed::CorsParser::parse(detailed::Rule::file, file).ok()?;
        let mut out = Vec::new();
        for list in pairs.flatten().filter(|p| {
            matches!(
                p.as_rule(),
                detailed::Rule::bare_list | detailed::Rule::bracket_list
            )
        }) {
            for v in list.into_inner() {
                let kind = match v.as_rule() {
                    detailed::Rule::string => "string",
                    detailed::Rule::regex_value => "regex",
                    detailed::Rule::star => "star",
                    detailed::Rule::word => "word",
                    detailed::Rule::unterminated_string => "unterminated",
                    _ => continue,
                };
                out.push((kind, v.as_span().start(), v.as_span().end()));
            }
        }
        Some(out)
    }

    /// The same, read by [`values`] out of the fast grammar's one pair per list.
    fn fast_values(file: &str) -> Option<Vec<(&'static str, usize, usize)>> {
        let pairs = fast::CorsParser::parse(fast::Rule::file, file).ok()?;
        let mut out = Vec::new();
        for list in pairs
            .flatten()
            .filter(|p| p.as_rule() == fast::Rule::value_list)
        {
            let read = values(list.as_str(), list.as_span().start());
            let mut found: Vec<_> = read
                .values
                .iter()
                .map(|v| {
                    let kind = match v.kind {
                        ValueKind::String(_) => "string",
                        ValueKind::Regex(_) => "regex",
                        ValueKind::Star => "star",
                        ValueKind::Word(_) => "word",
                    };
                    (kind, v.span.start, v.span.end)
                })
                .chain(
                    read.errors
                        .iter()
                        .map(|d| ("unterminated", d.primary.span.start, d.primary.span.end)),
                )
                .collect();
            found.sort_by_key(|f| f.1);
            out.extend(found);
        }
        Some(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The two grammars accept the same files, and where they do, the values read out of
        /// the fast grammar's lists are the detailed grammar's value pairs, kind and span.
        #[test]
        fn the_fast_grammar_reads_what_the_detailed_one_pairs(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 1..14),
            shape in any::<u8>(),
        ) {
            let file = file_around(&pieces.concat(), shape);
            let fast = fast_values(&file);
            let detailed = detailed_values(&file);
            prop_assert_eq!(fast.is_some(), detailed.is_some(), "{:?}", file);
            prop_assert_eq!(fast, detailed, "{:?}", file);
        }
    }

    /// Values that parse, and what may stand between two of them.
    const VALUES: &[&str] = &[
        "\"https://a.example\"",
        "\"x\\\"y\"",
        "regex \"^a$\"",
        "regex\t\"b\"",
        "*",
        "GET",
        "null",
        "*x",
        "é",
    ];
    const SEPARATORS: &[&str] = &[
        ",",
        ", ",
        " , ",
        ",\n  ",
        ", # c\n\n  ",
        ",\r\n",
        "\n,",
        " \n , ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Lists made of good values and separators, bare or in brackets: mostly files that
        /// parse, so the comparison of values is exercised, not only the rejections.
        #[test]
        fn well_formed_lists_read_as_the_detailed_grammar_pairs_them(
            items in prop::collection::vec(
                (prop::sample::select(VALUES), prop::sample::select(SEPARATORS)),
                1..10,
            ),
            bracketed in any::<bool>(),
            trailing in any::<bool>(),
            shape in any::<u8>(),
        ) {
            let mut list = String::new();
            for (i, (v, sep)) in items.iter().enumerate() {
                if i > 0 {
                    list.push_str(sep);
                }
                list.push_str(v);
            }
            if bracketed {
                list = format!("[ {list}{} ]", if trailing { ",\n" } else { "" });
            }
            let file = file_around(&list, shape);
            let detailed = detailed_values(&file);
            // Inside brackets every one of these separators is allowed.
            prop_assert!(!bracketed || detailed.is_some(), "{:?}", file);
            prop_assert_eq!(fast_values(&file), detailed, "{:?}", file);
        }
    }

    #[test]
    fn hand_picked_lists_read_as_the_detailed_grammar_pairs_them() {
        for list in [
            "\"a\", \"b\"",
            "\"a\" ,\n  \"b\"",
            "\"a\", # why\n\"b\"",
            "[\n  \"a\",\n  regex \"^b$\", # c\n  *, GET,\n]",
            "[ ]",
            "[\n]",
            "[\"a\"\n, \"b\"]",
            "regex   \"x\\\"\"",
            "regex # not a regex",
            "*, **, *x",
            "\"open",
            "\"a\", \"b",
            "\"a\\\\\", \"b\\\"c\"",
            "é, \"é\"",
        ] {
            for shape in 0..3 {
                let file = file_around(list, shape);
                let detailed = detailed_values(&file);
                assert!(detailed.is_some(), "{file:?}");
                assert_eq!(fast_values(&file), detailed, "{file:?}");
            }
        }
    }

    /// A list's span ends at its last value or its `]`: the spaces and comment after it are
    /// not part of it (pest's pairs included them when the list held one value).
    #[test]
    fn a_list_ends_at_its_last_value_or_bracket() {
        for (list, last) in [
            ("\"a\"   # c", "\"a\""),
            ("\"a\", \"b\"  ", "\"b\""),
            ("[ \"a\", ]  # c", "]"),
            ("GET", "GET"),
        ] {
            let read = values(list, 10);
            let end = list.find(last).map(|i| i + last.len() + 10);
            assert_eq!(Some(read.span.end), end, "{list:?}");
            assert_eq!(read.span.start, 10);
        }
    }

    /// What the fast grammar is for: pest keeps one pair per list, however long the list, so
    /// its token queue no longer grows with the number of origins.
    #[test]
    fn a_long_list_is_one_pair() {
        let policy = |n: usize| {
            let list: Vec<String> = (0..n)
                .map(|i| format!("\"https://t{i}.example\""))
                .collect();
            format!("policy p {{\n  origins {}\n}}\n", list.join(",\n    "))
        };
        let count = |text: &str| {
            fast::CorsParser::parse(fast::Rule::file, text)
                .map(|p| p.flatten().count())
                .expect("parses")
        };
        assert_eq!(count(&policy(1)), count(&policy(1000)));
        let detailed = |text: &str| {
            detailed::CorsParser::parse(detailed::Rule::file, text)
                .map(|p| p.flatten().count())
                .expect("parses")
        };
        assert_eq!(detailed(&policy(1000)), detailed(&policy(1)) + 999);
    }
}
