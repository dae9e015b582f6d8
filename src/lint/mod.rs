//! Lint: rules over the IR → diagnostics.
//!
//! [`lint`] runs every rule over one resolved policy set. A file is resolved once for its base
//! policies and once per profile it defines; [`merge`] puts the reports of those runs together:
//! each finding once, marked with the profiles it appears in when the base policies do not have
//! it. Suppressions (`@allow`) count as used if they silenced something in any run; the rest are
//! reported. Lint never sees the syntax tree and never calls the checker: `crate::pipeline`
//! does that and hands it the IR.

pub mod config;
pub mod context;
pub mod docs;
pub(crate) mod entries;
pub(crate) mod findings;
pub(crate) mod hosts;
pub(crate) mod lists;
pub mod meta;
pub(crate) mod regex_check;
pub mod registry;
pub mod report;
pub mod rule;
mod rules;

pub use config::{LintConfig, Selector};
pub use meta::{Category, FixAvailability, Level, RuleMeta};
pub use report::{Finding, LintReport, Merged};
pub use rule::Rule;

use crate::diagnostics::Diagnostic;
use crate::ir::{PolicySet, Suppression};
use crate::source::Span;
use context::LintContext;
use std::collections::BTreeMap;

/// A finding's identity across runs: code, primary span and message.
type FindingKey = (&'static str, Span, String);

/// Runs every rule over one resolved policy set.
#[must_use]
pub fn lint(set: &PolicySet, config: &LintConfig) -> LintReport {
    let known = registry::metas();
    let mut cx = LintContext::new(config, &set.suppressions, &known);
    for rule in registry::RULES {
        rule.check(set, &mut cx);
    }
    LintReport {
        profile: set.profile.clone(),
        findings: cx.findings,
        used: cx.used,
    }
}

/// Merges the reports of one file's runs, in the order they ran. `suppressions` are the file's
/// `@allow`s (the same in every run that gave a set; none when no run did).
///
/// A finding is kept once, as the first run reported it. When the base policies are among the
/// runs, a finding they do not have records the profiles it was seen in. A suppression that
/// silenced nothing in any run is reported, unless it names a rule that does not exist, which
/// is reported instead.
#[must_use]
pub fn merge<'a>(
    reports: impl IntoIterator<Item = &'a LintReport>,
    suppressions: &[Suppression],
    config: &LintConfig,
) -> Merged {
    let mut base_linted = false;
    let mut seen: BTreeMap<FindingKey, (&Diagnostic, Vec<Option<&str>>)> = BTreeMap::new();
    let mut used = vec![false; suppressions.len()];
    for r in reports {
        base_linted |= r.profile.is_none();
        for (u, c) in used.iter_mut().zip(&r.used) {
            *u |= *c;
        }
        for d in &r.findings {
            let key = (d.code, d.primary.span, d.message.clone());
            seen.entry(key)
                .or_insert_with(|| (d, Vec::new()))
                .1
                .push(r.profile.as_deref());
        }
    }
    let findings = seen
        .into_values()
        .map(|(d, seen_in)| Finding {
            diagnostic: d.clone(),
            only_in: if base_linted && !seen_in.contains(&None) {
                seen_in.into_iter().flatten().map(str::to_string).collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    let known = registry::metas();
    let mut cx = LintContext::new(config, &[], &known);
    for (s, used) in suppressions.iter().zip(used) {
        let mut all_known = true;
        for r in &s.rules {
            if registry::find(&r.node).is_none() {
                rules::unknown_suppressed_rule::report(r, &mut cx);
                all_known = false;
            }
        }
        if all_known && !used {
            rules::unused_suppression::report(s, &mut cx);
        }
    }
    Merged {
        findings,
        suppressions: cx.findings,
    }
}
