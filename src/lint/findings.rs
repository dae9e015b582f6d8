//! What several rules add to a finding: where a shared set brought an entry from, the
//! `credentials true` that makes it worse, and the fix that rewrites an entry.

use super::context::LintContext;
use super::entries::{in_main_directive, use_site, EntryUse};
use super::meta::RuleMeta;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::ir::{OriginEntry, Policy};
use crate::source::Span;

/// Reports a finding about an entry, noting where a shared set brought it from.
pub(crate) fn report_entry(
    cx: &mut LintContext<'_>,
    meta: &'static RuleMeta,
    e: &OriginEntry,
    mut d: Diagnostic,
) {
    if let Some(n) = via_note(e) {
        d = d.with_note(n);
    }
    cx.report(meta, d);
}

/// Where an entry came from, when it was reached through a set: a note for the diagnostic.
fn via_note(e: &OriginEntry) -> Option<String> {
    if e.via.is_empty() {
        None
    } else {
        Some(format!(
            "this entry is part of the origin set {}",
            e.via
                .iter()
                .map(|v| format!("`{}`", v.node))
                .collect::<Vec<_>>()
                .join(" → ")
        ))
    }
}

/// Points a finding at the `credentials true` that makes it worse, if one is written.
pub(crate) fn credentials_here(d: Diagnostic, credentials: Option<Span>) -> Diagnostic {
    match credentials {
        Some(c) => d.with_secondary(c, "credentials are allowed here"),
        None => d,
    }
}

/// Raises a finding to an error when a credentialed policy uses the entry, pointing at its
/// `credentials true`: what a lax origin may read then includes every user's data.
pub(crate) fn raise_if_credentialed(u: &EntryUse<'_>, mut d: Diagnostic) -> Diagnostic {
    if u.credentialed {
        d.severity = Severity::Error;
        d = credentials_here(d, u.credentials);
    }
    d
}

/// A fix that replaces one value with one or more quoted strings. It is unsafe: every rule that
/// uses it turns an entry that never matched into origins that do, which changes what the
/// policy allows (plainly to what was meant, but a person should see it happen).
pub(crate) fn replace_with_strings(description: String, span: Span, values: &[String]) -> Fix {
    let replacement = values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ");
    Fix::changing(description, vec![Edit { span, replacement }])
}

/// A fix that rewrites an entry into the one origin it should have been.
pub(crate) fn rewrite(description: String, e: &OriginEntry, origin: &str) -> Fix {
    replace_with_strings(description, e.span, &[origin.to_string()])
}

/// The places of the values written in one policy's `origins` directives, each sorted, built
/// when a removal first asks: what [`Sites::removal`] needs to take one value out of its list
/// with one comma.
pub(crate) struct Sites<'a> {
    policy: &'a Policy,
    /// The directive the policy's `origins` records, then a profile's `+=`.
    sites: [Option<Vec<Span>>; 2],
}

impl<'a> Sites<'a> {
    /// Nothing built yet.
    pub(crate) fn new(policy: &'a Policy) -> Self {
        Self {
            policy,
            sites: [None, None],
        }
    }

    /// The text that removes an entry written in the policy's own directive, with one comma:
    /// back to the end of the value before it in that directive, or up to the value after it.
    /// `None` for an entry reached through a set, or alone in its directive.
    pub(crate) fn removal(&mut self, e: &OriginEntry) -> Option<Span> {
        if !e.via.is_empty() {
            return None;
        }
        let p = self.policy;
        let main = in_main_directive(p, e);
        let values = self.sites[usize::from(main)].get_or_insert_with(|| {
            let mut v: Vec<Span> = p
                .origins
                .value
                .iter()
                .filter(|x| in_main_directive(p, x) == main)
                .map(use_site)
                .collect();
            v.sort_by_key(|s| s.start);
            v.dedup();
            v
        });
        let i = values
            .binary_search_by_key(&e.span.start, |s| s.start)
            .ok()?;
        if i > 0 {
            Some(Span::new(values[i - 1].end, e.span.end))
        } else {
            values
                .get(i + 1)
                .map(|next| Span::new(e.span.start, next.start))
        }
    }
}

/// A safe fix that deletes `span` (a value and one comma beside it).
pub(crate) fn remove(description: String, span: Span) -> Fix {
    Fix::safe(
        description,
        vec![Edit {
            span,
            replacement: String::new(),
        }],
    )
}
