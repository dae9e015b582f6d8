//! The command line: parses arguments, runs the stages, prints, and picks the exit code.
//!
//! Exit codes: 0 success, 1 the policies have errors (or denied warnings), 2 usage or I/O.

pub mod args;
mod commands;
mod config_file;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod inputs;
mod lint_settings;
mod outcome;
mod output;
mod request;

pub use outcome::Outcome;

use args::{Cli, ColorWhen, Command};
use clap::Parser as _;
use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::process::ExitCode;

/// Runs corsc with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let color = use_color(cli.color);
    let outcome = match &cli.command {
        Command::Check(a) => commands::check::run(a, color),
        Command::Lint(a) => commands::lint::run(a, color),
        Command::Rules(a) => commands::rules::run(a),
        Command::Explain(a) => commands::explain::run(a, color),
        Command::Build(a) => commands::build::run(a, color),
        Command::Compile(a) => commands::compile::run(a, color),
        Command::Targets(a) => commands::targets::run(a, color),
        Command::Simulate(a) => commands::simulate::run(a, color),
        Command::Verify(a) => commands::verify::run(a, color),
        Command::Import(a) => commands::import::run(a, color),
        Command::Fmt(a) => commands::fmt::run(a, color),
        Command::Lsp(a) => commands::lsp::run(a, color),
        Command::Diff(a) => commands::diff::run(a, color),
        Command::Completions(a) => commands::completions::run(a),
        Command::Man(a) => commands::man::run(a, color),
    };
    outcome.into()
}

/// Whether to color: `--color`, then `NO_COLOR` (any non-empty value), then `CLICOLOR_FORCE`,
/// then whether standard output is a terminal.
fn use_color(when: ColorWhen) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}
