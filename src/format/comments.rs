//! The comments of a file, read back from its text.
//!
//! The grammar drops comments (`COMMENT` is silent), so the syntax tree has none; the tree does
//! keep the span of everything else, and every comment lies in a gap between those spans. This
//! module finds them by the grammar's own rules: `#` outside a string starts a comment that runs
//! to the end of the line, and a string runs from `"` to the next `"` not escaped by `\`.

/// One comment as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Comment {
    /// Byte offset of its `#`.
    pub start: usize,
    /// Byte offset of its end (the line end, or the end of the file).
    pub end: usize,
    /// Its text from `#`, with trailing blanks removed.
    pub text: String,
    /// Whether something other than blanks stands before it on its line.
    pub trailing: bool,
}

/// Every comment of `text`, in order.
pub(super) fn scan(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Whether the current line holds anything but blanks so far.
    let mut line_has_code = false;
    while i < b.len() {
        match b[i] {
            // `\n`, `\r\n` and a lone `\r` all end a line, as in the grammar's `NEWLINE`.
            b'\n' | b'\r' => {
                line_has_code = false;
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            b'"' => {
                line_has_code = true;
                i += 1;
                while i < b.len() && !matches!(b[i], b'"' | b'\n' | b'\r') {
                    // An escape takes the character after it, whatever it is (not a line end).
                    if b[i] == b'\\' && i + 1 < b.len() && !matches!(b[i + 1], b'\n' | b'\r') {
                        i += 1;
                    }
                    i += 1;
                }
                if i < b.len() && b[i] == b'"' {
                    i += 1;
                }
            }
            b'#' => {
                let start = i;
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
                out.push(Comment {
                    start,
                    end: i,
                    text: text[start..i].trim_end().to_string(),
                    trailing: line_has_code,
                });
            }
            _ => {
                line_has_code = true;
                i += 1;
            }
        }
    }
    out
}

/// Whether the text between two elements holds a blank line (a line of blanks only).
pub(super) fn blank_line_in(gap: &str) -> bool {
    let gap = gap.replace("\r\n", "\n").replace('\r', "\n");
    let mut parts = gap.split('\n');
    parts.next();
    let mut middle: Vec<&str> = parts.collect();
    middle.pop();
    middle
        .iter()
        .any(|l| l.trim_matches([' ', '\t', '\r']).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        let c = scan("origins \"https://a.example/#x\" # real\n");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "# real");
        assert!(c[0].trailing);
    }

    #[test]
    fn an_escaped_quote_does_not_end_the_string() {
        let c = scan("x \"a\\\"# no\" # yes\r\n# full\n");
        assert_eq!(
            c.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["# yes", "# full"]
        );
        assert!(!c[1].trailing);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let c = scan("x\r# alone\r");
        assert!(!c[0].trailing);
        assert_eq!(c[0].text, "# alone");
    }

    #[test]
    fn blank_lines_are_found_between_elements_only() {
        assert!(blank_line_in("\n\n"));
        assert!(blank_line_in(",\n \t\r\n  "));
        assert!(!blank_line_in("\n"));
        assert!(!blank_line_in("\n,\n"));
        assert!(!blank_line_in(" "));
        assert!(blank_line_in("\r\r"));
        assert!(!blank_line_in("\r\n"));
    }
}
