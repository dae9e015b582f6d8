//! Renderers: diagnostics → text for people (codespan-reporting) and for tools.

use super::{Applicability, Counts, Diagnostic, Fix, Severity};
use crate::source::{printable, shown, shown_lines, Source};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<()> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    // Messages quote the policy, which may hold escape sequences: they are shown escaped.
    let mut labels = vec![cs::Label::primary((), d.primary.span.range())
        .with_message(shown_lines(&d.primary.message))];
    for l in &d.secondary {
        labels.push(cs::Label::secondary((), l.span.range()).with_message(shown_lines(&l.message)));
    }
    let mut notes: Vec<String> = Vec::new();
    if let Some(h) = &d.help {
        notes.push(format!("help: {}", shown_lines(h)));
    }
    for n in &d.notes {
        notes.push(format!("note: {}", shown_lines(n)));
    }
    if let Some(f) = &d.fix {
        notes.push(fix_note(f));
    }
    cs::Diagnostic::new(severity)
        .with_code(format!("{} {}", d.code, d.name))
        .with_message(shown_lines(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// The line under a finding that offers its fix: its level, what it does, and the command.
fn fix_note(f: &Fix) -> String {
    format!(
        "{} fix: {} (`{}`)",
        f.applicability.as_str(),
        shown_lines(&f.description),
        f.applicability.command()
    )
}

/// Renders diagnostics for one source the way a person reads them, with or without color.
#[must_use]
pub fn human(source: &Source, diags: &[Diagnostic], color: bool) -> String {
    // The name and the text as a terminal may safely show them (`source::shown`): same byte
    // offsets, no character a terminal acts on.
    let file = SimpleFile::new(shown(&source.name), printable(&source.text));
    let config = term::Config::default();
    let mut buf = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diags {
        if touches_long_line(source, d) {
            buf = append_plain(buf, &excerpt(source, d));
            continue;
        }
        if term::emit_to_write_style(&mut buf, &config, &file, &to_codespan(d)).is_err() {
            // A span outside the file can only come from a bug; still say what was found.
            buf = append_plain(
                buf,
                &format!(
                    "{}[{}]: {}\n",
                    d.severity.as_str(),
                    d.code,
                    shown_lines(&d.message)
                ),
            );
        }
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// Lines longer than this are not drawn whole under a diagnostic: a file with thousands of
/// origins on one line and a finding for each would otherwise print that line thousands of
/// times (and the snippet renderer's work grows with the line's length for every label).
const LONG_LINE: usize = 1024;

/// How much of a long line is shown on each side of a span.
const EXCERPT: usize = 60;

fn touches_long_line(source: &Source, d: &Diagnostic) -> bool {
    std::iter::once(&d.primary)
        .chain(&d.secondary)
        .any(|l| source.line_range(l.span.start).len() > LONG_LINE)
}

/// A diagnostic on a long line: its place, and only the part of the line around the span.
fn excerpt(source: &Source, d: &Diagnostic) -> String {
    let (line, col) = source.line_col(d.primary.span.start);
    let range = source.line_range(d.primary.span.start);
    let text = &source.text;
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(
        d.primary
            .span
            .start
            .saturating_sub(EXCERPT)
            .max(range.start),
    );
    let span_end = d.primary.span.end.clamp(d.primary.span.start, range.end);
    let shown_end = floor(span_end.min(d.primary.span.start + 2 * EXCERPT));
    let end = floor((shown_end + EXCERPT).min(range.end));
    let mut out = format!(
        "{}[{} {}]: {}\n  ┌─ {}:{line}:{col}\n  │ {}{}{}\n  │ (line of {} bytes shortened) {}\n",
        d.severity.as_str(),
        d.code,
        d.name,
        shown_lines(&d.message),
        shown(&source.name),
        if start > range.start { "…" } else { "" },
        shown(&text[start..end]),
        if end < range.end { "…" } else { "" },
        range.len(),
        shown_lines(&d.primary.message)
    );
    if let Some(h) = &d.help {
        out.push_str(&format!("  = help: {}\n", shown_lines(h)));
    }
    for n in &d.notes {
        out.push_str(&format!("  = note: {}\n", shown_lines(n)));
    }
    if let Some(f) = &d.fix {
        out.push_str(&format!("  = {}\n", fix_note(f)));
    }
    out.push('\n');
    out
}

fn append_plain(mut buf: termcolor::Buffer, s: &str) -> termcolor::Buffer {
    use std::io::Write as _;
    let _ = buf.write_all(s.as_bytes());
    buf
}

/// `file:line:col: severity: CODE name: message`, one line each, uncoloured.
#[must_use]
pub fn concise(source: &Source, diags: &[Diagnostic]) -> String {
    concise_styled(source, diags, false)
}

/// `file:line:col: severity: CODE name: message`, one line each: the layout compilers use
/// (`file:line:col: error: …`), which editors and CI problem matchers already parse. With
/// `color`, the place is bold and the severity coloured as in the human format.
#[must_use]
pub fn concise_styled(source: &Source, diags: &[Diagnostic], color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let name = shown(&source.name);
    let mut out = String::new();
    for d in diags {
        let (line, col) = source.line_col(d.primary.span.start);
        let level = match d.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        out.push_str(&format!(
            "{}: {}: {} {}: {}\n",
            paint("1", &format!("{name}:{line}:{col}")),
            paint(level, d.severity.as_str()),
            paint("1", d.code),
            d.name,
            shown(&d.message.replace('\n', " "))
        ));
    }
    out
}

/// A position in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonPosition {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset.
    pub offset: usize,
}

/// A span in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonRange {
    /// Where it starts.
    pub start: JsonPosition,
    /// Where it ends (exclusive).
    pub end: JsonPosition,
}

/// A label in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonLabel {
    /// Where.
    pub range: JsonRange,
    /// What it says.
    pub message: String,
}

/// One edit of a fix in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonEdit {
    /// What to replace.
    pub range: JsonRange,
    /// With what.
    pub replacement: String,
}

