//! What the server needs from the layer above it, handed in as functions so this module
//! imports nothing of `cli`.

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
