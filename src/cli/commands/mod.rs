//! One module per subcommand.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod completions;
mod destinations;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod fix;
pub(crate) mod fmt;
pub(crate) mod import;
pub(crate) mod lint;
pub(crate) mod lsp;
pub(crate) mod man;
mod manifest;
mod policy_input;
pub(crate) mod rules;
mod same_file;
pub(crate) mod simulate;
mod statistics;
pub(crate) mod targets;
pub(crate) mod verify;

use super::args::InputArgs;
use super::inputs;
use super::output;
use crate::source::Source;
use crate::syntax;

/// One input with its parse result: the syntax tree, or the syntax errors.
pub(crate) type Parsed = (
    Source,
    Result<syntax::ast::File, Vec<crate::diagnostics::Diagnostic>>,
);

/// Reads the inputs and validates `--profile` against them; `None` after a fatal error.
pub(crate) fn load(args: &InputArgs, color: bool) -> Option<Vec<Parsed>> {
    let mut loader = super::config_file::Loader::default();
    load_with(args, &mut |d| loader.exclude_for(d), color)
}

/// [`load`], with the `exclude:` patterns `exclude` gives for each directory searched.
pub(crate) fn load_with(
    args: &InputArgs,
    exclude: inputs::ExcludeFor<'_>,
    color: bool,
) -> Option<Vec<Parsed>> {
    let sources = match inputs::read_all_with(&args.paths(), &args.stdin_filename, exclude) {
        Ok(s) => s,
        Err(errors) => {
            output::fatal(&errors, color);
            return None;
        }
    };
    let parsed: Vec<_> = sources
        .into_iter()
        .map(|s| {
            let p = syntax::parse(&s);
            (s, p)
        })
        .collect();
    if let Some(profile) = &args.profile {
        let mut known: Vec<String> = parsed
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .flat_map(crate::check::profile_names)
            .collect();
        known.sort();
        known.dedup();
        let any_parse_error = parsed.iter().any(|(_, p)| p.is_err());
        if !any_parse_error {
            // The same validation as a `corsc build` manifest entry's profile.
            if let Err(e) = super::request::profile(profile, &known) {
                output::fatal_with_help(e.message, e.help, color);
                return None;
            }
        }
    }
    Some(parsed)
}
