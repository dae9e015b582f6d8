//! One diagnostic type for every stage, and the renderers at the edge.
//!
//! Syntax errors, check errors and lint findings are all [`Diagnostic`]s: a stable code, a
//! kebab-case name, a severity, a message, labelled spans, a help line and notes. Renderers in
//! [`render`] turn them into text for people (codespan-reporting) or for tools (JSON); nothing
//! upstream of this module formats text for a terminal.

pub mod catalogue;
pub mod checkstyle;
pub mod codes;
pub mod github;
pub mod gitlab;
pub mod junit;
pub mod render;
pub mod sarif;
pub mod xml;

use crate::source::Span;
use serde::Serialize;

/// How serious a finding is, after rule levels have been resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something to know; never fails a run.
    Note,
    /// Likely wrong; fails only with `--deny warnings`.
    Warning,
    /// Wrong: the run fails.
    Error,
}

impl Severity {
    /// The lower-case word used in every output format.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with an optional message, pointing into the diagnostic's source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there (may be empty).
    pub message: String,
}

/// One replacement in the source text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The bytes to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// Whether applying a fix keeps what the policy allows, as ruff grades its fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The policy allows exactly what it allowed before (a duplicate or a covered entry
    /// removed): `corsc lint --fix` applies it.
    Safe,
    /// The policy allows something else afterwards, even if it is plainly what was meant (an
    /// entry that never matched becomes the origin it names): only `--fix --unsafe-fixes`
    /// applies it, so a person decides.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`, as every output writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }

    /// The command that applies a fix of this level.
    #[must_use]
    pub fn command(self) -> &'static str {
        match self {
            Applicability::Safe => "corsc lint --fix",
            Applicability::Unsafe => "corsc lint --fix --unsafe-fixes",
        }
    }
}

/// A mechanical fix for a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, in a short imperative sentence.
    pub description: String,
    /// The edits, non-overlapping.
    pub edits: Vec<Edit>,
    /// Whether it keeps what the policy allows.
    pub applicability: Applicability,
}

impl Fix {
    /// A fix after which the policy allows exactly what it allowed before.
    #[must_use]
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            description: description.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    /// A fix that changes what the policy allows.
    #[must_use]
    pub fn changing(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            description: description.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }
}

/// A finding about a source, from any stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `E101` or `S101`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unknown-directive`.
    pub name: &'static str,
    /// Resolved severity.
    pub severity: Severity,
    /// Lower-case first word, no trailing period, values in backticks.
    pub message: String,
    /// The main place, underlined.
    pub primary: Label,
    /// Other places that explain the first.
    pub secondary: Vec<Label>,
    /// How to fix it, if there is one obvious way.
    pub help: Option<String>,
    /// Background: why, and where the rule comes from.
    pub notes: Vec<String>,
    /// A mechanical fix, where one is safe.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with a code, a name, a severity, a message and its primary span.
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Self {
        Self {
            code,
            name,
            severity,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    /// An error from the catalogue of fixed codes in [`codes`].
    pub fn error(code: &codes::Code, message: impl Into<String>, span: Span) -> Self {
        Self::new(code.code, code.name, Severity::Error, message, span)
    }

    /// Sets the text under the primary span.
    #[must_use]
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Attaches a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The order every output uses: position, then code, then message.
    #[must_use]
    pub fn sort_key(&self) -> (usize, usize, &'static str, &str) {
        (
            self.primary.span.start,
            self.primary.span.end,
            self.code,
            &self.message,
        )
    }
}

/// Sorts diagnostics into the one deterministic order and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// Counts of each severity, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Counts {
    /// Counts a list of diagnostics.
    #[must_use]
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diags {
            c.add(d.severity);
        }
        c
    }

    /// Counts one more.
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    /// Adds another count.
    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.notes += other.notes;
    }
}
