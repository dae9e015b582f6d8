//! `corsc check`: parse and type-check.

use super::super::args::InputArgs;
use super::super::{output, Outcome};
use crate::diagnostics::Severity;
use crate::pipeline;

pub(crate) fn run(args: &InputArgs, color: bool) -> Outcome {
    let Some(parsed) = super::load(args, color) else {
        return Outcome::Fatal;
    };
    let mut files = Vec::new();
    for (source, ast) in parsed {
        let diags = match ast {
            Ok(file) => pipeline::check(&file, args.profile.as_deref()).diagnostics,
            Err(d) => d,
        };
        files.push((source, diags));
    }
    let failed = files
        .iter()
        .any(|(_, d)| d.iter().any(|d| d.severity == Severity::Error));
    output::report(&files, args.format, color, "checked");
    if failed {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}
