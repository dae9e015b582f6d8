//! One policy file read, checked and resolved for a profile, for the commands that run the
//! evaluator on it (`corsc simulate`, `corsc verify`), and the browser model and the routing
//! of a target they both offer.

use super::super::args::{Browser, EvalArgs, TargetArg};
use super::super::inputs;
use super::super::output;
use crate::diagnostics::{render, Severity};
use crate::eval::browser::{self, BrowserModel};
use crate::eval::Routing;
use crate::ir::PolicySet;
use crate::pipeline;
use crate::source::shown;
use crate::source::Source;
use std::io::Write as _;
use std::path::PathBuf;

/// Reads one policy file, checks it and resolves the profile. Prints what went wrong and
/// returns `None` when it cannot be used.
pub(crate) fn load_policy(
    path: &PathBuf,
    eval: &EvalArgs,
    stdin_filename: &str,
    color: bool,
) -> Option<(Source, PolicySet)> {
    let profile = eval.profile.as_deref();
    let mut sources = match inputs::read_all(std::slice::from_ref(path), stdin_filename) {
        Ok(s) => s,
        Err(e) => {
            output::fatal(&e, color);
            return None;
        }
    };
    if sources.len() != 1 {
        output::fatal_with_help(
            format!(
                "`{}` holds {} policy files; name one file",
                path.display(),
                sources.len()
            ),
            "pass a single `.cors` file",
            color,
        );
        return None;
    }
    let source = sources.remove(0);
    let file = match pipeline::parse(&source) {
        Ok(f) => f,
        Err(d) => {
            eprint_diagnostics(&source, &d, color);
            return None;
        }
    };
    if let Some(p) = profile {
        let known = crate::check::profile_names(&file);
        if !known.iter().any(|k| k == p) {
            let help = if known.is_empty() {
                "this file defines no profiles".to_string()
            } else {
                format!("the profiles defined are {}", known.join(", "))
            };
            output::fatal_with_help(format!("no policy defines the profile `{p}`"), help, color);
            return None;
        }
    }
    let checked = pipeline::check(&file, profile);
    match checked.policies {
        Some(set) => Some((source, set)),
        None => {
            let errors: Vec<_> = checked
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            eprint_diagnostics(&source, &errors, color);
            None
        }
    }
}

fn eprint_diagnostics(source: &Source, d: &[crate::diagnostics::Diagnostic], color: bool) {
    let mut s = render::human(source, d, color);
    s.push_str(&format!(
        "error: `{}` has errors; fix them first (`corsc check {}`)\n",
        shown(&source.name),
        shown(&source.name)
    ));
    let _ = std::io::stderr().write_all(s.as_bytes());
}

/// How the server of `--target` picks a policy by path; the standard's way without one.
/// Prints what went wrong and returns `None` when the name is no target.
pub(crate) fn routing(target: Option<&TargetArg>, color: bool) -> Option<Routing> {
    match target {
        None => Some(Routing::Spec),
        Some(TargetArg {
            target: Some(target),
            ..
        }) => Some(target.meta().capabilities.routing),
        Some(TargetArg {
            given,
            target: None,
        }) => {
            let ids = crate::emit::registry::ids();
            output::fatal_with_help(
                format!("`{given}` is not a target"),
                format!("the targets are {}", ids.join(", ")),
                color,
            );
            None
        }
    }
}

/// The browser `--browser` names.
pub(crate) fn model(b: Browser) -> &'static BrowserModel {
    match b {
        Browser::Chromium => &browser::CHROMIUM,
        Browser::Firefox => &browser::FIREFOX,
        Browser::Webkit => &browser::WEBKIT,
        Browser::Spec => &browser::SPEC,
    }
}
