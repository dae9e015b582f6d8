//! `corsc compile`: check, lint, plan against a target, render, write atomically.
//!
//! Diagnostics go to standard error, so standard output carries only the configuration. The
//! output file is written only when everything succeeded, and then atomically.

use super::super::args::{CompileArgs, Format, InputArgs};
use super::super::inputs::InputError;
use super::super::request;
use super::super::{output, Outcome};
use crate::check;
use crate::diagnostics::render::{self, JsonReport};
use crate::diagnostics::{Counts, Diagnostic, Severity};
use crate::emit::{self, write, Options, Output, Provenance};
use crate::lint::{self, LintConfig};
use crate::source::Source;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn fatal(message: String, help: Option<String>, color: bool) -> Outcome {
    output::fatal(&[InputError { message, help }], color);
    Outcome::Fatal
}

/// Prints diagnostics on standard error in the chosen format.
fn report(source: &Source, diags: &[Diagnostic], format: Format, color: bool) {
    if diags.is_empty() {
        return;
    }
    let text = match format {
        Format::Human => render::human(source, diags, color),
        Format::Concise => render::concise(source, diags),
        Format::Sarif => crate::diagnostics::sarif::render(&[(source.clone(), diags.to_vec())]),
        Format::Github => crate::diagnostics::github::render(source, diags),
        Format::Json => {
            let r = JsonReport {
                schema: "corsc-diagnostics/1",
                version: env!("CARGO_PKG_VERSION"),
                files: vec![source.name.clone()],
                diagnostics: render::json_records(source, diags),
                summary: Counts::of(diags),
            };
            serde_json::to_string_pretty(&r)
                .map_or_else(|e| format!("{{\"error\": \"{e}\"}}"), |j| j + "\n")
        }
    };
    let _ = std::io::stderr().write_all(text.as_bytes());
}

pub(crate) fn run(args: &CompileArgs, color: bool) -> Outcome {
    // The same validation as a `corsc build` manifest entry's (`request`).
    let target = match request::target_flag(&args.target) {
        Ok(t) => t,
        Err(e) => return fatal(e.message, Some(e.help), color),
    };
    let shape = request::shape_of(args.shape);
    let listen = match request::listen(&args.listen) {
        Ok(a) => a,
        Err(e) => return fatal(format!("--listen: {}", e.message), Some(e.help), color),
    };
    let input = InputArgs {
        files: vec![args.policy.clone()],
        profile: args.profile.clone(),
        stdin_filename: args.stdin_filename.clone(),
        format: args.format,
    };
    let Some(mut parsed) = super::load(&input, color) else {
        return Outcome::Fatal;
    };
    let Some((source, ast)) = parsed.pop() else {
        return Outcome::Fatal;
    };
    let file = match ast {
        Ok(f) => f,
        Err(d) => {
            report(&source, &d, args.format, color);
            return Outcome::Failed;
        }
    };
    // The hash is of the bytes on disk (a byte-order mark included); standard input was read
    // once, so its text stands for its bytes.
    let bytes = if args.policy.as_os_str() == "-" {
        source.text.as_bytes().to_vec()
    } else {
        match std::fs::read(&args.policy) {
            Ok(b) => b,
            Err(e) => {
                return fatal(
                    format!("could not read `{}`: {e}", args.policy.display()),
                    None,
                    color,
                )
            }
        }
    };
    let profile = args.profile.as_deref();
    let checked = check::check(&file, profile);
    let Some(set) = checked.policies else {
        report(&source, &checked.diagnostics, args.format, color);
        return Outcome::Failed;
    };
    // Lint what is compiled: one profile, or the base policies (findings that appear only
    // under some profile do not block the base).
    let mut findings = lint::lint_file(&file, &LintConfig::default(), profile);
    if profile.is_none() {
        findings.retain(|d| !d.notes.iter().any(|n| n.starts_with("only with profile")));
    }
    let lint_errors = findings.iter().any(|d| d.severity == Severity::Error);
    if lint_errors && !args.allow_lint_errors {
        report(&source, &findings, args.format, color);
        output::fatal(
            &[InputError {
                message: "nothing was written: the linter reports errors".into(),
                help: Some("fix them, or pass `--allow-lint-errors` to compile anyway".into()),
            }],
            color,
        );
        return Outcome::Failed;
    }
    let provenance = Provenance::new(source.name.clone(), &bytes, args.profile.clone());
    let options = Options { shape, listen };
    let out = match emit::compile(&set, target, &options, &provenance) {
        Ok(o) => o,
        Err(mut d) => {
            d.extend(findings);
            crate::diagnostics::sort(&mut d);
            report(&source, &d, args.format, color);
            return Outcome::Failed;
        }
    };
    report(&source, &findings, args.format, color);
    match &args.output {
        None => {
            output::out(&out.joined());
            Outcome::Clean
        }
        Some(path) => match write_output(path, &out) {
            Ok(written) => {
                let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
                let _ = writeln!(std::io::stderr(), "wrote {}", names.join(", "));
                Outcome::Clean
            }
            Err(e) => fatal(e.message, e.help, color),
        },
    }
}

/// Where each part of an output goes: one part to the file named (or into the directory
/// named), several parts into a directory. Shared by `compile -o` and `build`.
pub(crate) fn destinations(
    path: &Path,
    out: &Output,
) -> Result<Vec<(PathBuf, String)>, InputError> {
    if let [one] = out.parts.as_slice() {
        let dest = if path.is_dir() {
            path.join(one.file_name)
        } else {
            path.to_path_buf()
        };
        return Ok(vec![(dest, one.text.clone())]);
    }
    if path.exists() && !path.is_dir() {
        return Err(InputError {
            message: format!(
                "`{}` is a file, but this output has {} parts",
                path.display(),
                out.parts.len()
            ),
            help: Some(format!(
                "name a directory; it receives {}",
                out.parts
                    .iter()
                    .map(|p| p.file_name)
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        });
    }
    Ok(out
        .parts
        .iter()
        .map(|p| (path.join(p.file_name), p.text.clone()))
        .collect())
}

/// Writes the parts where [`destinations`] puts them, creating a missing directory for a
/// several-part output; every file is replaced atomically.
pub(crate) fn write_output(path: &Path, out: &Output) -> Result<Vec<PathBuf>, InputError> {
    let io = |p: &Path, e: std::io::Error| InputError {
        message: format!("could not write `{}`: {e}", p.display()),
        help: Some("check that the directory exists and is writable".into()),
    };
    let owned = destinations(path, out)?;
    if out.parts.len() > 1 && !path.exists() {
        std::fs::create_dir(path).map_err(|e| io(path, e))?;
    }
    let files: Vec<(PathBuf, &str)> = owned.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
    write::atomic_write_all(&files).map_err(|e| io(&files[0].0, e))?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
