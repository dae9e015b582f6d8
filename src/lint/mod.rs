//! Lint: rules over the IR → diagnostics.
//!
//! A file is checked once for its base policies and once per profile it defines, and every rule
//! runs on each. Findings that appear only in some profiles say so. Suppressions (`@allow`)
//! count as used if they silenced something in any run; the rest are reported.

pub mod config;
pub mod context;
pub mod docs;
pub(crate) mod regex_check;
pub mod registry;
pub mod rule;
mod rules;

pub use config::{LintConfig, Selector};
pub use rule::{Category, Level, Rule, RuleMeta};

use crate::check;
use crate::diagnostics::{self, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;
use context::LintContext;
use std::collections::BTreeMap;

/// A finding's identity across profile runs: code, primary span and message.
type FindingKey = (&'static str, Span, String);

/// Checks and lints a parsed file across its base policies and every profile, or for one
/// profile only when `only` names it.
#[must_use]
pub fn lint_file(file: &ast::File, config: &LintConfig, only: Option<&str>) -> Vec<Diagnostic> {
    let profiles = check::profile_names(file);
    let runs: Vec<Option<&str>> = match only {
        Some(p) => vec![Some(p)],
        None => std::iter::once(None)
            .chain(profiles.iter().map(|p| Some(p.as_str())))
            .collect(),
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    // (code, span, message) → (diagnostic, the runs it appeared in)
    let mut findings: BTreeMap<FindingKey, (Diagnostic, Vec<Option<&str>>)> = BTreeMap::new();
    let mut used: Vec<bool> = Vec::new();
    let mut last_set = None;
    for run in &runs {
        let checked = check::check(file, *run);
        // A file past corsc's limits is refused whatever the profile; checking it again for
        // each profile would multiply the work the limit is there to bound.
        let over_limit = checked
            .diagnostics
            .iter()
            .any(|d| d.code == crate::diagnostics::codes::LIMIT_EXCEEDED.code);
        out.extend(checked.diagnostics);
        if over_limit {
            break;
        }
        let Some(set) = checked.policies else {
            continue;
        };
        let mut cx = LintContext::new(config, &set.suppressions);
        for rule in registry::RULES {
            rule.check(&set, &mut cx);
        }
        if used.len() < cx.used.len() {
            used.resize(cx.used.len(), false);
        }
        for (u, c) in used.iter_mut().zip(&cx.used) {
            *u |= *c;
        }
        for d in cx.findings {
            let key = (d.code, d.primary.span, d.message.clone());
            findings
                .entry(key)
                .or_insert_with(|| (d, Vec::new()))
                .1
                .push(*run);
        }
        last_set = Some(set);
    }
    for (_, (mut d, seen_in)) in findings {
        if only.is_none() && !seen_in.contains(&None) {
            let names: Vec<String> = seen_in.iter().flatten().map(|p| format!("`{p}`")).collect();
            d.notes.insert(
                0,
                format!(
                    "only with profile{} {}",
                    if names.len() > 1 { "s" } else { "" },
                    names.join(", ")
                ),
            );
        }
        out.push(d);
    }
    if let Some(set) = last_set {
        let mut cx = LintContext::new(config, &[]);
        for (i, s) in set.suppressions.iter().enumerate() {
            let mut known = true;
            for r in &s.rules {
                if registry::find(&r.node).is_none() {
                    rules::unknown_suppressed_rule::report(r, &mut cx);
                    known = false;
                }
            }
            if known && !used.get(i).copied().unwrap_or(false) {
                rules::unused_suppression::report(s, &mut cx);
            }
        }
        out.extend(cx.findings);
    }
    diagnostics::sort(&mut out);
    out
}
