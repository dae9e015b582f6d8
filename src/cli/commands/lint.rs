//! `corsc lint`: check, then run the lint rules over every profile.

use super::super::args::LintArgs;
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use crate::diagnostics::Severity;
use crate::lint::{self, Level, LintConfig, Selector};

/// Builds the rule configuration from `--allow`, `--warn` and `--deny`, in that order of
/// precedence from weakest to strongest.
fn config(args: &LintArgs) -> Result<LintConfig, Vec<InputError>> {
    let mut cfg = LintConfig::default();
    let mut errors = Vec::new();
    for (list, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warning),
        (&args.deny, Level::Error),
    ] {
        for s in list {
            match Selector::parse(s) {
                Ok(sel) => cfg.push(sel, level),
                Err(message) => errors.push(InputError {
                    message,
                    help: Some("`corsc rules` lists every rule with its code and category".into()),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}

pub(crate) fn run(args: &LintArgs, color: bool) -> Outcome {
    let cfg = match config(args) {
        Ok(c) => c,
        Err(e) => {
            output::fatal(&e, color);
            return Outcome::Fatal;
        }
    };
    let Some(parsed) = super::load(&args.input, color) else {
        return Outcome::Fatal;
    };
    let mut files = Vec::new();
    for (source, ast) in parsed {
        let diags = match ast {
            Ok(file) => lint::lint_file(&file, &cfg, args.input.profile.as_deref()),
            Err(d) => d,
        };
        files.push((source, diags));
    }
    let failed = files.iter().flat_map(|(_, d)| d).any(|d| {
        d.severity == Severity::Error || (cfg.deny_warnings() && d.severity == Severity::Warning)
    });
    output::report(&files, args.input.format, color, "linted");
    if failed {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}
