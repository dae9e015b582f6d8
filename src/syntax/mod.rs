//! Syntax: `.cors` text → spanned AST.
//!
//! pest is used here and nowhere else. Its errors are translated into [`Diagnostic`]s that name
//! what was expected in words a user knows; its `Rule` enum never leaks out of this module.

pub mod ast;
mod errors;
mod grammar;
mod list_text;
mod lower;

use crate::diagnostics::Diagnostic;
use crate::limits::MAX_FILE_BYTES;
use crate::source::Source;
use pest::Parser as _;

/// Parses a whole file. On failure, returns the diagnostics that explain why (at least one).
///
/// # Errors
/// Returns diagnostics when the text is not a well-formed `.cors` file.
pub fn parse(source: &Source) -> Result<ast::File, Vec<Diagnostic>> {
    // Bounded before pest sees it: parsing builds a tree many times the size of the text.
    if source.text.len() > MAX_FILE_BYTES {
        return Err(vec![errors::file_too_large(source.text.len())]);
    }
    match grammar::fast::CorsParser::parse(grammar::fast::Rule::file, &source.text) {
        Ok(mut pairs) => {
            let Some(file) = pairs.next() else {
                return Err(vec![errors::internal("the parser returned no file")]);
            };
            lower::file(file, source)
        }
        // The fast grammar only says that the file is wrong; the detailed one says where.
        Err(fast) => {
            match grammar::detailed::CorsParser::parse(grammar::detailed::Rule::file, &source.text)
            {
                Err(e) => Err(vec![errors::from_pest(&e, source)]),
                Ok(_) => Err(vec![errors::internal(&format!(
                    "the two grammars disagree about this file ({:?})",
                    fast.location
                ))]),
            }
        }
    }
}
