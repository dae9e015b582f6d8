//! Formatting: a `.cors` file in its canonical layout, for `corsc fmt` and for every stage that
//! writes policy text.
//!
//! The layout is the one the example policies use: four blanks per block level; within a block,
//! every directive's values start in one column (the longest name, with its operator in a
//! profile, and two blanks); one blank line between top-level items and at most one anywhere
//! else; lists on one line when they fit in 100 columns and were written without brackets,
//! otherwise one entry a line in brackets. The lists whose order means nothing (`methods`,
//! `request-headers`, `expose-headers`) are sorted when no comment is attached to their
//! entries; origins and paths keep the order their author grouped them in.
//!
//! Comments are not in the syntax tree, so they are read back from the text between the tree's
//! spans ([`comments`]) and written where they stood: above the element they preceded, or at the
//! end of the line they ended. Formatting never changes what a file means: its checked IR is
//! the same before and after (a property test holds it to that), and formatting the output again
//! gives the same text.

mod comments;
mod printer;
mod values;

use crate::diagnostics::Diagnostic;
use crate::source::Source;
use crate::syntax::{self, ast};

/// `file`, parsed from `source`, in the canonical layout.
#[must_use]
pub fn format_file(source: &Source, file: &ast::File) -> String {
    let comments = comments::scan(&source.text);
    printer::Printer::new(&source.text, comments).file(file)
}

/// `source` in the canonical layout.
///
/// # Errors
/// The parser's diagnostics when the text is not a well-formed `.cors` file.
pub fn format_source(source: &Source) -> Result<String, Vec<Diagnostic>> {
    let file = syntax::parse(source)?;
    Ok(format_file(source, &file))
}