/// A fix in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonFix {
    /// What it does.
    pub description: String,
    /// Its edits.
    pub edits: Vec<JsonEdit>,
    /// `safe` (`--fix` applies it) or `unsafe` (it changes what the policy allows; only
    /// `--fix --unsafe-fixes` applies it).
    pub applicability: Applicability,
}

/// One diagnostic in the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    /// The file, as named on the command line.
    pub file: String,
    /// Stable code.
    pub code: &'static str,
    /// Stable name.
    pub name: &'static str,
    /// `error`, `warning` or `note`.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The primary range.
    pub range: JsonRange,
    /// The primary label's text.
    pub label: String,
    /// Other labelled places.
    pub related: Vec<JsonLabel>,
    /// How to fix it.
    pub help: Option<String>,
    /// Background.
    pub notes: Vec<String>,
    /// A mechanical fix, if there is one.
    pub fix: Option<JsonFix>,
}

/// The whole JSON document.
#[derive(Debug, Serialize)]
pub struct JsonReport {
    /// Always `corsc-diagnostics/1`.
    pub schema: &'static str,
    /// corsc's version.
    pub version: &'static str,
    /// Files read, in order.
    pub files: Vec<String>,
    /// Every finding, by file then position.
    pub diagnostics: Vec<JsonDiagnostic>,
    /// Counts per severity.
    pub summary: Counts,
}

fn range(source: &Source, span: crate::source::Span) -> JsonRange {
    let pos = |o: usize| {
        let (line, column) = source.line_col(o);
        JsonPosition {
            line,
            column,
            offset: o,
        }
    };
    JsonRange {
        start: pos(span.start),
        end: pos(span.end),
    }
}

/// Converts one file's diagnostics into JSON records.
#[must_use]
pub fn json_records(source: &Source, diags: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diags
        .iter()
        .map(|d| JsonDiagnostic {
            file: source.name.clone(),
            code: d.code,
            name: d.name,
            severity: d.severity,
            message: d.message.clone(),
            range: range(source, d.primary.span),
            label: d.primary.message.clone(),
            related: d
                .secondary
                .iter()
                .map(|l| JsonLabel {
                    range: range(source, l.span),
                    message: l.message.clone(),
                })
                .collect(),
            help: d.help.clone(),
            notes: d.notes.clone(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                description: f.description.clone(),
                edits: f
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        range: range(source, e.span),
                        replacement: e.replacement.clone(),
                    })
                    .collect(),
                applicability: f.applicability,
            }),
        })
        .collect()
}
