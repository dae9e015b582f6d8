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
    let mut total = Counts::default();
    for (_, d) in files {
        total.merge(Counts::of(d));
    }
    match format {
        Format::Human => {
            let mut s = String::new();
            for (src, d) in files {
                s.push_str(&render::human(src, d, color));
            }
            s.push_str(&summary(total, files.len(), what));
            out(&s);
        }
        Format::Concise => {
            let mut s = String::new();
            for (src, d) in files {
                s.push_str(&render::concise(src, d));
            }
            out(&s);
        }
        Format::Sarif => out(&crate::diagnostics::sarif::render(
            &crate::lint::docs::catalogue(),
            files,
        )),
        Format::Github => {
            let mut s = String::new();
            for (src, d) in files {
                s.push_str(&crate::diagnostics::github::render(src, d));
            }
            out(&s);
        }
        Format::Json => {
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
            match serde_json::to_string_pretty(&report) {
                Ok(j) => out(&(j + "\n")),
                Err(e) => out(&format!("{{\"error\": \"{e}\"}}\n")),
            }
        }
    }
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
