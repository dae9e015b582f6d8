//! `corsc lint`: check, then run the lint rules over every profile; `--fix` applies fixes.

use super::super::args::{Format, LintArgs};
use super::super::lint_settings::{level_flags, LintSettings};
use super::super::{output, Outcome};
use super::{fix, statistics};
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::lint::LintConfig;
use crate::source::Source;
use std::path::Path;

fn is_stdin(args: &LintArgs, source: &Source) -> bool {
    args.input.files.iter().any(|f| f.as_os_str() == "-")
        && source.name == args.input.stdin_filename
}

fn failed(cfg: &LintConfig, diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| {
        d.severity == Severity::Error || (cfg.deny_warnings() && d.severity == Severity::Warning)
    })
}

fn stderr(s: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(s.as_bytes());
}

pub(crate) fn run(args: &LintArgs, color: bool) -> Outcome {
    if !usable(args, color) {
        return Outcome::Fatal;
    }
    // A report written to a file carries no escape sequences.
    let color = color && args.output_file.is_none();
    let flags = match level_flags(&args.allow, &args.warn, &args.deny) {
        Ok(f) => f,
        Err(e) => {
            output::fatal(&e, color);
            return Outcome::Fatal;
        }
    };
    let mut settings = match LintSettings::new(&args.settings, flags) {
        Ok(s) => s,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    if let Some(from) = &args.from {
        return lint_imported(args, from, &mut settings, color);
    }
    let Some(parsed) = super::load_with(&args.input, &mut |d| settings.exclude_for(d), color)
    else {
        return Outcome::Fatal;
    };
    let profile = args.input.profile.as_deref();
    let mut files = Vec::new();
    let mut any_failed = false;
    let mut would_change = false;
    let mut diffs = String::new();
    for (source, ast) in parsed {
        // Standard input is named by `--stdin-filename`, so it is governed by the
        // configuration of the directory that name places it in.
        let cfg = match settings.for_policy(Path::new(&source.name)) {
            Ok(c) => c,
            Err(e) => {
                output::fatal(&[e], color);
                return Outcome::Fatal;
            }
        };
        // The syntax tree's last use: it is freed before the rules run.
        let parsed_ok = ast.is_ok();
        let mut diags = match ast {
            Ok(file) => crate::pipeline::lint_owned(file, &cfg, profile),
            Err(d) => d,
        };
        fix::keep_removals_clean(&source, &mut diags);
        let mut source = source;
        if args.diff {
            // What `--fix` would write, shown and not written.
            if parsed_ok {
                let (fixed, applied) = fix::fix(&source, &diags, &cfg, profile, args.unsafe_fixes);
                if let Some(text) = fixed {
                    would_change = true;
                    diffs.push_str(&output::unified_diff(
                        &source.name,
                        &source.text,
                        &text,
                        "fixed",
                    ));
                    if !args.quiet {
                        stderr(&format!(
                            "would fix {} finding{} in {}\n",
                            applied.len(),
                            if applied.len() == 1 { "" } else { "s" },
                            crate::source::shown(&source.name)
                        ));
                    }
                }
            } else {
                // A file that does not parse cannot be fixed: the run does not pass.
                would_change = true;
                stderr(&render::human(&source, &diags, color));
            }
            continue;
        }
        if args.fix && is_stdin(args, &source) {
            let (fixed, applied) = if parsed_ok {
                fix::fix(&source, &diags, &cfg, profile, args.unsafe_fixes)
            } else {
                (None, Vec::new())
            };
            output::out(fixed.as_deref().unwrap_or(&source.text));
            if !args.quiet {
                stderr(&fix::summary(&source.name, &applied));
            }
            if let Some(text) = fixed {
                source = Source::new(source.name.clone(), text);
                diags = fix::lint_text(&source, &cfg, profile);
            }
            any_failed |= failed(&cfg, &diags);
            stderr(&render::human(&source, &diags, false));
            continue;
        }
        if args.fix && parsed_ok {
            let (fixed, applied) = fix::fix(&source, &diags, &cfg, profile, args.unsafe_fixes);
            if let Some(text) = fixed {
                if let Err(e) = crate::emit::write::atomic_write(Path::new(&source.name), &text) {
                    output::fatal_with_help(
                        format!("could not write `{}`: {e}", source.name),
                        "check the directory's permissions",
                        color,
                    );
                    return Outcome::Fatal;
                }
                if !args.quiet {
                    stderr(&fix::summary(&source.name, &applied));
                }
                source = Source::new(source.name.clone(), text);
                diags = fix::lint_text(&source, &cfg, profile);
            }
        }
        any_failed |= failed(&cfg, &diags);
        files.push((source, diags));
    }
    if args.diff {
        if !emit(args, &diffs, color) {
            return Outcome::Fatal;
        }
        return if would_change {
            Outcome::Failed
        } else {
            Outcome::Clean
        };
    }
    if args.fix && files.is_empty() {
        return outcome(args, any_failed);
    }
    finish(args, &files, color, any_failed)
}

fn outcome(args: &LintArgs, any_failed: bool) -> Outcome {
    if any_failed && !args.exit_zero {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}

/// Refuses combinations that cannot work, before anything is read: `--statistics` with a
/// format it has no layout in, and an `--output-file` whose directory does not exist.
fn usable(args: &LintArgs, color: bool) -> bool {
    if args.statistics
        && !matches!(
            args.input.format,
            Format::Human | Format::Concise | Format::Json
        )
    {
        output::fatal_with_help(
            "`--statistics` has no layout in this format",
            "use `--format human` (a table) or `--format json` (an array)",
            color,
        );
        return false;
    }
    if let Some(path) = &args.output_file {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            output::fatal_with_help(
                format!(
                    "cannot write the report to `{}`: the directory `{}` does not exist",
                    path.display(),
                    parent.display()
                ),
                "create the directory first, or name a file in an existing one",
                color,
            );
            return false;
        }
        if path.is_dir() {
            output::fatal_with_help(
                format!(
                    "cannot write the report to `{}`: it is a directory",
                    path.display()
                ),
                "name a file, e.g. `--output-file report.xml`",
                color,
            );
            return false;
        }
    }
    true
}

/// Sends the report to `--output-file` (replaced atomically) or to standard output. False
/// when the file could not be written (the message is printed).
fn emit(args: &LintArgs, report: &str, color: bool) -> bool {
    let Some(path) = &args.output_file else {
        output::out(report);
        return true;
    };
    match crate::emit::write::atomic_write(path, report) {
        Ok(()) => true,
        Err(e) => {
            output::fatal_with_help(
                format!("could not write `{}`: {e}", path.display()),
                "check the path and the directory's permissions",
                color,
            );
            false
        }
    }
}

/// The report of a run (findings, statistics, summary and fix hint as asked) and its outcome.
fn finish(
    args: &LintArgs,
    files: &[(Source, Vec<Diagnostic>)],
    color: bool,
    any_failed: bool,
) -> Outcome {
    let format = args.input.format;
    let report = if args.statistics {
        statistics::render(files, format == Format::Json, args.unsafe_fixes)
    } else if args.quiet {
        output::findings(files, format, color)
    } else {
        let mut s = output::render(files, format, color, "linted");
        if format == Format::Human {
            let fixable = files
                .iter()
                .map(|(_, d)| fix::counts(d))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            s.push_str(&fix::hint(fixable, args.unsafe_fixes));
        }
        s
    };
    if !emit(args, &report, color) {
        return Outcome::Fatal;
    }
    outcome(args, any_failed)
}

/// `corsc lint --from FORMAT FILE…`: each file imported on its own, its findings (the
/// import's and the lint rules' on the policy it makes) reported at the file's own lines.
fn lint_imported(args: &LintArgs, from: &str, settings: &mut LintSettings, color: bool) -> Outcome {
    let Some(importer) = super::import::resolve(from, color) else {
        return Outcome::Fatal;
    };
    if args.input.files.is_empty() {
        output::fatal_with_help(
            format!("`--from {from}` needs the files to read"),
            "name the configuration files: `corsc lint --from nginx nginx.conf`",
            color,
        );
        return Outcome::Fatal;
    }
    let mut files = Vec::new();
    let mut any_failed = false;
    for path in &args.input.files {
        let cfg = match settings.for_policy(path) {
            Ok(c) => c,
            Err(e) => {
                output::fatal(&[e], color);
                return Outcome::Fatal;
            }
        };
        let imported = match crate::pipeline::import(importer, std::slice::from_ref(path)) {
            Ok(i) => i,
            Err(e) => {
                output::fatal_with_help(
                    e,
                    "check the path and that the file is readable text",
                    color,
                );
                return Outcome::Fatal;
            }
        };
        let diags = crate::pipeline::lint_imported(&imported, &cfg);
        let grouped = super::import::by_file(&imported.sources, diags);
        any_failed |= grouped.iter().any(|(_, d)| failed(&cfg, d));
        if grouped.is_empty() {
            files.push((imported.sources[0].clone(), Vec::new()));
        }
        files.extend(grouped);
    }
    finish(args, &files, color, any_failed)
}
