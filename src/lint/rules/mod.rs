//! One file per rule. Each holds the rule's metadata, its documentation and its check.

pub(crate) mod origin_has_path;
pub(crate) mod origin_missing_scheme;
pub(crate) mod space_separated_origins;
pub(crate) mod unknown_suppressed_rule;
pub(crate) mod unused_suppression;
pub(crate) mod wildcard_with_credentials;

use crate::diagnostics::{Edit, Fix};
use crate::ir::{OriginEntry, PolicySet};
use crate::source::Span;

/// Every origin entry of every policy, each once (entries reached through a shared set appear
/// in several policies but are reported at one place).
pub(crate) fn unique_entries(set: &PolicySet) -> Vec<&OriginEntry> {
    let mut seen: Vec<Span> = Vec::new();
    let mut out = Vec::new();
    for p in &set.policies {
        for e in &p.origins.value {
            if !seen.contains(&e.span) {
                seen.push(e.span);
                out.push(e);
            }
        }
    }
    out
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

/// Where an entry came from, when it was reached through a set: a note for the diagnostic.
pub(crate) fn via_note(e: &OriginEntry) -> Option<String> {
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
