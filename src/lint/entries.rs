//! What several rules ask about origin entries: each entry once, the credentials of the
//! policies that use it, its host and scheme, where a shared set brought it from, and the fix
//! that rewrites it.

use crate::diagnostics::{Edit, Fix};
use crate::ir::{HostPattern, OriginEntry, OriginKind, PolicySet};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// Every origin entry of every policy, each once (entries reached through a shared set appear
/// in several policies but are reported at one place).
pub(crate) fn unique_entries(set: &PolicySet) -> Vec<&OriginEntry> {
    let mut seen: HashSet<Span> = HashSet::new();
    let mut out = Vec::new();
    for p in &set.policies {
        for e in &p.origins.value {
            if seen.insert(e.span) {
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

/// An origin entry with what the policies that use it say about credentials.
pub(crate) struct EntryUse<'a> {
    /// The entry.
    pub(crate) entry: &'a OriginEntry,
    /// The `credentials true` directive of the first credentialed policy that uses the entry.
    pub(crate) credentials: Option<Span>,
    /// Whether a credentialed policy uses it (a default `credentials` is never `true`).
    pub(crate) credentialed: bool,
}

/// Every origin entry once, with whether any policy that uses it allows credentials: an entry
/// in a shared set is as dangerous as the most permissive policy that includes it.
pub(crate) fn entry_uses(set: &PolicySet) -> Vec<EntryUse<'_>> {
    let mut out: Vec<EntryUse<'_>> = Vec::new();
    let mut index: HashMap<Span, usize> = HashMap::new();
    for p in &set.policies {
        for e in &p.origins.value {
            let cred = p.credentials.value;
            if let Some(u) = index.get(&e.span).and_then(|&i| out.get_mut(i)) {
                if cred && !u.credentialed {
                    u.credentialed = true;
                    u.credentials = p.credentials.span;
                }
            } else {
                index.insert(e.span, out.len());
                out.push(EntryUse {
                    entry: e,
                    credentials: if cred { p.credentials.span } else { None },
                    credentialed: cred,
                });
            }
        }
    }
    out
}

/// The host an exact origin or a pattern names (the base of a subdomain wildcard).
pub(crate) fn host_of(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Exact(o) => Some(&o.host),
        OriginKind::Pattern(p) => match &p.host {
            HostPattern::Exact(h) | HostPattern::Subdomains(h) => Some(h),
        },
        _ => None,
    }
}

/// The scheme of an exact origin or a pattern.
pub(crate) fn scheme_of(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Exact(o) => Some(&o.scheme),
        OriginKind::Pattern(p) => Some(&p.scheme),
        _ => None,
    }
}
