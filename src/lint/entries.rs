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
///
/// An entry written in a policy's own directive (no set on its way) is typed for that policy
/// alone and once, so only the entries reached through sets are remembered: a long allowlist
/// written in place costs no index.
pub(crate) fn unique_entries(set: &PolicySet) -> impl Iterator<Item = &OriginEntry> {
    let mut seen: HashSet<Span> = HashSet::new();
    set.policies
        .iter()
        .flat_map(|p| &p.origins.value)
        .filter(move |e| e.via.is_empty() || seen.insert(e.span))
}

/// Every `regex` entry once, with its source.
pub(crate) fn regexes(set: &PolicySet) -> impl Iterator<Item = (&OriginEntry, &str)> {
    unique_entries(set).filter_map(|e| match &e.kind {
        OriginKind::Regex(src) => Some((e, &**src)),
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
    unique_entries(set).filter_map(|e| match &e.kind {
        OriginKind::Invalid(defect) => Some((e, &**defect)),
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
///
/// As for [`unique_entries`], only entries reached through sets can be used by several
/// policies, so only they are indexed (by span, with the first credentialed policy's
/// directive); entries written in place are yielded as they come, in the same order.
pub(crate) fn entry_uses(set: &PolicySet) -> impl Iterator<Item = EntryUse<'_>> {
    let mut shared: HashMap<Span, (bool, Option<Span>)> = HashMap::new();
    for p in &set.policies {
        let cred = p.credentials.value;
        for e in p.origins.value.iter().filter(|e| !e.via.is_empty()) {
            let u = shared.entry(e.span).or_insert((false, None));
            if cred && !u.0 {
                *u = (true, p.credentials.span);
            }
        }
    }
    set.policies
        .iter()
        .flat_map(move |p| {
            let cred = p.credentials.value;
            let span = if cred { p.credentials.span } else { None };
            p.origins.value.iter().map(move |e| (e, cred, span))
        })
        .filter_map(move |(e, cred, span)| {
            let (credentialed, credentials) = if e.via.is_empty() {
                (cred, span)
            } else {
                // The first time the entry is met; later meetings find it gone.
                shared.remove(&e.span)?
            };
            Some(EntryUse {
                entry: e,
                credentials,
                credentialed,
            })
        })
}

/// Where an entry is written in its policy: its own place, or the set reference that brought
/// it.
pub(crate) fn use_site(e: &OriginEntry) -> Span {
    e.via.iter().next().map_or(e.span, |r| r.span)
}

/// Whether an entry is written (or its set referred to) in the directive the policy's `origins`
/// setting records: the base's, or a profile's `origins =`. The others come from a profile's
/// `origins +=`, which adds to the base's in that profile only.
pub(crate) fn in_main_directive(p: &Policy, e: &OriginEntry) -> bool {
    let s = use_site(e);
    p.origins
        .span
        .is_some_and(|d| d.start <= s.start && s.end <= d.end)
}

/// The host an exact origin or a pattern names (the base of a subdomain wildcard).
pub(crate) fn host_of(kind: &OriginKind) -> Option<&str> {
    match kind {
        OriginKind::Exact(o) => Some(o.host()),
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
        OriginKind::Exact(o) => Some(o.scheme()),
        OriginKind::Pattern(p) => Some(&p.scheme),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn set(text: &str) -> PolicySet {
        let source = Source::new("t.cors".to_string(), text.to_string());
        let file = crate::syntax::parse(&source).expect("parses");
        crate::check::check(&file, None).policies.expect("checks")
    }

    /// An entry of a set used by two policies is listed once, as credentialed as the most
    /// permissive of them; entries written in place are listed each, with their own policy's.
    #[test]
    fn entries_are_listed_once_with_the_most_permissive_use() {
        let s = set(concat!(
            "origins shared = [\"https://s.example\"]\n",
            "policy a {\n    paths \"/a/*\"\n    origins shared, \"https://a.example\"\n}\n",
            "policy b {\n    paths \"/b/*\"\n    origins \"https://b.example\", shared\n    credentials true\n}\n",
        ));
        let uses: Vec<(&str, bool, bool)> = entry_uses(&s)
            .map(|u| (u.entry.raw(), u.credentialed, u.credentials.is_some()))
            .collect();
        assert_eq!(
            uses,
            [
                ("https://s.example", true, true),
                ("https://a.example", false, false),
                ("https://b.example", true, true),
            ]
        );
        let once: Vec<&str> = unique_entries(&s).map(OriginEntry::raw).collect();
        assert_eq!(
            once,
            [
                "https://s.example",
                "https://a.example",
                "https://b.example"
            ]
        );
    }
}
