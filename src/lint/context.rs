//! The context a rule reports into: applies configured levels and in-file suppressions.

use super::config::LintConfig;
use super::rule::RuleMeta;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::Suppression;
use crate::source::Span;

/// Collects findings for one policy set.
#[derive(Debug)]
pub struct LintContext<'a> {
    config: &'a LintConfig,
    suppressions: &'a [Suppression],
    /// Per suppression: whether it silenced something.
    pub(crate) used: Vec<bool>,
    pub(crate) findings: Vec<Diagnostic>,
}

impl<'a> LintContext<'a> {
    pub(crate) fn new(config: &'a LintConfig, suppressions: &'a [Suppression]) -> Self {
        Self {
            config,
            suppressions,
            used: vec![false; suppressions.len()],
            findings: Vec::new(),
        }
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
            None if meta.default_level == super::rule::Level::Allow => return,
            None => {}
        }
        for (i, s) in self.suppressions.iter().enumerate() {
            let covers = s.scope.start <= d.primary.span.start && d.primary.span.end <= s.scope.end;
            let names = s
                .rules
                .iter()
                .any(|r| r.node == meta.name || r.node.eq_ignore_ascii_case(meta.code));
            if covers && names {
                self.used[i] = true;
                return;
            }
        }
        self.findings.push(d);
    }
}
