//! The context a rule reports into: applies configured levels and in-file suppressions.
//!
//! Rules depend on the context, never the reverse, and the context knows rules only by their
//! metadata: the list of every rule comes in as data, so a rule that needs it (an `@allow`
//! naming no rule) does not import the registry.

use super::config::LintConfig;
use super::meta::{Level, RuleMeta};
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::Suppression;
use crate::source::Span;

/// Collects findings for one policy set.
#[derive(Debug)]
pub struct LintContext<'a> {
    config: &'a LintConfig,
    suppressions: &'a [Suppression],
    known: &'a [&'static RuleMeta],
    /// Per suppression: whether it silenced something.
    pub(crate) used: Vec<bool>,
    pub(crate) findings: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    /// A context for one set's `suppressions`; `known` is every rule there is.
    pub(crate) fn new(
        config: &'a LintConfig,
        suppressions: &'a [Suppression],
        known: &'a [&'static RuleMeta],
    ) -> Self {
        Self {
            config,
            suppressions,
            known,
            used: vec![false; suppressions.len()],
            findings: Vec::new(),
        }
    }

    /// Every rule there is.
    #[must_use]
    pub fn known_rules(&self) -> &'a [&'static RuleMeta] {
        self.known
    }

    /// Starts a finding of `rule` at its default severity.
    #[must_use]
    pub fn diag(meta: &'static RuleMeta, message: impl Into<String>, span: Span) -> Diagnostic {
        let severity = meta.default_level.severity().unwrap_or(Severity::Note);
        Diagnostic::new(meta.code, meta.name, severity, message, span)
    }

    /// Reports a finding. The configured level, if any, replaces the rule's severity; a
    /// suppression whose scope holds the finding silences it.
    pub fn report(&mut self, meta: &'static RuleMeta, mut d: Diagnostic) {
        match self.config.level_for(meta) {
            Some(level) => match level.severity() {
                Some(s) => d.severity = s,
                None => return,
            },
            None if meta.default_level == Level::Allow => return,
            None => {}
        }
        for (i, s) in self.suppressions.iter().enumerate() {
            let covers = s.scope.start <= d.primary.span.start && d.primary.span.end <= s.scope.end;
            let names = s.rules.iter().any(|r| meta.is_named(&r.node));
            if covers && names {
                self.used[i] = true;
                return;
            }
        }
        self.findings.push(d);
    }
}
