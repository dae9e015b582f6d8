//! `corsc lsp`: the language server (see `crate::lsp`), with the lint settings `corsc lint`
//! would use for each file, read again at each analysis so an edited `corsc.yaml` applies.

use super::super::args::LspArgs;
use super::super::lint_settings::LintSettings;
use super::super::{output, Outcome};
use super::fix;
use crate::lsp::{self, Analyzer};

pub(crate) fn run(args: &LspArgs, color: bool) -> Outcome {
    // `--config` must be readable at the start, like `lint`'s.
    if let Err(e) = LintSettings::new(&args.settings, Vec::new()) {
        output::fatal(&[e], color);
        return Outcome::Fatal;
    }
    let analyzer = Analyzer {
        config: Box::new(|path| {
            LintSettings::new(&args.settings, Vec::new())
                .and_then(|mut s| s.for_policy(path))
                .map_err(|e| e.message)
        }),
        clean_fixes: Box::new(fix::keep_removals_clean),
    };
    match lsp::run(analyzer) {
        Ok(()) => Outcome::Clean,
        Err(e) if e.starts_with("cannot write") => {
            output::fatal_with_help(e, "the editor closed the server's output", color);
            Outcome::Fatal
        }
        Err(e) => {
            eprintln!("corsc lsp: {e}");
            Outcome::Failed
        }
    }
}
