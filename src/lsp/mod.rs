//! `corsc lsp`: a language server over standard input and output, so an editor shows what
//! `corsc lint` finds while the policy is typed, and offers its fixes, the formatter, hovers,
//! completion and the origin sets' definitions and references.
//!
//! Nothing here analyses a policy itself: diagnostics come from [`crate::pipeline`] with the
//! lint configuration the command line would use, formatting from [`crate::format`], hover
//! texts from the rule catalogue and the directive table. The command in `cli` hands in the
//! one thing that lives above this module, the lint settings, as an [`Analyzer`].

mod actions;
mod analyzer;
mod completion;
mod convert;
mod documents;
mod formatting;
mod hover;
mod server;
mod sets;
mod transport;

pub use analyzer::{Analyzer, CleanFixes, ConfigFor};

/// Serves one client over standard input and output until it says `exit` or closes its end.
///
/// # Errors
/// When standard output cannot be written; the message says why. A client that exits without
/// `shutdown` first is an error too, as the protocol says (exit status 1).
pub fn run(analyzer: Analyzer<'_>) -> Result<(), String> {
    let (conn, reader) = transport::stdio();
    let result = server::Server::new(analyzer, conn).serve();
    // The reader thread ends at the end of input; it is not waited for, since a client may
    // keep its end open after `exit`.
    drop(reader);
    result
}
