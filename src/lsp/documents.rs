//! The open documents: their text, what the last analysis found, and the conversion between
//! byte offsets (what spans hold) and LSP positions (lines and UTF-16 code units).

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast;
use lsp_types::{Position, Range};
use std::collections::HashMap;

/// One open document.
pub(super) struct Document {
    pub(super) text: String,
    pub(super) version: i32,
    /// The text changed since the last analysis.
    pub(super) dirty: bool,
    /// The findings of the last analysis, spans into `text` as it was then.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The syntax tree of `text`, when it parses.
    pub(super) ast: Option<ast::File>,
}

/// Documents by URI, as the client spells it.
#[derive(Default)]
pub(super) struct Documents {
    pub(super) open: HashMap<String, Document>,
}

impl Documents {
    pub(super) fn set(&mut self, uri: String, text: String, version: i32) {
        self.open.insert(
            uri,
            Document {
                text,
                version,
                dirty: true,
                diagnostics: Vec::new(),
                ast: None,
            },
        );
    }
}

/// The LSP position of a byte offset: the line, and UTF-16 code units into it. An offset
/// inside a character or past the end counts as the character's start or the end.
pub(super) fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

/// The byte offset of an LSP position; a position past a line's end is the line's end, past
/// the last line the text's end.
pub(super) fn offset(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u32;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    line_end
}

/// The LSP range of a span.
pub(super) fn range(text: &str, span: Span) -> Range {
    Range::new(position(text, span.start), position(text, span.end))
}

/// The word (letters, digits, `-`, `_`) around a byte offset, with its span.
pub(super) fn word_at(text: &str, offset: usize) -> Option<(&str, Span)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| (&text[start..end], Span::new(start, end)))
}

#[cfg(test)]
mod tests {
    use super::{offset, position, word_at};
    use lsp_types::Position;

    #[test]
    fn positions_count_utf16_units_after_non_ascii_text() {
        // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
        let text = "# é😀\n  x é😀 y\n";
        let y = text.rfind('y').unwrap();
        // Two blanks, `x`, a blank, `é` (1), `😀` (2), a blank: 8 units, 11 bytes.
        assert_eq!(position(text, y), Position::new(1, 8));
        assert_eq!(offset(text, Position::new(1, 8)), y);
        assert_eq!(position(text, 0), Position::new(0, 0));
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
        assert_eq!(offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        // Inside a character: its start.
        assert_eq!(position(text, 3), Position::new(0, 2));
    }

    #[test]
    fn the_word_under_the_cursor() {
        assert_eq!(word_at("@allow(null-origin)", 9).unwrap().0, "null-origin");
        assert_eq!(word_at("  max-age 10", 3).unwrap().0, "max-age");
        assert!(word_at("a  b", 2).is_none());
    }
}
