//! The command line, as clap parses it. Nothing here does work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compile and lint declarative CORS policies.
#[derive(Debug, Parser)]
#[command(
    name = "corsc",
    version,
    about = "Compile and lint declarative CORS policies",
    long_about = "corsc reads CORS policies written in `.cors` files, checks them, lints them for the \
mistakes that break browsers or open security holes, and explains what a browser will do.",
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// When to color output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, env = "CORSC_COLOR")]
    pub color: ColorWhen,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to color output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Color when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Output formats of `check` and `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help, for people.
    Human,
    /// One line per finding: `file:line:col: CODE name: message`.
    Concise,
    /// One JSON document (schema `corsc-diagnostics/1`, described in the README).
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and type-check policies; report syntax and type errors.
    #[command(
        after_help = "Exit status: 0 when every file is valid, 1 when any has errors, 2 on usage or I/O errors."
    )]
    Check(InputArgs),
    /// Check policies and lint them for CORS mistakes.
    #[command(
        after_help = "Exit status: 0 when no error was found, 1 when one was (or a warning, with \
`--deny warnings`), 2 on usage or I/O errors.\n\nExamples:\n  corsc lint policies/\n  corsc lint --deny warnings api.cors\n  cat api.cors | corsc lint - --stdin-filename api.cors"
    )]
    Lint(LintArgs),
}

/// Which files to read, and how to report.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Policy files, or directories searched for `*.cors`; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Resolve policies for this profile (e.g. `dev`) instead of the base policies.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human, env = "CORSC_FORMAT")]
    pub format: Format,
}

/// `lint`'s options.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files and format.
    #[command(flatten)]
    pub input: InputArgs,

    /// Report these rules, codes or categories as errors (`warnings` makes every warning fail).
    #[arg(long, short = 'D', value_name = "RULE")]
    pub deny: Vec<String>,

    /// Report these rules, codes or categories as warnings.
    #[arg(long, short = 'W', value_name = "RULE")]
    pub warn: Vec<String>,

    /// Do not report these rules, codes or categories.
    #[arg(long, short = 'A', value_name = "RULE")]
    pub allow: Vec<String>,
}
