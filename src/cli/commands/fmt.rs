//! `corsc fmt`: rewrites policies in the canonical layout (see `crate::format`).
//!
//! A file that does not parse is reported and left exactly as it is: the formatter only ever
//! writes text it could read. Files are rewritten atomically, and only when their text changes,
//! so a formatted tree keeps its modification times. `--check` and `--diff` write nothing.

use super::super::args::FmtArgs;
use super::super::inputs::{self, InputError};
use super::super::{output, Outcome};
use crate::diagnostics::render;
use crate::emit::write::atomic_write;
use crate::format;
use crate::source::{shown, Source};
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

/// What the run does with a file whose layout differs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

pub(crate) fn run(args: &FmtArgs, color: bool) -> Outcome {
    let mode = if args.check {
        Mode::Check
    } else if args.diff {
        Mode::Diff
    } else {
        Mode::Write
    };
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        if std::io::stdin().is_terminal() {
            output::fatal_with_help(
                "no policy to format",
                "name files or directories, or pipe a policy to standard input (`corsc fmt -`)",
                color,
            );
            return Outcome::Fatal;
        }
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    // Each path read alone, so that standard input is told apart from the files.
    let mut sources: Vec<(Source, bool)> = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    // Directory searches leave out what the configuration's `exclude:` lists, as `lint` does.
    let mut loader = super::super::config_file::Loader::default();
    for p in &paths {
        let stdin = p.as_os_str() == "-";
        let found =
            inputs::read_all_with(std::slice::from_ref(p), &args.stdin_filename, &mut |d| {
                loader.exclude_for(d)
            });
        match found {
            Ok(found) => sources.extend(found.into_iter().map(|s| (s, stdin))),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        output::fatal(&errors, color);
        return Outcome::Fatal;
    }
    let mut refused = false;
    let mut differs = false;
    let mut report = String::new();
    for (source, stdin) in &sources {
        let formatted = match format::format_source(source) {
            Ok(t) => t,
            Err(diags) => {
                refused = true;
                let _ =
                    std::io::stderr().write_all(render::human(source, &diags, color).as_bytes());
                continue;
            }
        };
        let changed = formatted != *source.text;
        differs |= changed;
        let name = shown(&source.name);
        match mode {
            Mode::Write if *stdin => output::out(&formatted),
            Mode::Write => {
                if changed {
                    if let Err(e) = atomic_write(&PathBuf::from(&source.name), &formatted) {
                        output::fatal(
                            &[InputError {
                                message: format!("could not write `{name}`: {e}"),
                                help: None,
                            }],
                            color,
                        );
                        return Outcome::Fatal;
                    }
                    report.push_str(&format!("formatted {name}\n"));
                }
            }
            Mode::Check => {
                if changed {
                    report.push_str(&format!("would reformat {name}\n"));
                }
            }
            Mode::Diff => {
                if changed {
                    report.push_str(&output::unified_diff(
                        &source.name,
                        &source.text,
                        &formatted,
                        "formatted",
                    ));
                }
            }
        }
    }
    if mode == Mode::Write {
        // The formatted text of standard input owns standard output; the list goes to stderr.
        let _ = std::io::stderr().write_all(report.as_bytes());
    } else {
        output::out(&report);
    }
    if refused {
        Outcome::Fatal
    } else if differs && mode != Mode::Write {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}
