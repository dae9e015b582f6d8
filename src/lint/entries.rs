//! What several rules ask about origin entries: each entry once (or each regex, each defect,
//! each `*`), the credentials of the policies that use it, and its scheme and host.

use super::regex_check;
use crate::ir::{HostPattern, OriginDefect, OriginEntry, OriginKind, Policy, PolicySet};
use crate::source::Span;
// foldhash: several times faster than the standard SipHash on these small keys, and still
// seeded per process, so a crafted policy cannot aim for collisions in advance.
use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};

/// Every origin entry of every policy, each once (entries reached through a shared set appear
/// in several policies but are reported at one place).
pub(crate) fn unique_entries(set: &PolicySet) -> Vec<&OriginEntry> {
    let n = set.policies.iter().map(|p| p.origins.value.len()).sum();
    let mut seen: HashSet<Span> = HashSet::with_capacity(n);
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

/// Every `regex` entry once, with its source.
pub(crate) fn regexes(set: &PolicySet) -> impl Iterator<Item = (&OriginEntry, &str)> {
    unique_entries(set)
        .into_iter()
        .filter_map(|e| match &e.kind {
            OriginKind::Regex(src) => Some((e, src.as_str())),
            _ => None,
        })
}

/// Every `regex` entry once that does not match any origin. One that does is reported whole
/// by regex-matches-any-origin; the rules about its parts would only repeat that.
pub(crate) fn regexes_short_of_any(set: &PolicySet) -> impl Iterator<Item = (&OriginEntry, &str)> {
    regexes(set).filter(|(_, src)| regex_check::matches_any_origin(src).is_none())
}

/// Every entry that is no origin as written, once, with what is wrong with it.
pub(crate) fn defects(set: &PolicySet) -> impl Iterator<Item = (&OriginEntry, &OriginDefect)> {
    unique_entries(set)
        .into_iter()
        .filter_map(|e| match &e.kind {
            OriginKind::Invalid(defect) => Some((e, defect)),
            _ => None,
        })
}

/// Every policy that allows any origin, with its first `*` entry.
pub(crate) fn any_origin(set: &PolicySet) -> impl Iterator<Item = (&Policy, &OriginEntry)> {
    set.policies.iter().filter_map(|p| {
        let any = p
            .origins
            .value
            .iter()
            .find(|e| matches!(e.kind, OriginKind::Any))?;
        Some((p, any))
    })
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
    let n = set.policies.iter().map(|p| p.origins.value.len()).sum();
    let mut index: HashMap<Span, usize> = HashMap::with_capacity(n);
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

/// The scheme and host of an exact origin or a pattern.
pub(crate) fn scheme_and_host(kind: &OriginKind) -> Option<(&str, &str)> {
    Some((scheme_of(kind)?, host_of(kind)?))
}

/// The base of a subdomain wildcard: `example.com` for `https://*.example.com`.
pub(crate) fn subdomain_base(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Pattern(p) => match &p.host {
            HostPattern::Subdomains(base) => Some(base),
            HostPattern::Exact(_) => None,
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
