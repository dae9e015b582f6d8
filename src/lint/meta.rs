//! What describes a rule apart from its check: code, name, family, default level and
//! documentation. It names nothing else of lint, so the configuration, the context, the
//! listings and the rules can all depend on it without depending on each other.

use crate::diagnostics::{Applicability, Severity};
use serde::Serialize;

/// The family a rule belongs to; selectable as a whole with `--deny security` and the like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Too permissive: another site can read what it should not.
    Security,
    /// Broken: a browser rejects it or it never matches.
    Correctness,
    /// Some targets or browsers behave differently.
    Portability,
    /// Redundant or misleading, but harmless.
    Style,
}

impl Category {
    /// Every category, in order.
    pub const ALL: [Category; 4] = [
        Category::Security,
        Category::Correctness,
        Category::Portability,
        Category::Style,
    ];

    /// The lower-case name used on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Correctness => "correctness",
            Category::Portability => "portability",
            Category::Style => "style",
        }
    }
}

/// A rule's level: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Report as an error (fails the run).
    Error,
    /// Report as a warning.
    Warning,
    /// Report as a note.
    Note,
    /// Do not report.
    Allow,
}

impl Level {
    /// The severity this level reports at, if any.
    #[must_use]
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Note => Some(Severity::Note),
            Level::Allow => None,
        }
    }

    /// The word used in listings.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
            Level::Allow => "allow",
        }
    }
}

/// Everything that describes a rule apart from its check.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// Stable code, e.g. `S101`.
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Its family.
    pub category: Category,
    /// The level it reports at unless configured (a rule may raise or lower it by context).
    pub default_level: Level,
    /// Whether its findings can carry a fix; how safe the fix is, and whether every finding
    /// has one, is the rule's [`FixAvailability`] (`Rule::fix_availability`).
    pub fixable: bool,
    /// One line for listings.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Use instead / References.
    pub docs: &'static str,
}

impl RuleMeta {
    /// Whether `key` names this rule: its name exactly, or its code in any case (`s101`), as
    /// selectors and `@allow` write it.
    #[must_use]
    pub fn is_named(&self, key: &str) -> bool {
        self.name == key || self.code.eq_ignore_ascii_case(key)
    }
}

/// Whether a rule's findings carry a fix, and of which level: what `corsc rules` and
/// `corsc explain` print as `fix: safe`, `fix: unsafe` or `fix: sometimes (…)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// No finding has a fix.
    None,
    /// Every finding has a fix of this level.
    Always(Applicability),
    /// Some findings have a fix of this level; the rule's docs say which.
    Sometimes(Applicability),
}

impl FixAvailability {
    /// `safe`, `unsafe`, `sometimes (safe)` or `sometimes (unsafe)`; `None` without a fix.
    #[must_use]
    pub fn label(self) -> Option<&'static str> {
        match self {
            FixAvailability::None => None,
            FixAvailability::Always(Applicability::Safe) => Some("safe"),
            FixAvailability::Always(Applicability::Unsafe) => Some("unsafe"),
            FixAvailability::Sometimes(Applicability::Safe) => Some("sometimes (safe)"),
            FixAvailability::Sometimes(Applicability::Unsafe) => Some("sometimes (unsafe)"),
        }
    }

    /// The level of the fixes the rule attaches, if any.
    #[must_use]
    pub fn applicability(self) -> Option<Applicability> {
        match self {
            FixAvailability::None => None,
            FixAvailability::Always(a) | FixAvailability::Sometimes(a) => Some(a),
        }
    }
}
