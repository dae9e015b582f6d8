//! `textDocument/formatting` with `corsc fmt`'s printer. A document that does not parse gets
//! no edit, so formatting never loses text.

use super::documents::{self, Document};
use crate::source::{Source, Span};
use lsp_types::TextEdit;

/// One edit replacing the whole text by its canonical layout; none when it is already
/// canonical or does not parse.
pub(super) fn edits(doc: &Document) -> Vec<TextEdit> {
    let source = Source::new("<editor>", doc.text.as_str());
    match crate::format::format_source(&source) {
        Ok(text) if text != doc.text => vec![TextEdit::new(
            documents::range(&doc.text, Span::new(0, doc.text.len())),
            text,
        )],
        _ => Vec::new(),
    }
}
