//! Source text and byte spans.
//!
//! Spans are byte ranges into one [`Source`]; line and column are computed only when something is
//! rendered, so every stage can carry spans for free.

use std::fmt;
use std::sync::{Arc, OnceLock};

/// A half-open byte range `start..end` into a [`Source`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The byte range, for renderers.
    #[must_use]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A value together with the place in the source it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Self { node, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node.fmt(f)
    }
}

/// One input: its display name (a path, or `<stdin>`) and its text.
#[derive(Clone, Debug)]
pub struct Source {
    /// How the file is named in diagnostics.
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
    /// Where each line starts, computed on first use: a report of 100,000 findings must not
    /// scan the file from the start for each one (that made `--format json` quadratic).
    index: Arc<OnceLock<Index>>,
}

/// Line starts and character counts, so a line and column cost constant time.
#[derive(Debug)]
struct Index {
    /// The byte offset of each line's first byte.
    line_starts: Vec<usize>,
    /// `chars[k]`: how many characters precede byte `floor_char_boundary(k * MARK)`.
    chars: Vec<usize>,
}

/// Bytes between two character-count marks.
const MARK: usize = 1024;

impl Source {
    /// A source from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            index: Arc::default(),
        }
    }

    /// The text under a span (empty if the span is out of range).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index.get_or_init(|| self.build_index());
        // The last line start at or before the offset.
        let line = index.line_starts.partition_point(|&s| s <= offset);
        let line_start = index.line_starts[line - 1];
        let col = self.chars_before(index, offset) - self.chars_before(index, line_start) + 1;
        (line, col)
    }
}

impl Source {
    /// The byte range of the line holding a byte offset, without its line end.
    #[must_use]
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index.get_or_init(|| self.build_index());
        let line = index.line_starts.partition_point(|&s| s <= offset);
        let start = index.line_starts[line - 1];
        let end = index
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    fn build_index(&self) -> Index {
        let line_starts = std::iter::once(0)
            .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars = Vec::with_capacity(self.text.len() / MARK + 1);
        let mut count = 0;
        let mut from = 0;
        for k in 0..=self.text.len() / MARK {
            let to = floor_char_boundary(&self.text, (k * MARK).min(self.text.len()));
            count += self.text[from..to].chars().count();
            chars.push(count);
            from = to;
        }
        Index { line_starts, chars }
    }

    /// How many characters precede a byte offset (a character boundary).
    fn chars_before(&self, index: &Index, offset: usize) -> usize {
        let k = offset / MARK;
        let mark = floor_char_boundary(&self.text, k * MARK);
        index.chars[k] + self.text[mark..offset].chars().count()
    }
}

/// A file name (or any text from outside corsc: a path, a URL) as corsc prints it to a
/// terminal or a log: characters a terminal or a log reader acts on are written as `\u{…}`
/// escapes (`\n`, `\r`, `\t` as those). Why: the name is chosen by whoever commits the file;
/// printed raw, an escape sequence rewrites the reader's screen, a line break forges a line
/// of corsc's own (a summary, a GitHub `::error` command), a bidirectional override shows the
/// name reversed. Escaped: C0 and C1 controls and DEL, bidirectional marks, embeddings,
/// overrides and isolates, and the Unicode line and paragraph separators.
#[must_use]
pub fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`shown`] for a multi-line text (a message that may quote the policy): line breaks stay.
#[must_use]
pub fn shown_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.split('\n')
            .map(|l| shown(l))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A policy's text as a snippet under a diagnostic shows it: each character [`shown`] would
/// escape is replaced by a visible one of the same UTF-8 length (`?`, `¿` or `\u{fffd}`), so
/// every span and column still points where it did. Line breaks, tabs and the `\r` of a
/// `\r\n` stay.
#[must_use]
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    // Most policies are printable ASCII with `\n` or `\t`: nothing to replace, found in one
    // pass over the bytes instead of a character walk.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut chars = text.chars().peekable();
    let mut out: Option<String> = None;
    let mut at = 0;
    while let Some(c) = chars.next() {
        let keep = matches!(c, '\n' | '\t') || (c == '\r' && chars.peek() == Some(&'\n'));
        if needs_escape(c) && !keep {
            let o = out.get_or_insert_with(|| text[..at].to_string());
            o.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{bf}',
                _ => '\u{fffd}',
            });
        } else if let Some(o) = out.as_mut() {
            o.push(c);
        }
        at += c.len_utf8();
    }
    match out {
        Some(o) => std::borrow::Cow::Owned(o),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// [`shown`] for a path.
#[must_use]
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.to_string_lossy()).into_owned()
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_escapes_what_a_terminal_acts_on_and_nothing_else() {
        assert_eq!(shown("policies/api v2.cors"), "policies/api v2.cors");
        assert_eq!(shown("é/ü.cors"), "é/ü.cors");
        assert_eq!(shown("a\u{1b}[2J\nb\r\t"), "a\\u{1b}[2J\\nb\\r\\t");
        assert_eq!(shown("a\u{9b}\u{7f}"), "a\\u{9b}\\u{7f}");
        assert_eq!(
            shown("a\u{202e}b\u{2069}\u{2028}"),
            "a\\u{202e}b\\u{2069}\\u{2028}"
        );
        assert_eq!(shown_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }

    #[test]
    fn printable_keeps_every_byte_offset() {
        let text = "a\u{1b}[2J\u{85}\u{202e}x\r\ny\rz\tw\n";
        let p = printable(text);
        assert_eq!(p.len(), text.len());
        assert_eq!(p.chars().count(), text.chars().count());
        assert_eq!(p, "a?[2J\u{bf}\u{fffd}x\r\ny?z\tw\n");
        assert!(matches!(
            printable("plain\r\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let s = Source::new("t", "ab\nçd\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (2, 2));
        assert_eq!(s.line_col(100), (3, 1));
        assert_eq!(s.line_col(2), (1, 3));
        assert_eq!(s.line_col(4), (2, 1), "inside `ç`: its start");
        let no_newline = Source::new("t", "abc");
        assert_eq!(no_newline.line_col(3), (1, 4));
        // Across character-count marks, with multi-byte characters on both sides.
        let text = format!("{}\n{}x", "é".repeat(3000), "ü".repeat(2000));
        let long = Source::new("t", text.clone());
        let x = text.len() - 1;
        assert_eq!(long.line_col(x), (2, 2001));
        assert_eq!(long.line_col(6000), (1, 3001));
        assert_eq!(long.line_col(6001), (2, 1));
        assert_eq!(long.line_col(1025), (1, 513));
        assert_eq!(long.line_range(7000), 6001..text.len());
        assert_eq!(Source::new("t", "ab\r\ncd").line_range(1), 0..2);
    }
}
