//! `corsc lint`: check, then run the lint rules over every profile; `--fix` applies fixes.

use super::super::args::LintArgs;
use super::super::config_file::{FileOverrides, Loader};
use super::super::inputs::InputError;
use super::super::{output, Outcome};
use super::fix;
use crate::diagnostics::{render, Diagnostic, Severity};
use crate::lint::{Level, LintConfig, Selector};
use crate::source::Source;
use std::path::{Path, PathBuf};

/// Parses `--allow`, `--warn` and `--deny`, in that order of precedence from weakest to
/// strongest.
fn cli_overrides(args: &LintArgs) -> Result<Vec<(Selector, Level)>, Vec<InputError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (list, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warning),
        (&args.deny, Level::Error),
    ] {
        for s in list {
            match Selector::parse(s) {
                Ok(sel) => out.push((sel, level)),
                Err(message) => errors.push(InputError {
                    message,
                    help: Some("`corsc rules` lists every rule with its code and category".into()),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The file's settings first, then the command line's, so the command line wins.
fn config(file: &FileOverrides, cli: &[(Selector, Level)]) -> LintConfig {
    let mut cfg = LintConfig::default();
    for (s, l) in file.overrides.iter().chain(cli) {
        cfg.push(s.clone(), *l);
    }
    cfg
}

fn is_stdin(args: &LintArgs, source: &Source) -> bool {
    args.input.files.iter().any(|f| f.as_os_str() == "-")
        && source.name == args.input.stdin_filename
}

/// The directory whose configuration governs a source.
fn dir_of(args: &LintArgs, source: &Source) -> PathBuf {
    let path = if is_stdin(args, source) {
        PathBuf::from(&args.input.stdin_filename)
    } else {
        PathBuf::from(&source.name)
    };
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
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
    let cli = match cli_overrides(args) {
        Ok(c) => c,
        Err(e) => {
            output::fatal(&e, color);
            return Outcome::Fatal;
        }
    };
    let mut loader = match Loader::new(args.config.as_deref(), args.isolated) {
        Ok(l) => l,
        Err(e) => {
            output::fatal(&[e], color);
            return Outcome::Fatal;
        }
    };
    let Some(parsed) = super::load(&args.input, color) else {
        return Outcome::Fatal;
    };
    let profile = args.input.profile.as_deref();
    let mut files = Vec::new();
    let mut any_failed = false;
    for (source, ast) in parsed {
        let file_cfg = match loader.for_dir(&dir_of(args, &source)) {
            Ok(c) => c,
            Err(e) => {
                output::fatal(&[e], color);
                return Outcome::Fatal;
            }
        };
        let cfg = config(&file_cfg, &cli);
        let mut diags = match &ast {
            Ok(file) => crate::pipeline::lint_file(file, &cfg, profile),
            Err(d) => d.clone(),
        };
        let mut source = source;
        if args.fix && is_stdin(args, &source) {
            let (fixed, applied) = match &ast {
                Ok(_) => fix::fix(&source, &diags, &cfg, profile),
                Err(_) => (None, Vec::new()),
            };
            output::out(fixed.as_deref().unwrap_or(&source.text));
            stderr(&fix::summary(&source.name, &applied));
            if let Some(text) = fixed {
                source = Source::new(source.name.clone(), text);
                diags = fix::lint_text(&source, &cfg, profile);
            }
            any_failed |= failed(&cfg, &diags);
            stderr(&render::human(&source, &diags, false));
            continue;
        }
        if args.fix && ast.is_ok() {
            let (fixed, applied) = fix::fix(&source, &diags, &cfg, profile);
            if let Some(text) = fixed {
                if let Err(e) = crate::emit::write::atomic_write(Path::new(&source.name), &text) {
                    output::fatal_with_help(
                        format!("could not write `{}`: {e}", source.name),
                        "check the directory's permissions",
                        color,
                    );
                    return Outcome::Fatal;
                }
                stderr(&fix::summary(&source.name, &applied));
                source = Source::new(source.name.clone(), text);
                diags = fix::lint_text(&source, &cfg, profile);
            }
        }
        any_failed |= failed(&cfg, &diags);
        files.push((source, diags));
    }
    if !(args.fix && files.is_empty()) {
        output::report(&files, args.input.format, color, "linted");
    }
    if any_failed {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}
