//! Printing: diagnostics per format, fatal errors through miette, and a closed pipe handled
//! quietly.

use super::args::Format;
use super::inputs::InputError;
use crate::diagnostics::render::{self, JsonReport};
use crate::diagnostics::{Counts, Diagnostic};
use crate::source::shown_lines;
use crate::source::Source;
use std::io::Write as _;

/// Writes to standard output; a closed pipe (`corsc … | head`) ends the output silently.
pub(crate) fn out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(s.as_bytes()).is_err() || stdout.flush().is_err() {
        // Nothing sensible remains to do when the reader has gone away.
    }
}

/// The code of a fatal error that has no code of its own.
pub(crate) const INPUT: &str = "corsc::input";

/// Prints fatal errors (usage, I/O) as miette reports on standard error.
pub(crate) fn fatal(errors: &[InputError], color: bool) {
    fatal_as(INPUT, errors, color);
}

/// Prints fatal errors under a code of their own (`corsc::duplicate-output`), so a script or a
/// person can tell that mistake from any other.
pub(crate) fn fatal_as(code: &str, errors: &[InputError], color: bool) {
    for e in errors {
        let mut d = miette::MietteDiagnostic::new(e.message.clone()).with_code(code);
        if let Some(h) = &e.help {
            d = d.with_help(h.clone());
        }
        fatal_report(d, color);
    }
}

/// Prints one fatal error and what to do about it.
pub(crate) fn fatal_with_help(message: impl Into<String>, help: impl Into<String>, color: bool) {
    fatal(
        &[InputError {
            message: message.into(),
            help: Some(help.into()),
        }],
        color,
    );
}

/// Prints one fatal report.
///
/// The message and help often name a path or a URL from the command line, shown escaped
/// (`source::shown_lines`): no character a terminal acts on reaches it.
pub(crate) fn fatal_report(mut d: miette::MietteDiagnostic, color: bool) {
    d.message = shown_lines(&d.message).into_owned();
    d.help = d.help.map(|h| shown_lines(&h).into_owned());
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    let mut s = String::new();
    if handler.render_report(&mut s, &d).is_err() {
        s = format!("error: {}\n", d.message);
    }
    let _ = std::io::stderr().write_all(s.as_bytes());
}

/// Prints every file's diagnostics in the chosen format, then (for people) a summary.
pub(crate) fn report(files: &[(Source, Vec<Diagnostic>)], format: Format, color: bool, what: &str) {
    out(&render(files, format, color, what));
}

/// Every file's diagnostics in the chosen format, then (for people) a summary.
pub(crate) fn render(
    files: &[(Source, Vec<Diagnostic>)],
    format: Format,
    color: bool,
    what: &str,
) -> String {
    let mut s = findings(files, format, color);
    if format == Format::Human {
        let mut total = Counts::default();
        for (_, d) in files {
            total.merge(Counts::of(d));
        }
        s.push_str(&summary(total, files.len(), what));
    }
    s
}

/// Every file's diagnostics in the chosen format, without the summary people are shown.
pub(crate) fn findings(files: &[(Source, Vec<Diagnostic>)], format: Format, color: bool) -> String {
    use crate::diagnostics::{checkstyle, github, gitlab, junit, sarif};
    let each = |f: &dyn Fn(&Source, &[Diagnostic]) -> String| -> String {
        files.iter().map(|(src, d)| f(src, d)).collect()
    };
    match format {
        Format::Human => each(&|src, d| render::human(src, d, color)),
        Format::Concise => each(&|src, d| render::concise_styled(src, d, color)),
        Format::Sarif => sarif::render(&crate::lint::docs::catalogue(), files),
        Format::Github => each(&github::render),
        Format::Gitlab => gitlab::render(files),
        Format::Junit => junit::render(files),
        Format::Checkstyle => checkstyle::render(files),
        Format::Json => {
            let mut total = Counts::default();
            for (_, d) in files {
                total.merge(Counts::of(d));
            }
            let report = JsonReport {
                schema: "corsc-diagnostics/1",
                version: env!("CARGO_PKG_VERSION"),
                files: files.iter().map(|(s, _)| s.name.clone()).collect(),
                diagnostics: files
                    .iter()
                    .flat_map(|(s, d)| render::json_records(s, d))
                    .collect(),
                summary: total,
            };
            serde_json::to_string_pretty(&report)
                .map_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"), |j| j + "\n")
        }
    }
}

/// A unified diff of one file's text before and after a change (`fmt --diff`, `lint --diff`),
/// empty when nothing changes. `after` names the changed side in the header.
pub(crate) fn unified_diff(name: &str, before: &str, after: &str, changed: &str) -> String {
    if before == after {
        return String::new();
    }
    let name = crate::source::shown(name);
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (as written)"),
            &format!("{name} ({changed})"),
        )
        .to_string()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary(c: Counts, files: usize, what: &str) -> String {
    let mut parts = Vec::new();
    if c.errors > 0 {
        parts.push(plural(c.errors, "error"));
    }
    if c.warnings > 0 {
        parts.push(plural(c.warnings, "warning"));
    }
    if c.notes > 0 {
        parts.push(plural(c.notes, "note"));
    }
    if parts.is_empty() {
        format!("{what} {}: no problems found\n", plural(files, "file"))
    } else {
        format!("{what} {}: {}\n", plural(files, "file"), parts.join(", "))
    }
}
