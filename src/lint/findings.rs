//! What several rules add to a finding: where a shared set brought an entry from, the
//! `credentials true` that makes it worse, and the fix that rewrites an entry.

use super::context::LintContext;
use super::entries::EntryUse;
use super::meta::RuleMeta;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::ir::OriginEntry;
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

/// A fix that replaces one value with one or more quoted strings.
pub(crate) fn replace_with_strings(description: String, span: Span, values: &[String]) -> Fix {
    let replacement = values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ");
    Fix {
        description,
        edits: vec![Edit { span, replacement }],
    }
}

/// A fix that rewrites an entry into the one origin it should have been.
pub(crate) fn rewrite(description: String, e: &OriginEntry, origin: &str) -> Fix {
    replace_with_strings(description, e.span, &[origin.to_string()])
}
