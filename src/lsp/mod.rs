//! `corsc lsp`: a language server over standard input and output, so an editor shows what
//! `corsc lint` finds while the policy is typed, and offers its fixes, the formatter, hovers,
//! completion and the origin sets' definitions and references.
//!
//! Nothing here analyses a policy itself: diagnostics come from [`crate::pipeline`] with the
//! lint configuration the command line would use, formatting from [`crate::format`], hover
//! texts from the rule catalogue and the directive table. The command in `cli` hands in the
//! one thing that lives above this module, the lint settings, as an [`Analyzer`].

mod actions;
mod completion;
mod convert;
mod documents;
mod formatting;
mod hover;
mod server;
mod sets;
mod transport;

use crate::diagnostics::Diagnostic;
use crate::lint::LintConfig;
use crate::source::Source;
use std::path::Path;

/// The lint configuration for a policy at a path, or why there is none.
pub type ConfigFor<'a> = Box<dyn FnMut(&Path) -> Result<LintConfig, String> + 'a>;

/// A clean-up of a file's findings before their fixes are offered.
pub type CleanFixes<'a> = Box<dyn Fn(&Source, &mut [Diagnostic]) + 'a>;

/// What the server needs from the command line: the lint configuration that governs a policy
/// at a path (found from its directory, as `corsc lint` finds it), and the same clean-up of
/// fixes `corsc lint --fix` applies before offering one.
pub struct Analyzer<'a> {
    /// The lint configuration for a policy at this path, or why there is none.
    pub config: ConfigFor<'a>,
    /// Drops fixes that would remove more than the finding's entry.
    pub clean_fixes: CleanFixes<'a>,
}

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
