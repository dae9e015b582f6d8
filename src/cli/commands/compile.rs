//! `corsc compile`: the pipeline (check, lint, plan against a target, render), then write
//! atomically.
//!
//! Diagnostics go to standard error, so standard output carries only the configuration. The
//! output file is written only when everything succeeded, and then atomically.

use super::super::args::{CompileArgs, Format, InputArgs};
use super::super::inputs::InputError;
use super::super::lint_settings::LintSettings;
use super::super::request;
use super::super::{output, Outcome};
use super::destinations::{check_compile_output, is_stdout, write_output};
use crate::diagnostics::render::{self, JsonReport};
use crate::diagnostics::{Counts, Diagnostic};
use crate::emit::{self, Options, Provenance};
use crate::pipeline::{self, LintErrors, Refusal};
use crate::source::shown_path;
use crate::source::Source;
use std::io::Write as _;
use std::path::Path;

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
        Format::Concise => render::concise_styled(source, diags, color),
        Format::Sarif => crate::diagnostics::sarif::render(
            &crate::lint::docs::catalogue(),
            &[(source.clone(), diags.to_vec())],
        ),
        Format::Github => crate::diagnostics::github::render(source, diags),
        Format::Gitlab | Format::Junit | Format::Checkstyle => {
            output::findings(&[(source.clone(), diags.to_vec())], format, color)
        }
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
    let shape = match args.shape.map_or(Ok(request::default_shape(target)), |a| {
        request::shape_for(request::shape_of(a), target)
    }) {
        Ok(s) => s,
        Err(e) => return fatal(format!("--shape: {}", e.message), Some(e.help), color),
    };
    let listen = match request::listen(&args.listen) {
        Ok(a) => a,
        Err(e) => return fatal(format!("--listen: {}", e.message), Some(e.help), color),
    };
    let keep_headers = match request::keep_headers(&args.keep_header, target) {
        Ok(k) => k,
        Err(e) => return fatal(format!("--keep-header: {}", e.message), Some(e.help), color),
    };
    let java_package = match request::java_package(args.java_package.as_deref(), target) {
        Ok(p) => p,
        Err(e) => {
            return fatal(
                format!("--java-package: {}", e.message),
                Some(e.help),
                color,
            )
        }
    };
    // Given, else from the output path as written (stable whatever the policy's contents),
    // else derived from the source when the output is rendered.
    let namespace = match (&args.namespace, &args.output) {
        (Some(n), _) => match request::namespace(n) {
            Ok(ns) => Some(ns),
            Err(e) => return fatal(format!("--namespace: {}", e.message), Some(e.help), color),
        },
        (None, Some(o)) if !is_stdout(o) => {
            Some(emit::dropin::Namespace::derived(&o.to_string_lossy()))
        }
        (None, _) => None,
    };
    let mut settings = match LintSettings::new(&args.settings, Vec::new()) {
        Ok(s) => s,
        Err(e) => return fatal(e.message, e.help, color),
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
    // The settings `corsc lint` would use for this file: standard input is governed by the
    // directory its `--stdin-filename` names.
    let config = match settings.for_policy(Path::new(&source.name)) {
        Ok(c) => c,
        Err(e) => return fatal(e.message, e.help, color),
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
    // Read, hashed and dropped in one block: a large policy's bytes are not held through the
    // compilation beside its text.
    let provenance = {
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
        Provenance::new(source.name.clone(), &bytes, args.profile.clone())
    };
    let options = Options {
        shape,
        listen,
        namespace,
        keep_headers,
        java_package,
    };
    // The linter's errors, at the levels the lint settings give, stop the compilation unless
    // allowed. What is linted is what is compiled: one profile, or the base policies (findings
    // that appear only under some profile do not block the base).
    let lint_errors = if args.allow_lint_errors {
        LintErrors::Allow
    } else {
        LintErrors::Refuse
    };
    let compiled = pipeline::compile_with(
        &file,
        args.profile.as_deref(),
        &config,
        target,
        &options,
        &provenance,
        lint_errors,
    );
    let (out, findings) = match compiled {
        Ok(c) => (c.output, c.findings),
        Err(Refusal::Invalid(d)) => {
            report(&source, &d, args.format, color);
            return Outcome::Failed;
        }
        Err(Refusal::Lint(findings)) => {
            report(&source, &findings, args.format, color);
            output::fatal_with_help(
                "nothing was written: the linter reports errors",
                "fix them, or pass `--allow-lint-errors` to compile anyway",
                color,
            );
            return Outcome::Failed;
        }
        Err(Refusal::Target { mut plan, findings }) => {
            plan.extend(findings);
            crate::diagnostics::sort(&mut plan);
            report(&source, &plan, args.format, color);
            return Outcome::Failed;
        }
    };
    report(&source, &findings, args.format, color);
    // Where the output goes is checked before anything is written: a wrong `-o` is a usage
    // error, whatever the policy says.
    if let Some(path) = &args.output {
        if let Err(e) = check_compile_output(path, &out) {
            return fatal(e.message, e.help, color);
        }
    }
    match &args.output {
        None => {
            output::out(&out.joined());
            Outcome::Clean
        }
        Some(path) if is_stdout(path) => {
            output::out(&out.joined());
            Outcome::Clean
        }
        Some(path) => match write_output(path, &out) {
            Ok(written) => {
                let names: Vec<String> = written.iter().map(|p| shown_path(p)).collect();
                let _ = writeln!(std::io::stderr(), "wrote {}", names.join(", "));
                Outcome::Clean
            }
            Err(e) => fatal(e.message, e.help, color),
        },
    }
}
